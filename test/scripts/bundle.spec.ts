/**
 * The plan bundle (scripts/bundle.ts) with the real Terraform binary on the
 * fixture test/fixtures/bundle-stack: a cdktf-shaped stack with a local backend
 * and only terraform_data resources (built into Terraform, works offline). The
 * spec fails, and does not skip, when terraform is missing: the tool's whole
 * point is what Terraform does with a saved plan.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { countChanges, main, parseManifest, renderSummaryTable, sha256, type BundleSummary, type Io } from '../../scripts/lib/bundle';

jest.setTimeout(60_000);

const repoRoot = resolve(__dirname, '../..');
const fixture = join(repoRoot, 'test/fixtures/bundle-stack');
/** The commit the fixture's compliance report names. */
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const OTHER_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';

interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function bundle(...argv: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const code = await main(argv, io);
  return { code, out: out.join(''), err: err.join('') };
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

describe('countChanges', () => {
  const plan = (...actions: string[][]): unknown => ({ resource_changes: actions.map((a, i) => ({ address: `terraform_data.r${i}`, change: { actions: a } })) });

  it('counts creates, updates, deletes and both replacement orders; no-op and read are not changes', () => {
    expect(countChanges(plan(['create'], ['create'], ['update'], ['delete'], ['delete', 'create'], ['create', 'delete'], ['no-op'], ['read']))).toEqual({
      add: 2,
      change: 1,
      destroy: 1,
      replace: 2,
    });
    expect(countChanges({})).toEqual({ add: 0, change: 0, destroy: 0, replace: 0 });
  });

  it('fails on an action list it cannot count, naming the resource', () => {
    expect(() => countChanges(plan(['forget']))).toThrow('plan.json: terraform_data.r0: unrecognised actions [forget]');
  });
});

describe('renderSummaryTable', () => {
  const summary = (stack: string, destroy: number, replace: number): BundleSummary => ({
    stack,
    commit: COMMIT,
    add: 1,
    change: 2,
    destroy,
    replace,
    complianceStatus: destroy > 0 ? 'non-compliant' : 'compliant',
    terraformVersion: '1.11.4',
    createdAt: '2026-01-01T00:00:00.000Z',
  });

  it('marks destroys, replacements and non-compliance in bold and shows the manifest hash', () => {
    const table = renderSummaryTable([
      { summary: summary('aws-dev-platform', 0, 0), manifestSha256: 'a'.repeat(64) },
      { summary: summary('aws-prod-platform', 3, 1), manifestSha256: 'b'.repeat(64) },
    ]);
    expect(table.split('\n')[0]).toBe('| stack | add | change | replace | destroy | compliance | manifest sha256 |');
    expect(table).toContain(`| aws-dev-platform | 1 | 2 | 0 | 0 | compliant | \`${'a'.repeat(64)}\` |`);
    expect(table).toContain(`| aws-prod-platform | 1 | 2 | **1** | **3** | **non-compliant** | \`${'b'.repeat(64)}\` |`);
  });
});

describe('parseManifest', () => {
  it('rejects a manifest that is not JSON, has paths leaving the bundle, or lists no plan', () => {
    expect(() => parseManifest('{')).toThrow(/manifest.json: malformed: not JSON/);
    const bad = { formatVersion: 1, stack: 's', commit: COMMIT, createdAt: 'yesterday', terraformVersion: '1.11.4', files: { '../x': 'f'.repeat(64), 'cdk.tf.json': 'nope' } };
    expect(() => parseManifest(JSON.stringify(bad))).toThrow(
      expect.objectContaining({
        problems: expect.arrayContaining([
          'manifest.json: malformed: createdAt "yesterday" is not a date',
          'manifest.json: malformed: file path "../x" is not a relative path inside the bundle',
          'manifest.json: malformed: cdk.tf.json: "nope" is not a sha256',
          'manifest.json: malformed: lists no plan.tfplan',
        ]),
      }),
    );
  });
});

describe('bundle with real terraform', () => {
  let root: string;
  let stackDir: string;
  let statePath: string;
  /** Planned first; applied. */
  let bundleA: string;
  /** Planned from the same (empty) state before A was applied: stale once A is. */
  let bundleB: string;
  let planA: Run;
  let manifestShaA: string;

  /** A scratch copy of bundle A to tamper with. */
  const copyOfA = (name: string): string => {
    const dir = join(root, 'tamper', name);
    cpSync(bundleA, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    const version = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
    if (version.error || version.status !== 0) throw new Error(`terraform is required for this spec and did not run: ${String(version.error ?? version.stderr)}`);

    root = mkdtempSync(join(tmpdir(), 'bundle-spec-'));
    stackDir = join(root, 'cdktf.out/stacks/bundle-stack');
    statePath = join(root, 'state/terraform.tfstate');
    cpSync(fixture, stackDir, { recursive: true });
    // State outside every copy, so plan and apply (in different folders) share it.
    const config = readJson(join(stackDir, 'cdk.tf.json')) as { terraform: { backend: { local: { path: string } } } };
    config.terraform.backend.local.path = statePath;
    writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify(config, null, 2));

    bundleA = join(root, 'bundles/a');
    bundleB = join(root, 'bundles/b');
    planA = await bundle('plan', '--stack-dir', stackDir, '--out', bundleA, '--commit', COMMIT);
    const planB = await bundle('plan', '--stack-dir', stackDir, '--out', bundleB, '--commit', COMMIT);
    expect([planA.code, planB.code, planA.err.includes('DID NOT RUN')]).toEqual([0, 0, false]);
    manifestShaA = sha256(readFileSync(join(bundleA, 'manifest.json')));
  });

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe('plan', () => {
    it('writes every bundle file and leaves the stack folder as synthesized', () => {
      for (const f of ['cdk.tf.json', 'versions.tf.json', '.terraform.lock.hcl', 'assets/chart/Chart.yaml', 'plan.tfplan', 'plan.json', 'plan.txt', 'compliance-report.json', 'compliance-report.md', 'summary.json', 'manifest.json']) {
        expect([f, existsSync(join(bundleA, f))]).toEqual([f, true]);
      }
      expect(existsSync(join(stackDir, '.terraform'))).toBe(false);
      expect(existsSync(join(stackDir, 'plan.tfplan'))).toBe(false);
      expect(readFileSync(join(bundleA, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
      expect(readFileSync(join(bundleA, 'plan.txt'), 'utf8')).toContain('Plan: 2 to add, 0 to change, 0 to destroy.');
    });

    it('writes a manifest with the sha256 of every other file, and prints its own sha256', () => {
      const manifest = parseManifest(readFileSync(join(bundleA, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({ formatVersion: 1, stack: 'bundle-stack', commit: COMMIT, terraformVersion: expect.stringMatching(/^\d+\.\d+\.\d+/) });
      expect(Object.keys(manifest.files).sort()).toEqual(
        ['.terraform.lock.hcl', 'assets/chart/Chart.yaml', 'cdk.tf.json', 'versions.tf.json', 'compliance-report.json', 'compliance-report.md', 'plan.json', 'plan.tfplan', 'plan.txt', 'summary.json'].sort(),
      );
      for (const [f, hash] of Object.entries(manifest.files)) expect([f, sha256(readFileSync(join(bundleA, f)))]).toEqual([f, hash]);
      expect(planA.out).toContain(`bundle-stack: manifest sha256 ${manifestShaA}`);
    });

    it('writes a summary whose counts match the plan', () => {
      const summary = readJson(join(bundleA, 'summary.json'));
      const manifest = readJson(join(bundleA, 'manifest.json')) as { createdAt: string; terraformVersion: string };
      expect(summary).toEqual({
        stack: 'bundle-stack',
        commit: COMMIT,
        add: 2,
        change: 0,
        destroy: 0,
        replace: 0,
        complianceStatus: 'compliant',
        terraformVersion: manifest.terraformVersion,
        createdAt: manifest.createdAt,
      });
    });

    it("plans with the stack's versions.tf.json: a Terraform outside required_version is refused", async () => {
      const dir = join(root, 'old-terraform/bundle-stack');
      cpSync(stackDir, dir, { recursive: true });
      writeFileSync(join(dir, 'versions.tf.json'), JSON.stringify({ terraform: { required_version: '< 1.0.0' } }));
      const run = await bundle('plan', '--stack-dir', dir, '--out', join(root, 'old-terraform-bundle'), '--commit', COMMIT);
      expect(run.code).toBe(1);
      expect(run.err + run.out).toContain('Unsupported Terraform Core version');
    });

    it('fails when the stack has no compliance report', async () => {
      const dir = join(root, 'no-report/bundle-stack');
      cpSync(stackDir, dir, { recursive: true });
      rmSync(join(dir, 'compliance-report.md'));
      const run = await bundle('plan', '--stack-dir', dir, '--out', join(root, 'no-report-bundle'), '--commit', COMMIT);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${dir}: no compliance-report.md`);
      expect(existsSync(join(root, 'no-report-bundle'))).toBe(false);
    });

    it('fails when the compliance report is for another commit', async () => {
      const run = await bundle('plan', '--stack-dir', stackDir, '--out', join(root, 'other-commit-bundle'), '--commit', OTHER_COMMIT);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`compliance-report.json: written for commit "${COMMIT}", not ${OTHER_COMMIT}`);
    });

    it('fails on an output folder that is not empty', async () => {
      const run = await bundle('plan', '--stack-dir', stackDir, '--out', bundleA, '--commit', COMMIT);
      expect(run.code).toBe(1);
      expect(run.err).toContain(`${bundleA}: exists and is not empty`);
    });
  });

  describe('gate', () => {
    it('passes an intact bundle whose compliance report has no non-compliant control', async () => {
      const run = await bundle('gate', '--bundle', bundleA);
      expect([run.code, run.out]).toEqual([0, 'bundle-stack: compliance gate passed (compliant)\n']);
    });

    it('fails a bundle planned from a non-compliant stack, naming the control, rule, resource and fix', async () => {
      const dir = join(root, 'non-compliant/bundle-stack');
      cpSync(stackDir, dir, { recursive: true });
      const reportPath = join(dir, 'compliance-report.json');
      const report = readJson(reportPath) as { summary: Record<string, number>; controls: Array<{ status: string; rules: Array<{ resources: Array<{ status: string }> }> }> };
      report.summary = { compliant: 0, 'non-compliant': 1, suppressed: 0 };
      report.controls[0].status = 'non-compliant';
      report.controls[0].rules[0].resources[0].status = 'non-compliant';
      writeFileSync(reportPath, JSON.stringify(report));
      const out = join(root, 'non-compliant-bundle');
      expect((await bundle('plan', '--stack-dir', dir, '--out', out, '--commit', COMMIT)).code).toBe(0);
      const run = await bundle('gate', '--bundle', out);
      expect(run.code).toBe(1);
      expect(run.err).toContain('bundle-stack: PCI-DSS v4.0 3.5.1 PCI-DSS-4-3.5.1-aws-state-encryption (error): terraform.backend.local: Configure the S3 backend');
      expect(run.err).toContain('compliance gate FAILED: 1 non-compliant finding(s)');
    });

    it('fails a bundle whose report was edited after the plan (hash mismatch)', async () => {
      const dir = copyOfA('gate-edited-report');
      writeFileSync(join(dir, 'compliance-report.md'), 'all good\n');
      const run = await bundle('gate', '--bundle', dir);
      expect(run.code).toBe(1);
      expect(run.err).toContain('compliance-report.md');
    });
  });

  describe('verify', () => {
    const verify = (dir: string, ...extra: string[]): Promise<Run> => bundle('verify', '--bundle', dir, '--commit', COMMIT, ...extra);

    it('passes on the fresh bundle, pinned and with the stack', async () => {
      const run = await verify(bundleA, '--stack', 'bundle-stack', '--manifest-sha256', manifestShaA);
      expect(run).toEqual({ code: 0, out: `bundle-stack: bundle verified (commit ${COMMIT}, 10 files)\n`, err: '' });
    });

    it('fails on a tampered plan.tfplan', async () => {
      const dir = copyOfA('tampered-plan');
      writeFileSync(join(dir, 'plan.tfplan'), Buffer.concat([readFileSync(join(dir, 'plan.tfplan')), Buffer.from([0])]));
      expect(await verify(dir)).toMatchObject({ code: 1, err: 'plan.tfplan: sha256 differs from the manifest\n' });
    });

    it('fails on a file that is not in the manifest', async () => {
      const dir = copyOfA('added-file');
      writeFileSync(join(dir, 'assets/chart/extra.yaml'), 'x: 1\n');
      expect(await verify(dir)).toMatchObject({ code: 1, err: 'assets/chart/extra.yaml: not in the manifest\n' });
    });

    it('fails on a missing file', async () => {
      const dir = copyOfA('removed-file');
      rmSync(join(dir, '.terraform.lock.hcl'));
      expect(await verify(dir)).toMatchObject({ code: 1, err: '.terraform.lock.hcl: missing\n' });
    });

    it('fails on another commit and another stack', async () => {
      const run = await bundle('verify', '--bundle', bundleA, '--commit', OTHER_COMMIT, '--stack', 'aws-prod-platform');
      expect(run.code).toBe(1);
      expect(run.err).toBe(`commit: bundle was planned at ${COMMIT}, expected ${OTHER_COMMIT}\nstack: bundle is for bundle-stack, expected aws-prod-platform\n`);
    });

    it('fails on a bundle older than --max-age-hours', async () => {
      const run = await verify(bundleA, '--max-age-hours', '0');
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/^age: bundle was planned 0\.0 hours ago \(.+\), over the limit of 0 hours \(--max-age-hours\): plan again\n$/);
    });

    it('fails on a malformed or missing manifest', async () => {
      const dir = copyOfA('malformed-manifest');
      writeFileSync(join(dir, 'manifest.json'), '{"formatVersion": 2}');
      const run = await verify(dir);
      expect(run.code).toBe(1);
      expect(run.err).toContain('manifest.json: malformed: formatVersion is 2, expected 1\n');
      rmSync(join(dir, 'manifest.json'));
      expect(await verify(dir)).toMatchObject({ code: 1, err: 'manifest.json: missing\n' });
    });

    it('a rewritten manifest (new hash for a changed plan, older bundle made young) fails once the manifest sha256 is pinned', async () => {
      const dir = copyOfA('rewritten-manifest');
      writeFileSync(join(dir, 'plan.tfplan'), Buffer.concat([readFileSync(join(dir, 'plan.tfplan')), Buffer.from([0])]));
      const manifest = readJson(join(dir, 'manifest.json')) as { createdAt: string; files: Record<string, string> };
      manifest.files['plan.tfplan'] = sha256(readFileSync(join(dir, 'plan.tfplan')));
      manifest.createdAt = new Date().toISOString();
      writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
      // Unpinned, the manifest is all there is: the tool says so.
      const unpinned = await verify(dir);
      expect(unpinned.code).toBe(0);
      expect(unpinned.err).toContain('note: the manifest is not pinned (--manifest-sha256)');
      const pinned = await verify(dir, '--manifest-sha256', manifestShaA);
      expect(pinned.code).toBe(1);
      expect(pinned.err).toMatch(/^manifest.json: sha256 [0-9a-f]{64} differs from the pinned [0-9a-f]{64} \(--manifest-sha256\)/);
    });
  });

  describe('apply', () => {
    const stateResources = (): string[] =>
      ((readJson(statePath) as { resources: { type: string; name: string }[] }).resources ?? []).map((r) => `${r.type}.${r.name}`).sort();

    it('refuses a tampered bundle before terraform runs', async () => {
      const dir = copyOfA('apply-tampered');
      writeFileSync(join(dir, 'cdk.tf.json'), readFileSync(join(dir, 'cdk.tf.json'), 'utf8').replace('bundle fixture', 'changed after review'));
      const run = await bundle('apply', '--bundle', dir, '--commit', COMMIT);
      expect(run.code).toBe(1);
      expect(run.err).toContain('cdk.tf.json: sha256 differs from the manifest\n');
      expect(run.out).not.toContain('terraform init');
      expect(existsSync(statePath)).toBe(false);
    });

    it('applies the fresh bundle: the state then holds the planned resources', async () => {
      const run = await bundle('apply', '--bundle', bundleA, '--commit', COMMIT, '--stack', 'bundle-stack', '--manifest-sha256', manifestShaA);
      expect(run.code).toBe(0);
      expect(run.err).not.toContain('Error');
      expect(run.out).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
      // The local-exec on the chart resource ran `test -f ./assets/chart/Chart.yaml` in the apply folder.
      expect(run.out).toContain('test -f ./assets/chart/Chart.yaml');
      expect(stateResources()).toEqual(['terraform_data.bundle-stack_chart_4E5F6A7B', 'terraform_data.bundle-stack_marker_0A1B2C3D']);
    });

    it('fails on a bundle planned before that apply: terraform refuses the stale plan', async () => {
      const before = readFileSync(statePath, 'utf8');
      const run = await bundle('apply', '--bundle', bundleB, '--commit', COMMIT);
      expect(run.code).toBe(1);
      expect(run.err).toContain('Saved plan is stale');
      expect(run.err).toContain('bundle-stack: terraform refused the saved plan as stale');
      expect(readFileSync(statePath, 'utf8')).toBe(before);
    });

    it('decommissions through a reviewed destroy plan: plan --destroy counts the destroys, apply removes them', async () => {
      const out = join(root, 'bundles/destroy');
      const plan = await bundle('plan', '--stack-dir', stackDir, '--out', out, '--commit', COMMIT, '--destroy');
      expect(plan.code).toBe(0);
      expect(readJson(join(out, 'summary.json'))).toMatchObject({ add: 0, change: 0, replace: 0, destroy: 2 });
      const table = await bundle('summary', out);
      expect(table.out).toContain('| bundle-stack | 0 | 0 | 0 | **2** |');
      const run = await bundle('apply', '--bundle', out, '--commit', COMMIT, '--manifest-sha256', sha256(readFileSync(join(out, 'manifest.json'))));
      expect(run.code).toBe(0);
      expect(run.out).toContain('Resources: 0 added, 0 changed, 2 destroyed.');
      expect(stateResources()).toEqual([]);
    });
  });

  describe('summary', () => {
    it('prints the table for the job summary', async () => {
      const run = await bundle('summary', bundleA, join(root, 'no-such-bundle'));
      expect(run.code).toBe(1);
      expect(run.out).toBe(
        '| stack | add | change | replace | destroy | compliance | manifest sha256 |\n' +
          '| --- | ---: | ---: | ---: | ---: | --- | --- |\n' +
          `| bundle-stack | 2 | 0 | 0 | 0 | compliant | \`${manifestShaA}\` |\n`,
      );
      expect(run.err).toBe(`${join(root, 'no-such-bundle')}: no summary.json or manifest.json\n`);
    });
  });

  describe('command line', () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = process.env): Run => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'scripts/bundle.ts'), ...args], { cwd: repoRoot, env, encoding: 'utf8' });
      return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
    };

    it('exits 1 with one line per problem', () => {
      const run = cli(['verify', '--bundle', bundleA, '--commit', OTHER_COMMIT]);
      expect(run).toMatchObject({ code: 1, err: `commit: bundle was planned at ${COMMIT}, expected ${OTHER_COMMIT}\n` });
    });

    it('exits 2 and says DID NOT RUN when terraform is missing', () => {
      const run = cli(['plan', '--stack-dir', stackDir, '--out', join(root, 'no-terraform'), '--commit', COMMIT], { ...process.env, PATH: join(root, 'empty-path') });
      expect(run.code).toBe(2);
      expect(run.err).toBe('DID NOT RUN: terraform not found on PATH: install the pinned Terraform (hashicorp/setup-terraform) and run again\n');
    });
  });
});
