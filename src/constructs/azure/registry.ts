/**
 * The environment's image mirror on Azure: one Premium Azure Container
 * Registry reached only through a private endpoint in the cluster VNet,
 * encrypted with a customer-managed Key Vault key, with no admin user, no
 * anonymous pull and no export, a retention policy for untagged manifests,
 * a zone-redundant replica in the paired region, and AcrPull for the AKS
 * kubelet identity only. Supply chain (PCI-DSS 4.0 6.3.2, 6.3.3): the
 * mirroring pipeline fills it; the Kyverno registry and signature policies
 * admit nothing else.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerRegistry } from '@cdktf/provider-azurerm/lib/container-registry';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { ManagedIdentity } from './identity';
import type { KeyRef } from './key-vault';
import { Diagnostics, type WorkspaceRef } from './logging';
import { PrivateLink } from './private-link';

/**
 * Azure region pairs (Microsoft's "Azure cross-region replication pairings"),
 * for the regions this project is expected to run in: the default location
 * of the registry's replica. Other locations name their replica explicitly.
 */
export const AZURE_PAIRED_REGIONS: Readonly<Record<string, string>> = {
  westeurope: 'northeurope',
  northeurope: 'westeurope',
  uksouth: 'ukwest',
  ukwest: 'uksouth',
  francecentral: 'francesouth',
  germanywestcentral: 'germanynorth',
  switzerlandnorth: 'switzerlandwest',
  norwayeast: 'norwaywest',
  swedencentral: 'swedensouth',
};

/** Built-in role that can pull images (and nothing else) from a registry. */
export const ACR_PULL_ROLE = 'AcrPull';

/** Registry resource-log categories: every login and every push, pull and delete, with the caller. */
export const REGISTRY_AUDIT_LOG_CATEGORIES = ['ContainerRegistryLoginEvents', 'ContainerRegistryRepositoryEvents'] as const;

