import type { ResourceRule } from '../../types';
import { block, isFalse, isSet, isTrue } from '../attributes';

/**
 * Every storage account (the Terraform state account and the flow-log
 * accounts) has the properties docs/runbooks.md section 1 lists for state.
 */
export const azureStorageProtection: ResourceRule = {
  scope: 'resource',
  name: 'azure-storage-protection',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['azurerm_storage_account'],
  explanation:
    'A storage account must disable shared-key access (Entra ID only, so RBAC and audit apply to every read), require TLS 1.2, keep blob versions and soft-deleted blobs, and encrypt with a customer-managed Key Vault key.',
  fix: 'Set shared_access_key_enabled = false, min_tls_version = "TLS1_2", blob_properties { versioning_enabled = true, delete_retention_policy { days = 30 } } and customer_managed_key { key_vault_key_id = <versionless key id> } (the StateStorage and FlowLogs constructs do).',
  evaluate: (attrs) => {
    const blob = block(attrs, 'blob_properties');
    return isFalse(attrs.shared_access_key_enabled) &&
      attrs.min_tls_version === 'TLS1_2' &&
      isTrue(blob?.versioning_enabled) &&
      block(blob, 'delete_retention_policy')?.days !== undefined &&
      isSet(block(attrs, 'customer_managed_key')?.key_vault_key_id)
      ? 'compliant'
      : 'non-compliant';
  },
};
