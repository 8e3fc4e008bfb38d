import type { ResourceRule } from '../../types';
import { block, isSet } from '../attributes';

/** Node boot disks encrypted with a customer-managed Cloud KMS key. */
export const gkeNodeDiskEncryption: ResourceRule = {
  scope: 'resource',
  name: 'gke-node-disk-encryption',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1', 'cis-kubernetes-managed': 'GKE 5.9.2' },
  resourceTypes: ['google_container_node_pool', 'google_container_cluster'],
  explanation:
    'Node boot disks must be encrypted with a customer-managed Cloud KMS key (CMEK): they hold container layers, emptyDir volumes and logs that may contain cardholder data.',
  fix: 'Set node_config { boot_disk_kms_key = <crypto key id> } on every node pool.',
  evaluate: (attrs, type) => {
    const node = block(attrs, 'node_config');
    if (type === 'google_container_cluster' && node === undefined) return 'not-applicable';
    return isSet(node?.boot_disk_kms_key) ? 'compliant' : 'non-compliant';
  },
};
