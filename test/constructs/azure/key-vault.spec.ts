import { KeyVault, type KeyVaultProps, VaultKey } from '../../../src/constructs/azure/key-vault';
import { type Json, common, only, resources, scope, synth, workspace } from './helpers';

const props: KeyVaultProps = {
  ...common,
  name: 'kv-test',
  tenantId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
  privateEndpointSubnetId: '/subnets/pe',
  virtualNetworkId: '/vnet',
  workspace,
};

describe('KeyVault and VaultKey', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((s) => {
      const vault = new KeyVault(s, 'kv', props);
      new VaultKey(s, 'unseal', { vault, name: 'vault-unseal', keyOpts: ['wrapKey', 'unwrapKey'] });
      new VaultKey(s, 'etcd', { vault, name: 'etcd', keyOpts: ['encrypt', 'decrypt'], keySize: 2048, rotateAfterDays: 90 });
    });
  });

  it('creates a premium RBAC vault with purge protection, 90-day soft delete and no public access', () => {
    expect(only(json, 'azurerm_key_vault')).toMatchObject({
      sku_name: 'premium',
      rbac_authorization_enabled: true,
      purge_protection_enabled: true,
      soft_delete_retention_days: 90,
      public_network_access_enabled: false,
      network_acls: { default_action: 'Deny', bypass: 'None' },
      enabled_for_deployment: false,
      enabled_for_template_deployment: false,
    });
  });

  it('reaches the vault through a private endpoint with its DNS zone', () => {
    expect(only(json, 'azurerm_private_endpoint')).toMatchObject({ subnet_id: '/subnets/pe', private_service_connection: { subresource_names: ['vault'], is_manual_connection: false } });
    expect(only(json, 'azurerm_private_dns_zone_virtual_network_link')).toMatchObject({ virtual_network_id: '/vnet', registration_enabled: false });
  });

  it('audits key operations', () => {
    expect(only(json, 'azurerm_monitor_diagnostic_setting').enabled_log).toEqual([{ category_group: 'audit' }]);
  });

  it('creates HSM keys with rotation, expiry of old versions and prevent_destroy', () => {
    const [etcd, unseal] = resources(json, 'azurerm_key_vault_key').sort((a, b) => String(a.name).localeCompare(String(b.name)));
    expect(unseal).toMatchObject({ key_type: 'RSA-HSM', key_size: 3072, key_opts: ['wrapKey', 'unwrapKey'], lifecycle: { prevent_destroy: true } });
    expect(unseal.rotation_policy.automatic).toEqual({ time_after_creation: 'P365D' });
    expect(etcd).toMatchObject({ key_size: 2048, rotation_policy: { automatic: { time_after_creation: 'P90D' }, expire_after: 'P730D' } });
  });

  it('notifies 30 days before a key version expires, on every key', () => {
    const keys = resources(json, 'azurerm_key_vault_key');
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(key.rotation_policy).toMatchObject({ expire_after: 'P730D', notify_before_expiry: 'P30D' });
    }
  });

  it.each([
    ['a name with underscores', { name: 'kv_test' }, 'name must be 3-24 letters, digits and hyphens, starting with a letter, got "kv_test"'],
    ['a name over 24 characters', { name: 'kv-finplat-staging-toolong' }, 'got "kv-finplat-staging-toolong"'],
    ['soft delete below 7 days', { softDeleteRetentionDays: 3 }, 'softDeleteRetentionDays must be an integer between 7 and 90, got 3'],
  ])('rejects %s', (_case, override, message) => {
    expect(() => new KeyVault(scope(), 'kv', { ...props, ...override })).toThrow(message);
  });

  it.each([
    ['no operations', { keyOpts: [] as const }, 'keyOpts must list at least one operation, got none'],
    ['rotation beyond a year', { rotateAfterDays: 400 }, 'rotateAfterDays must be an integer between 30 and 365, got 400'],
    ['a bad key name', { name: 'vault unseal' }, 'name must be 1-127 letters, digits and hyphens, got "vault unseal"'],
  ])('rejects a key with %s', (_case, override, message) => {
    const s = scope();
    const vault = new KeyVault(s, 'kv', props);
    expect(() => new VaultKey(s, 'k', { vault, name: 'k', keyOpts: ['wrapKey'], ...override })).toThrow(message);
  });
});
