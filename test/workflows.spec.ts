/**
 * The delivery invariants a change board relies on, read from the workflow files themselves, so a
 * later edit cannot silently undo them: what is applied is the reviewed saved plan from a verified
 * bundle, the baseline has its own plan and gate, the plan is gated by Checkov and the compliance
 * packs, drift is checked daily, Terraform is pinned inside the stacks' required_version, and every
 * third-party action is pinned to a commit.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { TERRAFORM_REQUIRED_VERSION } from '../src/stacks/common';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIR = join(__dirname, '..', '.github', 'workflows');
const read = (name: string): Json => parse(readFileSync(join(DIR, name), 'utf8')) as Json;
const scripts = (job: Json): string => (job.steps as Json[]).map((s) => String(s.run ?? '')).join('\n');
const uses = (job: Json): string[] => (job.steps as Json[]).map((s) => String(s.uses ?? '')).filter(Boolean);

describe('platform workflow', () => {
  const wf = read('platform.yml');
  const jobs: Json = wf.jobs;

  it('applies only saved plans from a verified bundle: no synth, no plan, no --auto-approve in a deploy job', () => {
    for (const name of ['deploy-platform', 'deploy-baseline']) {
      const run = scripts(jobs[name]);
      expect([name, run]).toEqual([name, expect.stringMatching(/bundle -- apply --bundle "bundle\/\$STACK" --stack "\$STACK" --commit "\$GITHUB_SHA" --manifest-sha256 "\$MANIFEST_SHA256"/)]);
      expect([name, /auto-approve|cdktf (deploy|plan)|terraform (plan|apply)|npm run synth/.test(run)]).toEqual([name, false]);
      expect(uses(jobs[name]).some((u) => u.startsWith('actions/download-artifact@'))).toBe(true);
    }
    expect(JSON.stringify(wf)).not.toMatch(/auto-approve/);
  });

  it('pins the manifest hash the plan job printed into the deploy of the same stack', () => {
    expect(jobs['deploy-platform'].needs).toBe('plan-platform');
    expect(jobs['deploy-platform'].steps.at(-1).env.MANIFEST_SHA256).toBe('${{ needs.plan-platform.outputs.manifest-sha256 }}');
    expect(jobs['deploy-baseline'].steps.at(-1).env.MANIFEST_SHA256).toBe('${{ needs.plan-baseline.outputs.manifest-sha256 }}');
    expect(jobs['plan-platform'].outputs['manifest-sha256']).toBe('${{ steps.bundle.outputs.manifest-sha256 }}');
  });

  it('plans the baseline only after its platform is applied, behind its own approval gate, on the configured runner', () => {
    expect(jobs['plan-baseline'].needs).toBe('deploy-platform');
    expect(jobs['deploy-baseline'].needs).toBe('plan-baseline');
    expect(jobs['deploy-baseline'].environment).toBe('${{ inputs.cloud }}-${{ inputs.environment }}-baseline');
    expect(jobs['deploy-platform'].environment).toBe('${{ inputs.cloud }}-${{ inputs.environment }}');
    for (const name of ['plan-baseline', 'deploy-baseline']) expect(jobs[name]['runs-on']).toContain("vars[format('BASELINE_RUNNER_{0}_{1}'");
    // The platform jobs run where the state storage is reachable (Azure: no public network access).
    for (const name of ['plan-platform', 'deploy-platform']) expect(jobs[name]['runs-on']).toContain("vars[format('PLATFORM_RUNNER_{0}'");
  });

  it('gates every plan with Checkov over the plan JSON and with the compliance packs, and uploads the bundle', () => {
    for (const name of ['plan-platform', 'plan-baseline']) {
      const run = scripts(jobs[name]);
      expect(run).toContain('npm run --silent bundle -- plan --stack-dir "cdktf.out/stacks/$STACK" --out "bundle/$STACK" --commit "$GITHUB_SHA"');
      expect(run).toContain('bash scripts/checkov.sh --plan "bundle/$STACK/plan.json"');
      expect(run).toContain('npm run --silent bundle -- gate --bundle "bundle/$STACK"');
      expect(run).toContain('>> "$GITHUB_STEP_SUMMARY"');
      expect(run.match(/npm run synth/g)).toHaveLength(1); // synthesized once
      const upload = (jobs[name].steps as Json[]).find((s) => String(s.uses).startsWith('actions/upload-artifact@'))!;
      expect(upload.with).toMatchObject({ 'include-hidden-files': true, 'if-no-files-found': 'error' });
    }
  });

  it('requires terraform validate with the pinned providers in the verify job (the registry is reachable there)', () => {
    const ci = (jobs.verify.steps as Json[]).find((st) => st.run === 'bash .ci/run')!;
    expect(ci.env.REQUIRE_TERRAFORM_VALIDATE).toBe('1');
    expect(uses(jobs.verify).some((u) => u.startsWith('hashicorp/setup-terraform@'))).toBe(true);
  });

  it('deploys only from main, on a manual dispatch', () => {
    expect(jobs['deploy-platform'].if).toBe("github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main'");
  });
});

describe('drift workflow', () => {
  const wf = read('drift.yml');
  const job: Json = wf.jobs.drift;

  it('runs daily and plans every stack of every environment with -detailed-exitcode, failing on drift', () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(job.strategy.matrix).toEqual({ cloud: ['aws', 'azure', 'gcp'], environment: ['dev', 'staging', 'prod'], role: ['platform', 'baseline'] });
    const run = scripts(job);
    expect(run).toContain('-detailed-exitcode');
    expect(run).toMatch(/elif \[ "\$rc" -eq 2 \]; then[\s\S]*exit 1/);
    expect(run).not.toMatch(/terraform apply|auto-approve/);
  });
});

describe('every workflow', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

  it.each(files)('%s pins third-party actions to a commit and Terraform inside required_version', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const m of text.matchAll(/uses: ([^\s#]+)/g)) expect(m[1]).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const versions = [...text.matchAll(/terraform_version: (\S+)/g)].map((m) => m[1]);
    for (const v of versions) {
      const [major, minor] = v.split('.').map(Number);
      expect(TERRAFORM_REQUIRED_VERSION).toBe('>= 1.10.0, < 2.0.0');
      expect([v, major === 1 && minor >= 10]).toEqual([v, true]);
    }
  });
});
