import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, deepMerge, formatProblem, loadFleet, readEnvironmentFiles, stateObject, type EnvironmentDefinition } from '../../src/config';
import { writeGeneratedFleet } from '../../scripts/lib/generate-fleet';
import { awsDev, awsProd, awsStaging, azureDev, gcpDev, REFERENCE_ENVIRONMENTS_DIR } from '../helpers/environments';

/** The problem lines a call throws as a ConfigError (fails the test if it does not throw one). */
function problemLines(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('environment files', () => {
  let dir: string;
  const write = (path: string, body: unknown) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), typeof body === 'string' ? body : stringify(body));
  };
  const read = () => readEnvironmentFiles(join(dir, 'environments'), { relativeTo: dir });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleet-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the reference fleet: nine environments from nine files, the bases only merged', () => {
    const definitions = readEnvironmentFiles(REFERENCE_ENVIRONMENTS_DIR, { relativeTo: join(REFERENCE_ENVIRONMENTS_DIR, '..') });
    expect(definitions.map((d) => d.file)).toEqual([
      'environments/aws/dev.yaml',
      'environments/aws/prod.yaml',
      'environments/aws/staging.yaml',
      'environments/azure/dev.yaml',
      'environments/azure/prod.yaml',
      'environments/azure/staging.yaml',
      'environments/gcp/dev.yaml',
      'environments/gcp/prod.yaml',
      'environments/gcp/staging.yaml',
    ]);
    expect(loadFleet(definitions).environments.map((c) => `${c.cloud}/${c.name}/${c.tier}`)).toContain('aws/prod/prod');
  });

  it('deep-merges an extends chain: mappings key by key, lists and scalars replaced', () => {
    write('environments/_org.yaml', { tags: { owner: 'platform', 'cost-center': 'a' }, adminCidrs: ['10.0.0.0/8', '192.168.0.0/16'], nodePools: { app: { minSize: 2, maxSize: 6 } } });
    write('environments/aws/_base.yaml', { extends: '../_org.yaml', tags: { 'cost-center': 'b' }, nodePools: { app: { maxSize: 9 } } });
    write('environments/aws/prod-eu-west-1.yaml', { extends: '_base.yaml', name: 'prod-eu-west-1', adminCidrs: ['10.1.0.0/16'] });
    const definitions = read();
    expect(definitions).toEqual([
      {
        file: 'environments/aws/prod-eu-west-1.yaml',
        config: { tags: { owner: 'platform', 'cost-center': 'b' }, adminCidrs: ['10.1.0.0/16'], nodePools: { app: { minSize: 2, maxSize: 9 } }, name: 'prod-eu-west-1' },
      },
    ]);
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3], b: { d: 2 } })).toEqual({ a: [3], b: { c: 1, d: 2 } });
    // A mapping of another kind replaces its base's whole: HCP Terraform over a base's S3 fields.
    const hcp = { kind: 'hcp-terraform', organization: 'o', project: 'p', agentPool: 'a' };
    expect(deepMerge({ stateBackend: { region: 'eu-west-1', bootstrapState: 'local' } }, { stateBackend: hcp })).toEqual({ stateBackend: hcp });
    expect(deepMerge({ stateBackend: { ...hcp } }, { stateBackend: { kind: 'hcp-terraform', project: 'q' } })).toEqual({ stateBackend: { ...hcp, project: 'q' } });
  });

  it('rejects a missing base, a cycle, broken YAML and a root that is not a mapping, every file at once', () => {
    write('environments/a.yaml', { extends: 'nope.yaml', name: 'a' });
    write('environments/b.yaml', { extends: 'c.yaml' });
    write('environments/c.yaml', { extends: 'b.yaml' });
    write('environments/d.yaml', 'name: d\n  tier: [dev\n');
    write('environments/e.yml', '- just\n- a list\n');
    const lines = problemLines(read);
    expect(lines).toEqual([
      'config error: environments/a.yaml: extends: got "nope.yaml"; allowed: a file that exists (environments/nope.yaml does not)',
      'config error: environments/c.yaml: extends: got "b.yaml"; allowed: a chain without cycles (environments/b.yaml -> environments/c.yaml -> environments/b.yaml)',
      expect.stringMatching(/^config error: environments\/d\.yaml: \(line 1, column 7\): got "[A-Z_]+"; allowed: valid YAML: /),
      'config error: environments/e.yml: (root): got ["just","a list"]; allowed: a YAML mapping of environment fields',
    ]);
  });

  it('rejects a directory that does not exist', () => {
    expect(() => readEnvironmentFiles(join(dir, 'missing'))).toThrow('allowed: a directory of environment YAML files (PLATFORM_ENVIRONMENTS_DIR, default ./environments)');
  });

  it('names the file in per-environment problems', () => {
    write('environments/aws/_base.yaml', { ...awsDev, name: undefined });
    write('environments/aws/sandbox-42.yaml', { extends: '_base.yaml', name: 'sandbox-42', network: { ...awsDev.network, vpcCdir: '10.10.0.0/16' } });
    expect(problemLines(() => loadFleet(read()))).toEqual([
      'config error: environments/aws/sandbox-42.yaml: [aws/sandbox-42] network.vpcCdir: got "10.10.0.0/16"; allowed: no unknown fields: remove "vpcCdir" (did you mean "vpcCidr"?)',
    ]);
  });
});

