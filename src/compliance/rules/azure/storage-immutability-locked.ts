import type { ResourceRule } from '../../types';
import { block } from '../attributes';

/**
 * Write-once backups (Velero's storage account in the prod tier, docs/backups.md) cannot be lifted:
 * an Unlocked (or Disabled) version-level immutability policy can be shortened or deleted by anyone
 * with write access to the account's management plane; a Locked one cannot.
 */
export const azureStorageImmutabilityLocked: ResourceRule = {
  scope: 'resource',
  name: 'azure-storage-immutability-locked',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '12.10.1' },
  resourceTypes: ['azurerm_storage_account'],
  explanation:
    'A storage account with an immutability policy must lock it (state = "Locked") with a period of at least one day: an unlocked policy can be removed by a management-plane principal, so its blobs are not write-once.',
  fix: 'Set immutability_policy { state = "Locked", period_since_creation_in_days = <immutabilityDays>, allow_protected_append_writes = false } (the BackupStorage construct does in the prod tier), or no immutability_policy at all.',
  evaluate: (attrs) => {
    const policy = block(attrs, 'immutability_policy');
    if (!policy) return 'not-applicable';
    return policy.state === 'Locked' && Number(policy.period_since_creation_in_days) > 0 ? 'compliant' : 'non-compliant';
  },
};
