/** Plain-string cluster contracts, one per cloud, shaped like the platform stacks' (no tokens). */
import { resolve } from 'node:path';
import { BASELINE_SERVICE_ACCOUNTS, SECURITY_POOL_PLACEMENT, type CloudProvider, type ClusterContract } from '../../../src/constructs/contract';

const access = {
  host: 'https://api.test.internal',
  clusterCaCertificate: 'PEM',
  exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'aws', args: ['eks', 'get-token'] },
};

export function fakeContract(cloud: CloudProvider): ClusterContract {
  const base = { clusterName: 'test-cluster', access, oidcIssuerUrl: 'https://oidc.test.internal', securityNodePool: SECURITY_POOL_PLACEMENT };
  switch (cloud) {
    case 'aws':
      return {
        ...base,
        cloud,
        region: 'eu-west-1',
        networkId: 'vpc-0123456789abcdef0',
        clusterAdminGroups: [],
        vaultUnseal: {
          seal: 'awskms',
          sealConfig: { region: 'eu-west-1', kms_key_id: 'arn:aws:kms:eu-west-1:111111111111:key/test' },
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
            serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/test-vault' },
            podLabels: {},
          },
        },
        ingressWaf: { kind: 'aws-wafv2', id: 'arn:aws:wafv2:test', ingressAnnotations: { 'alb.ingress.kubernetes.io/wafv2-acl-arn': 'arn:aws:wafv2:test' } },
        controllerIdentities: {
          'aws-load-balancer-controller': {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.awsLoadBalancerController,
            serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/test-lbc' },
            podLabels: {},
          },
        },        backup: {
          provider: 'aws',
          bucket: 'test-cluster-velero-111111111111',
          config: { region: 'eu-west-1', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/backup' },
          immutabilityDays: 0,
          identity: { serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero, serviceAccountAnnotations: {}, podLabels: {} },
        },
      };
    case 'azure':
      return {
        ...base,
        cloud,
        region: 'westeurope',
        networkId: '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-test',
        clusterAdminGroups: [],
        vaultUnseal: {
          seal: 'azurekeyvault',
          sealConfig: { tenant_id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', vault_name: 'kv-test', key_name: 'vault-unseal' },
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
            serviceAccountAnnotations: { 'azure.workload.identity/client-id': '11111111-1111-4111-8111-111111111111' },
            podLabels: { 'azure.workload.identity/use': 'true' },
          },
        },
        ingressWaf: { kind: 'azure-application-gateway-waf', id: '/subscriptions/x/wafpolicy', ingressAnnotations: {} },
        controllerIdentities: {},        backup: {
          provider: 'azure',
          bucket: 'velero',
          config: { resourceGroup: 'rg-test', storageAccount: 'sttestbkp', subscriptionId: '22222222-2222-4222-8222-222222222222', useAAD: 'true' },
          immutabilityDays: 0,
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
            serviceAccountAnnotations: { 'azure.workload.identity/client-id': '33333333-3333-4333-8333-333333333333' },
            podLabels: { 'azure.workload.identity/use': 'true' },
          },
        },
      };
    case 'gcp':
      return {
        ...base,
        cloud,
        region: 'europe-west2',
        networkId: 'projects/test-project-01/global/networks/test',
        clusterAdminGroups: ['platform-admins@example.com'],
        vaultUnseal: {
          seal: 'gcpckms',
          sealConfig: { project: 'test-project-01', region: 'europe-west2', key_ring: 'test-vault', crypto_key: 'unseal' },
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
            serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'vault@test-project-01.iam.gserviceaccount.com' },
            podLabels: {},
          },
        },
        ingressWaf: { kind: 'gcp-cloud-armor', id: 'test-waf', ingressAnnotations: {} },
        controllerIdentities: {},        backup: {
          provider: 'gcp',
          bucket: 'test-cluster-velero-test-project-01',
          config: { serviceAccount: 'test-cluster-velero@test-project-01.iam.gserviceaccount.com' },
          immutabilityDays: 0,
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
            serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': 'test-cluster-velero@test-project-01.iam.gserviceaccount.com' },
            podLabels: {},
          },
        },
      };
  }
}

export const GIT_OPS = { repoUrl: 'https://git.example.com/platform/gitops.git', targetRevision: 'v1.0.0', path: 'clusters/test' };
/** Only the organisation's own registries, as in the reference configs: public registries are not allowed. */
export const REGISTRIES = ['111111111111.dkr.ecr.eu-west-1.amazonaws.com', 'registry.example.com/platform'];
/** Where the baseline's third-party images are mirrored and re-signed (inside REGISTRIES[0]). */
export const MIRROR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror';
/** The project's platform-pki chart, as the baseline stack passes it (pkiChartPath). */
export const PKI_CHART = resolve(__dirname, '../../../charts/platform-pki');
