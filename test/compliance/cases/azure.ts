import { aksAuditLogging } from '../../../src/compliance/rules/azure/aks-audit-logging';
import { aksEntraRbac } from '../../../src/compliance/rules/azure/aks-entra-rbac';
import { aksNetworkPolicy } from '../../../src/compliance/rules/azure/aks-network-policy';
import { aksNodeDiskEncryption } from '../../../src/compliance/rules/azure/aks-node-disk-encryption';
import { aksNodeMetadata } from '../../../src/compliance/rules/azure/aks-node-metadata';
import { aksNodeNoPublicAccess } from '../../../src/compliance/rules/azure/aks-node-no-public-access';
import { aksPrivateCluster } from '../../../src/compliance/rules/azure/aks-private-cluster';
import { aksSecretsEncryption } from '../../../src/compliance/rules/azure/aks-secrets-encryption';
import { aksWorkloadIdentity } from '../../../src/compliance/rules/azure/aks-workload-identity';
import { azureFlowLogs } from '../../../src/compliance/rules/azure/flow-logs';
import { azureGatewayTls } from '../../../src/compliance/rules/azure/gateway-tls';
import { azureKeyRotation } from '../../../src/compliance/rules/azure/key-rotation';
import { azureStateEncryption } from '../../../src/compliance/rules/azure/state-encryption';
import { azureStorageBlobAudit } from '../../../src/compliance/rules/azure/storage-blob-audit';
import { azureStorageNetwork } from '../../../src/compliance/rules/azure/storage-network';
import { azureStorageProtection } from '../../../src/compliance/rules/azure/storage-protection';
import { azureWafLogging } from '../../../src/compliance/rules/azure/waf-logging';
import { azureStorageImmutabilityLocked } from '../../../src/compliance/rules/azure/storage-immutability-locked';
import { ref, res, type ResourceCase, type StackCase } from './types';

const aks = res('azurerm_kubernetes_cluster', 'aks');
const KEY_ID = ref('azurerm_key_vault_key', 'etcd', 'id');

const protectedAccount = {
  shared_access_key_enabled: false,
  min_tls_version: 'TLS1_2',
  blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 30 } },
  customer_managed_key: { key_vault_key_id: ref('azurerm_key_vault_key', 'state', 'versionless_id') },
};

