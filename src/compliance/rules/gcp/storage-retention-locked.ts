import type { ResourceRule } from '../../types';
import { block, isTrue } from '../attributes';

/**
 * Write-once backups (Velero's bucket in the prod tier, docs/backups.md) cannot be lifted: an
 * unlocked retention policy can be shortened or removed by anyone with storage.buckets.update;
 * a locked one can only be lengthened.
 */
export const gcpStorageRetentionLocked: ResourceRule = {
  scope: 'resource',
  name: 'gcp-storage-retention-locked',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '12.10.1' },
  resourceTypes: ['google_storage_bucket'],
  explanation:
    'A GCS bucket with a retention policy must lock it (is_locked = true) with a period of at least one day: an unlocked policy can be removed by a principal with storage.buckets.update, so its objects are not write-once.',
  fix: 'Set retention_policy { is_locked = true, retention_period = <seconds> } (the BackupBucket construct does in the prod tier), or no retention_policy at all.',
  evaluate: (attrs) => {
    const policy = block(attrs, 'retention_policy');
    if (!policy) return 'not-applicable';
    return isTrue(policy.is_locked) && Number(policy.retention_period) >= 86_400 ? 'compliant' : 'non-compliant';
  },
};
