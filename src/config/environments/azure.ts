/**
 * Azure environments. Subscription, tenant and group ids are the project's
 * reference values; replace them with your organisation's before deploying.
 */
import type { AzureEnvironmentConfig } from '../schema';
import { PIPELINE_REPOSITORY } from './ci';
import { RELEASE_COSIGN_PUBLIC_KEY } from './signing';

export const azureDev: AzureEnvironmentConfig = {
  cloud: 'azure',
  environment: 'dev',
  namePrefix: 'finplat',
  kubernetesVersion: '1.34',
  subscriptionId: '11111111-1111-4111-8111-111111111111',
  tenantId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  location: 'westeurope',
  network: {
    vnetCidr: '10.40.0.0/16',
    nodeSubnetCidr: '10.40.0.0/20',
    apiServerSubnetCidr: '10.40.16.0/28',
    appGatewaySubnetCidr: '10.40.17.0/24',
    privateEndpointSubnetCidr: '10.40.18.0/24',
    podCidr: '100.64.0.0/16',
    serviceCidr: '172.16.0.0/16',
    dnsServiceIp: '172.16.0.10',
  },
  systemNodePool: { machineType: 'Standard_D2s_v5', minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 64 },
  nodePools: {
    app: { machineType: 'Standard_D4s_v5', minSize: 2, maxSize: 6, desiredSize: 2, diskSizeGb: 128 },
    security: { machineType: 'Standard_F2s_v2', minSize: 2, maxSize: 3, desiredSize: 2, diskSizeGb: 64 },
  },
  adminPrincipals: ['0f0f0f0f-0000-4000-8000-000000000001'],
  adminCidrs: ['10.255.0.0/20'],
  cosignPublicKey: RELEASE_COSIGN_PUBLIC_KEY,
  publicApiEndpoint: { enabled: false, allowedCidrs: [] },
  allowedRegistries: ['finplatdev.azurecr.io'],
  platformImageMirror: 'finplatdev.azurecr.io/platform-mirror',
  gitOps: { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'main', path: 'clusters/azure-dev' },
  stateBackend: {
    resourceGroupName: 'rg-finplat-tfstate',
    storageAccountName: 'finplattfstatedev',
    containerName: 'tfstate',
    key: 'azure/dev',
    // Outside every platform VNet and the runners' 10.255.0.0/20, which is peered with it.
    vnetCidr: '10.254.0.0/28',
    bootstrapState: 'local',
  },
  ci: { githubRepository: PIPELINE_REPOSITORY },
  tags: { 'cost-center': 'platform', 'data-classification': 'internal' },
};

export const azureStaging: AzureEnvironmentConfig = {
  ...azureDev,
  environment: 'staging',
  subscriptionId: '22222222-2222-4222-8222-222222222222',
  network: { ...azureDev.network, vnetCidr: '10.50.0.0/16', nodeSubnetCidr: '10.50.0.0/20', apiServerSubnetCidr: '10.50.16.0/28', appGatewaySubnetCidr: '10.50.17.0/24', privateEndpointSubnetCidr: '10.50.18.0/24' },
  allowedRegistries: ['finplatstaging.azurecr.io'],
  platformImageMirror: 'finplatstaging.azurecr.io/platform-mirror',
  gitOps: { ...azureDev.gitOps, targetRevision: 'release', path: 'clusters/azure-staging' },
  stateBackend: { ...azureDev.stateBackend, storageAccountName: 'finplattfstatestg', key: 'azure/staging', vnetCidr: '10.254.0.16/28' },
  tags: { 'cost-center': 'platform', 'data-classification': 'confidential' },
};

export const azureProd: AzureEnvironmentConfig = {
  ...azureDev,
  environment: 'prod',
  subscriptionId: '33333333-3333-4333-8333-333333333333',
  network: { ...azureDev.network, vnetCidr: '10.60.0.0/16', nodeSubnetCidr: '10.60.0.0/20', apiServerSubnetCidr: '10.60.16.0/28', appGatewaySubnetCidr: '10.60.17.0/24', privateEndpointSubnetCidr: '10.60.18.0/24' },
  systemNodePool: { machineType: 'Standard_D2s_v5', minSize: 3, maxSize: 5, desiredSize: 3, diskSizeGb: 64 },
  nodePools: {
    app: { machineType: 'Standard_D4s_v5', minSize: 3, maxSize: 6, desiredSize: 3, diskSizeGb: 128 },
    security: { machineType: 'Standard_F2s_v2', minSize: 2, maxSize: 3, desiredSize: 3, diskSizeGb: 64 },
  },
  // Platform admins and the break-glass group (membership granted only through PAM, see docs/runbooks.md).
  adminPrincipals: ['0f0f0f0f-0000-4000-8000-000000000003', '0f0f0f0f-0000-4000-8000-0000000000b9'],
  allowedRegistries: ['finplatprod.azurecr.io'],
  platformImageMirror: 'finplatprod.azurecr.io/platform-mirror',
  gitOps: { ...azureDev.gitOps, targetRevision: 'v1.0.0', path: 'clusters/azure-prod' },
  stateBackend: { ...azureDev.stateBackend, storageAccountName: 'finplattfstateprod', key: 'azure/prod', vnetCidr: '10.254.0.32/28' },
  tags: { 'cost-center': 'platform', 'data-classification': 'restricted', 'pci-scope': 'in-scope' },
};
