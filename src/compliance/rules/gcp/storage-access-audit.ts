import type { StackRule } from '../../types';
import { anyResource, blocks } from '../attributes';

/**
 * Object reads and writes are audit-logged. Narrows the global Checkov skip of
 * CKV_GCP_62 (GCS usage logs): Data Access audit logs carry the caller's
 * identity and need no second, itself unlogged, log bucket.
 */
export const gcpStorageAccessAudit: StackRule = {
  scope: 'stack',
  name: 'gcp-storage-access-audit',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1' },
  explanation:
    'A stack with a GCS bucket must enable Cloud Storage Data Access audit logs (DATA_READ and DATA_WRITE) in the project, so every read and write of Terraform state is recorded with the caller.',
  fix: 'Add google_project_iam_audit_config { service = "storage.googleapis.com", audit_log_config { log_type = "DATA_READ" }, audit_log_config { log_type = "DATA_WRITE" } } (the StateBucket construct does).',
  evaluate: (resources) =>
    anyResource(resources, 'google_storage_bucket', (r) => {
      if (r.type !== 'google_project_iam_audit_config' || !['storage.googleapis.com', 'allServices'].includes(String(r.attrs.service))) return false;
      const types = blocks(r.attrs, 'audit_log_config').map((c) => c.log_type);
      return types.includes('DATA_READ') && types.includes('DATA_WRITE');
    }),
};
