import type { ResourceRule } from '../../types';
import { blocks, block, isSet, strings } from '../attributes';

/** Secrets in etcd are envelope-encrypted with a customer-managed KMS key. */
export const eksSecretsEncryption: ResourceRule = {
  scope: 'resource',
  name: 'eks-secrets-encryption',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1', 'cis-kubernetes-managed': 'EKS 5.3.1' },
  resourceTypes: ['aws_eks_cluster'],
  explanation:
    'Kubernetes Secrets must be envelope-encrypted with a customer-managed KMS key, so a copy of etcd is unreadable without a key the platform controls and can revoke.',
  fix: 'Set encryption_config { resources = ["secrets"], provider { key_arn = <customer-managed key> } } (the aws Cluster construct takes secretsKey).',
  evaluate: (attrs) =>
    blocks(attrs, 'encryption_config').some(
      (c) => strings(c.resources).includes('secrets') && isSet(block(c, 'provider')?.key_arn),
    )
      ? 'compliant'
      : 'non-compliant',
};
