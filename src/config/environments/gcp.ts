/**
 * GCP environments. Project ids, groups and buckets are the project's
 * reference values; replace them with your organisation's before deploying.
 */
import type { GcpEnvironmentConfig } from '../schema';
import { PIPELINE_REPOSITORY } from './ci';
import { RELEASE_COSIGN_PUBLIC_KEY } from './signing';

export const gcpDev: GcpEnvironmentConfig = {
  cloud: 'gcp',
  environment: 'dev',
  namePrefix: 'finplat',
  kubernetesVersion: '1.34',
  projectId: 'finplat-dev-0001',
  region: 'europe-west2',
  network: {
    nodesCidr: '10.70.0.0/20',
    podsCidr: '10.72.0.0/14',
    servicesCidr: '10.76.0.0/20',
    masterCidr: '172.16.0.0/28',
    proxyOnlyCidr: '10.70.16.0/26',
  },
  nodePools: {
    app: { machineType: 'e2-standard-4', minSize: 2, maxSize: 6, desiredSize: 2, diskSizeGb: 100 },
    security: { machineType: 'e2-standard-2', minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 50 },
  },
  adminPrincipals: ['group:platform-admins@example.com'],
  adminCidrs: ['10.255.0.0/20'],
  cosignPublicKey: RELEASE_COSIGN_PUBLIC_KEY,
  publicApiEndpoint: { enabled: false, allowedCidrs: [] },
  allowedRegistries: ['europe-west2-docker.pkg.dev/finplat-dev-0001'],
  platformImageMirror: 'europe-west2-docker.pkg.dev/finplat-dev-0001/platform-mirror',
  gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'main', path: 'clusters/gcp-dev' },
  stateBackend: {
    bucket: 'finplat-tfstate-dev',
    prefix: 'gcp/dev',
    kmsEncryptionKey: 'projects/finplat-dev-0001/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state',
    bootstrapState: 'local',
  },
  ci: { githubRepository: PIPELINE_REPOSITORY },
  tags: { 'cost-center': 'platform', 'data-classification': 'internal' },
};

export const gcpStaging: GcpEnvironmentConfig = {
  ...gcpDev,
  environment: 'staging',
  projectId: 'finplat-staging-0001',
  network: { ...gcpDev.network, nodesCidr: '10.80.0.0/20', podsCidr: '10.84.0.0/14', servicesCidr: '10.88.0.0/20', masterCidr: '172.16.0.16/28', proxyOnlyCidr: '10.80.16.0/26' },
  allowedRegistries: ['europe-west2-docker.pkg.dev/finplat-staging-0001'],
  platformImageMirror: 'europe-west2-docker.pkg.dev/finplat-staging-0001/platform-mirror',
  gitOps: { ...gcpDev.gitOps, targetRevision: 'release', path: 'clusters/gcp-staging' },
  stateBackend: {
    bucket: 'finplat-tfstate-staging',
    prefix: 'gcp/staging',
    kmsEncryptionKey: 'projects/finplat-staging-0001/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state',
    bootstrapState: 'local',
  },
  tags: { 'cost-center': 'platform', 'data-classification': 'confidential' },
};

export const gcpProd: GcpEnvironmentConfig = {
  ...gcpDev,
  environment: 'prod',
  projectId: 'finplat-prod-0001',
  network: { ...gcpDev.network, nodesCidr: '10.90.0.0/20', podsCidr: '10.92.0.0/14', servicesCidr: '10.96.0.0/20', masterCidr: '172.16.0.32/28', proxyOnlyCidr: '10.90.16.0/26' },
  nodePools: {
    app: { machineType: 'e2-standard-4', minSize: 3, maxSize: 6, desiredSize: 3, diskSizeGb: 100 },
    security: { machineType: 'e2-standard-2', minSize: 2, maxSize: 3, desiredSize: 3, diskSizeGb: 50 },
  },
  adminPrincipals: ['group:platform-admins@example.com', 'group:platform-break-glass@example.com'],
  allowedRegistries: ['europe-west2-docker.pkg.dev/finplat-prod-0001'],
  platformImageMirror: 'europe-west2-docker.pkg.dev/finplat-prod-0001/platform-mirror',
  gitOps: { ...gcpDev.gitOps, targetRevision: 'v1.0.0', path: 'clusters/gcp-prod' },
  stateBackend: {
    bucket: 'finplat-tfstate-prod',
    prefix: 'gcp/prod',
    kmsEncryptionKey: 'projects/finplat-prod-0001/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state',
    bootstrapState: 'local',
  },
  tags: { 'cost-center': 'platform', 'data-classification': 'restricted', 'pci-scope': 'in-scope' },
};
