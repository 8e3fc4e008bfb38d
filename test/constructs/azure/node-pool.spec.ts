import { NodePool, type NodePoolProps } from '../../../src/constructs/azure/node-pool';
import { type Json, only, scope, synth } from './helpers';

const props: NodePoolProps = {
  name: 'security',
  kubernetesClusterId: '/aks',
  subnetId: '/subnets/nodes',
  sizing: { vmSize: 'Standard_F2s_v2', minCount: 2, maxCount: 3, desiredCount: 2, osDiskSizeGb: 64 },
  labels: { workload: 'security' },
  taints: [{ key: 'workload', value: 'security', effect: 'NoSchedule' }],
};

describe('NodePool', () => {
  let pool: Json;
  beforeAll(() => {
    pool = only(synth((s) => new NodePool(s, 'pool', props)), 'azurerm_kubernetes_cluster_node_pool');
  });

  it('applies the hardened node settings by default', () => {
    expect(pool).toMatchObject({
      mode: 'User',
      node_public_ip_enabled: false,
      host_encryption_enabled: true,
      fips_enabled: true,
      os_sku: 'AzureLinux',
      os_disk_type: 'Managed',
      zones: ['1', '2', '3'],
      max_pods: 110,
      auto_scaling_enabled: true,
      min_count: 2,
      max_count: 3,
      node_count: 2,
      upgrade_settings: { max_surge: '33%', drain_timeout_in_minutes: 30 },
      temporary_name_for_rotation: 'securitytmp',
    });
  });

  it('writes labels and taints', () => {
    expect(pool.node_labels).toEqual({ workload: 'security' });
    expect(pool.node_taints).toEqual(['workload=security:NoSchedule']);
  });

  it.each([
    ['a name with capitals', { name: 'Security' }, 'name must be 1-12 lowercase letters and digits starting with a letter, got "Security"'],
    ['a name over 12 characters', { name: 'securitypool1' }, 'got "securitypool1"'],
    ['min above desired', { sizing: { ...props.sizing, minCount: 3, desiredCount: 2 } }, 'need 1 <= minCount <= desiredCount <= maxCount, got 3 <= 2 <= 3'],
    ['desired above max', { sizing: { ...props.sizing, desiredCount: 4 } }, 'got 2 <= 4 <= 3'],
    ['a tiny OS disk', { sizing: { ...props.sizing, osDiskSizeGb: 10 } }, 'osDiskSizeGb must be between 30 and 2048, got 10'],
    ['no zones', { zones: [] }, 'zones must list at least one availability zone'],
    ['maxPods out of range', { maxPods: 500 }, 'maxPods must be between 10 and 250, got 500'],
    ['a malformed maxSurge', { maxSurge: 'lots' }, 'maxSurge must be a node count or a percentage such as 33%, got "lots"'],
    ['a taint with spaces', { taints: [{ key: 'bad key', value: 'x', effect: 'NoSchedule' as const }] }, 'taint key and value must be label-safe, got "bad key=x"'],
  ])('rejects %s', (_case, override, message) => {
    expect(() => new NodePool(scope(), 'pool', { ...props, ...override })).toThrow(message);
  });
});
