/**
 * The worked example of docs/configuration.md ("a multi-account, multi-region estate"), built as
 * files and loaded the way the app loads a fleet: the YAML shown in the document is taken from the
 * document itself, so the example cannot drift from what the validator accepts, and the claims the
 * text makes about it (stack names, state object, bootstrap stacks, prod rules, routing domain) are
 * asserted here.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatProblem, loadFleetFromDirectory, stateObject, type Fleet } from '../../src/config';
import { stackName, stateStackName } from '../../src/stacks/common';
import { REFERENCE_ENVIRONMENTS_DIR } from '../helpers/environments';

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'configuration.md'), 'utf8');

/** The YAML block of the document that starts with `# environments/<path>`. */
function documentedFile(path: string): string {
  const block = new RegExp('```yaml\\n# environments/' + path.replace(/[.]/g, '\\.') + '\\n([\\s\\S]*?)```').exec(DOC);
  if (!block) throw new Error(`docs/configuration.md shows no environments/${path}`);
  return block[1];
}

const account = (id: string, region: string) => `
accountId: "${id}"
region: ${region}
platformImageMirror: ${id}.dkr.ecr.${region}.amazonaws.com/platform-mirror
allowedRegistries: [${id}.dkr.ecr.${region}.amazonaws.com]
availabilityZones: [${region}a, ${region}b, ${region}c]
`;
const network = (second: number) => `
network:
  vpcCidr: 10.${second}.0.0/16
  publicSubnetCidrs: [10.${second}.0.0/24, 10.${second}.1.0/24, 10.${second}.2.0/24]
  privateSubnetCidrs: [10.${second}.32.0/19, 10.${second}.64.0/19, 10.${second}.96.0/19]
  intraSubnetCidrs: [10.${second}.8.0/26, 10.${second}.8.64/26, 10.${second}.8.128/26]
`;

function writeEstate(dir: string, overrides: Record<string, string> = {}): void {
  mkdirSync(join(dir, 'aws'), { recursive: true });
  cpSync(join(REFERENCE_ENVIRONMENTS_DIR, '_shared.yaml'), join(dir, '_shared.yaml'));
  cpSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', '_base.yaml'), join(dir, 'aws', '_base.yaml'));
  // _prod.yaml: the reference prod environment as a base, in the shared routing domain.
  const prod = readFileSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'prod.yaml'), 'utf8').replace(/^name: prod\n/m, '').replace(/^network:\n/m, 'network:\n  routingDomain: aws-prod-tgw\n');
  const files: Record<string, string> = {
    'aws/_prod.yaml': prod,
    'aws/prod-eu-west-1.yaml': 'extends: _prod.yaml\nname: prod-eu-west-1\nstateBackend:\n  key: aws/prod-eu-west-1\ngitOps:\n  path: clusters/aws-prod-eu-west-1\n',
    'aws/prod-eu-central-1.yaml': documentedFile('aws/prod-eu-central-1.yaml'),
    'aws/dr-eu-west-2.yaml': [
      'extends: _prod.yaml',
      'name: dr-eu-west-2',
      account('444444444444', 'eu-west-2'),
      network(32),
      'trustedAccountIds: ["333333333333"]   # the prod admins administer the DR copy',
      'stateBackend:',
      '  bucket: finplat-tfstate-444444444444',
      '  key: aws/dr-eu-west-2',
      '  region: eu-west-2',
      '  kmsKeyId: arn:aws:kms:eu-west-2:444444444444:alias/terraform-state',
      'gitOps:',
      '  path: clusters/aws-dr-eu-west-2',
      '',
    ].join('\n'),
    'aws/sandbox-42.yaml': [
      'extends: _base.yaml',
      'name: sandbox-42',
      'tier: dev',
      account('555555555555', 'eu-west-1').replace(/, eu-west-1c\]/, ']'),
      network(30).replace(/, 10\.30\.2\.0\/24\]/, ']').replace(/, 10\.30\.96\.0\/19\]/, ']').replace(/, 10\.30\.8\.128\/26\]/, ']'),
      '  natGateways: single',
      '  flowLogRetentionDays: 365',
      readFileSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'dev.yaml'), 'utf8')
        .split('\n')
        .slice(
          readFileSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'dev.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('nodePools:')),
        )
        .join('\n')
        .replace(/111111111111/g, '555555555555')
        .replace(/aws\/dev/g, 'aws/sandbox-42')
        .replace(/clusters\/aws-dev/g, 'clusters/aws-sandbox-42'),
    ].join('\n'),
    ...overrides,
  };
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
}

