import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..');

function runApp(env: Record<string, string>, outdir: string) {
  return spawnSync('node', ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir },
    encoding: 'utf8',
  });
}

describe('the app entry point', () => {
  it('rejects an unknown cloud and environment, exits 1 and leaves an existing cdktf.out untouched', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    writeFileSync(join(outdir, 'marker'), 'previous synth');
    const result = runApp({ PLATFORM_CLOUDS: 'aws,oracle', PLATFORM_ENVIRONMENTS: 'qa' }, outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('config error: [oracle/*] selection.cloud: got "oracle"; allowed: one of aws, azure, gcp');
    expect(result.stderr).toContain('config error: [aws,oracle/qa] selection.environment: got "qa"; allowed: a name or glob matching an environment of the selected clouds and tiers (dev, prod, staging)');
    expect(result.stderr).toContain('2 configuration problem(s); nothing was synthesized.');
    expect(readdirSync(outdir)).toEqual(['marker']);
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('previous synth');
  });

  it('validates a fleet directory as a whole: every problem once, with its file, and nothing written', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    const fleet = mkdtempSync(join(tmpdir(), 'fleet-'));
    cpSync(join(root, 'environments'), fleet, { recursive: true });
    const prod = join(fleet, 'aws', 'prod.yaml');
    writeFileSync(prod, readFileSync(prod, 'utf8').replace('name: prod', 'name: prod\nregion: eu-west-9').replace('targetRevision: v1.0.0', 'targetRevision: main'));
    writeFileSync(join(fleet, 'gcp', 'dr.yaml'), readFileSync(join(fleet, 'gcp', 'prod.yaml'), 'utf8').replace('name: prod', 'name: prod'));
    const result = runApp({ PLATFORM_ENVIRONMENTS_DIR: fleet, PLATFORM_CLOUDS: 'azure' }, outdir);
    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('config error:'));
    expect(lines).toEqual([
      expect.stringMatching(/^config error: \S*aws\/prod\.yaml: \[aws\/prod\] gitOps\.targetRevision: got "main"; allowed: an immutable revision in the prod tier/),
      expect.stringMatching(/^config error: \S*aws\/prod\.yaml: \[aws\/prod\] region: got "eu-west-9"; allowed: a region of aws/),
      ...['a', 'b', 'c'].map((zone, i) => expect.stringMatching(new RegExp(`^config error: \\S*aws/prod\\.yaml: \\[aws/prod\\] availabilityZones\\[${i}\\]: got "eu-west-1${zone}"; allowed: a zone of region eu-west-9`))),
      expect.stringMatching(/^config error: \S*gcp\/prod\.yaml: \[gcp\/prod\] name: got "prod"; allowed: a name no other gcp environment uses \(\S*gcp\/dr\.yaml is already gcp\/prod/),
      // The copy shares the state prefix too: two environments must not write one state.
      expect.stringMatching(/^config error: \S*gcp\/prod\.yaml: \[gcp\/prod\] stateBackend\.prefix: got "gcp\/prod"; allowed: a prefix that neither equals nor nests/),
    ]);
    expect(result.stderr).toContain(`${lines.length} configuration problem(s); nothing was synthesized.`);
    expect(readdirSync(outdir)).toEqual([]);
  });

  it('synthesizes the same Terraform with and without cdktf token stack traces (the speed-up changes nothing)', () => {
    const fast = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    const traced = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    const selection = { PLATFORM_CLOUDS: 'gcp', PLATFORM_ENVIRONMENTS: 'prod', GIT_COMMIT: 'test' };
    expect(runApp(selection, fast).status).toBe(0);
    expect(runApp({ ...selection, CDKTF_TOKEN_STACK_TRACES: '1' }, traced).status).toBe(0);
    for (const stack of ['gcp-prod-platform', 'gcp-prod-baseline']) {
      const read = (dir: string) => readFileSync(join(dir, 'stacks', stack, 'cdk.tf.json'), 'utf8');
      expect(read(fast)).toBe(read(traced));
    }
    expect(execFileSync('diff', ['-r', fast, traced], { encoding: 'utf8' })).toBe('');
  });
});
