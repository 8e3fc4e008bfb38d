import type { ResourceRule } from '../../types';
import { block, isSet, isTrue } from '../attributes';

/** OS disks with our key (disk encryption set); temp disks and caches encrypted at host. */
export const aksNodeDiskEncryption: ResourceRule = {
  scope: 'resource',
  name: 'aks-node-disk-encryption',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['azurerm_kubernetes_cluster', 'azurerm_kubernetes_cluster_node_pool'],
  explanation:
    'Node OS disks must be encrypted with a customer-managed key (disk encryption set) and every pool must use encryption at host, which also covers temporary disks and caches holding container data.',
  fix: 'Set disk_encryption_set_id on the cluster and host_encryption_enabled = true on default_node_pool and every azurerm_kubernetes_cluster_node_pool.',
  evaluate: (attrs, type) => {
    if (type === 'azurerm_kubernetes_cluster_node_pool') {
      return isTrue(attrs.host_encryption_enabled) ? 'compliant' : 'non-compliant';
    }
    return isSet(attrs.disk_encryption_set_id) && isTrue(block(attrs, 'default_node_pool')?.host_encryption_enabled)
      ? 'compliant'
      : 'non-compliant';
  },
};
