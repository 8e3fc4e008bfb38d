import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
});
