/**
 * User-assigned managed identities and their role assignments. Every grant
 * is scoped to the single resource it needs (a subnet, a key), never to a
 * resource group or subscription.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import type { ServiceAccountRef } from '../contract';

/** Audience Entra ID expects in Kubernetes service-account tokens it exchanges. */
export const WORKLOAD_IDENTITY_AUDIENCE = 'api://AzureADTokenExchange';

/** A role granted on one scope: a built-in role by name, or a custom role by definition id. */
export interface RoleGrant {
  /** Stable, short construct id of the assignment. */
  readonly id: string;
  readonly scope: string;
  /** Built-in role name, e.g. `Network Contributor`. */
  readonly roleName?: string;
  /** Role definition resource id of a custom role. */
  readonly roleDefinitionId?: string;
}

/** Federation of a Kubernetes service account to the identity. */
export interface ServiceAccountFederation {
  /** OIDC issuer of the cluster's service-account tokens. */
  readonly issuerUrl: string;
  readonly serviceAccount: ServiceAccountRef;
}

export interface ManagedIdentityProps {
  /** User-assigned identity name. */
  readonly name: string;
  /** Resource group of the identity. */
  readonly resourceGroupName: string;
  /** Azure region of the identity. */
  readonly location: string;
  /**
   * Roles on specific scopes.
   * @default - none
   */
  readonly grants?: readonly RoleGrant[];
  /**
   * Kubernetes service account allowed to act as this identity (workload identity).
   * @default - none: only the Azure resource it is attached to
   */
  readonly federation?: ServiceAccountFederation;
  /**
   * Azure tags of the identity.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

const BROAD_SCOPE = /^\/subscriptions\/[^/]+(\/resourceGroups\/[^/]+)?\/?$/i;

/**
 * A user-assigned managed identity (no secret to leak) with role assignments each scoped to a single resource, never a resource
 * group or subscription, and optionally federated with exactly one Kubernetes service account.
 */
export class ManagedIdentity extends Construct {
  readonly identity: UserAssignedIdentity;
  readonly identityId: string;
  readonly clientId: string;
  readonly principalId: string;
  /** Assignments by grant id, for `dependsOn`. */
  readonly assignments: Record<string, RoleAssignment> = {};

  constructor(scope: Construct, id: string, props: ManagedIdentityProps) {
    super(scope, id);
    this.identity = new UserAssignedIdentity(this, 'identity', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.identityId = this.identity.id;
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;

    for (const grant of props.grants ?? []) {
      // Least privilege: a subscription- or resource-group-wide grant reaches far more than one control needs.
      if (!Token.isUnresolved(grant.scope) && BROAD_SCOPE.test(grant.scope)) {
        throw new Error(`identity ${props.name}: grant "${grant.id}" must be scoped to a single resource, not "${grant.scope}"`);
      }
      if (this.assignments[grant.id]) {
        throw new Error(`identity ${props.name}: grant id "${grant.id}" is used twice`);
      }
      if ((grant.roleName === undefined) === (grant.roleDefinitionId === undefined)) {
        throw new Error(`identity ${props.name}: grant "${grant.id}" must set exactly one of roleName or roleDefinitionId`);
      }
      this.assignments[grant.id] = new RoleAssignment(this, grant.id, {
        scope: grant.scope,
        principalId: this.identity.principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionName: grant.roleName,
        roleDefinitionId: grant.roleDefinitionId,
      });
    }

    if (props.federation) {
      const sa = props.federation.serviceAccount;
      new FederatedIdentityCredential(this, 'federation', {
        name: `${sa.namespace}-${sa.name}`,
        resourceGroupName: props.resourceGroupName,
        parentId: this.identity.id,
        issuer: props.federation.issuerUrl,
        // Exactly one service account of one cluster: another namespace or cluster gets nothing.
        subject: `system:serviceaccount:${sa.namespace}:${sa.name}`,
        audience: [WORKLOAD_IDENTITY_AUDIENCE],
      });
    }
  }
}

export interface KeyWrapRoleProps {
  /** Name of the custom role definition; unique in the tenant. */
  readonly name: string;
  /** Key Vault the role may be assigned in. */
  readonly vaultId: string;
}

/**
 * A custom role that can only read a key and wrap/unwrap with it: what
 * Vault's azurekeyvault seal needs, and less than Key Vault Crypto User
 * (no encrypt, decrypt, sign or key management).
 */
export class KeyWrapRole extends Construct {
  readonly definition: RoleDefinition;
  /** Role definition resource id, for `RoleGrant.roleDefinitionId`. */
  readonly roleId: string;

  constructor(scope: Construct, id: string, props: KeyWrapRoleProps) {
    super(scope, id);
    this.definition = new RoleDefinition(this, 'role', {
      name: props.name,
      scope: props.vaultId,
      description: 'Read a Key Vault key and wrap/unwrap data keys with it (Vault auto-unseal).',
      permissions: [
        {
          actions: [],
          dataActions: [
            'Microsoft.KeyVault/vaults/keys/read',
            'Microsoft.KeyVault/vaults/keys/wrap/action',
            'Microsoft.KeyVault/vaults/keys/unwrap/action',
          ],
        },
      ],
      assignableScopes: [props.vaultId],
    });
    this.roleId = this.definition.roleDefinitionResourceId;
  }
}
