import type { ResourceRule } from '../../types';
import { block, blocks, isTrue } from '../attributes';

/** Nodes have no public IPs and no SSH key. */
export const aksNodeNoPublicAccess: ResourceRule = {
  scope: 'resource',
  name: 'aks-node-no-public-access',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.4', 'cis-kubernetes-managed': 'AKS 5.4.3' },
  resourceTypes: ['azurerm_kubernetes_cluster', 'azurerm_kubernetes_cluster_node_pool'],
  explanation:
    'AKS nodes must not have public IPs and must not be provisioned with an SSH key (linux_profile): nodes are reachable only from inside the VNet and are never logged into.',
  fix: 'Leave node_public_ip_enabled unset/false on every pool and do not set linux_profile.',
  evaluate: (attrs, type) => {
    if (type === 'azurerm_kubernetes_cluster_node_pool') {
      return isTrue(attrs.node_public_ip_enabled) ? 'non-compliant' : 'compliant';
    }
    if (blocks(attrs, 'linux_profile').length > 0) return 'non-compliant';
    return isTrue(block(attrs, 'default_node_pool')?.node_public_ip_enabled) ? 'non-compliant' : 'compliant';
  },
};
