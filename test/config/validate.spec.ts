import { ENVIRONMENT_DEFINITIONS } from '../../src/config';
import { awsDev, awsProd } from '../../src/config/environments/aws';
import { azureProd } from '../../src/config/environments/azure';
import { gcpProd } from '../../src/config/environments/gcp';
import { ConfigError, formatProblem, loadEnvironments, validateEnvironment, type ConfigProblem } from '../../src/config/validate';

/** Deep copy with a patch applied at a dotted path. */
function withChange(base: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[keys[keys.length - 1]];
  else target[keys[keys.length - 1]] = value;
  return copy;
}

function problemsOf(raw: unknown): string[] {
  const label = { cloud: '?', environment: '?' };
  return validateEnvironment(raw, label).problems.map(formatProblem);
}

describe('environment definitions', () => {
  it('accepts every shipped definition (3 clouds x 3 environments)', () => {
    const configs = loadEnvironments(ENVIRONMENT_DEFINITIONS);
    expect(configs.map((c) => `${c.cloud}-${c.environment}`).sort()).toEqual(
      ['aws-dev', 'aws-prod', 'aws-staging', 'azure-dev', 'azure-prod', 'azure-staging', 'gcp-dev', 'gcp-prod', 'gcp-staging'],
    );
  });

  it('keeps prod private: no public endpoint anywhere but dev', () => {
    for (const config of loadEnvironments(ENVIRONMENT_DEFINITIONS)) {
      expect(config.publicApiEndpoint.enabled).toBe(false);
    }
  });

  it('narrows to a selection of clouds and environments', () => {
    const configs = loadEnvironments(ENVIRONMENT_DEFINITIONS, { clouds: ['gcp'], environments: ['prod', 'dev'] });
    expect(configs.map((c) => `${c.cloud}-${c.environment}`)).toEqual(['gcp-dev', 'gcp-prod']);
  });
});

