/**
 * Azure Policy as code for AKS (AksPolicyGuardrails): the custom definitions (what each refuses,
 * with the aliases of Azure's built-in AKS definitions), their assignments at the environment's
 * resource group with the effect per tier, the restricted pod security initiative with exactly the
 * platform's reviewed exclusions, and that the platform's own cluster is built with every setting
 * the definitions require.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parseAllDocuments } from 'yaml';
import { AKS_GUARDRAILS, POD_SECURITY_DEFAULT_EXCLUSIONS, POD_SECURITY_PLATFORM_EXCLUSIONS, POD_SECURITY_RESTRICTED_INITIATIVE_ID } from '../../../src/constructs/azure/cluster-policy';
import { AzurePlatformStack } from '../../../src/stacks/azure-platform-stack';
import { REFERENCE_FLEET, azureDev, azureProd } from '../../helpers/environments';
import type { AzureEnvironmentConfig } from '../../../src/config';
import { type Json, resources } from '../../helpers/terraform-json';

const synth = (config: AzureEnvironmentConfig): Json => JSON.parse(Testing.synth(new AzurePlatformStack(Testing.app(), `azure-${config.name}-platform`, { config }))) as Json;
const assignment = (json: Json, suffix: string): Json => {
  const found = resources(json, 'azurerm_resource_group_policy_assignment').find((a) => String(a.name).endsWith(`-aks-${suffix}`));
  if (!found) throw new Error(`no assignment ${suffix}`);
  return found;
};

describe('AKS policy guardrails: the custom definitions', () => {
  const json = synth(azureProd);
  const definitions = resources(json, 'azurerm_policy_definition');

  it('defines the four guardrails as custom, indexed definitions with a parameterised effect', () => {
    expect(definitions.map((d) => d.name).sort()).toEqual(['azure-rbac', 'disk-encryption', 'network-policy', 'private-api-server'].map((id) => `finplat-prod-aks-${id}`));
    for (const d of definitions) {
      expect(d).toMatchObject({ policy_type: 'Custom', mode: 'Indexed' });
      const rule = JSON.parse(d.policy_rule);
      expect(rule.if.allOf[0]).toEqual({ field: 'type', equals: 'Microsoft.ContainerService/managedClusters' });
      expect(rule.then).toEqual({ effect: "[parameters('effect')]" });
      expect(JSON.parse(d.parameters).effect.allowedValues).toEqual(['Audit', 'Deny', 'Disabled']);
    }
  });

  it('refuses what the issue names: no Azure RBAC or local accounts on, no network policy, no CMK or host encryption, a public API server', () => {
    const rule = (id: string) => JSON.stringify(JSON.parse(String(definitions.find((d) => String(d.name).endsWith(id))?.policy_rule)));
    expect(rule('azure-rbac')).toContain('"field":"Microsoft.ContainerService/managedClusters/aadProfile.enableAzureRBAC","notEquals":"true"');
    expect(rule('azure-rbac')).toContain('"field":"Microsoft.ContainerService/managedClusters/disableLocalAccounts","notEquals":"true"');
    expect(rule('network-policy')).toContain('"field":"Microsoft.ContainerService/managedClusters/networkProfile.networkPolicy","exists":"false"');
    expect(rule('disk-encryption')).toContain('"field":"Microsoft.ContainerService/managedClusters/diskEncryptionSetID","exists":"false"');
    expect(rule('disk-encryption')).toContain('agentPoolProfiles[*].enableEncryptionAtHost","notEquals":"true"');
    expect(rule('private-api-server')).toContain('"field":"Microsoft.ContainerService/managedClusters/apiServerAccessProfile.enablePrivateCluster","notEquals":"true"');
  });

  it('names every definition uniquely per subscription across the fleet', () => {
    const seen = new Set<string>();
    for (const config of REFERENCE_FLEET.environments.filter((c): c is AzureEnvironmentConfig => c.cloud === 'azure')) {
      for (const d of resources(synth(config), 'azurerm_policy_definition')) {
        const key = `${config.subscriptionId}/${d.name}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
    expect(seen.size).toBe(12);
  });
});

describe('AKS policy guardrails: assignments', () => {
  it('assigns each guardrail at the environment resource group, denying in prod', () => {
    const json = synth(azureProd);
    const list = resources(json, 'azurerm_resource_group_policy_assignment');
    expect(list).toHaveLength(5);
    for (const a of list) {
      expect(a.resource_group_id).toMatch(/^\$\{azurerm_resource_group\.platform_rg_[A-Z0-9]+\.id\}$/);
      expect(a.name.length).toBeLessThanOrEqual(64);
      expect(a.non_compliance_message[0].content.length).toBeGreaterThan(20);
    }
    for (const g of AKS_GUARDRAILS) expect(JSON.parse(assignment(json, g.id).parameters)).toEqual({ effect: { value: 'Deny' } });
  });

  it('assigns the restricted pod security initiative: deny from staging on, audit in dev, with only the reviewed exclusions', () => {
    const prod = assignment(synth(azureProd), 'pod-security-restricted');
    expect(prod.policy_definition_id).toBe(POD_SECURITY_RESTRICTED_INITIATIVE_ID);
    expect(JSON.parse(prod.parameters)).toEqual({ effect: { value: 'deny' }, excludedNamespaces: { value: [...POD_SECURITY_DEFAULT_EXCLUSIONS, 'falco', 'istio-cni'] } });
    expect(JSON.parse(assignment(synth(azureDev), 'pod-security-restricted').parameters).effect).toEqual({ value: 'audit' });
  });

  it('only reports a public API server where the environment opted into one (dev tier)', () => {
    const optIn = { ...azureDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['203.0.113.0/24'] } };
    expect(JSON.parse(assignment(synth(optIn), 'private-api-server').parameters)).toEqual({ effect: { value: 'Audit' } });
    expect(JSON.parse(assignment(synth(optIn), 'azure-rbac').parameters)).toEqual({ effect: { value: 'Deny' } });
    expect(JSON.parse(assignment(synth(azureDev), 'private-api-server').parameters)).toEqual({ effect: { value: 'Deny' } });
  });

  it('excludes from pod security exactly the platform namespaces that hold a reviewed Kyverno exception for host access', () => {
    const dir = join(__dirname, '..', '..', '..', 'policies', 'exceptions');
    const hostAccess = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const spec = (doc.toJSON() as Json | null)?.spec as Json | undefined;
        const text = JSON.stringify(spec ?? {});
        if (!/disallow-host-access|disallow-privileged-containers|restrict-volume-types/.test(text)) continue;
        for (const m of text.matchAll(/"namespaces":\["([a-z0-9-]+)"\]/g)) hostAccess.add(m[1]);
      }
    }
    expect([...hostAccess].sort()).toEqual([...POD_SECURITY_PLATFORM_EXCLUSIONS].sort());
  });
});

describe('the platform cluster meets every guardrail it is held to', () => {
  it('is built with Azure RBAC, no local accounts, a network policy, CMK and host encryption on every pool, and a private API server', () => {
    const json = synth(azureProd);
    const [cluster] = resources(json, 'azurerm_kubernetes_cluster');
    expect(cluster).toMatchObject({ local_account_disabled: true, private_cluster_enabled: true, disk_encryption_set_id: expect.stringContaining('azurerm_disk_encryption_set') });
    expect(cluster.azure_active_directory_role_based_access_control).toMatchObject({ azure_rbac_enabled: true });
    expect(cluster.network_profile.network_policy).toBeTruthy();
    expect(cluster.default_node_pool.host_encryption_enabled).toBe(true);
    for (const pool of resources(json, 'azurerm_kubernetes_cluster_node_pool')) expect(pool.host_encryption_enabled).toBe(true);
  });
});
