/**
 * A generated fleet for scale tests and `npm run bench -- --fleet N`: N
 * environments, spread round-robin over the three clouds and tiers, written as
 * YAML files that extend the repository's own bases (`_shared.yaml`, and
 * `<cloud>/_base.yaml`, copied beside them). All environments of a cloud share
 * one account / subscription / project, so their networks share a routing
 * domain and get disjoint ranges (10.<i>.0.0/16 each), their own mirror
 * registries and one state backend;
 * every one passes the same validation as the reference fleet.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';

const CLOUDS = ['aws', 'azure', 'gcp'] as const;
const TIERS = ['dev', 'staging', 'prod'] as const;

/** At most one environment per second octet of 10.0.0.0/8 (minus what the generator reserves). */
export const MAX_GENERATED_ENVIRONMENTS = 250;

const COSIGN_KEY_NOTE = 'the reference key of _shared.yaml';

function pool(machineType: string, min: number, desired: number, disk: number): Record<string, unknown> {
  return { machineType, minSize: min, maxSize: Math.max(6, desired), desiredSize: desired, diskSizeGb: disk };
}

function aws(i: number, name: string, tier: (typeof TIERS)[number]): Record<string, unknown> {
  const account = '444444444444';
  const prod = tier !== 'dev';
  const zones = prod ? ['a', 'b', 'c'] : ['a', 'b'];
  const registry = `${account}.dkr.ecr.eu-west-1.amazonaws.com`;
  return {
    extends: '_base.yaml',
    cloud: 'aws',
    name,
    tier,
    // The prod tier keeps a copy of every backup in a second region (docs/backups.md).
    ...(tier === 'prod' ? { backup: { secondaryRegion: 'eu-central-1' } } : {}),
    ...(tier === 'prod' ? { scanAttestationMaxAgeHours: 168 } : {}),
    accountId: account,
    availabilityZones: zones.map((z) => `eu-west-1${z}`),
    allowedRegistries: [registry],
    platformImageMirror: `${registry}/platform-mirror-${name}`,
    network: {
      vpcCidr: `10.${i}.0.0/16`,
      publicSubnetCidrs: zones.map((_, z) => `10.${i}.${z}.0/24`),
      privateSubnetCidrs: zones.map((_, z) => `10.${i}.${32 * (z + 1)}.0/19`),
      intraSubnetCidrs: zones.map((_, z) => `10.${i}.8.${64 * z}/26`),
      natGateways: prod ? 'one-per-az' : 'single',
      flowLogRetentionDays: 365,
    },
    nodePools: { app: pool('m5.xlarge', prod ? 3 : 2, prod ? 3 : 2, 100), security: pool('c5.large', 2, 2, 50) },
    adminPrincipals: [`arn:aws:iam::${account}:role/platform-admin`],
    gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: tier === 'prod' ? 'v1.0.0' : 'main', path: `clusters/aws-${name}` },
    stateBackend: { bucket: `finplat-tfstate-${account}`, key: `fleet/${name}`, kmsKeyId: `arn:aws:kms:eu-west-1:${account}:alias/terraform-state` },
    tags: { 'data-classification': 'internal' },
  };
}

function azure(i: number, name: string, tier: (typeof TIERS)[number]): Record<string, unknown> {
  return {
    extends: '_base.yaml',
    cloud: 'azure',
    name,
    tier,
    ...(tier === 'prod' ? { scanAttestationMaxAgeHours: 168 } : {}),
    subscriptionId: '44444444-4444-4444-8444-444444444444',
    allowedRegistries: [`finplatfleet${i}.azurecr.io`],
    platformImageMirror: `finplatfleet${i}.azurecr.io/platform-mirror`,
    network: {
      vnetCidr: `10.${i}.0.0/16`,
      nodeSubnetCidr: `10.${i}.0.0/20`,
      apiServerSubnetCidr: `10.${i}.16.0/28`,
      appGatewaySubnetCidr: `10.${i}.17.0/24`,
      privateEndpointSubnetCidr: `10.${i}.18.0/24`,
      podCidr: '100.64.0.0/16',
      serviceCidr: '172.16.0.0/16',
      dnsServiceIp: '172.16.0.10',
    },
    systemNodePool: pool('Standard_D2s_v5', 2, 2, 64),
    nodePools: { app: pool('Standard_D4s_v5', 2, 2, 128), security: pool('Standard_F2s_v2', 2, 2, 64) },
    adminPrincipals: ['0f0f0f0f-0000-4000-8000-000000000001'],
    gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: tier === 'prod' ? 'v1.0.0' : 'main', path: `clusters/azure-${name}` },
    stateBackend: { storageAccountName: 'finplattfstatefleet', key: `fleet/${name}`, vnetCidr: '10.254.0.48/28' },
    tags: { 'data-classification': 'internal' },
  };
}

