import type { ResourceRule } from '../../types';
import { block, isSet } from '../attributes';

/** etcd Secrets are encrypted with a Key Vault key we own (KMS plugin). Checkov has no check for this. */
export const aksSecretsEncryption: ResourceRule = {
  scope: 'resource',
  name: 'aks-secrets-encryption',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1', 'cis-kubernetes-managed': 'AKS 5.3.1' },
  resourceTypes: ['azurerm_kubernetes_cluster'],
  explanation:
    'Kubernetes Secrets must be encrypted in etcd with a customer-managed Key Vault key (AKS KMS etcd encryption), so a copy of etcd is unreadable without a key the platform controls.',
  fix: 'Set key_management_service { key_vault_key_id = <versioned key id>, key_vault_network_access = "Private" }.',
  evaluate: (attrs) => (isSet(block(attrs, 'key_management_service')?.key_vault_key_id) ? 'compliant' : 'non-compliant'),
};
