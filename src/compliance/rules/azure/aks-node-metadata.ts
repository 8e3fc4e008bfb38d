import type { ResourceRule } from '../../types';
import { isTrue } from '../attributes';
import { enforcesNetworkPolicy } from './aks-network-policy';

/**
 * AKS has no node-level switch that hides IMDS from pods (IMDS restriction is
 * preview and not in azurerm 4.x). The protection is: workloads use Workload
 * ID instead of the node's kubelet identity, and a NetworkPolicy engine lets
 * the baseline deny pod egress to 169.254.169.254. This rule checks both
 * prerequisites; it is a warning because the deny itself lives in the baseline.
 */
export const aksNodeMetadata: ResourceRule = {
  scope: 'resource',
  name: 'aks-node-metadata',
  cloud: 'azure',
  severity: 'warning',
  controls: { 'pci-dss-4': '7.2.5' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'Pods must not obtain the node (kubelet) managed identity from IMDS: AKS needs Workload ID for workloads and an enforcing network policy engine so the baseline can deny pod egress to 169.254.169.254.',
  fix: 'Set workload_identity_enabled = true and network_profile.network_policy = "cilium"; keep the baseline egress policy that blocks the IMDS address.',
  evaluate: (attrs) =>
    isTrue(attrs.workload_identity_enabled) && enforcesNetworkPolicy(attrs) ? 'compliant' : 'non-compliant',
};