describe('fleet rules', () => {
  const def = (file: string, config: object): EnvironmentDefinition => ({ file, config });
  const base = { ...awsDev, name: 'sandbox-1' };

  it('accepts the same name on two clouds, and environments of any name in one account with disjoint networks', () => {
    const aws2 = { ...awsDev, name: 'dr', platformImageMirror: `${awsDev.allowedRegistries[0]}/dr-mirror`, network: { ...awsDev.network, vpcCidr: '10.11.0.0/16', publicSubnetCidrs: ['10.11.0.0/24', '10.11.1.0/24'], privateSubnetCidrs: ['10.11.32.0/19', '10.11.64.0/19'], intraSubnetCidrs: ['10.11.8.0/26', '10.11.8.64/26'] }, stateBackend: { ...awsDev.stateBackend, key: 'aws/dr' } };
    const fleet = loadFleet([def('a.yaml', awsDev), def('b.yaml', aws2), def('c.yaml', azureDev), def('d.yaml', gcpDev)]);
    expect(fleet.environments.map((c) => `${c.cloud}-${c.name}`)).toEqual(['aws-dev', 'aws-dr', 'azure-dev', 'gcp-dev']);
    expect(fleet.stateBackends.find((g) => g.cloud === 'aws')?.environments.map((c) => c.name)).toEqual(['dev', 'dr']);
  });

  it('rejects two environments of one cloud with the same name, naming both files', () => {
    expect(problemLines(() => loadFleet([def('environments/aws/a.yaml', awsProd), def('environments/aws/b.yaml', awsProd)]))).toContain(
      'config error: environments/aws/b.yaml: [aws/prod] name: got "prod"; allowed: a name no other aws environment uses (environments/aws/a.yaml is already aws/prod; stacks are aws-prod-<role>)',
    );
  });

  it('rejects overlapping networks in one routing domain (default: the account), and across accounts that name the same domain', () => {
    const twin = { ...base, platformImageMirror: `${awsDev.allowedRegistries[0]}/sandbox`, stateBackend: { ...awsDev.stateBackend, key: 'aws/sandbox-1' } };
    expect(problemLines(() => loadFleet([def('dev.yaml', awsDev), def('sandbox.yaml', twin)]))).toEqual([
      'config error: sandbox.yaml: [aws/sandbox-1] network.vpcCidr: got "10.10.0.0/16"; allowed: a range that does not overlap dev.yaml\'s network.vpcCidr (10.10.0.0/16): both are in routing domain aws:111111111111 (set network.routingDomain for networks that are never connected)',
    ]);
    // Different accounts: separate domains by default ...
    const staging = { ...awsStaging, network: { ...awsStaging.network, vpcCidr: '10.10.0.0/16', publicSubnetCidrs: ['10.10.0.0/24', '10.10.1.0/24', '10.10.2.0/24'], privateSubnetCidrs: ['10.10.32.0/19', '10.10.64.0/19', '10.10.96.0/19'], intraSubnetCidrs: ['10.10.8.0/26', '10.10.8.64/26', '10.10.8.128/26'] } };
    expect(() => loadFleet([def('dev.yaml', awsDev), def('staging.yaml', staging)])).not.toThrow();
    // ... one domain when both say so (a transit gateway between the accounts).
    const joined = (c: typeof staging | typeof awsDev) => ({ ...c, network: { ...c.network, routingDomain: 'corp-backbone' } });
    expect(problemLines(() => loadFleet([def('dev.yaml', joined(awsDev)), def('staging.yaml', joined(staging))]))).toEqual([
      expect.stringContaining("config error: staging.yaml: [aws/staging] network.vpcCidr: got \"10.10.0.0/16\"; allowed: a range that does not overlap dev.yaml's network.vpcCidr (10.10.0.0/16): both are in routing domain corp-backbone"),
    ]);
  });

  it('rejects two clusters of the same name in one account and region, and a shared mirror', () => {
    const a = { ...awsDev, namePrefix: 'fin-plat', name: 'dev' };
    const b = { ...awsDev, namePrefix: 'fin', name: 'plat-dev', network: { ...awsDev.network, vpcCidr: '10.12.0.0/16', publicSubnetCidrs: ['10.12.0.0/24', '10.12.1.0/24'], privateSubnetCidrs: ['10.12.32.0/19', '10.12.64.0/19'], intraSubnetCidrs: ['10.12.8.0/26', '10.12.8.64/26'] }, stateBackend: { ...awsDev.stateBackend, key: 'aws/plat-dev' } };
    expect(problemLines(() => loadFleet([def('a.yaml', a), def('b.yaml', b)]))).toEqual([
      'config error: b.yaml: [aws/plat-dev] namePrefix: got "fin"; allowed: a namePrefix/name pair whose cluster name differs from a.yaml\'s "fin-plat-dev" in the same account and region',
      `config error: b.yaml: [aws/plat-dev] platformImageMirror: got "${awsDev.platformImageMirror}"; allowed: a mirror no other environment uses (a.yaml creates it: each platform stack creates its own mirror registry)`,
    ]);
  });

  it('rejects a state prefix shared with another environment of the backend', () => {
    const other = { ...awsDev, name: 'qa', platformImageMirror: `${awsDev.allowedRegistries[0]}/qa`, network: { ...awsDev.network, routingDomain: 'isolated-qa' } };
    expect(problemLines(() => loadFleet([def('dev.yaml', awsDev), def('qa.yaml', other)]))).toEqual([
      expect.stringMatching(/^config error: qa\.yaml: \[aws\/qa\] stateBackend\.key: got "aws\/dev"; allowed: a prefix that neither equals nor nests with aws\/dev's "aws\/dev" in the same backend$/),
    ]);
  });

  it('derives every state object from the stack name', () => {
    expect(stateObject(awsProd, 'aws-prod-platform')).toEqual({ backend: 's3://finplat-tfstate-333333333333', key: 'aws/prod/aws-prod-platform.tfstate' });
    expect(stateObject(awsProd, 'my-own-stack').key).toBe('aws/prod/my-own-stack.tfstate');
    expect(stateObject(gcpDev, 'gcp-dev-baseline')).toEqual({ backend: 'gs://finplat-tfstate-dev', key: 'gcp/dev/gcp-dev-baseline' });
  });

  it('reports every problem of every file at once, each once', () => {
    const lines = problemLines(() =>
      loadFleet([def('a.yaml', { ...awsProd, region: 'eu-west-9' }), def('b.yaml', { ...gcpDev, tier: 'qa' }), def('c.yaml', { ...azureDev, location: 'mars' })]),
    );
    // a.yaml's zones do not belong to its region either: four problems, one file.
    expect(lines.map((l) => l.split(':')[1].trim())).toEqual(['a.yaml', 'a.yaml', 'a.yaml', 'a.yaml', 'b.yaml', 'c.yaml']);
    expect(new Set(lines).size).toBe(lines.length);
  });
});

describe('a generated fleet', () => {
  it('validates 60 generated environments as a fleet: disjoint networks, own mirrors, one backend per cloud', () => {
    const dir = mkdtempSync(join(tmpdir(), 'generated-'));
    try {
      const names = writeGeneratedFleet(dir, 60, REFERENCE_ENVIRONMENTS_DIR);
      const fleet = loadFleet(readEnvironmentFiles(dir));
      expect(fleet.environments).toHaveLength(60);
      expect(names.aws).toHaveLength(20);
      expect(fleet.stateBackends.map((g) => `${g.cloud}:${g.environments.length}`)).toEqual(['aws:20', 'azure:20', 'gcp:20']);
      expect(new Set(fleet.environments.map((c) => c.tier))).toEqual(new Set(['dev', 'staging', 'prod']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
