import type { ResourceRule } from '../../types';
import { isSet, isTrue } from '../attributes';

/** Terraform state (which holds secrets) is SSE-KMS encrypted with our key. */
export const stateEncryption: ResourceRule = {
  scope: 'resource',
  name: 'aws-state-encryption',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['backend:s3'],
  explanation:
    'Terraform state contains secrets and resource attributes; the S3 backend must encrypt it with a customer-managed KMS key.',
  fix: 'Configure the S3 backend with encrypt = true and kms_key_id = <customer-managed key ARN> (configureBackend does, from stateBackend.kmsKeyId).',
  evaluate: (attrs) => (isTrue(attrs.encrypt) && isSet(attrs.kms_key_id) ? 'compliant' : 'non-compliant'),
};
