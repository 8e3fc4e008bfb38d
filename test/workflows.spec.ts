/**
 * The delivery invariants a change board relies on, read from the workflow files themselves, so a
 * later edit cannot silently undo them: what is applied is the reviewed saved plan from a verified
 * bundle, the baseline has its own plan and gate, the plan is gated by Checkov and the compliance
 * packs, drift is checked daily, Terraform is pinned inside the stacks' required_version, every
 * third-party action is pinned to a commit, the matrix of environments is generated from the fleet
 * (`npm run fleet:matrix`), never listed in a workflow, and the vault jobs hand the databases' bootstrap
 * passwords to Terraform in their plan and apply steps alone, only when the environment has the secret.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CLOUDS, TIERS } from '../src/config';
import { TERRAFORM_REQUIRED_VERSION } from '../src/stacks/common';
import { REFERENCE_FLEET } from './helpers/environments';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DIR = join(__dirname, '..', '.github', 'workflows');
const read = (name: string): Json => parse(readFileSync(join(DIR, name), 'utf8')) as Json;
const scripts = (job: Json): string => (job.steps as Json[]).map((s) => String(s.run ?? '')).join('\n');
const uses = (job: Json): string[] => (job.steps as Json[]).map((s) => String(s.uses ?? '')).filter(Boolean);
const REPO = join(__dirname, '..');
const FLEET_MATRIX = '${{ fromJSON(needs.targets.outputs.matrix) }}';

/** The checkout and setup-node pins of a job (the targets job must use the same ones as the others). */
const pins = (job: Json, action: string): string[] => uses(job).filter((u) => u.startsWith(`${action}@`));

/** The targets job's invariants, shared by both workflows: the fleet, through the script, installed like the other jobs. */
function expectFleetTargets(wf: Json, reference: Json, command: string): Json {
  const targets: Json = wf.jobs.targets;
  expect(targets.outputs.matrix).toBe('${{ steps.m.outputs.matrix }}');
  for (const action of ['actions/checkout', 'actions/setup-node']) {
    expect(pins(targets, action)).toHaveLength(1);
    expect(pins(reference, action)).toContain(pins(targets, action)[0]);
  }
  const step = (targets.steps as Json[]).find((st) => st.id === 'm')!;
  const run = String(step.run);
  expect(run).toMatch(/^npm ci --no-audit --no-fund --ignore-scripts$/m);
  // An assignment, so a failing script (exit 1: invalid fleet, empty selection) fails the step under bash -e.
  expect(run).toContain(`matrix="$(${command})"`);
  expect(run).toContain('echo "matrix=$matrix" >> "$GITHUB_OUTPUT"');
  return step;
}