function gcp(i: number, name: string, tier: (typeof TIERS)[number]): Record<string, unknown> {
  const project = 'finplat-fleet-0001';
  return {
    extends: '_base.yaml',
    cloud: 'gcp',
    name,
    tier,
    // The prod tier keeps a copy of every backup in a second region (docs/backups.md).
    ...(tier === 'prod' ? { backup: { secondaryRegion: 'europe-west1' } } : {}),
    ...(tier === 'prod' ? { scanAttestationMaxAgeHours: 168 } : {}),
    projectId: project,
    allowedRegistries: [`europe-west2-docker.pkg.dev/${project}`],
    platformImageMirror: `europe-west2-docker.pkg.dev/${project}/platform-mirror-${name}`,
    network: {
      nodesCidr: `10.${i}.0.0/20`,
      podsCidr: `10.${i}.64.0/18`,
      servicesCidr: `10.${i}.32.0/20`,
      masterCidr: `172.16.${i}.0/28`,
      proxyOnlyCidr: `10.${i}.16.0/26`,
    },
    nodePools: { app: pool('e2-standard-4', 2, 2, 100), security: pool('e2-standard-2', 2, 2, 50) },
    adminPrincipals: ['group:platform-admins@example.com'],
    gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: tier === 'prod' ? 'v1.0.0' : 'main', path: `clusters/gcp-${name}` },
    stateBackend: { bucket: 'finplat-tfstate-fleet', prefix: `fleet/${name}`, kmsEncryptionKey: `projects/${project}/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state` },
    tags: { 'data-classification': 'internal' },
  };
}

/** The SSO block of a generated staging or prod environment (the prod tier requires one). */
function sso(cloud: string, name: string): Record<string, unknown> {
  const idp = 'https://login.example.com/oauth2/platform';
  return {
    issuerUrl: idp,
    argoCd: { url: `https://argocd.${cloud}-${name}.platform.example.com`, clientId: `argocd-${cloud}-${name}`, groups: [{ group: 'platform-admins', role: 'admin' }, { group: 'platform-operators', role: 'sync', projects: ['platform'] }] },
    grafana: { url: `https://grafana.${cloud}-${name}.platform.example.com`, clientId: `grafana-${cloud}-${name}`, authUrl: `${idp}/v1/authorize`, tokenUrl: `${idp}/v1/token`, apiUrl: `${idp}/v1/userinfo`, adminGroups: ['platform-admins'], viewerGroups: ['platform-auditors'] },
  };
}

/**
 * Writes `count` environments under `dir` (`<cloud>/env-<n>.yaml`) with the
 * bases copied from `referenceDir`. Returns the names per cloud.
 */
export function writeGeneratedFleet(dir: string, count: number, referenceDir: string): Record<(typeof CLOUDS)[number], string[]> {
  if (!Number.isInteger(count) || count < 1 || count > MAX_GENERATED_ENVIRONMENTS) {
    throw new Error(`generated fleet: count must be an integer from 1 to ${MAX_GENERATED_ENVIRONMENTS}, got ${count}`);
  }
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(referenceDir, '_shared.yaml'), join(dir, '_shared.yaml'));
  const names: Record<(typeof CLOUDS)[number], string[]> = { aws: [], azure: [], gcp: [] };
  for (const cloud of CLOUDS) {
    mkdirSync(join(dir, cloud), { recursive: true });
    copyFileSync(join(referenceDir, cloud, '_base.yaml'), join(dir, cloud, '_base.yaml'));
  }
  for (let i = 0; i < count; i++) {
    const cloud = CLOUDS[i % CLOUDS.length];
    const tier = TIERS[Math.floor(i / CLOUDS.length) % TIERS.length];
    const name = `env-${String(i).padStart(3, '0')}`;
    const octet = i + 1;
    const body = cloud === 'aws' ? aws(octet, name, tier) : cloud === 'azure' ? azure(octet, name, tier) : gcp(octet, name, tier);
    if (tier !== 'dev') body.sso = sso(cloud, name);
    writeFileSync(join(dir, cloud, `${name}.yaml`), `# Generated (scripts/lib/generate-fleet.ts); cosignPublicKey is ${COSIGN_KEY_NOTE}.\n${stringify(body, { lineWidth: 0 })}`);
    names[cloud].push(name);
  }
  return names;
}
