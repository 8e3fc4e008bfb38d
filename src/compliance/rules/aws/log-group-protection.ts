import type { ResourceRule } from '../../types';
import { isSet } from '../attributes';

/** PCI-DSS 10.5.1: a year of audit history. Config validation uses the same bound (network.flowLogRetentionDays). */
export const LOG_RETENTION_MIN_DAYS = 365;

/** Audit logs are encrypted with our key and kept at least a year. */
export const logGroupProtection: ResourceRule = {
  scope: 'resource',
  name: 'aws-log-group-protection',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '10.5.1' },
  resourceTypes: ['aws_cloudwatch_log_group'],
  explanation:
    `CloudWatch log groups (control-plane, flow and WAF logs) must be encrypted with a customer-managed key and retained at least ${LOG_RETENTION_MIN_DAYS} days, so audit history survives for the year PCI-DSS requires.`,
  fix: `Use the EncryptedLogGroup construct: kms_key_id = <customer-managed key>, retention_in_days >= ${LOG_RETENTION_MIN_DAYS}.`,
  evaluate: (attrs) => {
    const days = Number(attrs.retention_in_days);
    return isSet(attrs.kms_key_id) && Number.isFinite(days) && days >= LOG_RETENTION_MIN_DAYS ? 'compliant' : 'non-compliant';
  },
};