/** The registry name in an ACR mirror reference, `<name>.azurecr.io[/<path>]`. */
export function acrMirrorRegistryName(imageMirror: string): string {
  if (Token.isUnresolved(imageMirror)) {
    throw new Error('container registry: imageMirror must be a literal value (it names the registry), got a token');
  }
  const match = /^([a-z0-9]{5,50})\.azurecr\.io(\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.exec(imageMirror);
  if (!match) {
    throw new Error(`container registry: imageMirror must be <name>.azurecr.io/<path> with a 5-50 character lowercase alphanumeric name, got "${imageMirror}"`);
  }
  return match[1];
}

export interface MirrorRegistryProps {
  /** The environment's mirror, `<registry name>.azurecr.io/<path>` (config `platformImageMirror`): names the registry. */
  readonly imageMirror: string;
  /** Resource group of the registry, its identity and private endpoint. */
  readonly resourceGroupName: string;
  /** Home Azure region of the registry; the replicas are in other regions. */
  readonly location: string;
  /** Customer-managed key of the registry (RSA, wrapKey/unwrapKey); the versionless id follows rotations. */
  readonly encryptionKey: KeyRef;
  /** Subnet of the registry's private endpoint. */
  readonly privateEndpointSubnetId: string;
  /** VNet the privatelink.azurecr.io zone is linked to, so the nodes resolve the private address. */
  readonly virtualNetworkId: string;
  /** Object id of the AKS kubelet identity: the only principal granted AcrPull. */
  readonly kubeletObjectId: string;
  /** Workspace of the registry's audit log: every login, push, pull and delete with the caller (PCI-DSS 10.2.1). */
  readonly workspace: WorkspaceRef;
  /**
   * Days an untagged manifest is kept before the retention policy deletes it (0-365).
   * @default 30
   */
  readonly untaggedRetentionDays?: number;
  /**
   * Locations of zone-redundant replicas (Azure geo-replication): the registry keeps
   * serving pulls, and the mirror keeps its content, if its home region fails.
   * @default - one replica in the paired region of `location` (AZURE_PAIRED_REGIONS)
   */
  readonly replicaLocations?: readonly string[];
  /**
   * Azure tags of the registry, its replicas, identity and private endpoint.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The environment's image mirror: a Premium, zone-redundant, geo-replicated container registry reachable only through a private
 * endpoint, encrypted with a customer-managed key, with no admin user, anonymous pull or export, and AcrPull for the kubelet only.
 */
export class MirrorRegistry extends Construct {
  readonly registry: ContainerRegistry;
  readonly registryId: string;
  /** Login server, `<name>.azurecr.io`. */
  readonly loginServer: string;
  readonly identity: ManagedIdentity;
  /** The kubelet identity's AcrPull assignment (for `dependsOn` of anything that pulls at creation). */
  readonly kubeletPull: RoleAssignment;

  constructor(scope: Construct, id: string, props: MirrorRegistryProps) {
    super(scope, id);
    const name = acrMirrorRegistryName(props.imageMirror);
    const retentionDays = props.untaggedRetentionDays ?? 30;
    if (Token.isUnresolved(retentionDays) || !Number.isInteger(retentionDays) || retentionDays < 0 || retentionDays > 365) {
      throw new Error(`container registry ${name}: untaggedRetentionDays must be an integer between 0 and 365, got ${retentionDays}`);
    }
    const replicaLocations = props.replicaLocations ?? defaultReplica(name, props.location);
    for (const replica of replicaLocations) {
      if (Token.isUnresolved(replica) || !/^[a-z][a-z0-9]*$/.test(replica)) {
        throw new Error(`container registry ${name}: replicaLocations entries must be Azure locations such as northeurope, got "${replica}"`);
      }
      if (replica === props.location) {
        throw new Error(`container registry ${name}: replicaLocations must not contain the registry's own location "${replica}"`);
      }
    }
    if (new Set(replicaLocations).size !== replicaLocations.length) {
      throw new Error(`container registry ${name}: replicaLocations must not repeat a location, got ${JSON.stringify(replicaLocations)}`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;

    // CMK can only be set at creation, so the registry's identity holds the key before the registry exists.
    this.identity = new ManagedIdentity(this, 'identity', {
      name: `id-${name}-acr`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      grants: [{ id: 'key', scope: props.encryptionKey.keyScope, roleName: 'Key Vault Crypto Service Encryption User' }],
      tags,
    });

    this.registry = new ContainerRegistry(this, 'registry', {
      name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // Premium: private endpoints, customer-managed keys, geo-replication and retention policies.
      sku: 'Premium',
      // No shared admin credential and no unauthenticated pulls: Entra ID identities and RBAC only.
      adminEnabled: false,
      anonymousPullEnabled: false,
      // Private endpoint only; no trusted-service bypass of the (empty) firewall.
      publicNetworkAccessEnabled: false,
      networkRuleBypassOption: 'None',
      // Images cannot be exported (az acr import/pipelines) out of the private registry.
      exportPolicyEnabled: false,
      // Layers are served from regional data endpoints that sit behind the private endpoint too.
      dataEndpointEnabled: true,
      zoneRedundancyEnabled: true,
      georeplications: replicaLocations.map((location) => ({ location, zoneRedundancyEnabled: true, tags })),
      // Untagged manifests (interrupted or superseded pushes) are deleted; tagged releases are kept.
      retentionPolicyInDays: retentionDays,
      // Docker Content Trust is not supported on a CMK-encrypted registry (and is being retired by Azure):
      // images are signed with cosign and verified at admission by Kyverno instead.
      trustPolicyEnabled: false,
      identity: { type: 'UserAssigned', identityIds: [this.identity.identityId] },
      // PCI-DSS 3.5.1: registry content encrypted with our key, following new key versions automatically.
      encryption: [{ keyVaultKeyId: props.encryptionKey.versionlessKeyId, identityClientId: this.identity.clientId }],
      tags,
      dependsOn: [this.identity.assignments.key],
    });
    this.registryId = this.registry.id;
    this.loginServer = this.registry.loginServer;

    new PrivateLink(this, 'private-link', {
      name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: this.registry.id,
      subresource: 'registry',
      dnsZoneName: 'privatelink.azurecr.io',
      subnetId: props.privateEndpointSubnetId,
      virtualNetworkId: props.virtualNetworkId,
      tags: props.tags,
    });

    // Nodes pull as the kubelet identity, with the narrowest built-in role, on this registry only.
    this.kubeletPull = new RoleAssignment(this, 'kubelet-pull', {
      scope: this.registry.id,
      roleDefinitionName: ACR_PULL_ROLE,
      principalId: props.kubeletObjectId,
      principalType: 'ServicePrincipal',
    });

    // PCI-DSS 10.2.1: every login, push, pull and delete is recorded with the caller's identity.
    new Diagnostics(this, 'diagnostics', { targetResourceId: this.registry.id, workspace: props.workspace, categories: REGISTRY_AUDIT_LOG_CATEGORIES });
  }
}

function defaultReplica(name: string, location: string): string[] {
  const paired = AZURE_PAIRED_REGIONS[location];
  if (!paired) {
    throw new Error(`container registry ${name}: no paired region known for location "${location}"; set replicaLocations explicitly`);
  }
  return [paired];
}
