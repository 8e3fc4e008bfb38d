import type { ResourceRule } from '../../types';
import { isTrue } from '../attributes';

/** The AKS API server has a private IP only. */
export const aksPrivateCluster: ResourceRule = {
  scope: 'resource',
  name: 'aks-private-cluster',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.1', 'cis-kubernetes-managed': 'AKS 5.4.2' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'The AKS API server must be private (private_cluster_enabled) with no public FQDN: a public endpoint exposes the control plane of the cardholder-data environment to the internet.',
  fix: 'Set private_cluster_enabled = true and leave private_cluster_public_fqdn_enabled unset/false.',
  evaluate: (attrs) =>
    isTrue(attrs.private_cluster_enabled) && !isTrue(attrs.private_cluster_public_fqdn_enabled) ? 'compliant' : 'non-compliant',
};
