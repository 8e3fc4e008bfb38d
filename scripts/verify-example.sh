#!/usr/bin/env bash
# The example that builds (issue 13): examples/bank-app is a separate package that installs this one
# by file: path, as a bank's platform team would. This builds the library (dist/ with declarations),
# installs the example from its lock file, type-checks it against the library's declarations (no
# skipLibCheck), synthesizes it, and checks what its README promises (scripts/lib/check-example.cjs):
# seven stacks (platform, baseline and vault per environment, one state bootstrap), the DR environment in eu-central-1 with its batch pool, its own state key, the bank's
# compliance rule judged in the evidence, the CI identities of both environments.
#
#   bash scripts/verify-example.sh              # the check
#   bash scripts/verify-example.sh --self-test  # the checker must fail on planted defects
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
example="$root/examples/bank-app"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log() { echo "[verify-example] $*"; }

build_and_synth() {
  (cd "$root" && npm run --silent build)
  (cd "$example" && npm ci --no-audit --no-fund --loglevel=error)
  local started=$SECONDS
  (cd "$example" && npx --no-install tsc -p tsconfig.json)
  log "example type-checks against the library's declarations ($((SECONDS - started))s)"
  mkdir -p "$work/out"
  (cd "$example" && CDKTF_OUTDIR="$work/out/cdktf.out" node dist/main.js)
}

if [ "${1:-}" = "--self-test" ]; then
  build_and_synth
  node "$root/scripts/lib/check-example.cjs" "$work/out/cdktf.out" > /dev/null
  # Planted defects: the batch pool removed, the state key moved, the bank's rule missing from a report.
  cp -r "$work/out/cdktf.out" "$work/broken"
  node -e '
    const fs = require("fs"); const dir = process.argv[1] + "/stacks/";
    const tf = dir + "aws-dr-platform/cdk.tf.json"; const j = JSON.parse(fs.readFileSync(tf, "utf8"));
    for (const [id, g] of Object.entries(j.resource.aws_eks_node_group)) if (g.labels.workload === "batch") delete j.resource.aws_eks_node_group[id];
    j.terraform.backend.s3.key = "aws/prod/aws-dr-platform.tfstate";
    fs.writeFileSync(tf, JSON.stringify(j));
    const rf = dir + "aws-prod-platform/compliance-report.json"; const r = JSON.parse(fs.readFileSync(rf, "utf8"));
    r.controls = r.controls.filter((c) => !JSON.stringify(c).includes("bank-eks-approved-node-image"));
    fs.writeFileSync(rf, JSON.stringify(r));
  ' "$work/broken"
  if out="$(node "$root/scripts/lib/check-example.cjs" "$work/broken")"; then
    echo "$out"; echo "verify-example self-test FAILED: planted defects passed" >&2; exit 1
  fi
  for want in "node pools" "state at" "does not list the bank's rule"; do
    grep -q "$want" <<<"$out" || { echo "$out"; echo "verify-example self-test FAILED: no failure naming '$want'" >&2; exit 1; }
  done
  log "self-test: PASS (the checker names the missing pool, the moved state key and the missing rule)"
  exit 0
fi

build_and_synth
if ! node "$root/scripts/lib/check-example.cjs" "$work/out/cdktf.out"; then
  echo "verify-example: FAIL" >&2
  exit 1
fi
log "PASS: $(ls "$work/out/cdktf.out/stacks" | wc -l) stacks; aws-dr-platform has app, security and batch pools, state aws/dr/aws-dr-platform.tfstate; bank-eks-approved-node-image judged in the evidence"
