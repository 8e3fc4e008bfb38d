import { DiskEncryptionSet } from '../../../src/constructs/azure/disk-encryption-set';
import { PrivateLink } from '../../../src/constructs/azure/private-link';
import { common, key, only, scope, synth } from './helpers';

describe('DiskEncryptionSet', () => {
  it('encrypts with the versionless customer key and grants wrap/unwrap on that key only', () => {
    const json = synth((s) => new DiskEncryptionSet(s, 'des', { ...common, name: 'des-test', key }));
    expect(only(json, 'azurerm_disk_encryption_set')).toMatchObject({
      key_vault_key_id: key.versionlessKeyId,
      auto_key_rotation_enabled: true,
      encryption_type: 'EncryptionAtRestWithCustomerKey',
      identity: { type: 'SystemAssigned' },
    });
    expect(only(json, 'azurerm_role_assignment')).toMatchObject({ scope: key.keyScope, role_definition_name: 'Key Vault Crypto Service Encryption User' });
  });
});

describe('PrivateLink', () => {
  const props = { ...common, name: 'x', targetResourceId: '/r', subresource: 'blob', dnsZoneName: 'privatelink.blob.core.windows.net', subnetId: '/s', virtualNetworkId: '/v' };

  it('creates the endpoint, its zone and the VNet link', () => {
    const json = synth((s) => new PrivateLink(s, 'pl', props));
    expect(only(json, 'azurerm_private_endpoint').private_dns_zone_group.name).toBe('blob');
    expect(only(json, 'azurerm_private_dns_zone').name).toBe('privatelink.blob.core.windows.net');
  });

  it('rejects a public DNS zone', () => {
    expect(() => new PrivateLink(scope(), 'pl', { ...props, dnsZoneName: 'blob.core.windows.net' })).toThrow('dnsZoneName must be a privatelink.* zone, got "blob.core.windows.net"');
  });
});
