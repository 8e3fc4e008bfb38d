import type { ResourceRule } from '../../types';
import { block, isFalse } from '../attributes';

/** The GKE metadata server hides node credentials and instance attributes from pods. */
export const gkeNodeMetadata: ResourceRule = {
  scope: 'resource',
  name: 'gke-node-metadata',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '7.2.5', 'cis-kubernetes-managed': 'GKE 5.4.2' },
  resourceTypes: ['google_container_node_pool', 'google_container_cluster'],
  explanation:
    'Every node pool must run the GKE metadata server (workload_metadata_config.mode = GKE_METADATA) with legacy metadata endpoints disabled, so pods cannot read the node service account token or kube-env.',
  fix: 'Set node_config { workload_metadata_config { mode = "GKE_METADATA" } } and do not set metadata["disable-legacy-endpoints"] = "false".',
  evaluate: (attrs, type) => {
    const node = block(attrs, 'node_config');
    // A cluster whose default pool is removed has no node_config of its own.
    if (type === 'google_container_cluster' && node === undefined) return 'not-applicable';
    const mode = block(node, 'workload_metadata_config')?.mode;
    const metadata = block(node, 'metadata');
    return mode === 'GKE_METADATA' && !isFalse(metadata?.['disable-legacy-endpoints']) ? 'compliant' : 'non-compliant';
  },
};