export const AZURE_RESOURCE_CASES: readonly ResourceCase[] = [
  {
    rule: azureStorageImmutabilityLocked,
    compliant: [{ immutability_policy: { state: 'Locked', period_since_creation_in_days: 7, allow_protected_append_writes: false } }],
    nonCompliant: [
      { immutability_policy: { state: 'Unlocked', period_since_creation_in_days: 7 } },
      { immutability_policy: { state: 'Disabled', period_since_creation_in_days: 7 } },
      { immutability_policy: { state: 'Locked', period_since_creation_in_days: 0 } },
    ],
    notApplicable: [{}, { account_replication_type: 'GZRS' }],
  },
  {
    rule: azureStorageProtection,
    compliant: [protectedAccount, { ...protectedAccount, blob_properties: [{ versioning_enabled: 'true', delete_retention_policy: [{ days: 7 }] }] }],
    nonCompliant: [
      {},
      { ...protectedAccount, shared_access_key_enabled: true },
      { ...protectedAccount, shared_access_key_enabled: undefined },
      { ...protectedAccount, min_tls_version: 'TLS1_0' },
      { ...protectedAccount, blob_properties: { versioning_enabled: false, delete_retention_policy: { days: 30 } } },
      { ...protectedAccount, blob_properties: { versioning_enabled: true } },
      { ...protectedAccount, customer_managed_key: undefined },
    ],
  },
  {
    rule: azureStorageNetwork,
    compliant: [
      { network_rules: { default_action: 'Deny', bypass: ['AzureServices', 'Logging', 'Metrics'] } },
      { public_network_access_enabled: false },
      { public_network_access_enabled: 'false', network_rules: { default_action: 'Allow' } },
    ],
    nonCompliant: [
      {},
      { public_network_access_enabled: true },
      { network_rules: { default_action: 'Allow' } },
      { network_rules: [{ default_action: 'Allow', ip_rules: ['203.0.113.0/24'] }] },
    ],
  },
  {
    rule: aksPrivateCluster,
    compliant: [{ private_cluster_enabled: true }],
    nonCompliant: [{}, { private_cluster_enabled: false }, { private_cluster_enabled: true, private_cluster_public_fqdn_enabled: true }],
  },
  {
    rule: aksSecretsEncryption,
    compliant: [{ key_management_service: { key_vault_key_id: KEY_ID, key_vault_network_access: 'Private' } }],
    nonCompliant: [{}, { key_management_service: {} }],
  },
  {
    rule: aksNetworkPolicy,
    compliant: [{ network_profile: { network_plugin: 'azure', network_data_plane: 'cilium', network_policy: 'cilium' } }, { network_profile: [{ network_policy: 'calico' }] }],
    nonCompliant: [{ network_profile: { network_plugin: 'azure' } }, {}],
  },
  {
    rule: aksWorkloadIdentity,
    compliant: [{ oidc_issuer_enabled: true, workload_identity_enabled: true }],
    nonCompliant: [{ oidc_issuer_enabled: true }, { workload_identity_enabled: true }, {}],
  },
  {
    rule: aksEntraRbac,
    compliant: [{ azure_active_directory_role_based_access_control: { azure_rbac_enabled: true, tenant_id: 't' }, local_account_disabled: true }],
    nonCompliant: [
      { azure_active_directory_role_based_access_control: { azure_rbac_enabled: true }, local_account_disabled: false },
      { azure_active_directory_role_based_access_control: { azure_rbac_enabled: false }, local_account_disabled: true },
      { local_account_disabled: true },
    ],
  },
  {
    rule: aksNodeMetadata,
    compliant: [{ workload_identity_enabled: true, network_profile: { network_policy: 'cilium' } }],
    nonCompliant: [{ workload_identity_enabled: true, network_profile: {} }, { network_profile: { network_policy: 'cilium' } }],
  },
  {
    rule: aksNodeDiskEncryption,
    type: 'azurerm_kubernetes_cluster',
    compliant: [{ disk_encryption_set_id: ref('azurerm_disk_encryption_set', 'des'), default_node_pool: { host_encryption_enabled: true } }],
    nonCompliant: [{ default_node_pool: { host_encryption_enabled: true } }, { disk_encryption_set_id: 'x', default_node_pool: {} }],
  },
  {
    rule: aksNodeDiskEncryption,
    type: 'azurerm_kubernetes_cluster_node_pool',
    compliant: [{ host_encryption_enabled: true }],
    nonCompliant: [{}, { host_encryption_enabled: false }],
  },
  {
    rule: aksNodeNoPublicAccess,
    type: 'azurerm_kubernetes_cluster',
    compliant: [{ default_node_pool: { name: 'system' } }],
    nonCompliant: [
      { default_node_pool: { node_public_ip_enabled: true } },
      { default_node_pool: {}, linux_profile: { admin_username: 'azureuser', ssh_key: { key_data: 'ssh-rsa AAAA' } } },
    ],
  },
  {
    rule: aksNodeNoPublicAccess,
    type: 'azurerm_kubernetes_cluster_node_pool',
    compliant: [{}, { node_public_ip_enabled: false }],
    nonCompliant: [{ node_public_ip_enabled: true }],
  },
  {
    rule: azureKeyRotation,
    compliant: [{ rotation_policy: { expire_after: 'P2Y', automatic: { time_after_creation: 'P1Y' } } }, { rotation_policy: { automatic: { time_before_expiry: 'P30D' } } }],
    nonCompliant: [{}, { rotation_policy: { expire_after: 'P2Y' } }],
  },
  {
    rule: azureGatewayTls,
    compliant: [
      { ssl_policy: { policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' } },
      { ssl_policy: { policy_type: 'CustomV2', min_protocol_version: 'TLSv1_2' } },
    ],
    nonCompliant: [
      {},
      { ssl_policy: { policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20150501' } },
      { ssl_policy: { policy_type: 'Custom', min_protocol_version: 'TLSv1_1' } },
    ],
  },
  {
    rule: azureStateEncryption,
    type: 'backend:azurerm',
    compliant: [{ storage_account_name: 'st', use_azuread_auth: true }],
    nonCompliant: [{ storage_account_name: 'st' }, { use_azuread_auth: true, access_key: 'k' }],
  },
];

const diag = (name: string, target: string, logs: Record<string, string>[]) =>
  res('azurerm_monitor_diagnostic_setting', name, { target_resource_id: target, enabled_log: logs });
const wafPolicy = (mode: string) => res('azurerm_web_application_firewall_policy', 'waf', { policy_settings: { enabled: true, mode } });
const gateway = res('azurerm_application_gateway', 'agw', { firewall_policy_id: ref('azurerm_web_application_firewall_policy', 'waf') });

const account = res('azurerm_storage_account', 'state');
const blobDiagnostics = (categories: string[], target = `${ref('azurerm_storage_account', 'state')}/blobServices/default`) =>
  res('azurerm_monitor_diagnostic_setting', 'blob', { target_resource_id: target, enabled_log: categories.map((category) => ({ category })) });

export const AZURE_STACK_CASES: readonly StackCase[] = [
  {
    rule: azureStorageBlobAudit,
    compliant: [[account, blobDiagnostics(['StorageRead', 'StorageWrite', 'StorageDelete'])]],
    nonCompliant: [
      [account],
      [account, blobDiagnostics(['StorageWrite', 'StorageDelete'])],
      [account, blobDiagnostics(['StorageRead', 'StorageWrite', 'StorageDelete'], ref('azurerm_storage_account', 'state'))],
      [account, res('azurerm_storage_account', 'other'), blobDiagnostics(['StorageRead', 'StorageWrite', 'StorageDelete'])],
    ],
    notApplicable: [[aks]],
  },
  {
    rule: aksAuditLogging,
    compliant: [
      [aks, diag('aks-diag', ref('azurerm_kubernetes_cluster', 'aks'), [{ category: 'kube-audit-admin' }])],
      [aks, diag('aks-diag', ref('azurerm_kubernetes_cluster', 'aks'), [{ category_group: 'audit' }])],
    ],
    nonCompliant: [
      [aks],
      [aks, diag('aks-diag', ref('azurerm_kubernetes_cluster', 'aks'), [{ category: 'kube-apiserver' }])],
      [aks, diag('other', ref('azurerm_key_vault', 'kv'), [{ category: 'kube-audit' }])],
    ],
    notApplicable: [[]],
  },
  {
    rule: azureWafLogging,
    compliant: [[aks, wafPolicy('Prevention'), gateway, diag('agw-diag', ref('azurerm_application_gateway', 'agw'), [{ category: 'ApplicationGatewayFirewallLog' }])]],
    nonCompliant: [
      [aks],
      [aks, wafPolicy('Detection'), gateway, diag('agw-diag', ref('azurerm_application_gateway', 'agw'), [{ category: 'ApplicationGatewayFirewallLog' }])],
      [aks, wafPolicy('Prevention'), gateway],
    ],
    notApplicable: [[res('azurerm_virtual_network', 'vnet')]],
  },
  {
    rule: azureFlowLogs,
    compliant: [[res('azurerm_virtual_network', 'vnet'), res('azurerm_network_watcher_flow_log', 'fl', { enabled: true, retention_policy: { enabled: true, days: 90 } })]],
    nonCompliant: [
      [res('azurerm_virtual_network', 'vnet')],
      [res('azurerm_virtual_network', 'vnet'), res('azurerm_network_watcher_flow_log', 'fl', { enabled: false, retention_policy: { enabled: true, days: 90 } })],
      [res('azurerm_virtual_network', 'vnet'), res('azurerm_network_watcher_flow_log', 'fl', { enabled: true, retention_policy: { enabled: false, days: 0 } })],
    ],
    notApplicable: [[aks]],
  },
];
