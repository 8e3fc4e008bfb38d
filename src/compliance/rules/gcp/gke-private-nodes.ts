import type { ResourceRule } from '../../types';
import { block, isFalse, isTrue } from '../attributes';

/** Nodes have internal IPs only. */
export const gkePrivateNodes: ResourceRule = {
  scope: 'resource',
  name: 'gke-private-nodes',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.4', 'cis-kubernetes-managed': 'GKE 5.6.5' },
  resourceTypes: ['google_container_cluster', 'google_container_node_pool'],
  explanation:
    'GKE nodes must have internal IP addresses only (private nodes); no node pool may opt back into public IPs.',
  fix: 'Set private_cluster_config.enable_private_nodes = true on the cluster and never network_config.enable_private_nodes = false on a node pool.',
  evaluate: (attrs, type) => {
    if (type === 'google_container_node_pool') {
      return isFalse(block(attrs, 'network_config')?.enable_private_nodes) ? 'non-compliant' : 'compliant';
    }
    return isTrue(block(attrs, 'private_cluster_config')?.enable_private_nodes) ? 'compliant' : 'non-compliant';
  },
};
