import { NodePool, type NodePoolProps } from '../../../src/constructs/gcp/node-pool';
import { SECURITY_POOL_PLACEMENT } from '../../../src/constructs/contract';
import { type Json, TEST_KEY, only, synth } from './helpers';

const base: NodePoolProps = {
  name: 'security',
  clusterId: 'projects/test-project-01/locations/europe-west2/clusters/test',
  project: 'test-project-01',
  location: 'europe-west2',
  sizing: { machineType: 'e2-standard-2', minCount: 2, maxCount: 6, desiredCount: 4, diskSizeGb: 50 },
  serviceAccountEmail: 'test-nodes@test-project-01.iam.gserviceaccount.com',
  bootDiskKey: TEST_KEY,
  nodeTag: 'test-node',
  labels: SECURITY_POOL_PLACEMENT.labels,
  taints: [SECURITY_POOL_PLACEMENT.taint],
};

describe('NodePool', () => {
  let pool: Json;
  let node: Json;
  beforeAll(() => {
    pool = only(synth((scope) => new NodePool(scope, 'pool', base)), 'google_container_node_pool');
    node = pool.node_config;
  });

  it('autoscales on totals across zones, balanced, and starts at desired / zones per zone', () => {
    expect(pool.autoscaling).toEqual({ total_min_node_count: 2, total_max_node_count: 6, location_policy: 'BALANCED' });
    expect(pool.initial_node_count).toBe(2);
    expect(pool.lifecycle.ignore_changes).toEqual(['initial_node_count']);
    expect(pool.node_count).toBeUndefined();
  });

  it('auto-repairs, auto-upgrades and surges without losing capacity', () => {
    expect(pool.management).toEqual({ auto_repair: true, auto_upgrade: true });
    expect(pool.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
  });

  it('runs hardened COS nodes as the dedicated service account with a CMEK boot disk', () => {
    expect(node).toMatchObject({
      machine_type: 'e2-standard-2',
      disk_size_gb: 50,
      disk_type: 'pd-balanced',
      image_type: 'COS_CONTAINERD',
      boot_disk_kms_key: TEST_KEY.keyId,
      service_account: 'test-nodes@test-project-01.iam.gserviceaccount.com',
      oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'],
      metadata: { 'disable-legacy-endpoints': 'true' },
      shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      workload_metadata_config: { mode: 'GKE_METADATA' },
      kubelet_config: { insecure_kubelet_readonly_port_enabled: 'FALSE' },
      tags: ['test-node'],
    });
  });

  it('labels and taints the security pool for the baseline', () => {
    expect(node.labels).toEqual({ workload: 'security' });
    expect(node.taint).toEqual([{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }]);
  });

  it('puts no taint on a pool without taints', () => {
    const app = only(synth((scope) => new NodePool(scope, 'pool', { ...base, name: 'app', labels: { workload: 'app' }, taints: undefined })), 'google_container_node_pool');
    expect(app.node_config.taint).toBeUndefined();
    expect(app.node_config.labels).toEqual({ workload: 'app' });
  });

  it('rejects desired outside [min, max]', () => {
    expect(() => synth((scope) => new NodePool(scope, 'pool', { ...base, sizing: { ...base.sizing, desiredCount: 9 } }))).toThrow(
      'node pool security: desiredCount must be between minCount and maxCount [2, 6], got 9',
    );
  });

  it('rejects max below min', () => {
    expect(() => synth((scope) => new NodePool(scope, 'pool', { ...base, sizing: { ...base.sizing, maxCount: 1 } }))).toThrow('node pool security: maxCount (1) must be at least minCount (2)');
  });

  it('rejects an upgrade strategy without surge', () => {
    expect(() => synth((scope) => new NodePool(scope, 'pool', { ...base, maxSurge: 0 }))).toThrow('node pool security: maxSurge must be a positive integer');
  });
});
