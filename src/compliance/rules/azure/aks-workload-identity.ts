import type { ResourceRule } from '../../types';
import { isTrue } from '../attributes';

/** Pods federate to Entra ID with their own identity; no secrets, no node identity. */
export const aksWorkloadIdentity: ResourceRule = {
  scope: 'resource',
  name: 'aks-workload-identity',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '8.6.2', 'cis-kubernetes-managed': 'AKS 5.2.1' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'AKS must enable the OIDC issuer and Entra Workload ID, so each service account federates to its own managed identity and no client secrets are stored in the cluster.',
  fix: 'Set oidc_issuer_enabled = true and workload_identity_enabled = true.',
  evaluate: (attrs) =>
    isTrue(attrs.oidc_issuer_enabled) && isTrue(attrs.workload_identity_enabled) ? 'compliant' : 'non-compliant',
};
