import { CLUSTER_LOG_COMPONENTS, Cluster, type ClusterProps } from '../../../src/constructs/gcp/cluster';
import { type Json, TEST_KEY, only, synth } from './helpers';

const base: ClusterProps = {
  name: 'test',
  project: 'test-project-01',
  region: 'europe-west2',
  networkId: 'projects/test-project-01/global/networks/test-vpc',
  subnetworkId: 'projects/test-project-01/regions/europe-west2/subnetworks/test-nodes',
  podsRangeName: 'pods',
  servicesRangeName: 'services',
  masterCidr: '172.16.0.0/28',
  kubernetesVersion: '1.34',
  secretsKey: TEST_KEY,
  authorizedNetworks: ['10.255.0.0/20'],
  serviceAccountEmail: 'test-nodes@test-project-01.iam.gserviceaccount.com',
  bootDiskKey: TEST_KEY,
  nodeTag: 'test-node',
};

function clusterOf(props: ClusterProps): Json {
  return only(synth((scope) => new Cluster(scope, 'gke', props)), 'google_container_cluster');
}

describe('Cluster defaults (private)', () => {
  let gke: Json;
  beforeAll(() => {
    gke = clusterOf(base);
  });

  it('has private nodes and a private-only endpoint limited to the admin networks', () => {
    expect(gke.private_cluster_config).toEqual({
      enable_private_nodes: true,
      enable_private_endpoint: true,
      master_ipv4_cidr_block: '172.16.0.0/28',
      master_global_access_config: { enabled: false },
    });
    expect(gke.master_authorized_networks_config).toEqual({
      gcp_public_cidrs_access_enabled: false,
      cidr_blocks: [{ cidr_block: '10.255.0.0/20', display_name: 'admin-0' }],
    });
  });

  it('removes the default pool and hardens it while it exists', () => {
    expect(gke.remove_default_node_pool).toBe(true);
    expect(gke.initial_node_count).toBe(1);
    expect(gke.node_config).toMatchObject({
      service_account: base.serviceAccountEmail,
      image_type: 'COS_CONTAINERD',
      boot_disk_kms_key: TEST_KEY.keyId,
      workload_metadata_config: { mode: 'GKE_METADATA' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      metadata: { 'disable-legacy-endpoints': 'true' },
    });
    expect(gke.lifecycle.ignore_changes).toEqual(['node_config', 'initial_node_count']);
    expect(gke.node_pool_defaults.node_config_defaults.insecure_kubelet_readonly_port_enabled).toBe('FALSE');
  });

  it('is VPC-native on the subnet secondary ranges with Dataplane V2 and intranode visibility', () => {
    expect(gke.networking_mode).toBe('VPC_NATIVE');
    expect(gke.ip_allocation_policy).toEqual({ cluster_secondary_range_name: 'pods', services_secondary_range_name: 'services', stack_type: 'IPV4' });
    expect(gke.datapath_provider).toBe('ADVANCED_DATAPATH');
    expect(gke.network_policy).toEqual({ enabled: false });
    expect(gke.addons_config.network_policy_config).toEqual({ disabled: true });
    expect(gke.enable_intranode_visibility).toBe(true);
    expect(gke.gateway_api_config).toEqual({ channel: 'CHANNEL_STANDARD' });
    expect(gke.service_external_ips_config).toEqual({ enabled: false });
  });

  it('uses Workload Identity and encrypts secrets with the KMS key', () => {
    expect(gke.workload_identity_config).toEqual({ workload_pool: 'test-project-01.svc.id.goog' });
    expect(gke.database_encryption).toEqual({ state: 'ENCRYPTED', key_name: TEST_KEY.keyId });
  });

  it('turns off client certificates, legacy ABAC and anonymous API access; requires shielded nodes and Binary Authorization', () => {
    expect(gke.master_auth).toEqual({ client_certificate_config: { issue_client_certificate: false } });
    expect(gke.enable_legacy_abac).toBe(false);
    expect(gke.anonymous_authentication_config).toEqual({ mode: 'LIMITED' });
    expect(gke.enable_shielded_nodes).toBe(true);
    expect(gke.binary_authorization).toEqual({ evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' });
    expect(gke.security_posture_config).toEqual({ mode: 'BASIC', vulnerability_mode: 'VULNERABILITY_DISABLED' });
    expect(gke.deletion_protection).toBe(true);
    expect(gke.authenticator_groups_config).toBeUndefined();
  });

  it('follows the REGULAR channel from the configured minor, in a weekend window', () => {
    expect(gke.release_channel).toEqual({ channel: 'REGULAR' });
    expect(gke.min_master_version).toBe('1.34');
    expect(gke.maintenance_policy.recurring_window.recurrence).toBe('FREQ=WEEKLY;BYDAY=SA,SU');
  });

  it('logs control plane and workloads, and enables managed Prometheus and cost allocation', () => {
    expect(gke.logging_config).toEqual({ enable_components: [...CLUSTER_LOG_COMPONENTS] });
    expect(gke.logging_config.enable_components).toEqual(['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'WORKLOADS']);
    expect(gke.monitoring_config.managed_prometheus).toEqual({ enabled: true });
    expect(gke.cost_management_config).toEqual({ enabled: true });
  });
});

describe('Cluster opt-outs and input checks', () => {
  it('opens the public endpoint only to the listed networks when opted in', () => {
    const gke = clusterOf({ ...base, publicEndpoint: { authorizedCidrs: ['203.0.113.0/24'] } });
    expect(gke.private_cluster_config.enable_private_endpoint).toBe(false);
    expect(gke.private_cluster_config.enable_private_nodes).toBe(true);
    expect(gke.master_authorized_networks_config.cidr_blocks).toEqual([
      { cidr_block: '10.255.0.0/20', display_name: 'admin-0' },
      { cidr_block: '203.0.113.0/24', display_name: 'public-0' },
    ]);
  });

  it('enables Google Groups for RBAC with the security group', () => {
    expect(clusterOf({ ...base, rbacSecurityGroup: 'gke-security-groups@example.com' }).authenticator_groups_config).toEqual({ security_group: 'gke-security-groups@example.com' });
  });

  it('rejects a security group not named gke-security-groups@<domain>', () => {
    expect(() => clusterOf({ ...base, rbacSecurityGroup: 'admins@example.com' })).toThrow('gke cluster test: rbacSecurityGroup must be gke-security-groups@<your domain>, got "admins@example.com"');
  });

  it('enables Enterprise posture and vulnerability scanning when asked (GKE Enterprise edition)', () => {
    expect(clusterOf({ ...base, securityPosture: { mode: 'ENTERPRISE', vulnerabilityMode: 'VULNERABILITY_ENTERPRISE' } }).security_posture_config).toEqual({
      mode: 'ENTERPRISE',
      vulnerability_mode: 'VULNERABILITY_ENTERPRISE',
    });
  });

  it('uses the STABLE channel when asked', () => {
    expect(clusterOf({ ...base, releaseChannel: 'STABLE' }).release_channel).toEqual({ channel: 'STABLE' });
  });

  it('rejects a public endpoint open to 0.0.0.0/0', () => {
    expect(() => clusterOf({ ...base, publicEndpoint: { authorizedCidrs: ['0.0.0.0/0'] } })).toThrow(
      'gke cluster test: publicEndpoint.authorizedCidrs must not contain "0.0.0.0/0" (the whole internet); list specific networks',
    );
  });

  it('rejects a public endpoint without an allow-list', () => {
    expect(() => clusterOf({ ...base, publicEndpoint: { authorizedCidrs: [] } })).toThrow('gke cluster test: publicEndpoint.authorizedCidrs must list at least one network');
  });

  it('rejects 0.0.0.0/0 among the admin networks', () => {
    expect(() => clusterOf({ ...base, authorizedNetworks: ['0.0.0.0/0'] })).toThrow('gke cluster test: authorizedNetworks must not contain "0.0.0.0/0"');
  });

  it('rejects an empty admin network list', () => {
    expect(() => clusterOf({ ...base, authorizedNetworks: [] })).toThrow('gke cluster test: authorizedNetworks must list at least one admin network');
  });

  it('rejects a master range that is not a /28', () => {
    expect(() => clusterOf({ ...base, masterCidr: '172.16.0.0/24' })).toThrow('gke cluster test: masterCidr must be a /28, got "172.16.0.0/24"');
  });

  it('rejects a malformed Kubernetes version', () => {
    expect(() => clusterOf({ ...base, kubernetesVersion: 'latest' })).toThrow('gke cluster test: kubernetesVersion must look like 1.34, got "latest"');
  });
});
