import { Lazy } from 'cdktf';
import { azureDev, azureProd } from '../../helpers/environments';
import type { AzureEnvironmentConfig } from '../../../src/config/schema';
import { MirrorRegistry, type MirrorRegistryProps, acrMirrorRegistryName } from '../../../src/constructs/azure/registry';
import { AzurePlatformStack } from '../../../src/stacks/azure-platform-stack';
import { named, synthStack } from '../../helpers/terraform-json';
import { type Json, common, key, only, resources, scope, synth, workspace } from './helpers';

const KUBELET = '00000000-0000-4000-8000-00000000cafe';
const base: MirrorRegistryProps = {
  imageMirror: 'finplattest.azurecr.io/platform-mirror',
  encryptionKey: key,
  privateEndpointSubnetId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/private-endpoints',
  virtualNetworkId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet',
  kubeletObjectId: KUBELET,
  workspace,
  ...common,
};

describe('MirrorRegistry (ACR) defaults', () => {
  let json: Json;
  let registry: Json;
  beforeAll(() => {
    json = synth((s) => new MirrorRegistry(s, 'registry', base));
    registry = only(json, 'azurerm_container_registry');
  });

  it('is a Premium registry named after the mirror host', () => {
    expect(registry).toMatchObject({ name: 'finplattest', sku: 'Premium', location: 'westeurope', resource_group_name: 'rg-test' });
  });

  it('has no admin user, no anonymous pull, no export and no public network access', () => {
    expect(registry).toMatchObject({
      admin_enabled: false,
      anonymous_pull_enabled: false,
      export_policy_enabled: false,
      public_network_access_enabled: false,
      network_rule_bypass_option: 'None',
    });
    expect(registry.network_rule_set).toBeUndefined();
  });

  it('encrypts with the customer-managed key (versionless: follows rotation) through its own identity', () => {
    const identityId = Object.keys(json.resource.azurerm_user_assigned_identity as Json)[0];
    expect(registry.identity).toEqual({ type: 'UserAssigned', identity_ids: [`\${azurerm_user_assigned_identity.${identityId}.id}`] });
    expect(registry.encryption).toEqual([{ key_vault_key_id: key.versionlessKeyId, identity_client_id: `\${azurerm_user_assigned_identity.${identityId}.client_id}` }]);
    const grant = named(json, 'azurerm_role_assignment', 'identity_key');
    expect(grant).toMatchObject({ scope: key.keyScope, role_definition_name: 'Key Vault Crypto Service Encryption User' });
    expect(registry.depends_on).toEqual([expect.stringContaining('azurerm_role_assignment.registry_identity_key')]);
  });

  it('deletes untagged manifests after 30 days and keeps tagged releases', () => {
    expect(registry.retention_policy_in_days).toBe(30);
  });

  it('turns Docker Content Trust off explicitly (unsupported with a CMK; cosign and Kyverno verify instead)', () => {
    expect(registry.trust_policy_enabled).toBe(false);
  });

  it('is zone redundant, with a zone-redundant replica in the paired region and dedicated data endpoints', () => {
    expect(registry.zone_redundancy_enabled).toBe(true);
    expect(registry.data_endpoint_enabled).toBe(true);
    expect(registry.georeplications).toEqual([{ location: 'northeurope', zone_redundancy_enabled: true }]);
  });

  it('is reached through a private endpoint, with privatelink.azurecr.io linked to the VNet', () => {
    const endpoint = only(json, 'azurerm_private_endpoint');
    expect(endpoint.subnet_id).toBe(base.privateEndpointSubnetId);
    expect(endpoint.private_service_connection).toMatchObject({ subresource_names: ['registry'], is_manual_connection: false });
    expect(endpoint.private_service_connection.private_connection_resource_id).toMatch(/^\$\{azurerm_container_registry\.registry_[A-F0-9]+\.id\}$/);
    expect(only(json, 'azurerm_private_dns_zone').name).toBe('privatelink.azurecr.io');
    expect(only(json, 'azurerm_private_dns_zone_virtual_network_link')).toMatchObject({ virtual_network_id: base.virtualNetworkId, registration_enabled: false });
  });

  it('grants AcrPull to the kubelet identity only, on this registry only', () => {
    const pulls = resources(json, 'azurerm_role_assignment').filter((r) => String(r.scope).includes('azurerm_container_registry'));
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({ role_definition_name: 'AcrPull', principal_id: KUBELET, principal_type: 'ServicePrincipal' });
  });

  it('records every login, push, pull and delete in the workspace', () => {
    expect(only(json, 'azurerm_monitor_diagnostic_setting').enabled_log).toEqual([{ category: 'ContainerRegistryLoginEvents' }, { category: 'ContainerRegistryRepositoryEvents' }]);
  });
});

describe('MirrorRegistry (ACR) opt-outs', () => {
  it('takes other replica locations and another untagged retention', () => {
    const registry = only(synth((s) => new MirrorRegistry(s, 'registry', { ...base, replicaLocations: ['swedencentral', 'germanywestcentral'], untaggedRetentionDays: 7 })), 'azurerm_container_registry');
    expect(registry.georeplications.map((g: Json) => g.location)).toEqual(['swedencentral', 'germanywestcentral']);
    expect(registry.retention_policy_in_days).toBe(7);
  });
});

