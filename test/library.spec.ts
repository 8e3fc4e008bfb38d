/**
 * The library as a user imports it: package.json's entry points exist in src/ and map to dist/,
 * importing has no side effects (only src/main.ts runs an app), the public names are there, and
 * `synthesizeFleet` / `synthesize` give an app of one's own the same output as `cdktf synth`,
 * evidence included, for stacks of its own too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import * as library from '../src';
import * as config from '../src/config';
import * as aws from '../src/aws';
import * as baseline from '../src/baseline';
import { REFERENCE_ENVIRONMENTS_DIR } from './helpers/environments';

const REPO = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
};

describe('package entry points', () => {
  it('map every export to dist/ and to an entry point in src/', () => {
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.types).toBe('dist/index.d.ts');
    const entries = Object.entries(pkg.exports).filter(([key]) => key !== './package.json');
    expect(entries.map(([key]) => key).sort()).toEqual(['.', './aws', './azure', './baseline', './compliance', './config', './gcp']);
    for (const [key, target] of entries) {
      const name = key === '.' ? 'index' : key.slice(2);
      expect(target).toEqual({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
      expect(existsSync(join(REPO, 'src', `${name}.ts`))).toBe(true);
    }
  });

  it('never export the app entry point', () => {
    for (const file of readdirSync(join(REPO, 'src')).filter((f) => f.endsWith('.ts') && f !== 'main.ts')) {
      expect({ file, importsMain: /from '\.\/main'/.test(readFileSync(join(REPO, 'src', file), 'utf8')) }).toEqual({ file, importsMain: false });
    }
  });
});

describe('importing the library', () => {
  it('has no side effects: nothing synthesized, nothing printed, nothing written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'import-'));
    const script = ['index', 'aws', 'azure', 'gcp', 'baseline', 'config', 'compliance'].map((e) => `require(${JSON.stringify(join(REPO, 'src', `${e}.ts`))});`).join('');
    const run = spawnSync('node', ['--require', require.resolve('tsx/cjs'), '-e', script], { cwd, encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('exposes the configuration, the app builder, synthesis with evidence, the stacks and compliance', () => {
    for (const name of [
      'environmentSchema',
      'loadFleet',
      'loadFleetFromDirectory',
      'readEnvironmentFiles',
      'selectEnvironments',
      'validateEnvironment',
      'ConfigError',
      'buildApp',
      'buildEnvironment',
      'synthesize',
      'synthesizeFleet',
      'writeComplianceReports',
      'exitOnSynthError',
      'configErrorReport',
      'hcpStackName',
      'AwsPlatformStack',
      'AzurePlatformStack',
      'GcpPlatformStack',
      'BaselineStack',
      'StateBootstrapStack',
      'HcpTerraformStack',
      'applyCompliancePacks',
      'suppress',
      'ALL_RULES',
    ]) {
      expect({ name, exported: typeof (library as Record<string, unknown>)[name] }).toEqual({ name, exported: expect.stringMatching(/^(function|object)$/) });
    }
    expect(typeof config.loadFleet).toBe('function');
    expect(Object.keys(aws).length).toBeGreaterThan(10);
    expect(Object.keys(baseline)).toContain('SecurityBaseline');
  });
});

describe('synthesizeFleet: cdktf synth for an app of one\'s own', () => {
  it('validates, builds the selection with its bootstrap stack, and writes Terraform, versions and evidence, for added stacks too', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'library-synth-'));
    const { built, reports } = library.synthesizeFleet({
      environmentsDir: REFERENCE_ENVIRONMENTS_DIR,
      selection: { clouds: ['gcp'], environments: ['dev'] },
      app: () => new App({ outdir }),
      project: { name: 'bank-app', version: '1.2.3', commit: 'abc123', workingTree: 'clean' },
      extend: (_built, app) => {
        new TerraformStack(app, 'bank-extra');
      },
    });
    expect(built.environments.map((e) => e.config.name)).toEqual(['dev']);
    const stacks = readdirSync(join(outdir, 'stacks')).sort();
    expect(stacks).toEqual(['bank-extra', 'gcp-dev-baseline', 'gcp-dev-platform', 'gcp-dev-vault', 'gcp-state-finplat-dev-0001']);
    for (const stack of stacks) {
      for (const file of ['cdk.tf.json', 'versions.tf.json', 'compliance-report.json', 'compliance-report.md']) {
        expect({ stack, file, exists: existsSync(join(outdir, 'stacks', stack, file)) }).toEqual({ stack, file, exists: true });
      }
    }
    expect(reports.map((r) => r.stack).sort()).toEqual(stacks);
    expect(JSON.parse(readFileSync(join(outdir, 'stacks', 'gcp-dev-platform', 'compliance-report.json'), 'utf8')).project).toEqual({
      name: 'bank-app',
      version: '1.2.3',
      commit: 'abc123',
      workingTree: 'clean',
    });
  });

  it('throws the ConfigError naming every problem before any file is written', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'library-synth-'));
    expect(() => library.synthesizeFleet({ environmentsDir: REFERENCE_ENVIRONMENTS_DIR, selection: { tiers: ['qa'] }, app: () => new App({ outdir }) })).toThrow(library.ConfigError);
    expect(readdirSync(outdir)).toEqual([]);
  });
});
