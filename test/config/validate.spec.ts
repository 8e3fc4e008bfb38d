import { generateKeyPairSync } from 'node:crypto';
import { awsDev, awsProd, azureProd, gcpProd, REFERENCE_DEFINITIONS } from '../helpers/environments';
import { ConfigError, formatProblem, isImmutableRevision, loadEnvironments, validateEnvironment, type ConfigProblem } from '../../src/config';

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
  return validateEnvironment(raw).problems.map(formatProblem);
}

const pem = (type: 'ec' | 'rsa' | 'ed25519' | 'dsa', options: Record<string, unknown>): string =>
  (generateKeyPairSync as unknown as (t: string, o: Record<string, unknown>) => { publicKey: string })(type, { ...options, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } }).publicKey;

describe('environment definitions', () => {
  it('accepts every shipped definition (3 clouds x 3 environments)', () => {
    const configs = loadEnvironments(REFERENCE_DEFINITIONS);
    expect(configs.map((c) => `${c.cloud}-${c.name}`).sort()).toEqual(
      ['aws-dev', 'aws-prod', 'aws-staging', 'azure-dev', 'azure-prod', 'azure-staging', 'gcp-dev', 'gcp-prod', 'gcp-staging'],
    );
  });

  it('keeps prod private: no public endpoint anywhere but dev', () => {
    for (const config of loadEnvironments(REFERENCE_DEFINITIONS)) {
      expect(config.publicApiEndpoint.enabled).toBe(false);
    }
  });

  it('narrows to a selection of clouds and environments', () => {
    const configs = loadEnvironments(REFERENCE_DEFINITIONS, { clouds: ['gcp'], environments: ['prod', 'dev'] });
    expect(configs.map((c) => `${c.cloud}-${c.name}`)).toEqual(['gcp-dev', 'gcp-prod']);
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
    ['an unknown tier', awsProd, 'tier', 'qa', /\[aws\/prod\] tier: got "qa"; allowed: one of "dev", "staging", "prod"/],
    ['a name that is not DNS-safe', awsProd, 'name', 'Prod_EU', /\[aws\/Prod_EU\] name: got "Prod_EU"; allowed: a DNS-safe name: 1-20 lowercase letters/],
    ['a name longer than 20 characters', awsProd, 'name', 'prod-eu-west-1-blue-green', /name: got "prod-eu-west-1-blue-green"; allowed: a DNS-safe name/],
    ['a GKE cluster name over 22 characters', gcpProd, 'name', 'prod-europe-west2x', /\[gcp\/prod-europe-west2x\] name: got "prod-europe-west2x"; allowed: a name that keeps the cluster name "<namePrefix>-<name>" within 22 characters \(got "finplat-prod-europe-west2x", 26\)/],
    ['an unknown cloud', awsProd, 'cloud', 'oracle', /\[oracle\/prod\] cloud: got "oracle"; allowed: one of aws, azure, gcp/],
    ['a missing account id', awsProd, 'accountId', undefined, /\[aws\/prod\] accountId: got \(missing\); allowed: /],
    ['a malformed account id', awsProd, 'accountId', '12345', /accountId: got "12345"; allowed: a 12-digit AWS account id/],
    ['a missing subscription id', azureProd, 'subscriptionId', undefined, /\[azure\/prod\] subscriptionId: got \(missing\)/],
    ['a missing project id', gcpProd, 'projectId', undefined, /\[gcp\/prod\] projectId: got \(missing\)/],
    ['a public API endpoint in prod', awsProd, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['203.0.113.0/24'] }, /\[aws\/prod\] publicApiEndpoint\.enabled: got true; allowed: false in the prod tier \(private API endpoint only/],
    ['a public API endpoint in a staging-tier environment', { ...awsProd, name: 'uat', tier: 'staging' }, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['203.0.113.0/24'] }, /\[aws\/uat\] publicApiEndpoint\.enabled: got true; allowed: false in the staging tier/],
    ['prod rules on a prod-tier environment of any name', { ...awsProd, name: 'dr' }, 'network.natGateways', 'single', /\[aws\/dr\] network\.natGateways: got "single"; allowed: "one-per-az" in the prod tier/],
    ['a public endpoint allow-list that covers the internet in two halves', awsDev, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['0.0.0.0/1', '128.0.0.0/1'] }, /\[aws\/dev\] publicApiEndpoint\.allowedCidrs: got \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\]; allowed: ranges that together leave some of the internet out/],
    ['a public endpoint without allow-list in dev', awsDev, 'publicApiEndpoint', { enabled: true, allowedCidrs: [] }, /\[aws\/dev\] publicApiEndpoint\.allowedCidrs: got \[\]; allowed: a non-empty CIDR allow-list/],
    ['0.0.0.0/0 on a dev public endpoint', awsDev, 'publicApiEndpoint', { enabled: true, allowedCidrs: ['0.0.0.0/0'] }, /\[aws\/dev\] publicApiEndpoint\.allowedCidrs\[0\]: got "0\.0\.0\.0\/0"; allowed: a specific network range, never 0\.0\.0\.0\/0/],
    ['a 0.0.0.0/0 admin CIDR in prod', awsProd, 'adminCidrs', ['0.0.0.0/0'], /\[aws\/prod\] adminCidrs\[0\]: got "0\.0\.0\.0\/0"; allowed: a specific network range, never 0\.0\.0\.0\/0/],
    ['admin CIDRs that cover the internet in two halves', awsDev, 'adminCidrs', ['0.0.0.0/1', '128.0.0.0/1'], /\[aws\/dev\] adminCidrs\[0\]: got "0\.0\.0\.0\/1"; allowed: a private range/],
    ['a public admin CIDR without the opt-out', awsDev, 'adminCidrs', ['203.0.113.0/24'], /\[aws\/dev\] adminCidrs\[0\]: got "203\.0\.113\.0\/24"; allowed: a private range \(inside 10\.0\.0\.0\/8, 172\.16\.0\.0\/12, 192\.168\.0\.0\/16 or 100\.64\.0\.0\/10\); public admin ranges need the explicit opt-out allowPublicAdminCidrs: true/],
    ['a private range that only starts inside 10/8', awsDev, 'adminCidrs', ['10.0.0.0/7'], /adminCidrs\[0\]: got "10\.0\.0\.0\/7"; allowed: a private range/],
    ['the public-admin opt-out in prod', awsProd, 'allowPublicAdminCidrs', true, /\[aws\/prod\] allowPublicAdminCidrs: got true; allowed: false in the prod tier/],
    ['an unsupported Kubernetes version', awsProd, 'kubernetesVersion', '1.27', /\[aws\/prod\] kubernetesVersion: got "1\.27"; allowed: one of 1\.33, 1\.34, 1\.35/],
    ['a single NAT gateway in prod', awsProd, 'network.natGateways', 'single', /network\.natGateways: got "single"; allowed: "one-per-az" in the prod tier/],
    ['flow-log retention under a year in prod', awsProd, 'network.flowLogRetentionDays', 90, /network\.flowLogRetentionDays: got 90; allowed: at least 365 days \(PCI-DSS 10\.5\.1/],
    ['flow-log retention under a year in dev (the pack requires it in every tier)', awsDev, 'network.flowLogRetentionDays', 30, /\[aws\/dev\] network\.flowLogRetentionDays: got 30; allowed: at least 365 days \(PCI-DSS 10\.5\.1: a year of audit history; the compliance pack requires it in every tier\)/],
    ['two availability zones in prod', awsProd, 'availabilityZones', ['eu-west-1a', 'eu-west-1b'], /\[aws\/prod\] availabilityZones: got \["eu-west-1a","eu-west-1b"\]; allowed: exactly 3 zones in the prod tier/],
    ['an admin that is not an IAM ARN', awsProd, 'adminPrincipals', ['alice'], /adminPrincipals\[0\]: got "alice"; allowed: an IAM role or user ARN/],
    ['an admin role of another account', awsProd, 'adminPrincipals', ['arn:aws:iam::999999999999:role/admin'], /\[aws\/prod\] adminPrincipals\[0\]: got "arn:aws:iam::999999999999:role\/admin"; allowed: a principal of this environment's account 333333333333; list another account in trustedAccountIds/],
    ['an admin service account of another project', gcpProd, 'adminPrincipals', ['serviceAccount:ops@other-project-01.iam.gserviceaccount.com'], /\[gcp\/prod\] adminPrincipals\[0\]: got "serviceAccount:ops@other-project-01\.iam\.gserviceaccount\.com"; allowed: a service account of this environment's project finplat-prod-0001/],
    ['an AWS region that does not exist', awsProd, 'region', 'eu-west-9', /\[aws\/prod\] region: got "eu-west-9"; allowed: a region of aws \(list reviewed \d{4}-\d{2}, src\/config\/regions\.ts\); closest: eu-west-1/],
    ['a state backend region that does not exist', awsProd, 'stateBackend.region', 'eu-wets-1', /stateBackend\.region: got "eu-wets-1"; allowed: a region of aws .*closest: eu-west-1/],
    ['an Azure location that does not exist', azureProd, 'location', 'westeurope2', /\[azure\/prod\] location: got "westeurope2"; allowed: a location of azure .*closest: westeurope/],
    ['a GCP region that does not exist', gcpProd, 'region', 'europe-west99', /\[gcp\/prod\] region: got "europe-west99"; allowed: a region of gcp/],
    ['an unknown top-level field, with a suggestion', awsProd, 'adminCidr', ['10.0.0.0/8'], /\[aws\/prod\] adminCidr: got \["10\.0\.0\.0\/8"\]; allowed: no unknown fields: remove "adminCidr" \(did you mean "adminCidrs"\?\)/],
    ['an unknown nested field, with a suggestion', awsProd, 'network.vpcCdir', '10.0.0.0/16', /\[aws\/prod\] network\.vpcCdir: got "10\.0\.0\.0\/16"; allowed: no unknown fields: remove "vpcCdir" \(did you mean "vpcCidr"\?\)/],
    ['an unknown field with no close match', awsProd, 'nodePools.app.spotInstances', true, /nodePools\.app\.spotInstances: got true; allowed: no unknown fields: remove "spotInstances" \(fields here: machineType, minSize, maxSize, desiredSize, diskSizeGb\)/],
    ['an unpinned GitOps revision in prod', awsProd, 'gitOps.targetRevision', 'HEAD', /gitOps\.targetRevision: got "HEAD"; allowed: an immutable revision in the prod tier: a commit SHA/],
    ['a branch as the GitOps revision in prod', azureProd, 'gitOps.targetRevision', 'release', /\[azure\/prod\] gitOps\.targetRevision: got "release"; allowed: an immutable revision in the prod tier/],
    ['a prod environment without a scan attestation age', awsProd, 'scanAttestationMaxAgeHours', undefined, /\[aws\/prod\] scanAttestationMaxAgeHours: got \(missing\); allowed: set in the prod tier \(e\.g\. 168\): Kyverno then requires a release-key-signed vulnerability-scan attestation/],
    ['a prod scan attestation age over a week', gcpProd, 'scanAttestationMaxAgeHours', 336, /\[gcp\/prod\] scanAttestationMaxAgeHours: got 336; allowed: at most 168 hours \(7 days\) in the prod tier/],
    ['a scan attestation age over 30 days', awsDev, 'scanAttestationMaxAgeHours', 1000, /\[aws\/dev\] scanAttestationMaxAgeHours: got 1000; allowed: at most 720 hours \(30 days\)/],
    ['a scan attestation age that is not a whole number of hours', azureProd, 'scanAttestationMaxAgeHours', 1.5, /\[azure\/prod\] scanAttestationMaxAgeHours: got 1\.5; allowed: a whole number of hours between 1 and 720/],
    ['a scan attestation age given as a duration string', awsDev, 'scanAttestationMaxAgeHours', '168h', /\[aws\/dev\] scanAttestationMaxAgeHours: got "168h"; allowed: a whole number of hours between 1 and 720/],
    ['a malformed Cosign public key', awsProd, 'cosignPublicKey', 'not-a-key', /\[aws\/prod\] cosignPublicKey: got "not-a-key"; allowed: a PEM-encoded public key/],
    ['a PUBLIC KEY block with junk inside', awsProd, 'cosignPublicKey', '-----BEGIN PUBLIC KEY-----\nAAAAjunkjunkjunk\n-----END PUBLIC KEY-----\n', /\[aws\/prod\] cosignPublicKey: got .*; allowed: a public key Cosign verifies with \(ECDSA P-256\/P-384\/P-521, RSA of at least 2048 bits, or Ed25519\); this does not parse as a public key/],
    ['an RSA key too short for Cosign', awsProd, 'cosignPublicKey', pem('rsa', { modulusLength: 1024 }), /cosignPublicKey: got .*; allowed: a public key Cosign verifies with .*; an RSA key of 1024 bits/],
    ['an EC key on a curve Cosign does not verify', awsProd, 'cosignPublicKey', pem('ec', { namedCurve: 'secp256k1' }), /cosignPublicKey: got .*; an EC key on curve secp256k1/],
    ['a private key where the Cosign public key belongs', gcpProd, 'cosignPublicKey', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n', /\[gcp\/prod\] cosignPublicKey: got .*; allowed: a PEM-encoded public key/],
    ['a platform image mirror outside the allowed registries', awsProd, 'platformImageMirror', 'docker.io/mirror', /\[aws\/prod\] platformImageMirror: got "docker\.io\/mirror"; allowed: a path inside one of allowedRegistries \(333333333333\.dkr\.ecr\.eu-west-1\.amazonaws\.com\)/],
    ['a mirror that only shares a prefix with an allowed registry', awsProd, 'platformImageMirror', '333333333333.dkr.ecr.eu-west-1.amazonaws.com.evil.io/m', /platformImageMirror: got .*; allowed: a path inside one of allowedRegistries/],
    ['an AKS system pool with min > max', azureProd, 'systemNodePool', { machineType: 'Standard_D2s_v5', minSize: 4, maxSize: 3, desiredSize: 3, diskSizeGb: 64 }, /\[azure\/prod\] systemNodePool\.minSize: got 4; allowed: at most maxSize \(3\)/],
    ['a single-node AKS system pool in prod', azureProd, 'systemNodePool', { machineType: 'Standard_D2s_v5', minSize: 1, maxSize: 3, desiredSize: 1, diskSizeGb: 64 }, /\[azure\/prod\] systemNodePool\.minSize: got 1; allowed: at least 2 in the prod tier/],
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
    for (const line of lines) expect(line).toMatch(/^config error: \[[a-z?*]+\/[A-Za-z0-9_?*-]+\] \S+: got .+; allowed: .+$/);
  });

  it('reports every problem at once, not just the first', () => {
    let raw = withChange(awsProd, 'kubernetesVersion', '1.20');
    raw = withChange(raw, 'adminCidrs', ['0.0.0.0/0']);
    raw = withChange(raw, 'network.natGateways', 'single');
    const lines = problemsOf(raw);
    expect(lines).toHaveLength(3);
  });

  it('accepts the key types Cosign verifies', () => {
    for (const key of [pem('ec', { namedCurve: 'prime256v1' }), pem('ec', { namedCurve: 'secp384r1' }), pem('rsa', { modulusLength: 2048 }), pem('ed25519', {})]) {
      expect(problemsOf({ ...awsProd, cosignPublicKey: key })).toEqual([]);
    }
  });

  it('accepts public admin ranges only with the named opt-out, outside prod, and each /16 or narrower', () => {
    expect(problemsOf({ ...awsDev, allowPublicAdminCidrs: true, adminCidrs: ['203.0.113.0/24', '10.255.0.0/20'] })).toEqual([]);
    expect(problemsOf({ ...awsDev, allowPublicAdminCidrs: true, adminCidrs: ['100.0.0.0/8'] })).toEqual([
      'config error: [aws/dev] adminCidrs[0]: got "100.0.0.0/8"; allowed: a public admin range of /16 or narrower (a specific network, not a slice of the internet)',
    ]);
    expect(problemsOf({ ...awsDev, allowPublicAdminCidrs: true, adminCidrs: ['0.0.0.0/1', '128.0.0.0/1'] }).join('\n')).toMatch(
      /adminCidrs: got \["0\.0\.0\.0\/1","128\.0\.0\.0\/1"\]; allowed: ranges that together leave some of the internet out/,
    );
  });

  it('accepts admin principals of an explicitly trusted account or project', () => {
    expect(problemsOf({ ...awsProd, trustedAccountIds: ['999999999999'], adminPrincipals: ['arn:aws:iam::999999999999:role/admin'] })).toEqual([]);
    expect(problemsOf({ ...gcpProd, trustedProjectIds: ['other-project-01'], adminPrincipals: ['serviceAccount:ops@other-project-01.iam.gserviceaccount.com'] })).toEqual([]);
    expect(problemsOf({ ...gcpProd, adminPrincipals: ['serviceAccount:ops@finplat-prod-0001.iam.gserviceaccount.com', 'group:admins@example.com'] })).toEqual([]);
  });

  it('tells an immutable GitOps revision from a branch', () => {
    for (const revision of ['v1.0.0', '2.3.4-rc.1', 'refs/tags/release-2026-11', 'a'.repeat(40), 'b'.repeat(64)]) expect(isImmutableRevision(revision)).toBe(true);
    for (const revision of ['main', 'release', 'HEAD', 'v1', 'refs/heads/main', 'a'.repeat(39)]) expect(isImmutableRevision(revision)).toBe(false);
  });

  it('names the file of a definition in every line', () => {
    const { problems } = validateEnvironment({ ...awsProd, region: 'mars-1' }, { file: 'environments/aws/prod.yaml' });
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^config error: environments\/aws\/prod\.yaml: \[aws\/prod\] region: got "mars-1"; allowed: an AWS region such as eu-west-1$/),
    ]);
  });

  it('rejects an unknown cloud or tier, and a name or glob that matches nothing', () => {
    let error: ConfigError | undefined;
    try {
      loadEnvironments(REFERENCE_DEFINITIONS, { clouds: ['aws', 'ibm'], environments: ['uat', 'prod-*'], tiers: ['qa'] });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = error!.problems as ConfigProblem[];
    expect(problems.map(formatProblem)).toEqual([
      'config error: [ibm/*] selection.cloud: got "ibm"; allowed: one of aws, azure, gcp',
      'config error: [*/*] selection.tier: got "qa"; allowed: one of dev, staging, prod',
      'config error: [aws,ibm/uat] selection.environment: got "uat"; allowed: a name or glob matching an environment of the selected clouds and tiers (none)',
      'config error: [aws,ibm/prod-*] selection.environment: got "prod-*"; allowed: a name or glob matching an environment of the selected clouds and tiers (none)',
    ]);
  });

  it('selects by glob and tier', () => {
    expect(loadEnvironments(REFERENCE_DEFINITIONS, { environments: ['*d*'] }).map((c) => `${c.cloud}-${c.name}`)).toEqual(['aws-dev', 'aws-prod', 'azure-dev', 'azure-prod', 'gcp-dev', 'gcp-prod']);
    expect(loadEnvironments(REFERENCE_DEFINITIONS, { tiers: ['staging'], clouds: ['azure'] }).map((c) => `${c.cloud}-${c.name}`)).toEqual(['azure-staging']);
    expect(() => loadEnvironments(REFERENCE_DEFINITIONS, { environments: ['stage'] })).toThrow('selection.environment: got "stage"; allowed: a name or glob matching an environment of the selected clouds and tiers (dev, prod, staging)');
  });
});
