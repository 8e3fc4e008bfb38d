import type { ResourceRule } from '../../types';
import { block } from '../attributes';

/**
 * Write-once backups (Velero's bucket in the prod tier, docs/backups.md) cannot be lifted:
 * S3 Object Lock in GOVERNANCE mode yields to any principal holding s3:BypassGovernanceRetention,
 * so an attacker with such a role could delete every restore point. COMPLIANCE mode cannot be
 * shortened or removed by anyone, the account root included.
 */
export const s3ObjectLockCompliance: ResourceRule = {
  scope: 'resource',
  name: 'aws-s3-object-lock-compliance',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '12.10.1' },
  resourceTypes: ['aws_s3_bucket_object_lock_configuration'],
  explanation:
    'An S3 Object Lock configuration must default to COMPLIANCE mode with a retention of at least one day: GOVERNANCE mode can be bypassed by any principal with s3:BypassGovernanceRetention, so backups under it are not write-once.',
  fix: 'Set rule { default_retention { mode = "COMPLIANCE", days = <immutabilityDays> } } (the BackupBucket construct does in the prod tier).',
  evaluate: (attrs) => {
    const retention = block(block(attrs, 'rule'), 'default_retention');
    const period = Number(retention?.days ?? 0) + Number(retention?.years ?? 0);
    return retention?.mode === 'COMPLIANCE' && period > 0 ? 'compliant' : 'non-compliant';
  },
};
