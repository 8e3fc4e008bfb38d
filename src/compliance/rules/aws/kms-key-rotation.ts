import type { ResourceRule } from '../../types';
import { isTrue } from '../attributes';

/** Symmetric customer-managed keys rotate yearly (or faster). */
export const kmsKeyRotation: ResourceRule = {
  scope: 'resource',
  name: 'aws-kms-key-rotation',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '3.7.4' },
  resourceTypes: ['aws_kms_key'],
  explanation:
    'Symmetric customer-managed KMS keys must have automatic rotation enabled, which bounds each key version\'s cryptoperiod to at most a year.',
  fix: 'Set enable_key_rotation = true (the EncryptionKey construct does; rotation_period_in_days may shorten it).',
  evaluate: (attrs) => {
    const spec = attrs.customer_master_key_spec;
    // AWS rotates only symmetric encryption keys; asymmetric and HMAC keys are out of scope.
    if (spec !== undefined && spec !== 'SYMMETRIC_DEFAULT') return 'not-applicable';
    return isTrue(attrs.enable_key_rotation) ? 'compliant' : 'non-compliant';
  },
};
