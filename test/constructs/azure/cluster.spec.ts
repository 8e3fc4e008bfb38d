import { Cluster, type ClusterProps } from '../../../src/constructs/azure/cluster';
import { type Json, common, key, only, resources, scope, synth, workspace } from './helpers';

const props: ClusterProps = {
  ...common,
  name: 'test-aks',
  kubernetesVersion: '1.34',
  tenantId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  adminGroupObjectIds: ['0f0f0f0f-0000-4000-8000-000000000001'],
  identityId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id',
  nodeSubnetId: '/subnets/nodes',
  apiServerSubnetId: '/subnets/api',
  kmsKey: key,
  diskEncryptionSetId: '/des',
  workspace,
  podCidr: '100.64.0.0/16',
  serviceCidr: '172.16.0.0/16',
  dnsServiceIp: '172.16.0.10',
  systemPool: { vmSize: 'Standard_D4s_v5', minCount: 2, maxCount: 3, desiredCount: 2, osDiskSizeGb: 128 },
};

describe('Cluster defaults', () => {
  let aks: Json;
  let json: Json;
  beforeAll(() => {
    json = synth((s) => new Cluster(s, 'aks', props));
    aks = only(json, 'azurerm_kubernetes_cluster');
  });

  it('is private with VNet integration and no authorized ranges', () => {
    expect(aks.private_cluster_enabled).toBe(true);
    expect(aks.private_dns_zone_id).toBe('System');
    expect(aks.api_server_access_profile).toEqual({ virtual_network_integration_enabled: true, subnet_id: '/subnets/api' });
  });

  it('uses the Standard tier, Entra ID only, KMS on the private vault, Cilium and NAT egress', () => {
    expect(aks.sku_tier).toBe('Standard');
    expect(aks.local_account_disabled).toBe(true);
    expect(aks.key_management_service).toEqual({ key_vault_key_id: key.keyId, key_vault_network_access: 'Private' });
    expect(aks.network_profile).toMatchObject({ network_policy: 'cilium', network_data_plane: 'cilium', network_plugin_mode: 'overlay', outbound_type: 'userAssignedNATGateway' });
    expect(aks.node_resource_group).toBe('rg-test-nodes');
  });

  it('collects the seven control-plane log categories', () => {
    const setting = only(json, 'azurerm_monitor_diagnostic_setting');
    expect(setting.enabled_log).toHaveLength(7);
    expect(setting.enabled_metric).toEqual([{ category: 'AllMetrics' }]);
  });

  it('creates no other resources than the cluster and its diagnostics', () => {
    expect(Object.keys(json.resource).sort()).toEqual(['azurerm_kubernetes_cluster', 'azurerm_monitor_diagnostic_setting']);
    expect(resources(json, 'azurerm_kubernetes_cluster')).toHaveLength(1);
  });
});

describe('Cluster opt-outs', () => {
  it('accepts a public endpoint with an allow-list and the Free tier', () => {
    const aks = only(
      synth((s) => new Cluster(s, 'aks', { ...props, skuTier: 'Free', publicEndpoint: { authorizedIpRanges: ['203.0.113.0/24'] } })),
      'azurerm_kubernetes_cluster',
    );
    expect(aks.private_cluster_enabled).toBe(false);
    expect(aks.sku_tier).toBe('Free');
    expect(aks.api_server_access_profile.authorized_ip_ranges).toEqual(['203.0.113.0/24']);
  });

  it('accepts FIPS off when explicitly asked', () => {
    const aks = only(synth((s) => new Cluster(s, 'aks', { ...props, fipsEnabled: false })), 'azurerm_kubernetes_cluster');
    expect(aks.default_node_pool.fips_enabled).toBe(false);
  });

  it('rejects an empty public allow-list', () => {
    expect(() => new Cluster(scope(), 'aks', { ...props, publicEndpoint: { authorizedIpRanges: [] } })).toThrow(
      'aks cluster: publicEndpoint.authorizedIpRanges must list at least one network',
    );
  });

  it.each(['0.0.0.0/0', '::/0'])('rejects %s in the public allow-list', (range) => {
    expect(() => new Cluster(scope(), 'aks', { ...props, publicEndpoint: { authorizedIpRanges: ['10.0.0.0/8', range] } })).toThrow(
      `publicEndpoint.authorizedIpRanges must not contain "${range}"`,
    );
  });

  it('rejects a malformed allow-list entry', () => {
    expect(() => new Cluster(scope(), 'aks', { ...props, publicEndpoint: { authorizedIpRanges: ['office'] } })).toThrow('must be IPv4 CIDRs, got "office"');
  });

  it('rejects a cluster without admin groups', () => {
    expect(() => new Cluster(scope(), 'aks', { ...props, adminGroupObjectIds: [] })).toThrow('adminGroupObjectIds must list at least one Entra ID group');
  });

  it('rejects a malformed Kubernetes version', () => {
    expect(() => new Cluster(scope(), 'aks', { ...props, kubernetesVersion: 'latest' })).toThrow('kubernetesVersion must look like 1.34, got "latest"');
  });
});
