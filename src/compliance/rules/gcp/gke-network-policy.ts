import type { ResourceRule } from '../../types';
import { block, isTrue } from '../attributes';

/** Dataplane V2 (or the Calico add-on) enforces NetworkPolicies. */
export const gkeNetworkPolicy: ResourceRule = {
  scope: 'resource',
  name: 'gke-network-policy',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '1.3.1', 'cis-kubernetes-managed': 'GKE 5.6.7' },
  resourceTypes: ['google_container_cluster'],
  explanation:
    'GKE must enforce NetworkPolicies, with GKE Dataplane V2 (ADVANCED_DATAPATH) or the network policy add-on; otherwise policies are accepted but not enforced.',
  fix: 'Set datapath_provider = "ADVANCED_DATAPATH" (Dataplane V2 enforces NetworkPolicy natively).',
  evaluate: (attrs) =>
    attrs.datapath_provider === 'ADVANCED_DATAPATH' || isTrue(block(attrs, 'network_policy')?.enabled)
      ? 'compliant'
      : 'non-compliant',
};
