import { BLOB_AUDIT_LOG_CATEGORIES, FlowLogs, type FlowLogsProps } from '../../../src/constructs/azure/flow-log';
import { type Json, common, key, only, scope, synth, workspace } from './helpers';

const props: FlowLogsProps = {
  ...common,
  name: 'test',
  storageAccountName: 'sttestflow',
  virtualNetworkId: '/vnet',
  storageKey: key,
  workspace,
  privateEndpointSubnetId: '/subnets/pe',
};

describe('FlowLogs', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((s) => new FlowLogs(s, 'flow', props));
  });

  it('logs the VNet for 365 days with traffic analytics', () => {
    expect(only(json, 'azurerm_network_watcher_flow_log')).toMatchObject({
      target_resource_id: '/vnet',
      enabled: true,
      version: 2,
      retention_policy: { enabled: true, days: 365 },
      traffic_analytics: { enabled: true, workspace_id: workspace.workspaceGuid, workspace_resource_id: workspace.workspaceId, interval_in_minutes: 10 },
      network_watcher_name: 'NetworkWatcher_westeurope',
      resource_group_name: 'NetworkWatcherRG',
    });
  });

  it('stores them with a customer-managed key, Entra ID only, TLS 1.2 and a deny-by-default firewall', () => {
    const storage = only(json, 'azurerm_storage_account');
    expect(storage).toMatchObject({
      account_replication_type: 'GZRS',
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      shared_access_key_enabled: false,
      allow_nested_items_to_be_public: false,
      infrastructure_encryption_enabled: true,
      network_rules: { default_action: 'Deny', bypass: ['AzureServices', 'Logging', 'Metrics'] },
      customer_managed_key: { key_vault_key_id: key.versionlessKeyId },
      identity: { type: 'UserAssigned' },
    });
    expect(storage.depends_on[0]).toContain('azurerm_role_assignment.');
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({ scope: key.keyScope, role_definition_name: 'Key Vault Crypto Service Encryption User' });
  });

  it('logs every read, write and delete of the flow-log blobs to the workspace (PCI-DSS 10.3.2)', () => {
    const setting = only(json, 'azurerm_monitor_diagnostic_setting');
    expect(setting.target_resource_id).toMatch(/^\$\{azurerm_storage_account\.[\w-]+\.id\}\/blobServices\/default$/);
    expect(setting.log_analytics_workspace_id).toBe(workspace.workspaceId);
    expect(setting.log_analytics_destination_type).toBe('Dedicated');
    expect(setting.enabled_log).toEqual([{ category: 'StorageRead' }, { category: 'StorageWrite' }, { category: 'StorageDelete' }]);
    expect(setting.enabled_metric).toBeUndefined();
    expect([...BLOB_AUDIT_LOG_CATEGORIES]).toEqual(['StorageRead', 'StorageWrite', 'StorageDelete']);
  });

  it('accepts a longer retention', () => {
    const flow = only(synth((s) => new FlowLogs(s, 'flow', { ...props, retentionDays: 2555 })), 'azurerm_network_watcher_flow_log');
    expect(flow.retention_policy.days).toBe(2555);
  });

  it.each([
    ['retention under a year', { retentionDays: 90 }, 'retentionDays must be an integer between 365 and 3650 (one year of history at least), got 90'],
    ['a storage account name with hyphens', { storageAccountName: 'st-test' }, 'storageAccountName must be 3-24 lowercase letters and digits, got "st-test"'],
  ])('rejects %s', (_case, override, message) => {
    expect(() => new FlowLogs(scope(), 'flow', { ...props, ...override })).toThrow(message);
  });
});
