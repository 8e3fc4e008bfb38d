/**
 * Reviewed plan -> that plan applied. The workflow's plan job writes a bundle per
 * stack, reviewers read it, and the deploy job applies exactly that saved plan.
 *
 *   node --import tsx scripts/bundle.ts plan --stack-dir cdktf.out/stacks/aws-prod-platform --out bundle/aws-prod-platform --commit "$GITHUB_SHA"
 *   node --import tsx scripts/bundle.ts verify --bundle bundle/aws-prod-platform --commit "$GITHUB_SHA" [--stack aws-prod-platform] [--max-age-hours 168] [--manifest-sha256 <hex>]
 *   node --import tsx scripts/bundle.ts apply  --bundle bundle/aws-prod-platform --commit "$GITHUB_SHA" [--stack ...] [--max-age-hours 168] [--manifest-sha256 <hex>]
 *   node --import tsx scripts/bundle.ts summary bundle/* >> "$GITHUB_STEP_SUMMARY"
 *
 * plan     in a copy of the stack folder (cdktf.out stays as synthesized; the
 *          Terraform, backend included, is not changed): terraform init (writes the
 *          lock file the bundle carries), plan -out, show -json, show; then the bundle:
 *          cdk.tf.json, .terraform.lock.hcl, assets/, plan.tfplan, plan.json, plan.txt,
 *          compliance-report.{json,md}, summary.json and manifest.json (sha256 of
 *          every other file). Prints the manifest's sha256 to pin it downstream.
 * verify   fails on a changed, missing or extra file, another commit or stack, a
 *          bundle older than --max-age-hours, a malformed manifest, or a manifest
 *          whose sha256 is not the pinned one.
 * apply    verifies a copy of the bundle, then in that copy terraform init
 *          -lockfile=readonly (providers exactly as locked at plan time) and terraform
 *          apply plan.tfplan. Terraform refuses a stale plan (state changed since);
 *          that is reported and fails.
 * summary  a Markdown table (stack, add, change, replace, destroy, compliance,
 *          manifest sha256) for $GITHUB_STEP_SUMMARY; destroys and replacements in bold.
 *
 * Exit: 0 ok; 1 a problem (one line each); 2 did not run (terraform missing, bad arguments).
 */
import { main } from './lib/bundle';

main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
