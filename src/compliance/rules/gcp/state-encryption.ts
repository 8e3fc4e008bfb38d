import type { ResourceRule } from '../../types';
import { isSet } from '../attributes';

/**
 * GCS always encrypts at rest with Google-managed keys; state holds secrets,
 * so the backend must name a customer-managed key (config
 * stateBackend.kmsEncryptionKey), never a raw customer-supplied key.
 */
export const gcpStateEncryption: ResourceRule = {
  scope: 'resource',
  name: 'gcp-state-encryption',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['backend:gcs'],
  explanation:
    'Terraform state contains secrets: the GCS backend should encrypt state objects with a customer-managed Cloud KMS key (kms_encryption_key) rather than only Google-managed encryption, and never with a raw key in configuration.',
  fix: 'Configure the gcs backend with kms_encryption_key = <crypto key id> (config stateBackend.kmsEncryptionKey) and no encryption_key.',
  evaluate: (attrs) =>
    isSet(attrs.kms_encryption_key) && attrs.encryption_key === undefined ? 'compliant' : 'non-compliant',
};
