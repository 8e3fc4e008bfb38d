import type { ResourceRule, TfAttributes } from '../../types';
import { block } from '../attributes';

const ENFORCING = ['azure', 'calico', 'cilium'];

/** Whether an AKS cluster runs a network policy engine that enforces NetworkPolicies. */
export function enforcesNetworkPolicy(cluster: TfAttributes): boolean {
  const policy = block(cluster, 'network_profile')?.network_policy;
  return typeof policy === 'string' && ENFORCING.includes(policy);
}

/** A network policy engine is installed, so NetworkPolicies are enforced. */
export const aksNetworkPolicy: ResourceRule = {
  scope: 'resource',
  name: 'aks-network-policy',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '1.3.1', 'cis-kubernetes-managed': 'AKS 5.4.4' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'AKS must run a network policy engine (cilium, calico or azure); without one Kubernetes NetworkPolicies are accepted but not enforced and every pod can reach every other pod.',
  fix: 'Set network_profile { network_plugin = "azure", network_data_plane = "cilium", network_policy = "cilium" }.',
  evaluate: (attrs) => (enforcesNetworkPolicy(attrs) ? 'compliant' : 'non-compliant'),
};