describe('MirrorRegistry (ACR) validation', () => {
  const build = (props: Partial<MirrorRegistryProps>) => () => new MirrorRegistry(scope(), 'registry', { ...base, ...props });

  it.each(['finplattest.example.io/platform-mirror', 'FinPlat.azurecr.io/platform-mirror', 'acr.azurecr.io', 'finplattest.azurecr.io/'])('rejects the mirror %p', (imageMirror) => {
    expect(build({ imageMirror })).toThrow(`container registry: imageMirror must be <name>.azurecr.io/<path> with a 5-50 character lowercase alphanumeric name, got "${imageMirror}"`);
  });

  it('rejects a mirror given as a token', () => {
    expect(build({ imageMirror: Lazy.stringValue({ produce: () => base.imageMirror }) })).toThrow(
      'container registry: imageMirror must be a literal value (it names the registry), got a token',
    );
  });

  it.each([-1, 366, 2.5])('rejects an untagged retention of %p days', (days) => {
    expect(build({ untaggedRetentionDays: days })).toThrow(`container registry finplattest: untaggedRetentionDays must be an integer between 0 and 365, got ${days}`);
  });

  it('rejects a replica in the registry\'s own location', () => {
    expect(build({ replicaLocations: ['westeurope'] })).toThrow('container registry finplattest: replicaLocations must not contain the registry\'s own location "westeurope"');
  });

  it('rejects a repeated replica location', () => {
    expect(build({ replicaLocations: ['northeurope', 'northeurope'] })).toThrow('container registry finplattest: replicaLocations must not repeat a location, got ["northeurope","northeurope"]');
  });

  it('rejects a replica that is not an Azure location name', () => {
    expect(build({ replicaLocations: ['North Europe'] })).toThrow('container registry finplattest: replicaLocations entries must be Azure locations such as northeurope, got "North Europe"');
  });

  it('rejects a location without a known pair when no replica is given', () => {
    expect(build({ location: 'brazilsouth' })).toThrow('container registry finplattest: no paired region known for location "brazilsouth"; set replicaLocations explicitly');
  });

  it('parses the registry name from the mirror', () => {
    expect(acrMirrorRegistryName('finplatprod.azurecr.io/platform-mirror')).toBe('finplatprod');
  });
});

describe.each([
  ['dev', azureDev],
  ['prod', azureProd],
])('ACR mirror of the azure %s platform', (env, config) => {
  let json: Json;
  let registry: Json;
  beforeAll(() => {
    ({ json } = synthStack((app) => new AzurePlatformStack(app, `azure-${env}-platform`, { config })));
    registry = only(json, 'azurerm_container_registry');
  });

  it('creates the registry the mirror names: Premium, private, admin and anonymous pull off', () => {
    expect(registry).toMatchObject({
      name: `finplat${env}`,
      sku: 'Premium',
      admin_enabled: false,
      anonymous_pull_enabled: false,
      public_network_access_enabled: false,
      export_policy_enabled: false,
      trust_policy_enabled: false,
      retention_policy_in_days: 30,
      zone_redundancy_enabled: true,
    });
    expect(registry.georeplications).toEqual([expect.objectContaining({ location: 'northeurope', zone_redundancy_enabled: true })]);
    expect(config.platformImageMirror.startsWith(`finplat${env}.azurecr.io/`)).toBe(true);
  });

  it('encrypts it with its own rotating HSM key in the platform vault', () => {
    const registryKey = named(json, 'azurerm_key_vault_key', 'registry-key');
    expect(registryKey).toMatchObject({ name: 'container-registry', key_type: 'RSA-HSM', key_opts: ['wrapKey', 'unwrapKey'], lifecycle: { prevent_destroy: true } });
    expect(registry.encryption[0].key_vault_key_id).toMatch(/platform_registry-key_[A-F0-9]+\.versionless_id/);
  });

  it('puts its private endpoint in the private-endpoint subnet of the cluster VNet', () => {
    const endpoint = named(json, 'azurerm_private_endpoint', 'registry');
    expect(endpoint.subnet_id).toContain('azurerm_subnet.platform_network_private-endpoints');
    expect(named(json, 'azurerm_private_dns_zone', 'registry').name).toBe('privatelink.azurecr.io');
    expect(named(json, 'azurerm_private_dns_zone_virtual_network_link', 'registry').virtual_network_id).toContain('azurerm_virtual_network.platform_network');
  });

  it('grants AcrPull to the AKS kubelet identity only', () => {
    const onRegistry = resources(json, 'azurerm_role_assignment').filter((r) => String(r.scope).includes('azurerm_container_registry'));
    expect(onRegistry).toHaveLength(1);
    expect(onRegistry[0]).toMatchObject({ role_definition_name: 'AcrPull', principal_type: 'ServicePrincipal' });
    expect(onRegistry[0].principal_id).toMatch(/^\$\{azurerm_kubernetes_cluster\.platform_aks_cluster_[A-F0-9]+\.kubelet_identity\[0\]\.object_id\}$/);
    expect(resources(json, 'azurerm_role_assignment').filter((r) => r.role_definition_name === 'AcrPull')).toHaveLength(1);
  });

  it('rejects a mirror outside Azure Container Registry', () => {
    const elsewhere: AzureEnvironmentConfig = { ...config, platformImageMirror: 'registry.example.com/platform-mirror' };
    expect(() => synthStack((app) => new AzurePlatformStack(app, 'azure-x-platform', { config: elsewhere }))).toThrow(
      'container registry: imageMirror must be <name>.azurecr.io/<path> with a 5-50 character lowercase alphanumeric name, got "registry.example.com/platform-mirror"',
    );
  });
});
