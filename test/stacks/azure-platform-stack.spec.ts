import { azureDev, azureProd } from '../helpers/environments';
import type { AzureEnvironmentConfig } from '../../src/config/schema';
import { BASELINE_SERVICE_ACCOUNTS, SECURITY_POOL_PLACEMENT } from '../../src/constructs/contract';
import { CONTROL_PLANE_LOG_CATEGORIES } from '../../src/constructs/azure/cluster';
import { AzurePlatformStack } from '../../src/stacks/azure-platform-stack';
import { type Json, named as one, resolve, resources as all, synthStack } from '../helpers/terraform-json';

const synth = (config: AzureEnvironmentConfig): { stack: AzurePlatformStack; json: Json } =>
  synthStack((app) => new AzurePlatformStack(app, `azure-${config.name}-platform`, { config }));

describe.each([
  ['dev', azureDev],
  ['prod', azureProd],
])('AzurePlatformStack (%s)', (env, config) => {
  let json: Json;
  let stack: AzurePlatformStack;
  let aks: Json;
  beforeAll(() => {
    ({ json, stack } = synth(config));
    aks = one(json, 'azurerm_kubernetes_cluster');
  });

  it('configures the provider and the Entra ID state backend', () => {
    const provider = json.provider.azurerm[0];
    expect(provider.subscription_id).toBe(config.subscriptionId);
    expect(provider.tenant_id).toBe(config.tenantId);
    expect(provider.storage_use_azuread).toBe(true);
    expect(provider.features[0].key_vault[0]).toMatchObject({ purge_soft_delete_on_destroy: false, purge_soft_deleted_keys_on_destroy: false });
    expect(json.terraform.backend.azurerm).toMatchObject({ key: `azure/${env}/azure-${env}-platform.tfstate`, use_azuread_auth: true });
  });

  it('makes the API server private, VNet-integrated and Entra ID only', () => {
    expect(aks.name).toBe(`finplat-${env}`);
    expect(aks.private_cluster_enabled).toBe(true);
    expect(aks.private_dns_zone_id).toBe('System');
    expect(aks.private_cluster_public_fqdn_enabled).toBe(false);
    expect(aks.api_server_access_profile.virtual_network_integration_enabled).toBe(true);
    expect(aks.api_server_access_profile.subnet_id).toContain('azurerm_subnet.platform_network_api-server');
    expect(aks.api_server_access_profile.authorized_ip_ranges).toBeUndefined();
    expect(aks.local_account_disabled).toBe(true);
    expect(aks.role_based_access_control_enabled).toBe(true);
    expect(aks.azure_active_directory_role_based_access_control).toEqual({
      tenant_id: config.tenantId,
      azure_rbac_enabled: true,
      admin_group_object_ids: config.adminPrincipals,
    });
    expect(aks.run_command_enabled).toBe(false);
    expect(aks.identity.type).toBe('UserAssigned');
  });

  it('encrypts etcd with the private-vault KMS key and disks with the disk encryption set', () => {
    expect(aks.key_management_service).toEqual({
      key_vault_key_id: expect.stringContaining('azurerm_key_vault_key.platform_etcd-key'),
      key_vault_network_access: 'Private',
    });
    expect(aks.disk_encryption_set_id).toContain('azurerm_disk_encryption_set.');
    const des = one(json, 'azurerm_disk_encryption_set');
    expect(des.key_vault_key_id).toContain('platform_disk-key');
    expect(des.key_vault_key_id).toContain('.versionless_id');
    expect(des.auto_key_rotation_enabled).toBe(true);
  });

  it('enables workload identity, Cilium network policy on overlay and NAT egress', () => {
    expect(aks.oidc_issuer_enabled).toBe(true);
    expect(aks.workload_identity_enabled).toBe(true);
    expect(aks.network_profile).toEqual({
      network_plugin: 'azure',
      network_plugin_mode: 'overlay',
      network_policy: 'cilium',
      network_data_plane: 'cilium',
      pod_cidr: config.network.podCidr,
      service_cidr: config.network.serviceCidr,
      dns_service_ip: config.network.dnsServiceIp,
      load_balancer_sku: 'standard',
      outbound_type: 'userAssignedNATGateway',
    });
  });

  it('runs Azure Policy, Defender, container insights and the image cleaner, with automatic upgrades', () => {
    expect(aks.azure_policy_enabled).toBe(true);
    expect(aks.microsoft_defender.log_analytics_workspace_id).toContain('azurerm_log_analytics_workspace.');
    expect(aks.oms_agent).toMatchObject({ msi_auth_for_monitoring_enabled: true });
    expect(aks.image_cleaner_enabled).toBe(true);
    expect(aks.automatic_upgrade_channel).toBe('patch');
    expect(aks.node_os_upgrade_channel).toBe('NodeImage');
    expect(aks.kubernetes_version).toBe(config.kubernetesVersion);
    expect(aks.http_application_routing_enabled).toBe(false);
  });

  it('maps the SKU tier: Free in dev, Standard elsewhere', () => {
    expect(aks.sku_tier).toBe(env === 'dev' ? 'Free' : 'Standard');
  });

  it('sends every control-plane log category to Log Analytics kept 365 days', () => {
    const setting = one(json, 'azurerm_monitor_diagnostic_setting', 'aks_diagnostics');
    expect(setting.enabled_log.map((l: Json) => l.category)).toEqual([...CONTROL_PLANE_LOG_CATEGORIES]);
    expect(CONTROL_PLANE_LOG_CATEGORIES).toEqual(
      expect.arrayContaining(['kube-audit', 'kube-audit-admin', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'cluster-autoscaler', 'guard']),
    );
    expect(setting.log_analytics_destination_type).toBe('Dedicated');
    const workspace = one(json, 'azurerm_log_analytics_workspace');
    expect(workspace.retention_in_days).toBe(365);
    expect(workspace.local_authentication_enabled).toBe(false);
  });

  it('hardens the system pool: critical add-ons only, no public IPs, host encryption, FIPS, three zones', () => {
    expect(aks.default_node_pool).toMatchObject({
      name: 'system',
      only_critical_addons_enabled: true,
      node_public_ip_enabled: false,
      host_encryption_enabled: true,
      fips_enabled: true,
      os_sku: 'AzureLinux',
      os_disk_type: 'Managed',
      auto_scaling_enabled: true,
      zones: ['1', '2', '3'],
      upgrade_settings: { max_surge: '33%' },
    });
  });

  it('sizes the system pool from config.systemNodePool', () => {
    const pool = config.systemNodePool;
    expect(aks.default_node_pool).toMatchObject({
      vm_size: pool.machineType,
      min_count: pool.minSize,
      max_count: pool.maxSize,
      node_count: pool.desiredSize,
      os_disk_size_gb: pool.diskSizeGb,
    });
  });

  it('creates the app pool labelled workload=app and the tainted security pool, sized from config', () => {
    const app = one(json, 'azurerm_kubernetes_cluster_node_pool', 'app-pool');
    const security = one(json, 'azurerm_kubernetes_cluster_node_pool', 'security-pool');
    expect(app).toMatchObject({
      name: 'app',
      mode: 'User',
      node_labels: { workload: 'app' },
      vm_size: config.nodePools.app.machineType,
      min_count: config.nodePools.app.minSize,
      max_count: config.nodePools.app.maxSize,
      os_disk_size_gb: config.nodePools.app.diskSizeGb,
    });
    expect(app.node_taints).toEqual([]);
    expect(security).toMatchObject({
      name: 'security',
      mode: 'User',
      node_labels: { workload: 'security' },
      node_taints: ['workload=security:NoSchedule'],
      min_count: config.nodePools.security.minSize,
      max_count: config.nodePools.security.maxSize,
    });
    for (const pool of [app, security]) {
      expect(pool).toMatchObject({ node_public_ip_enabled: false, host_encryption_enabled: true, fips_enabled: true, zones: ['1', '2', '3'], max_pods: 110 });
      expect(pool.vnet_subnet_id).toContain('platform_network_nodes_');
      expect(pool.lifecycle.ignore_changes).toEqual(['node_count']);
    }
  });

  it('builds a private, HSM-backed, RBAC-authorised Key Vault with purge protection', () => {
    const vault = one(json, 'azurerm_key_vault');
    expect(vault).toMatchObject({
      sku_name: 'premium',
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      rbac_authorization_enabled: true,
      public_network_access_enabled: false,
      network_acls: { default_action: 'Deny', bypass: 'None' },
    });
    expect(vault.name.length).toBeLessThanOrEqual(24);
    const endpoint = one(json, 'azurerm_private_endpoint', 'key-vault');
    expect(endpoint.private_service_connection.subresource_names).toEqual(['vault']);
    expect(endpoint.subnet_id).toContain('private-endpoints');
    expect(one(json, 'azurerm_private_dns_zone', 'key-vault').name).toBe('privatelink.vaultcore.azure.net');
    expect(one(json, 'azurerm_monitor_diagnostic_setting', 'key-vault').enabled_log).toEqual([{ category_group: 'audit' }]);
  });

  it('creates six rotating HSM keys that no plan can destroy', () => {
    const keys = all(json, 'azurerm_key_vault_key');
    expect(keys.map((k) => k.name).sort()).toEqual(['aks-etcd-kms', 'container-registry', 'flow-logs', 'node-disks', 'vault-unseal', 'velero-backups']);
    for (const key of keys) {
      expect(key.key_type).toBe('RSA-HSM');
      expect(key.lifecycle.prevent_destroy).toBe(true);
      expect(key.rotation_policy).toEqual({ automatic: { time_after_creation: 'P365D' }, expire_after: 'P730D', notify_before_expiry: 'P30D' });
    }
    expect(keys.find((k) => k.name === 'vault-unseal')!.key_opts).toEqual(['wrapKey', 'unwrapKey']);
  });

  it('grants the cluster identity only subnet, etcd-key and vault scopes', () => {
    const grants = all(json, 'azurerm_role_assignment').filter((r) => r.principal_id.includes('platform_cluster-identity'));
    expect(grants.map((g) => g.role_definition_name).sort()).toEqual(['Key Vault Contributor', 'Key Vault Crypto User', 'Network Contributor', 'Network Contributor', 'Reader']);
    const crypto = grants.find((g) => g.role_definition_name === 'Key Vault Crypto User')!;
    expect(crypto.scope).toMatch(/azurerm_key_vault\.[^}]+\.id}\/keys\/aks-etcd-kms$/);
    expect(aks.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('platform_cluster-identity_etcd-key')]));
  });

  it('federates the vault service account and limits it to wrap/unwrap on the unseal key', () => {
    const credential = one(json, 'azurerm_federated_identity_credential', 'vault-identity');
    expect(credential.subject).toBe('system:serviceaccount:vault:vault');
    expect(credential.audience).toEqual(['api://AzureADTokenExchange']);
    expect(credential.issuer).toContain('.oidc_issuer_url');
    const role = one(json, 'azurerm_role_definition');
    expect(role.permissions[0]).toEqual({
      actions: [],
      data_actions: ['Microsoft.KeyVault/vaults/keys/read', 'Microsoft.KeyVault/vaults/keys/wrap/action', 'Microsoft.KeyVault/vaults/keys/unwrap/action'],
    });
    const assignment = one(json, 'azurerm_role_assignment', 'vault-identity');
    expect(assignment.scope).toMatch(/\/keys\/vault-unseal$/);
    expect(assignment.role_definition_id).toContain('role_definition_resource_id');
  });

  it('puts an NSG on every subnet and egress through a NAT gateway', () => {
    const subnets = all(json, 'azurerm_subnet');
    expect(subnets.map((s) => s.address_prefixes[0]).sort()).toEqual(
      [config.network.nodeSubnetCidr, config.network.apiServerSubnetCidr, config.network.appGatewaySubnetCidr, config.network.privateEndpointSubnetCidr].sort(),
    );
    expect(all(json, 'azurerm_subnet_network_security_group_association')).toHaveLength(4);
    const nodes = one(json, 'azurerm_subnet', 'network_nodes_');
    expect(nodes.default_outbound_access_enabled).toBe(false);
    const api = one(json, 'azurerm_subnet', 'network_api-server');
    expect(api.delegation[0].service_delegation.name).toBe('Microsoft.ContainerService/managedClusters');
    expect(one(json, 'azurerm_subnet_nat_gateway_association').subnet_id).toContain('platform_network_nodes_');
    const adminRule = one(json, 'azurerm_network_security_rule', 'api-server-nsg-allow-admin-https');
    expect(adminRule).toMatchObject({ access: 'Allow', destination_port_range: '443', source_address_prefix: config.adminCidrs[0] });
    const internet = one(json, 'azurerm_network_security_rule', 'app-gateway-nsg-allow-internet-https');
    expect(internet).toMatchObject({ source_address_prefix: 'Internet', destination_port_range: '443' });
  });

  it('logs VNet flows for 365 days to CMK-encrypted storage with traffic analytics', () => {
    const flow = one(json, 'azurerm_network_watcher_flow_log');
    expect(flow.target_resource_id).toContain('azurerm_virtual_network.');
    expect(flow.retention_policy).toEqual({ enabled: true, days: 365 });
    expect(flow.traffic_analytics.enabled).toBe(true);
    expect(flow.network_watcher_name).toBe(`NetworkWatcher_${config.location}`);
    const storage = one(json, 'azurerm_storage_account', 'flow-logs');
    expect(storage).toMatchObject({ min_tls_version: 'TLS1_2', shared_access_key_enabled: false, https_traffic_only_enabled: true, allow_nested_items_to_be_public: false });
    expect(storage.customer_managed_key.key_vault_key_id).toContain('platform_flow-log-key');
    expect(storage.network_rules.default_action).toBe('Deny');
    expect(storage.account_replication_type).toBe('GZRS');
    expect(one(json, 'azurerm_private_endpoint', 'flow-logs').private_service_connection.subresource_names).toEqual(['blob']);
    // PCI-DSS 10.3.2: reads, writes and deletes of the flow-log blobs go to the platform workspace.
    const blobLogs = one(json, 'azurerm_monitor_diagnostic_setting', 'flow-logs_blob-diagnostics');
    const storageId = Object.keys(json.resource.azurerm_storage_account as Json).find((id) => id.includes('flow-logs'));
    expect(blobLogs.target_resource_id).toBe(`\${azurerm_storage_account.${storageId}.id}/blobServices/default`);
    expect(blobLogs.log_analytics_workspace_id).toContain('azurerm_log_analytics_workspace.platform_logs');
    expect(blobLogs.enabled_log).toEqual([{ category: 'StorageRead' }, { category: 'StorageWrite' }, { category: 'StorageDelete' }]);
    expect(storage.name).toMatch(/^[a-z0-9]{3,24}$/);
  });

  it('fronts ingress with WAF_v2 in Prevention mode, managed rules, rate limit and TLS 1.2+', () => {
    const policy = one(json, 'azurerm_web_application_firewall_policy');
    expect(policy.policy_settings).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true });
    expect(policy.managed_rules.managed_rule_set).toEqual([
      { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
      { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
    ]);
    expect(policy.custom_rules[0]).toMatchObject({ rule_type: 'RateLimitRule', action: 'Block', group_rate_limit_by: 'ClientAddr', rate_limit_duration: 'OneMin' });
    const gateway = one(json, 'azurerm_application_gateway');
    expect(gateway.sku).toEqual({ name: 'WAF_v2', tier: 'WAF_v2' });
    expect(gateway.ssl_policy).toEqual({ policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' });
    expect(gateway.firewall_policy_id).toContain('azurerm_web_application_firewall_policy.');
    expect(gateway.http_listener[0].frontend_ip_configuration_name).toBe('private-frontend');
    const logs = one(json, 'azurerm_monitor_diagnostic_setting', 'waf_diagnostics');
    expect(logs.enabled_log.map((l: Json) => l.category)).toEqual(['ApplicationGatewayFirewallLog', 'ApplicationGatewayAccessLog']);
  });

  it('exposes the cluster contract', () => {
    const c = stack.contract;
    expect(c.cloud).toBe('azure');
    expect(resolve(stack, c.access.host)).toMatch(/azurerm_kubernetes_cluster\.[^.]+\.kube_config\[0\]\.host/);
    expect(resolve(stack, c.access.clusterCaCertificate)).toMatch(/^\$\{base64decode\(azurerm_kubernetes_cluster\.[^.]+\.kube_config\[0\]\.cluster_ca_certificate\)\}$/);
    expect(c.access.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kubelogin',
      args: ['get-token', '--login', 'azurecli', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630'],
    });
    expect(resolve(stack, c.oidcIssuerUrl)).toContain('.oidc_issuer_url');
    expect(c.vaultUnseal.seal).toBe('azurekeyvault');
    expect(c.vaultUnseal.sealConfig.tenant_id).toBe(config.tenantId);
    expect(c.vaultUnseal.sealConfig.key_name).toBe('vault-unseal');
    expect(resolve(stack, c.vaultUnseal.sealConfig.vault_name)).toContain('azurerm_key_vault.');
    expect(c.vaultUnseal.identity.serviceAccount).toEqual(BASELINE_SERVICE_ACCOUNTS.vault);
    expect(c.vaultUnseal.identity.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(resolve(stack, c.vaultUnseal.identity.serviceAccountAnnotations['azure.workload.identity/client-id'])).toContain('platform_vault-identity');
    expect(c.securityNodePool).toEqual(SECURITY_POOL_PLACEMENT);
    expect(c.ingressWaf.kind).toBe('azure-application-gateway-waf');
    expect(resolve(stack, c.ingressWaf.ingressAnnotations['appgw.ingress.kubernetes.io/waf-policy-for-path'])).toContain('azurerm_web_application_firewall_policy.');
  });
});

describe('AzurePlatformStack (dev with the public endpoint opt-in)', () => {
  let aks: Json;
  let json: Json;
  beforeAll(() => {
    ({ json } = synth({ ...azureDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['203.0.113.0/24'] } }));
    aks = one(json, 'azurerm_kubernetes_cluster');
  });

  it('turns off the private cluster and restricts the endpoint to the allow-list', () => {
    expect(aks.private_cluster_enabled).toBe(false);
    expect(aks.private_dns_zone_id).toBeUndefined();
    expect(aks.api_server_access_profile.authorized_ip_ranges).toEqual(['203.0.113.0/24']);
    expect(aks.api_server_access_profile.virtual_network_integration_enabled).toBe(true);
  });

  it('admits the allow-list through the API server subnet NSG next to the admin networks', () => {
    const rule = one(json, 'azurerm_network_security_rule', 'api-server-nsg-allow-admin-https');
    expect(rule.source_address_prefixes).toEqual([...azureDev.adminCidrs, '203.0.113.0/24']);
  });

  it('rejects a public endpoint open to 0.0.0.0/0 even if config validation were bypassed', () => {
    expect(() => synth({ ...azureDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['0.0.0.0/0'] } })).toThrow(/authorizedIpRanges must not contain "0\.0\.0\.0\/0"/);
  });

  it('rejects an empty allow-list', () => {
    expect(() => synth({ ...azureDev, publicApiEndpoint: { enabled: true, allowedCidrs: [] } })).toThrow(/authorizedIpRanges must list at least one network/);
  });
});
