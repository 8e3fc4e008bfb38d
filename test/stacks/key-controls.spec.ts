import { REFERENCE_DEFINITIONS } from '../helpers/environments';
/**
 * The controls that matter most, asserted per cloud for dev and prod with
 * cdktf's jest matchers over the synthesized platform and baseline stacks.
 */
import { Testing } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { Release } from '@cdktf/provider-helm/lib/release';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { buildEnvironment } from '../../src/app';
import { loadEnvironments, type EnvironmentConfig } from '../../src/config';

const configs = loadEnvironments(REFERENCE_DEFINITIONS, { environments: ['dev', 'prod'] });

function synthesize(config: EnvironmentConfig): { platform: string; baseline: string } {
  const app = Testing.app();
  const { platform, baseline } = buildEnvironment(app, config);
  return { platform: Testing.synth(platform), baseline: Testing.synth(baseline) };
}

const SECURITY_TAINT = 'workload=security:NoSchedule';

describe.each(configs.map((c) => [`${c.cloud}-${c.name}`, c] as const))('%s key controls', (_name, config) => {
  let platform: string;
  let baseline: string;
  beforeAll(() => {
    ({ platform, baseline } = synthesize(config));
  });

  it('keeps the Kubernetes API private and secrets encrypted with a customer-managed key', () => {
    switch (config.cloud) {
      case 'aws':
        expect(platform).toHaveResourceWithProperties(EksCluster, {
          vpc_config: expect.objectContaining({ endpoint_private_access: true, endpoint_public_access: false }),
          encryption_config: expect.objectContaining({ resources: ['secrets'] }),
          access_config: expect.objectContaining({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false }),
        });
        expect(platform).toHaveProviderWithProperties(AwsProvider, { allowed_account_ids: [config.accountId] });
        break;
      case 'azure':
        expect(platform).toHaveResourceWithProperties(KubernetesCluster, {
          private_cluster_enabled: true,
          local_account_disabled: true,
          workload_identity_enabled: true,
          oidc_issuer_enabled: true,
        });
        break;
      case 'gcp':
        expect(platform).toHaveResourceWithProperties(ContainerCluster, {
          private_cluster_config: expect.objectContaining({ enable_private_endpoint: true, enable_private_nodes: true }),
          database_encryption: expect.objectContaining({ state: 'ENCRYPTED' }),
          workload_identity_config: { workload_pool: `${config.projectId}.svc.id.goog` },
        });
        break;
    }
  });

  it('taints the security node pool and protects node metadata', () => {
    switch (config.cloud) {
      case 'aws':
        expect(platform).toHaveResourceWithProperties(LaunchTemplate, {
          metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
        });
        expect(platform).toHaveResourceWithProperties(EksNodeGroup, { taint: [{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }] });
        break;
      case 'azure':
        expect(platform).toHaveResourceWithProperties(KubernetesClusterNodePool, { node_taints: [SECURITY_TAINT], node_public_ip_enabled: false });
        break;
      case 'gcp':
        expect(platform).toHaveResourceWithProperties(ContainerNodePool, {
          node_config: expect.objectContaining({
            taint: [{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }],
            workload_metadata_config: { mode: 'GKE_METADATA' },
          }),
        });
        break;
    }
  });

  it('installs the baseline through providers that use exec credentials, never a stored token', () => {
    expect(baseline).toHaveProviderWithProperties(KubernetesProvider, { exec: [expect.objectContaining({ api_version: 'client.authentication.k8s.io/v1beta1' })] });
    expect(baseline).not.toHaveProviderWithProperties(KubernetesProvider, { token: expect.anything() });
    for (const chart of ['kyverno', 'istiod', 'falco', 'argo-cd', 'kube-prometheus-stack', 'loki', 'tempo']) {
      expect(baseline).toHaveResourceWithProperties(Release, { chart, atomic: true });
    }
    // Vault becomes Ready only after the one-time `vault operator init`, so its release cannot wait (docs/baseline.md).
    expect(baseline).toHaveResourceWithProperties(Release, { chart: 'vault', namespace: 'vault' });
  });
});
