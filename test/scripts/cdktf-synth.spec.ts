/**
 * scripts/cdktf-synth.cjs: the environment `npm run synth` gives cdktf, so a first synth prints no
 * unexplained errors, and one real run with a missing TF_CLI_CONFIG_FILE.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { synthEnvironment } = require('../../scripts/cdktf-synth.cjs') as {
  synthEnvironment: (env: NodeJS.ProcessEnv, exists?: (p: string) => boolean) => { env: NodeJS.ProcessEnv; notes: string[] };
};

describe('npm run synth environment', () => {
  it('turns off the version check unless the user set it', () => {
    expect(synthEnvironment({}).env.CHECKPOINT_DISABLE).toBe('1');
    expect(synthEnvironment({ CHECKPOINT_DISABLE: '' }).env.CHECKPOINT_DISABLE).toBe('');
  });

  it('drops a TF_CLI_CONFIG_FILE that does not exist, saying so once, and keeps one that does', () => {
    const missing = synthEnvironment({ TF_CLI_CONFIG_FILE: '/nope/.terraformrc' }, () => false);
    expect(missing.env.TF_CLI_CONFIG_FILE).toBeUndefined();
    expect(missing.notes).toEqual(['note: TF_CLI_CONFIG_FILE=/nope/.terraformrc does not exist; synth runs without it (Terraform would warn four times)']);
    const present = synthEnvironment({ TF_CLI_CONFIG_FILE: '/etc/tf.rc' }, () => true);
    expect(present).toEqual({ env: { TF_CLI_CONFIG_FILE: '/etc/tf.rc', CHECKPOINT_DISABLE: '1' }, notes: [] });
  });

  it('synthesizes through the cdktf CLI with no error line when TF_CLI_CONFIG_FILE names a missing file', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdktf-synth-'));
    const env: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: join(outdir, 'missing.tfrc'), PLATFORM_CLOUDS: 'gcp', PLATFORM_ENVIRONMENTS: 'dev' };
    delete env.CHECKPOINT_DISABLE;
    // cdktf synth runs the built app (dist/); build first, as npm run synth does.
    const root = resolve(__dirname, '..', '..');
    expect(spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const run = spawnSync('node', ['scripts/cdktf-synth.cjs', '--output', join(outdir, 'out')], { cwd: root, env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/ERROR|Unable to open CLI configuration|ENOTFOUND/);
    expect(run.stderr).toContain('does not exist; synth runs without it');
    expect(readdirSync(join(outdir, 'out', 'stacks')).sort()).toEqual(['gcp-dev-baseline', 'gcp-dev-platform', 'gcp-dev-vault', 'gcp-state-finplat-dev-0001']);
  }, 60_000);

  it('prints a configuration error once and does not start cdktf', () => {
    const root = resolve(__dirname, '..', '..');
    expect(spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' }).status).toBe(0);
    const run = spawnSync('node', ['scripts/cdktf-synth.cjs'], { cwd: root, env: { ...process.env, PLATFORM_TIERS: 'qa' }, encoding: 'utf8' });
    expect(run.status).toBe(1);
    const lines = `${run.stdout}${run.stderr}`.split('\n').filter((l) => l.includes('selection.tier'));
    expect(lines).toEqual(['config error: [*/*] selection.tier: got "qa"; allowed: one of dev, staging, prod']);
    expect(run.stderr).toContain('1 configuration problem(s); nothing was synthesized.');
    expect(`${run.stdout}${run.stderr}`).not.toContain('Synthesizing');
  }, 60_000);
});
