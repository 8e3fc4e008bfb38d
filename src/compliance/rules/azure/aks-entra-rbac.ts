import type { ResourceRule } from '../../types';
import { block, isTrue } from '../attributes';

/** Every API caller is an Entra ID identity authorized by Azure RBAC; no shared local admin. Checkov has no check for this. */
export const aksEntraRbac: ResourceRule = {
  scope: 'resource',
  name: 'aks-entra-rbac',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '8.2.2', 'cis-kubernetes-managed': 'AKS 5.5.1' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'AKS must authenticate users with Entra ID, authorize them with Azure RBAC and disable local accounts: the local cluster-admin certificate is a shared credential that bypasses identity and audit.',
  fix: 'Set azure_active_directory_role_based_access_control { azure_rbac_enabled = true, tenant_id = ... } and local_account_disabled = true.',
  evaluate: (attrs) =>
    isTrue(block(attrs, 'azure_active_directory_role_based_access_control')?.azure_rbac_enabled) &&
    isTrue(attrs.local_account_disabled)
      ? 'compliant'
      : 'non-compliant',
};
