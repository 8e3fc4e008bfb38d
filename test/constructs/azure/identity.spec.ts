import { KeyWrapRole, ManagedIdentity } from '../../../src/constructs/azure/identity';
import { type Json, common, only, resources, scope, synth } from './helpers';

describe('ManagedIdentity', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((s) => {
      const role = new KeyWrapRole(s, 'role', { name: 'unseal', vaultId: '/vaults/kv' });
      new ManagedIdentity(s, 'vault', {
        ...common,
        name: 'id-vault',
        grants: [
          { id: 'key', scope: '/vaults/kv/keys/unseal', roleDefinitionId: role.roleId },
          { id: 'subnet', scope: '/subnets/nodes', roleName: 'Network Contributor' },
        ],
        federation: { issuerUrl: 'https://oidc.example/', serviceAccount: { namespace: 'vault', name: 'vault' } },
      });
    });
  });

  it('grants roles on the given single-resource scopes', () => {
    const [byId, byName] = resources(json, 'azurerm_role_assignment');
    expect(byId).toMatchObject({ scope: '/vaults/kv/keys/unseal', principal_type: 'ServicePrincipal' });
    expect(byId.role_definition_id).toContain('role_definition_resource_id');
    expect(byName).toMatchObject({ scope: '/subnets/nodes', role_definition_name: 'Network Contributor' });
  });

  it('federates exactly one service account with the token-exchange audience', () => {
    expect(only(json, 'azurerm_federated_identity_credential')).toMatchObject({
      issuer: 'https://oidc.example/',
      subject: 'system:serviceaccount:vault:vault',
      audience: ['api://AzureADTokenExchange'],
    });
  });

  it('limits the key-wrap role to read, wrap and unwrap, assignable only in the vault', () => {
    const role = only(json, 'azurerm_role_definition');
    expect(role.permissions[0].data_actions).toEqual([
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/keys/wrap/action',
      'Microsoft.KeyVault/vaults/keys/unwrap/action',
    ]);
    expect(role.assignable_scopes).toEqual(['/vaults/kv']);
  });

  it.each(['/subscriptions/1111', '/subscriptions/1111/resourceGroups/rg-platform'])('rejects a grant on the broad scope %s', (broad) => {
    expect(() => new ManagedIdentity(scope(), 'id', { ...common, name: 'id', grants: [{ id: 'g', scope: broad, roleName: 'Reader' }] })).toThrow(
      `grant "g" must be scoped to a single resource, not "${broad}"`,
    );
  });

  it('rejects a grant with both or neither role forms', () => {
    expect(() => new ManagedIdentity(scope(), 'id', { ...common, name: 'id', grants: [{ id: 'g', scope: '/x' }] })).toThrow('must set exactly one of roleName or roleDefinitionId');
    expect(() =>
      new ManagedIdentity(scope(), 'id', { ...common, name: 'id', grants: [{ id: 'g', scope: '/x', roleName: 'Reader', roleDefinitionId: '/r' }] }),
    ).toThrow('must set exactly one of roleName or roleDefinitionId');
  });

  it('rejects a duplicate grant id', () => {
    const grant = { id: 'g', scope: '/x', roleName: 'Reader' };
    expect(() => new ManagedIdentity(scope(), 'id', { ...common, name: 'id', grants: [grant, grant] })).toThrow('grant id "g" is used twice');
  });
});