describe('platform workflow', () => {
  const wf = read('platform.yml');
  const jobs: Json = wf.jobs;

  it('applies only saved plans from a verified bundle: no synth, no plan, no --auto-approve in a deploy job', () => {
    for (const name of ['deploy-platform', 'deploy-baseline', 'deploy-vault']) {
      const run = scripts(jobs[name]);
      expect([name, run]).toEqual([name, expect.stringMatching(/bundle -- apply --bundle "bundle\/\$STACK" --stack "\$STACK" --commit "\$GITHUB_SHA" --manifest-sha256 "\$MANIFEST_SHA256"/)]);
      expect([name, /auto-approve|cdktf (deploy|plan)|terraform (plan|apply)|npm run synth/.test(run)]).toEqual([name, false]);
      expect(uses(jobs[name]).some((u) => u.startsWith('actions/download-artifact@'))).toBe(true);
    }
    expect(JSON.stringify(wf)).not.toMatch(/auto-approve/);
  });

  it('pins the manifest hash the plan job printed into the deploy of the same stack', () => {
    expect(jobs['deploy-platform'].needs).toEqual(['targets', 'plan-platform']);
    expect(jobs['deploy-platform'].steps.at(-1).env.MANIFEST_SHA256).toBe('${{ needs.plan-platform.outputs.manifest-sha256 }}');
    expect(jobs['deploy-baseline'].steps.at(-1).env.MANIFEST_SHA256).toBe('${{ needs.plan-baseline.outputs.manifest-sha256 }}');
    expect(jobs['plan-platform'].outputs['manifest-sha256']).toBe('${{ steps.bundle.outputs.manifest-sha256 }}');
  });

  it('plans the baseline only after its platform is applied, behind its own approval gate, on the configured runner', () => {
    // ... and after its images are mirrored, scanned, signed and attested (Kyverno refuses them otherwise).
    expect(jobs['plan-baseline'].needs).toEqual(['targets', 'deploy-platform', 'mirror-images']);
    expect(jobs['deploy-baseline'].needs).toEqual(['targets', 'plan-baseline']);
    expect(jobs['deploy-baseline'].environment).toBe('${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-baseline');
    expect(jobs['deploy-platform'].environment).toBe('${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}');
    expect(jobs['plan-baseline'].environment).toBe('${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-plan');
    for (const name of ['plan-baseline', 'deploy-baseline']) expect(jobs[name]['runs-on']).toContain("vars[format('BASELINE_RUNNER_{0}', needs.targets.outputs.runner-key)]");
    // The platform jobs run where the state storage is reachable (Azure: no public network access).
    for (const name of ['plan-platform', 'deploy-platform']) expect(jobs[name]['runs-on']).toContain("vars[format('PLATFORM_RUNNER_{0}'");
  });

  it('gates every plan with Checkov over the plan JSON and with the compliance packs, and uploads the bundle', () => {
    for (const name of ['plan-platform', 'plan-baseline', 'plan-vault']) {
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

  it('mirrors the images of the one deployed environment with the scan required and the KMS release key, uploading the lock file', () => {
    const job = jobs['mirror-images'];
    expect(job.needs).toEqual(['targets', 'deploy-platform']);
    expect(job.if).toBe(jobs['deploy-platform'].if);
    expect(job.env).toMatchObject({ REQUIRE_IMAGE_SCAN: '1', COSIGN_KEY: '${{ vars.COSIGN_RELEASE_KEY }}' });
    expect(scripts(job)).toContain('npm run --silent mirror:images -- --env "$TARGET" --key "$COSIGN_KEY"');
    const upload = (job.steps as Json[]).find((s) => String(s.uses).startsWith('actions/upload-artifact@'))!;
    expect(upload.with).toMatchObject({ path: 'supply-chain/images.lock.json', 'if-no-files-found': 'error' });
  });

  it('requires terraform validate with the pinned providers in the verify job (the registry is reachable there)', () => {
    const ci = (jobs.verify.steps as Json[]).find((st) => st.run === 'bash .ci/run')!;
    expect(ci.env.REQUIRE_TERRAFORM_VALIDATE).toBe('1');
    expect(uses(jobs.verify).some((u) => u.startsWith('hashicorp/setup-terraform@'))).toBe(true);
  });

  it('deploys only from main, on a manual dispatch that selected exactly one environment', () => {
    expect(jobs['deploy-platform'].if).toBe("github.event_name == 'workflow_dispatch' && github.ref == 'refs/heads/main' && needs.targets.outputs.environment != ''");
  });

  it('plans the matrix the fleet generates (npm run fleet:matrix), installed and pinned like the other jobs', () => {
    expectFleetTargets(wf, jobs['plan-platform'], 'npm run --silent fleet:matrix');
    expect(jobs['plan-platform'].needs).toEqual(['verify', 'targets']);
    expect(jobs['plan-platform'].strategy.matrix).toBe(FLEET_MATRIX);
    // Downstream of the matrix: the environment's name, so stacks and GitHub environments are <cloud>-<name>[-...].
    expect(jobs['plan-platform'].environment).toBe('${{ matrix.cloud }}-${{ matrix.environment }}-plan');
    expect(jobs['plan-platform'].env.STACK).toBe('${{ matrix.cloud }}-${{ matrix.environment }}-platform');
    const synth = (jobs['plan-platform'].steps as Json[]).find((st) => st.name === 'synthesize once')!;
    expect(synth.env).toEqual({ PLATFORM_CLOUDS: '${{ matrix.cloud }}', PLATFORM_ENVIRONMENTS: '${{ matrix.environment }}' });
  });

  it('passes the dispatch inputs to the script through env: a free environment name or glob, a cloud and a tier', () => {
    const inputs: Json = wf.on.workflow_dispatch.inputs;
    expect(inputs.environment).toMatchObject({ type: 'string', description: expect.stringMatching(/name or glob.*prod-\*/) });
    expect(inputs.cloud).toMatchObject({ type: 'choice', options: ['all', ...CLOUDS], default: 'all' });
    expect(inputs.tier).toMatchObject({ type: 'choice', options: ['all', ...TIERS], default: 'all' });
    const step = (jobs.targets.steps as Json[]).find((st) => st.id === 'm')!;
    expect(step.env).toEqual({
      EVENT: '${{ github.event_name }}',
      PLATFORM_CLOUDS: "${{ inputs.cloud != 'all' && inputs.cloud || '' }}",
      PLATFORM_ENVIRONMENTS: '${{ inputs.environment }}',
      PLATFORM_TIERS: "${{ inputs.tier != 'all' && inputs.tier || '' }}",
    });
  });

  it('deploys the one environment the dispatch resolved to, never the raw inputs (a glob is not a name)', () => {
    expect(jobs.targets.outputs).toMatchObject({ cloud: '${{ steps.m.outputs.cloud }}', environment: '${{ steps.m.outputs.environment }}' });
    for (const name of ['deploy-platform', 'plan-baseline', 'deploy-baseline', 'plan-vault', 'deploy-vault']) {
      const text = JSON.stringify(jobs[name]);
      expect([name, /\binputs\./.test(text)]).toEqual([name, false]);
      expect(jobs[name].env.STACK).toMatch(/^\$\{\{ needs\.targets\.outputs\.cloud \}\}-\$\{\{ needs\.targets\.outputs\.environment \}\}-(platform|baseline|vault)$/);
    }
  });

  describe("the vault jobs' database bootstrap passwords (VAULT_DB_BOOTSTRAP_PASSWORDS)", () => {
    const SECRET = '${{ secrets.VAULT_DB_BOOTSTRAP_PASSWORDS }}';
    const stepWith = (job: string, command: string): Json => (jobs[job].steps as Json[]).find((st) => String(st.run ?? '').includes(command))!;
    const plan = stepWith('plan-vault', 'bundle -- plan');
    const apply = stepWith('deploy-vault', 'bundle -- apply');

    it('reads the secret in the plan step and the apply step only, of both vault jobs, and nowhere else', () => {
      expect(plan.env.VAULT_DB_BOOTSTRAP_PASSWORDS).toBe(SECRET);
      expect(apply.env.VAULT_DB_BOOTSTRAP_PASSWORDS).toBe(SECRET);
      for (const [name, job] of Object.entries(jobs)) {
        const others = ((job as Json).steps as Json[]).filter((st) => st !== plan && st !== apply);
        expect([name, JSON.stringify({ ...(job as Json), steps: others }).includes('VAULT_DB_BOOTSTRAP_PASSWORDS')]).toEqual([name, false]);
      }
      // Drift plans without it: the variable defaults to an empty map, and nothing is sent while the version is unchanged.
      expect(readFileSync(join(DIR, 'drift.yml'), 'utf8')).not.toContain('VAULT_DB_BOOTSTRAP_PASSWORDS');
      // The plan's and the apply's environments (-plan, -baseline) must both hold it: Terraform requires the same presence.
      expect([jobs['plan-vault'].environment, jobs['deploy-vault'].environment]).toEqual([
        '${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-plan',
        '${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-baseline',
      ]);
    });

    describe('run with a stand-in npm that records its environment', () => {
      let dir: string;
      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'workflow-vault-'));
        writeFileSync(join(dir, 'npm'), '#!/usr/bin/env bash\nenv > "$RECORD"\n');
        chmodSync(join(dir, 'npm'), 0o755);
      });
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      /** The step's script under bash -e: what npm (the bundle command) saw of the two variables. */
      const seen = (step: Json, secret: string): Record<string, string | undefined> => {
        const record = join(dir, `env-${Math.random().toString(36).slice(2)}`);
        const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(step.run)], {
          cwd: dir,
          env: { PATH: `${dir}:${process.env.PATH}`, RECORD: record, GITHUB_OUTPUT: join(dir, 'output'), STACK: 'aws-prod-vault', GITHUB_SHA: 'abc', MANIFEST_SHA256: 'def', VAULT_DB_BOOTSTRAP_PASSWORDS: secret },
          encoding: 'utf8',
        });
        expect(r.status).toBe(0);
        const lines = readFileSync(record, 'utf8').split('\n');
        const value = (name: string): string | undefined => lines.find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);
        return { tfVar: value('TF_VAR_vault_db_bootstrap_passwords'), secret: value('VAULT_DB_BOOTSTRAP_PASSWORDS') };
      };

      it.each([['plan-vault', plan], ['deploy-vault', apply]])('%s exports TF_VAR_vault_db_bootstrap_passwords only when the secret is set, and hands on nothing else', (_name, step) => {
        // A stand-in value built at run time: no password literal in the repository.
        const map = JSON.stringify({ payments: `stand-in-${process.pid}` });
        expect(seen(step, map)).toEqual({ tfVar: map, secret: undefined });
        expect(seen(step, '')).toEqual({ tfVar: undefined, secret: undefined });
      });
    });
  });

  describe('the targets step, run with a stand-in npm ci', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'workflow-targets-'));
      // `npm ci` is skipped (node_modules is installed); every other npm command is the real one.
      const realNpm = spawnSync('bash', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
      writeFileSync(join(dir, 'npm'), `#!/usr/bin/env bash\nif [ "$1" = ci ]; then exit 0; fi\nexec ${JSON.stringify(realNpm)} "$@"\n`);
      chmodSync(join(dir, 'npm'), 0o755);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const runTargets = (env: Record<string, string>): { code: number; outputs: Record<string, string>; out: string; err: string } => {
      const step = (jobs.targets.steps as Json[]).find((st) => st.id === 'm')!;
      const output = join(dir, `output-${Math.random().toString(36).slice(2)}`);
      writeFileSync(output, '');
      const clean = { ...process.env };
      for (const key of ['PLATFORM_ENVIRONMENTS_DIR', 'PLATFORM_CLOUDS', 'PLATFORM_ENVIRONMENTS', 'PLATFORM_TIERS']) delete clean[key];
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', String(step.run)], {
        cwd: REPO,
        env: { ...clean, PATH: `${dir}:${process.env.PATH}`, GITHUB_OUTPUT: output, ...env },
        encoding: 'utf8',
      });
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
      return { code: r.status ?? -1, outputs, out: r.stdout, err: r.stderr };
    };

    it('plans the whole fleet on a push, with no deploy target', () => {
      const r = runTargets({ EVENT: 'push', PLATFORM_CLOUDS: '', PLATFORM_ENVIRONMENTS: '', PLATFORM_TIERS: '' });
      expect(r.code).toBe(0);
      expect(Object.keys(r.outputs)).toEqual(['matrix']);
      expect(JSON.parse(r.outputs.matrix).include).toHaveLength(REFERENCE_FLEET.environments.length);
    });

    it('resolves a dispatch selecting one environment to the deploy target, and one selecting several to none', () => {
      const one = runTargets({ EVENT: 'workflow_dispatch', PLATFORM_CLOUDS: 'aws', PLATFORM_ENVIRONMENTS: 'pro*', PLATFORM_TIERS: '' });
      expect(one.code).toBe(0);
      expect(one.outputs).toEqual({ matrix: '{"include":[{"cloud":"aws","environment":"prod","tier":"prod","runnerKey":"AWS_PROD"}]}', cloud: 'aws', environment: 'prod', 'runner-key': 'AWS_PROD' });
      const several = runTargets({ EVENT: 'workflow_dispatch', PLATFORM_CLOUDS: '', PLATFORM_ENVIRONMENTS: 'prod', PLATFORM_TIERS: '' });
      expect(several.code).toBe(0);
      expect(Object.keys(several.outputs)).toEqual(['matrix']);
      expect(several.out).toContain('::notice title=plan only::the dispatch selected 3 environments');
    });

    it('fails on a selection matching nothing, writing no matrix', () => {
      const r = runTargets({ EVENT: 'workflow_dispatch', PLATFORM_CLOUDS: '', PLATFORM_ENVIRONMENTS: 'prod-eu-west-9', PLATFORM_TIERS: '' });
      expect(r.code).toBe(1);
      expect(r.outputs).toEqual({});
      expect(r.err).toContain('selection.environment: got "prod-eu-west-9"');
    });
  });
});

