import type { ResourceRule } from '../../types';
import { block, isSet, isTrue } from '../attributes';

/**
 * Every GCS bucket (the Terraform state bucket, Velero's backup bucket) has the properties docs/runbooks.md section 1 lists.
 * Object versions are kept, or, where objects are write-once, a locked retention policy protects them instead: Cloud
 * Storage refuses versioning next to a retention policy, and a locked policy is the stronger of the two (nothing can be
 * deleted or replaced before the period ends).
 */
export const gcpStorageBucketProtection: ResourceRule = {
  scope: 'resource',
  name: 'gcp-storage-bucket-protection',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['google_storage_bucket'],
  explanation:
    'A GCS bucket must use uniform bucket-level access (IAM only, no object ACLs), enforce public access prevention, keep object versions (or be write-once under a locked retention policy), and encrypt by default with a customer-managed Cloud KMS key.',
  fix: 'Set uniform_bucket_level_access = true, public_access_prevention = "enforced", versioning { enabled = true } (or retention_policy { is_locked = true, retention_period = <seconds> }) and encryption { default_kms_key_name = <crypto key id> } (the StateBucket construct does).',
  evaluate: (attrs) =>
    isTrue(attrs.uniform_bucket_level_access) &&
    attrs.public_access_prevention === 'enforced' &&
    (isTrue(block(attrs, 'versioning')?.enabled) || (isTrue(block(attrs, 'retention_policy')?.is_locked) && Number(block(attrs, 'retention_policy')?.retention_period) > 0)) &&
    isSet(block(attrs, 'encryption')?.default_kms_key_name)
      ? 'compliant'
      : 'non-compliant',
};
