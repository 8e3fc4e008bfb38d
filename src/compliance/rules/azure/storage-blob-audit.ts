import type { StackRule } from '../../types';
import { blocks, everyCovered } from '../attributes';

/**
 * Every storage account's blob reads, writes and deletes are logged with the
 * caller. Narrows the global Checkov skip of CKV2_AZURE_21, which only accepts
 * Log Analytics storage insights: those read the account with its account key,
 * and the state account has shared-key access disabled.
 */
export const azureStorageBlobAudit: StackRule = {
  scope: 'stack',
  name: 'azure-storage-blob-audit',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1' },
  explanation:
    'Every storage account must send its blob resource logs (StorageRead, StorageWrite, StorageDelete) to Log Analytics through a diagnostic setting on its blob service, so every read and write of Terraform state and of flow logs is recorded with the caller.',
  fix: 'Add azurerm_monitor_diagnostic_setting { target_resource_id = "${<account>.id}/blobServices/default", enabled_log { category = "StorageRead" } ... } (the StateStorage and FlowLogs constructs do).',
  evaluate: (resources) =>
    everyCovered(
      resources,
      'azurerm_storage_account',
      (r) => {
        if (r.type !== 'azurerm_monitor_diagnostic_setting' || !String(r.attrs.target_resource_id).endsWith('/blobServices/default')) return false;
        const categories = blocks(r.attrs, 'enabled_log').map((l) => l.category);
        return ['StorageRead', 'StorageWrite', 'StorageDelete'].every((c) => categories.includes(c));
      },
      'target_resource_id',
    ),
};
