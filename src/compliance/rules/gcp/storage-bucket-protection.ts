import type { ResourceRule } from '../../types';
import { block, isSet, isTrue } from '../attributes';

/** Every GCS bucket (the Terraform state bucket) has the properties docs/runbooks.md section 1 lists. */
export const gcpStorageBucketProtection: ResourceRule = {
  scope: 'resource',
  name: 'gcp-storage-bucket-protection',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['google_storage_bucket'],
  explanation:
    'A GCS bucket must use uniform bucket-level access (IAM only, no object ACLs), enforce public access prevention, keep object versions, and encrypt by default with a customer-managed Cloud KMS key.',
  fix: 'Set uniform_bucket_level_access = true, public_access_prevention = "enforced", versioning { enabled = true } and encryption { default_kms_key_name = <crypto key id> } (the StateBucket construct does).',
  evaluate: (attrs) =>
    isTrue(attrs.uniform_bucket_level_access) &&
    attrs.public_access_prevention === 'enforced' &&
    isTrue(block(attrs, 'versioning')?.enabled) &&
    isSet(block(attrs, 'encryption')?.default_kms_key_name)
      ? 'compliant'
      : 'non-compliant',
};
