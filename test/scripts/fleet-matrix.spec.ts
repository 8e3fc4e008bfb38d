/**
 * `npm run fleet:matrix`: the workflows' matrix comes from the fleet. The reference fleet gives nine
 * legs (eighteen with the stack roles), a selection narrows it exactly as it narrows a synth, and a
 * selection that matches nothing fails instead of printing an empty matrix (GitHub would skip every
 * job and the run would pass).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fleetMatrix, main, type MatrixEntry } from '../../scripts/fleet-matrix';
import { ConfigError, ENVIRONMENT_STACK_ROLES, selectEnvironments } from '../../src/config';
import { REFERENCE_ENVIRONMENTS_DIR, REFERENCE_FLEET } from '../helpers/environments';

const REPO = resolve(__dirname, '../..');
const SCRIPT = join(REPO, 'scripts/fleet-matrix.ts');
const FLEET = REFERENCE_FLEET.environments;

/** The process environment without any selection of the caller's. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['PLATFORM_ENVIRONMENTS_DIR', 'PLATFORM_CLOUDS', 'PLATFORM_ENVIRONMENTS', 'PLATFORM_TIERS']) delete env[key];
  return { ...env, ...extra };
}

function cli(args: string[], extra: Record<string, string> = {}): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: REPO, env: cleanEnv(extra), encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function inProcess(args: string[], extra: Record<string, string> = {}): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(args, cleanEnv(extra), REPO, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('fleetMatrix', () => {
  it('has one leg per environment of the reference fleet, in fleet order, with its name and tier', () => {
    const { include } = fleetMatrix(FLEET);
    expect(include).toHaveLength(9);
    expect(include).toEqual(FLEET.map((c) => ({ cloud: c.cloud, environment: c.name, tier: c.tier, runnerKey: `${c.cloud}_${c.name}`.toUpperCase() })));
    // The same nine legs the workflows hard-coded before (3 clouds x dev, staging, prod).
    expect(include.map((e) => `${e.cloud}-${e.environment}`).sort()).toEqual(
      ['aws', 'azure', 'gcp'].flatMap((cloud) => ['dev', 'prod', 'staging'].map((name) => `${cloud}-${name}`)),
    );
    for (const entry of include) expect(Object.keys(entry)).toEqual(['cloud', 'environment', 'tier', 'runnerKey']);
  });

  it('with roles, has one leg per stack: platform, baseline, then vault of each environment', () => {
    const { include } = fleetMatrix(FLEET, { roles: true });
    expect(include).toHaveLength(27);
    expect(include).toEqual(FLEET.flatMap((c) => ENVIRONMENT_STACK_ROLES.map((role) => ({ cloud: c.cloud, environment: c.name, tier: c.tier, runnerKey: `${c.cloud}_${c.name}`.toUpperCase(), role }))));
    expect(include.slice(0, 3).map((e) => e.role)).toEqual(['platform', 'baseline', 'vault']);
    expect(new Set(include.map((e: MatrixEntry) => `${e.cloud}-${e.environment}-${e.role}`)).size).toBe(27);
  });

  it('narrows by tier', () => {
    const { include } = fleetMatrix(selectEnvironments(FLEET, { tiers: ['prod'] }));
    expect(include).toEqual([
      { cloud: 'aws', environment: 'prod', tier: 'prod', runnerKey: 'AWS_PROD' },
      { cloud: 'azure', environment: 'prod', tier: 'prod', runnerKey: 'AZURE_PROD' },
      { cloud: 'gcp', environment: 'prod', tier: 'prod', runnerKey: 'GCP_PROD' },
    ]);
  });

  it('narrows by a glob and a cloud', () => {
    expect(fleetMatrix(selectEnvironments(FLEET, { environments: ['stag*'] })).include.map((e) => `${e.cloud}-${e.environment}`)).toEqual(['aws-staging', 'azure-staging', 'gcp-staging']);
    expect(fleetMatrix(selectEnvironments(FLEET, { clouds: ['gcp'], environments: ['*'] }), { roles: true }).include).toHaveLength(9);
  });

  it('refuses a pattern that matches nothing, naming it', () => {
    expect(() => selectEnvironments(FLEET, { environments: ['nope-*'] })).toThrow(ConfigError);
    expect(() => selectEnvironments(FLEET, { environments: ['nope-*'] })).toThrow(/selection\.environment: got "nope-\*"/);
    const run = inProcess([], { PLATFORM_ENVIRONMENTS: 'nope-*' });
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/^config error: .*selection\.environment: got "nope-\*"; allowed: a name or glob matching an environment/m);
  });
});

describe('fleet-matrix command line', () => {
  let dir: string;
  beforeAll(() => {
    // A small fleet with a free name: aws/dev and aws/prod-eu-west-1 (the reference aws/prod, renamed).
    dir = mkdtempSync(join(tmpdir(), 'fleet-matrix-'));
    mkdirSync(join(dir, 'aws'));
    cpSync(join(REFERENCE_ENVIRONMENTS_DIR, '_shared.yaml'), join(dir, '_shared.yaml'));
    cpSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', '_base.yaml'), join(dir, 'aws', '_base.yaml'));
    cpSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'dev.yaml'), join(dir, 'aws', 'dev.yaml'));
    const prod = readFileSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'prod.yaml'), 'utf8');
    expect(prod).toMatch(/^name: prod$/m);
    writeFileSync(join(dir, 'aws', 'prod-eu-west-1.yaml'), prod.replace(/^name: prod$/m, 'name: prod-eu-west-1'));
    mkdirSync(join(dir, 'empty'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the reference fleet as one line of JSON and exits 0', () => {
    const run = cli([]);
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(run.out.endsWith('\n')).toBe(true);
    expect(run.out.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.out)).toEqual(fleetMatrix(FLEET));
  });

  it('applies PLATFORM_CLOUDS, PLATFORM_ENVIRONMENTS and PLATFORM_TIERS, and --roles', () => {
    const run = cli(['--roles'], { PLATFORM_CLOUDS: 'azure, gcp', PLATFORM_TIERS: 'dev,staging', PLATFORM_ENVIRONMENTS: 'dev' });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(run.out)).toEqual({
      include: [
        { cloud: 'azure', environment: 'dev', tier: 'dev', runnerKey: 'AZURE_DEV', role: 'platform' },
        { cloud: 'azure', environment: 'dev', tier: 'dev', runnerKey: 'AZURE_DEV', role: 'baseline' },
        { cloud: 'azure', environment: 'dev', tier: 'dev', runnerKey: 'AZURE_DEV', role: 'vault' },
        { cloud: 'gcp', environment: 'dev', tier: 'dev', runnerKey: 'GCP_DEV', role: 'platform' },
        { cloud: 'gcp', environment: 'dev', tier: 'dev', runnerKey: 'GCP_DEV', role: 'baseline' },
        { cloud: 'gcp', environment: 'dev', tier: 'dev', runnerKey: 'GCP_DEV', role: 'vault' },
      ],
    });
  });

  it('exits 1 with the config error line for a bad PLATFORM_TIERS, printing no matrix', () => {
    const run = cli([], { PLATFORM_TIERS: 'qa' });
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toBe('config error: [*/*] selection.tier: got "qa"; allowed: one of dev, staging, prod\n1 configuration problem(s); no matrix was printed.\n');
  });

  it('reads PLATFORM_ENVIRONMENTS_DIR: free names, selected by a glob', () => {
    const run = cli([], { PLATFORM_ENVIRONMENTS_DIR: dir, PLATFORM_ENVIRONMENTS: 'prod-*' });
    expect(run).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(run.out)).toEqual({ include: [{ cloud: 'aws', environment: 'prod-eu-west-1', tier: 'prod', runnerKey: 'AWS_PROD_EU_WEST_1' }] });
  });

  it('exits 1 on an empty selection instead of printing an empty matrix', () => {
    const byTier = inProcess([], { PLATFORM_ENVIRONMENTS_DIR: dir, PLATFORM_TIERS: 'staging' });
    expect(byTier).toMatchObject({ code: 1, out: '' });
    expect(byTier.err).toBe(`no environment selected (PLATFORM_TIERS=staging, environments directory ${dir}): no matrix was printed, so no job would run.\n`);
    const noFleet = inProcess([], { PLATFORM_ENVIRONMENTS_DIR: join(dir, 'empty') });
    expect(noFleet).toMatchObject({ code: 1, out: '' });
    expect(noFleet.err).toMatch(/^no environment selected \(the whole fleet, /);
  });

  it('leaves out HCP Terraform environments, naming them on stderr, and fails when nothing else is selected', () => {
    const hcpDir = mkdtempSync(join(tmpdir(), 'fleet-matrix-hcp-'));
    cpSync(dir, hcpDir, { recursive: true });
    const file = join(hcpDir, 'aws', 'dev.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^stateBackend:\n(?: {2}.*\n)+/m, 'stateBackend:\n  kind: hcp-terraform\n  organization: example-bank\n  project: Platform dev\n  agentPool: dev-network\n'),
    );
    const all = inProcess([], { PLATFORM_ENVIRONMENTS_DIR: hcpDir });
    expect(all).toMatchObject({ code: 0, err: '1 selected environment(s) run in HCP Terraform and are not in the matrix: aws/dev\n' });
    expect(JSON.parse(all.out).include.map((e: MatrixEntry) => e.environment)).toEqual(['prod-eu-west-1']);
    const onlyHcp = inProcess([], { PLATFORM_ENVIRONMENTS_DIR: hcpDir, PLATFORM_ENVIRONMENTS: 'dev' });
    expect(onlyHcp).toMatchObject({ code: 1, out: '' });
    expect(onlyHcp.err).toContain('no environment selected');
    rmSync(hcpDir, { recursive: true, force: true });
  });

  it('exits 1 naming the directory when it does not exist, and 2 on an unknown argument', () => {
    const missing = inProcess([], { PLATFORM_ENVIRONMENTS_DIR: join(dir, 'missing') });
    expect(missing).toMatchObject({ code: 1, out: '' });
    expect(missing.err).toContain('environments directory: got');
    const bad = inProcess(['--role']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain('unknown argument "--role"');
  });
});