describe('rejects bad input with one line per problem', () => {
  const cases: Array<[string, object, string, unknown, RegExp]> = [
    ['a malformed VPC CIDR', awsProd, 'network.vpcCidr', '10.30.0.0/33', /\[aws\/prod\] network\.vpcCidr: got "10\.30\.0\.0\/33"; allowed: a canonical IPv4 CIDR \(prefix length must be 0-32\)/],
    ['a CIDR with host bits set', awsProd, 'network.vpcCidr', '10.30.0.1/16', /network\.vpcCidr: got "10\.30\.0\.1\/16"; allowed: a canonical IPv4 CIDR \(host bits are set; the network address is 10\.30\.0\.0\/16\)/],
    ['overlapping subnets', awsProd, 'network.privateSubnetCidrs', ['10.30.32.0/19', '10.30.32.0/20', '10.30.96.0/19'], /\[aws\/prod\] network\.privateSubnetCidrs\[1\]: got "10\.30\.32\.0\/20"; allowed: a range that does not overlap network\.privateSubnetCidrs\[0\] \(10\.30\.32\.0\/19\)/],
    ['a subnet outside the VPC', awsProd, 'network.intraSubnetCidrs', ['10.30.8.0/26', '10.30.8.64/26', '10.31.8.128/26'], /network\.intraSubnetCidrs\[2\]: got "10\.31\.8\.128\/26"; allowed: a range inside network\.vpcCidr \(10\.30\.0\.0\/16\)/],
    ['node min > max', awsProd, 'nodePools.app', { machineType: 'm5.xlarge', minSize: 7, maxSize: 6, desiredSize: 6, diskSizeGb: 100 }, /\[aws\/prod\] nodePools\.app\.minSize: got 7; allowed: at most maxSize \(6\)/],
    ['desired outside [min, max]', awsProd, 'nodePools.security', { machineType: 'c5.large', minSize: 2, maxSize: 3, desiredSize: 5, diskSizeGb: 50 }, /nodePools\.security\.desiredSize: got 5; allowed: between minSize and maxSize \[2, 3\]/],
    ['an unknown environment', awsProd, 'environment', 'qa', /\[aws\/qa\] environment: got "qa"; allowed: one of "dev", "staging", "prod"/],
    ['an unknown cloud', awsProd, 'cloud', 'oracle', /\[oracle\/prod\] cloud: got "oracle"; allowed: one of aws, azure, gcp/],
    ['a missing account id', awsProd, 'accountId', undefined, /\[aws\/prod\] accountId: got \(missing\); allowed: /],
    ['a malformed account id', awsProd, 'accountId', '12345', /accountId: got "12345"; allowed: a 12-digit AWS account id/],
    ['a missing subscription id', azureProd, 'subscriptionId', undefined, /\[azure\/prod\] subscriptionId: got \(missing\)/],
    ['a missing project id', gcpProd, 'projectId', undefined, /\[gcp\/prod\] projectId: got \(missing\)/],
    ['a public API endpoint in prod', awsProd, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['203.0.113.0/24'] }, /\[aws\/prod\] publicApiEndpoint\.enabled: got true; allowed: false in prod \(private API endpoint only/],
    ['a public API endpoint in staging', { ...awsProd, environment: 'staging' }, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['203.0.113.0/24'] }, /\[aws\/staging\] publicApiEndpoint\.enabled: got true; allowed: false in staging/],
    ['a public endpoint without allow-list in dev', awsDev, 'publicApiEndpoint', { enabled: true, allowedCidrs: [] }, /\[aws\/dev\] publicApiEndpoint\.allowedCidrs: got \[\]; allowed: a non-empty CIDR allow-list/],
    ['0.0.0.0/0 on a dev public endpoint', awsDev, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['0.0.0.0/0'] }, /\[aws\/dev\] publicApiEndpoint\.allowedCidrs\[0\]: got "0\.0\.0\.0\/0"; allowed: a specific network range, never 0\.0\.0\.0\/0/],
    ['a 0.0.0.0/0 admin CIDR in prod', awsProd, 'adminCidrs', ['0.0.0.0/0'], /\[aws\/prod\] adminCidrs\[0\]: got "0\.0\.0\.0\/0"; allowed: a specific network range, never 0\.0\.0\.0\/0/],
    ['an unsupported Kubernetes version', awsProd, 'kubernetesVersion', '1.27', /\[aws\/prod\] kubernetesVersion: got "1\.27"; allowed: one of 1\.33, 1\.34, 1\.35/],
    ['a single NAT gateway in prod', awsProd, 'network.natGateways', 'single', /network\.natGateways: got "single"; allowed: "one-per-az" in prod/],
    ['flow-log retention under a year in prod', awsProd, 'network.flowLogRetentionDays', 90, /network\.flowLogRetentionDays: got 90; allowed: at least 365 days in prod/],
    ['two availability zones in prod', awsProd, 'availabilityZones', ['eu-west-1a', 'eu-west-1b'], /\[aws\/prod\] availabilityZones: got \["eu-west-1a","eu-west-1b"\]; allowed: exactly 3 zones in prod/],
    ['an admin that is not an IAM ARN', awsProd, 'adminPrincipals', ['alice'], /adminPrincipals\[0\]: got "alice"; allowed: an IAM role or user ARN/],
    ['an unknown field', awsProd, 'endpointPublic', true, /\(root\): got .*; allowed: no unknown fields \(remove endpointPublic\)/],
    ['an unpinned GitOps revision in prod', awsProd, 'gitOps.targetRevision', 'HEAD', /gitOps\.targetRevision: got "HEAD"; allowed: a pinned branch, tag or commit in prod/],
    ['a malformed Cosign public key', awsProd, 'cosignPublicKey', 'not-a-key', /\[aws\/prod\] cosignPublicKey: got "not-a-key"; allowed: a PEM-encoded public key/],
    ['a private key where the Cosign public key belongs', gcpProd, 'cosignPublicKey', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n', /\[gcp\/prod\] cosignPublicKey: got .*; allowed: a PEM-encoded public key/],
    ['a platform image mirror outside the allowed registries', awsProd, 'platformImageMirror', 'docker.io/mirror', /\[aws\/prod\] platformImageMirror: got "docker\.io\/mirror"; allowed: a path inside one of allowedRegistries \(333333333333\.dkr\.ecr\.eu-west-1\.amazonaws\.com\)/],
    ['a mirror that only shares a prefix with an allowed registry', awsProd, 'platformImageMirror', '333333333333.dkr.ecr.eu-west-1.amazonaws.com.evil.io/m', /platformImageMirror: got .*; allowed: a path inside one of allowedRegistries/],
    ['an AKS system pool with min > max', azureProd, 'systemNodePool', { machineType: 'Standard_D2s_v5', minSize: 4, maxSize: 3, desiredSize: 3, diskSizeGb: 64 }, /\[azure\/prod\] systemNodePool\.minSize: got 4; allowed: at most maxSize \(3\)/],
    ['a single-node AKS system pool in prod', azureProd, 'systemNodePool', { machineType: 'Standard_D2s_v5', minSize: 1, maxSize: 3, desiredSize: 1, diskSizeGb: 64 }, /\[azure\/prod\] systemNodePool\.minSize: got 1; allowed: at least 2 outside dev/],
    ['an AKS pod range overlapping the VNet', azureProd, 'network.podCidr', '10.60.128.0/17', /\[azure\/prod\] network\.podCidr: got "10\.60\.128\.0\/17"; allowed: a range that does not overlap network\.vnetCidr/],
    ['a DNS service IP outside the service range', azureProd, 'network.dnsServiceIp', '10.0.0.10', /network\.dnsServiceIp: got "10\.0\.0\.10"; allowed: an address inside network\.serviceCidr/],
    ['a GKE master range that is not a /28', gcpProd, 'network.masterCidr', '172.16.0.0/27', /\[gcp\/prod\] network\.masterCidr: got "172\.16\.0\.0\/27"; allowed: exactly a \/28/],
    ['overlapping GKE ranges', gcpProd, 'network.servicesCidr', '10.92.0.0/20', /\[gcp\/prod\] network\.servicesCidr: got "10\.92\.0\.0\/20"; allowed: a range that does not overlap network\.podsCidr/],
    ['GCP labels with upper case', gcpProd, 'tags', { CostCenter: 'Platform' }, /\[gcp\/prod\] tags\.CostCenter: got "Platform"; allowed: GCP labels/],
  ];

  it.each(cases)('rejects %s', (_name, base, path, value, expected) => {
    const lines = problemsOf(withChange(base, path, value));
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.join('\n')).toMatch(expected);
    for (const line of lines) expect(line).toMatch(/^config error: \[[a-z?*]+\/[a-z?*]+\] \S+: got .+; allowed: .+$/);
  });

  it('reports every problem at once, not just the first', () => {
    let raw = withChange(awsProd, 'kubernetesVersion', '1.20');
    raw = withChange(raw, 'adminCidrs', ['0.0.0.0/0']);
    raw = withChange(raw, 'network.natGateways', 'single');
    const lines = problemsOf(raw);
    expect(lines).toHaveLength(3);
  });

  it('rejects an unknown cloud or environment in the selection', () => {
    let error: ConfigError | undefined;
    try {
      loadEnvironments(ENVIRONMENT_DEFINITIONS, { clouds: ['aws', 'ibm'], environments: ['uat'] });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems as ConfigProblem[];
    expect(problems.map(formatProblem)).toEqual([
      'config error: [ibm/*] selection.cloud: got "ibm"; allowed: one of aws, azure, gcp',
      'config error: [*/uat] selection.environment: got "uat"; allowed: one of dev, staging, prod',
    ]);
  });

  it('rejects a definition registered under the wrong key', () => {
    expect(() => loadEnvironments([{ cloud: 'aws', environment: 'dev', config: awsProd }])).toThrow(
      'config error: [aws/dev] cloud/environment: got "aws/prod"; allowed: the key it is registered under (aws/dev)',
    );
  });

  it('rejects two definitions for the same cloud and environment', () => {
    expect(() => loadEnvironments([{ cloud: 'aws', environment: 'prod', config: awsProd }, { cloud: 'aws', environment: 'prod', config: awsProd }])).toThrow(
      'one definition per cloud and environment',
    );
  });
});