describe('drift workflow', () => {
  const wf = read('drift.yml');
  const job: Json = wf.jobs.drift;

  it('runs daily and plans every stack of every environment with -detailed-exitcode, failing on drift', () => {
    expect(wf.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    // Every stack of the fleet: one leg per environment and role, generated by the script.
    expectFleetTargets(wf, job, 'npm run --silent fleet:matrix -- --roles');
    expect(job.needs).toBe('targets');
    expect(job.strategy.matrix).toBe(FLEET_MATRIX);
    expect(job.env.STACK).toBe('${{ matrix.cloud }}-${{ matrix.environment }}-${{ matrix.role }}');
    expect(job.environment).toBe('${{ matrix.cloud }}-${{ matrix.environment }}-plan');
    // Baseline legs run on the environment's network runner; its variable name comes from the matrix.
    expect(job['runs-on']).toContain("vars[format('BASELINE_RUNNER_{0}', matrix.runnerKey)]");
    const run = scripts(job);
    expect(run).toContain('-detailed-exitcode');
    expect(run).toMatch(/elif \[ "\$rc" -eq 2 \]; then[\s\S]*exit 1/);
    expect(run).not.toMatch(/terraform apply|auto-approve/);
  });

  it("plans the vault stack with the environment's read-only Vault role", () => {
    expect(job.env.TF_VAR_vault_ci_role).toBe('ci-${{ matrix.cloud }}-${{ matrix.environment }}-plan');
  });
});

describe('vault jobs', () => {
  const jobs: Json = read('platform.yml').jobs;
  const role = (suffix: string): string => `ci-\${{ needs.targets.outputs.cloud }}-\${{ needs.targets.outputs.environment }}${suffix}`;

  it('plans with the read-only role in the plan environment and applies the saved plan with the deploy role behind the approval gate', () => {
    expect(jobs['plan-vault'].environment).toBe('${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-plan');
    expect(jobs['plan-vault'].env.TF_VAR_vault_ci_role).toBe(role('-plan'));
    expect(jobs['deploy-vault'].environment).toBe('${{ needs.targets.outputs.cloud }}-${{ needs.targets.outputs.environment }}-baseline');
    expect(jobs['deploy-vault'].env.TF_VAR_vault_ci_role).toBe(role(''));
    expect(jobs['deploy-vault'].needs).toEqual(['targets', 'plan-vault']);
    // The deploy job applies the reviewed bundle; it never plans.
    expect(scripts(jobs['deploy-vault'])).toContain('npm run --silent bundle -- apply --bundle "bundle/$STACK"');
    expect(scripts(jobs['deploy-vault'])).not.toMatch(/bundle -- plan|terraform plan/);
  });

  it('logs in with the OIDC token of the job, audience vault; no Vault token anywhere', () => {
    for (const name of ['plan-vault', 'deploy-vault']) {
      const run = scripts(jobs[name]);
      expect(run).toContain('audience=vault');
      expect(run).toContain('echo "::add-mask::$jwt"');
      expect(JSON.stringify(jobs[name])).not.toMatch(/VAULT_TOKEN/);
    }
  });
});

describe('every workflow', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));

  it('runs the fleet matrix script through the package script', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Json;
    expect(pkg.scripts['fleet:matrix']).toBe('node --import tsx scripts/fleet-matrix.ts');
  });

  it.each(files)('%s lists no environment: every matrix comes from the fleet', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const wf = read(file);
    for (const [name, job] of Object.entries(wf.jobs as Json)) {
      const matrix = (job as Json).strategy?.matrix;
      if (matrix !== undefined) expect([name, matrix]).toEqual([name, FLEET_MATRIX]);
    }
    // No stack, GitHub environment or bundle of a reference environment is named in the file.
    for (const config of REFERENCE_FLEET.environments) expect([file, text.includes(`${config.cloud}-${config.name}`)]).toEqual([file, false]);
    expect(text).not.toMatch(/environment:\s*\[|"environment":/);
  });

  it.each(files)('%s interpolates no expression into a run script (values reach scripts through env:)', (file) => {
    for (const [name, job] of Object.entries(read(file).jobs as Json)) {
      for (const step of ((job as Json).steps ?? []) as Json[]) {
        if (step.run !== undefined) expect([name, step.name ?? step.id, String(step.run).includes('${{')]).toEqual([name, step.name ?? step.id, false]);
      }
    }
  });

  it.each(files)('%s pins third-party actions to a commit and Terraform inside required_version', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    for (const m of text.matchAll(/uses: ([^\s#]+)/g)) expect(m[1]).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    const versions = [...text.matchAll(/terraform_version: (\S+)/g)].map((m) => m[1]);
    for (const v of versions) {
      const [major, minor] = v.split('.').map(Number);
      expect(TERRAFORM_REQUIRED_VERSION).toBe('>= 1.11.0, < 2.0.0');
      expect([v, major === 1 && minor >= 11]).toEqual([v, true]);
    }
  });
});
