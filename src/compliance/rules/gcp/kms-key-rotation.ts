import type { ResourceRule } from '../../types';

const MAX_ROTATION_SECONDS = 90 * 24 * 3600;

/** Cloud KMS symmetric keys rotate at least every 90 days. */
export const gcpKmsKeyRotation: ResourceRule = {
  scope: 'resource',
  name: 'gcp-kms-key-rotation',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.7.4' },
  resourceTypes: ['google_kms_crypto_key'],
  explanation:
    'Symmetric Cloud KMS keys must have a rotation_period of at most 90 days, which bounds each key version\'s cryptoperiod.',
  fix: 'Set rotation_period = "7776000s" (90 days) or shorter.',
  evaluate: (attrs) => {
    // Only symmetric ENCRYPT_DECRYPT keys support automatic rotation.
    if (attrs.purpose !== undefined && attrs.purpose !== 'ENCRYPT_DECRYPT') return 'not-applicable';
    const match = typeof attrs.rotation_period === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(attrs.rotation_period) : null;
    return match !== null && Number(match[1]) <= MAX_ROTATION_SECONDS ? 'compliant' : 'non-compliant';
  },
};
