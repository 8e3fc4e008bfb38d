import { TerraformStack, Testing } from 'cdktf';
import { azureDev, azureProd } from '../../helpers/environments';
import type { AzureEnvironmentConfig } from '../../../src/config/schema';
import { BackupStorage, type BackupStorageProps } from '../../../src/constructs/azure/backup-storage';
import { AzurePlatformStack } from '../../../src/stacks/azure-platform-stack';
import { type Json, resources, synthStack } from '../../helpers/terraform-json';

const platform = (config: AzureEnvironmentConfig) =>
  synthStack((app) => new AzurePlatformStack(app, `azure-${config.name}-platform`, { config }), { stackTraces: false });

/** The resource of `type` at construct path `platform/<path>` (logical ids join the path with `_`, then a hash). */
function at(json: Json, type: string, path: string): Json {
  const id = `platform_${path.replace(/\//g, '_')}_`;
  const found = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([key]) => key.startsWith(id) && /^[0-9A-F]{8}$/.test(key.slice(id.length)));
  if (found.length !== 1) throw new Error(`expected one ${type} at platform/${path}, found ${found.length}`);
  return found[0][1];
}

describe('Velero backup storage, dev tier (azure-dev-platform)', () => {
  let json: Json;
  let stack: AzurePlatformStack;
  beforeAll(() => {
    ({ json, stack } = platform(azureDev));
  });

  it('is a GZRS account with a customer-managed key, private endpoint only, Entra ID only, versioned and soft-deleted', () => {
    const account = at(json, 'azurerm_storage_account', 'backup-storage' /* cdktf drops the repeated "storage" from the id */);
    expect(account).toMatchObject({
      account_replication_type: 'GZRS',
      public_network_access_enabled: false,
      shared_access_key_enabled: false,
      local_user_enabled: false,
      allow_nested_items_to_be_public: false,
      min_tls_version: 'TLS1_2',
      infrastructure_encryption_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(account.customer_managed_key.key_vault_key_id).toBeDefined();
    expect(account.blob_properties).toMatchObject({ versioning_enabled: true, delete_retention_policy: { days: 30 } });
    // dev: not write-once
    expect(account.immutability_policy).toBeUndefined();
    expect(at(json, 'azurerm_private_endpoint', 'backup-storage/private-link/endpoint')).toBeDefined();
    expect(at(json, 'azurerm_storage_container', 'backup-storage/container')).toMatchObject({ name: 'velero', container_access_type: 'private' });
  });

  it("federates Velero's identity with velero/velero only and grants blob data rights on the container only", () => {
    const federation = at(json, 'azurerm_federated_identity_credential', 'backup-storage/velero-identity/federation');
    expect(federation.subject).toBe('system:serviceaccount:velero:velero');
    const grant = at(json, 'azurerm_role_assignment', 'backup-storage/velero-identity/backup-container');
    expect(grant.role_definition_name).toBe('Storage Blob Data Contributor');
    expect(grant.scope).toMatch(/\/blobServices\/default\/containers\/velero$/);
  });

  it('exposes the container, useAAD and the identity through the contract', () => {
    const backup = stack.contract.backup;
    expect(backup.provider).toBe('azure');
    expect(backup.config.useAAD).toBe('true');
    expect(backup.identity.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(backup.secondaryRegion).toBeUndefined();
  });
});

describe('Velero backup storage, prod tier (azure-prod-platform)', () => {
  it('locks a version-level immutability policy for 7 days', () => {
    const { json, stack } = platform(azureProd);
    expect(at(json, 'azurerm_storage_account', 'backup-storage' /* cdktf drops the repeated "storage" from the id */).immutability_policy).toEqual({ allow_protected_append_writes: false, state: 'Locked', period_since_creation_in_days: 7 });
    expect(stack.contract.backup.immutabilityDays).toBe(7);
    expect(resources(json, 'azurerm_storage_account').length).toBeGreaterThanOrEqual(2);
  });
});

describe('BackupStorage validation', () => {
  const key = { keyName: 'k', keyId: 'https://kv/keys/k/1', versionlessKeyId: 'https://kv/keys/k', keyScope: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/k' };
  const base: BackupStorageProps = {
    name: 'test',
    storageAccountName: 'sttestbkp',
    resourceGroupName: 'rg',
    location: 'westeurope',
    encryptionKey: key,
    privateEndpointSubnetId: '/subscriptions/s/subnet',
    virtualNetworkId: '/subscriptions/s/vnet',
    workspace: { workspaceId: '/subscriptions/s/ws', workspaceGuid: 'g', location: 'westeurope' } as BackupStorageProps['workspace'],
    oidcIssuerUrl: 'https://oidc',
    serviceAccount: { namespace: 'velero', name: 'velero' },
  };
  const build = (props: Partial<BackupStorageProps>) => new BackupStorage(new TerraformStack(Testing.app(), 'test'), 'backups', { ...base, ...props });

  it('rejects a storage account name with upper case or dashes', () => {
    expect(() => build({ storageAccountName: 'St-Backups' })).toThrow('backup storage test: storageAccountName must be 3-24 lowercase letters and digits, got "St-Backups"');
  });

  it('rejects a negative immutability window', () => {
    expect(() => build({ immutabilityDays: -1 })).toThrow('backup storage test: immutabilityDays must be a whole number of days between 0 and 3650, got -1');
  });
});