function load(overrides: Record<string, string> = {}): Fleet {
  const dir = mkdtempSync(join(tmpdir(), 'estate-'));
  try {
    writeEstate(dir, overrides);
    return loadFleetFromDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function problemLines(overrides: Record<string, string>): string[] {
  try {
    load(overrides);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

describe('docs/configuration.md: the worked example of a multi-account, multi-region estate', () => {
  const fleet = load();
  const env = (name: string) => {
    const found = fleet.environments.find((c) => c.name === name);
    if (!found) throw new Error(name);
    return found;
  };

  it('loads as a fleet: three prod-tier environments in two accounts and a dev-tier sandbox', () => {
    expect(fleet.environments.map((c) => `${c.cloud}/${c.name}:${c.tier}`)).toEqual([
      'aws/dr-eu-west-2:prod',
      'aws/prod-eu-central-1:prod',
      'aws/prod-eu-west-1:prod',
      'aws/sandbox-42:dev',
    ]);
  });

  it('gives the stacks and the state object the text names', () => {
    const central = env('prod-eu-central-1');
    expect(stackName(central, 'platform')).toBe('aws-prod-eu-central-1-platform');
    const address = stateObject(central, 'aws-prod-eu-central-1-platform');
    expect(`${address.backend}/${address.key}`).toBe('s3://finplat-tfstate-333333333333/aws/prod-eu-central-1/aws-prod-eu-central-1-platform.tfstate');
  });

  it('has one bootstrap stack per account, aws-state-333333333333 holding both prod regions', () => {
    expect(fleet.stateBackends.map((g) => [stateStackName(g), g.environments.map((c) => c.name)])).toEqual([
      ['aws-state-444444444444', ['dr-eu-west-2']],
      ['aws-state-333333333333', ['prod-eu-central-1', 'prod-eu-west-1']],
      ['aws-state-555555555555', ['sandbox-42']],
    ]);
  });

  it('applies the prod rules to all three prod-tier environments, whatever their names', () => {
    const branch = problemLines({ 'aws/_prod.yaml': readFileSync(join(REFERENCE_ENVIRONMENTS_DIR, 'aws', 'prod.yaml'), 'utf8').replace(/^name: prod\n/m, '').replace('targetRevision: v1.0.0', 'targetRevision: main') });
    expect(branch.filter((l) => l.includes('gitOps.targetRevision: got "main"')).map((l) => /\[aws\/([a-z0-9-]+)\]/.exec(l)?.[1])).toEqual([
      'dr-eu-west-2',
      'prod-eu-central-1',
      'prod-eu-west-1',
    ]);
  });

  it('compares the prod VPCs across both accounts in routing domain aws-prod-tgw; the sandbox may reuse a prod range', () => {
    expect(env('sandbox-42').cloud === 'aws' && env('sandbox-42').network).toMatchObject({ vpcCidr: '10.30.0.0/16' });
    const clash = problemLines({
      'aws/dr-eu-west-2.yaml': documentedFile('aws/prod-eu-central-1.yaml')
        .replace('name: prod-eu-central-1', 'name: dr-eu-west-2')
        .replace('accountId: "333333333333"', 'accountId: "444444444444"\ntrustedAccountIds: ["333333333333"]')
        .replace(/333333333333\.dkr/g, '444444444444.dkr')
        .replace('key: aws/prod-eu-central-1', 'key: aws/dr-eu-west-2\n  bucket: finplat-tfstate-444444444444\n  kmsKeyId: arn:aws:kms:eu-west-1:444444444444:alias/terraform-state')
        .replace('clusters/aws-prod-eu-central-1', 'clusters/aws-dr-eu-west-2'),
    });
    expect(clash).toEqual([expect.stringMatching(/\[aws\/(dr-eu-west-2|prod-eu-central-1)\] network\.vpcCidr: got "10\.31\.0\.0\/16"; allowed: .*aws-prod-tgw/)]);
  });
});
