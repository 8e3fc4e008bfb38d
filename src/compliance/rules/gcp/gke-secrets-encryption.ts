import type { ResourceRule } from '../../types';
import { block, isSet } from '../attributes';

/** Application-layer Secrets encryption with a Cloud KMS key. Checkov has no check for this. */
export const gkeSecretsEncryption: ResourceRule = {
  scope: 'resource',
  name: 'gke-secrets-encryption',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1', 'cis-kubernetes-managed': 'GKE 5.3.1' },
  resourceTypes: ['google_container_cluster'],
  explanation:
    'GKE must encrypt Kubernetes Secrets at the application layer with a customer-managed Cloud KMS key, so a copy of etcd is unreadable without a key the platform controls.',
  fix: 'Set database_encryption { state = "ENCRYPTED", key_name = <crypto key id> }.',
  evaluate: (attrs) => {
    const enc = block(attrs, 'database_encryption');
    return enc?.state === 'ENCRYPTED' && isSet(enc.key_name) ? 'compliant' : 'non-compliant';
  },
};
