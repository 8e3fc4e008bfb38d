import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
    expect(result.stderr).toContain('config error: [*/qa] selection.environment: got "qa"; allowed: one of dev, staging, prod');
    expect(result.stderr).toContain('2 configuration problem(s); nothing was synthesized.');
    expect(readdirSync(outdir)).toEqual(['marker']);
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('previous synth');
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
