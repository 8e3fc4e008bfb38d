/**
 * CI access through GitHub Actions OIDC: per environment a plan identity and a
 * deploy identity (user-assigned managed identities, so no app registration
 * and no client secret exist), each with federated credentials for exactly
 * one repository's jobs in that environment's GitHub environments.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { FederatedIdentityCredential } from '@cdktf/provider-azurerm/lib/federated-identity-credential';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { RoleDefinition } from '@cdktf/provider-azurerm/lib/role-definition';
import { UserAssignedIdentity } from '@cdktf/provider-azurerm/lib/user-assigned-identity';
import { WORKLOAD_IDENTITY_AUDIENCE } from './identity';

/** GitHub's OIDC issuer. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Roles the deploy identity may never assign or remove (Microsoft's privileged
 * administrator roles): Owner, Contributor, User Access Administrator and Role
 * Based Access Control Administrator, by their fixed built-in ids.
 */
export const PRIVILEGED_ROLE_IDS = [
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  'b24988ac-6180-42a0-ab88-20f7382dd24c',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
] as const;

/** ABAC condition on Role Based Access Control Administrator: assign and remove any role but the privileged ones. */
export function constrainedRoleAssignmentCondition(): string {
  const ids = PRIVILEGED_ROLE_IDS.join(', ');
  return [
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${ids}}))`,
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAllValues:GuidNotEquals {${ids}}))`,
  ].join(' AND ');
}

export interface CiIdentitiesProps {
  /** Prefix of the identity names: `<namePrefix>-plan`, `<namePrefix>-deploy`. */
  readonly namePrefix: string;
  /** Resource group of the identities (the state bootstrap's). */
  readonly resourceGroupName: string;
  /** Region of the identities. */
  readonly location: string;
  /** The subscription the environment deploys into: `/subscriptions/<id>`. */
  readonly subscriptionScope: string;
  /** `owner/name` of the repository whose workflow logs in. */
  readonly repository: string;
  /** GitHub environments whose jobs may log in as the plan identity (e.g. `azure-prod-plan`). */
  readonly planEnvironments: readonly string[];
  /** GitHub environments whose jobs may log in as the deploy identity (e.g. `azure-prod`, `azure-prod-baseline`). */
  readonly deployEnvironments: readonly string[];
  /** ARM scope of the state container: read by plan, written by deploy (the azurerm backend's lease is a write). */
  readonly stateContainerScope: string;
  /**
   * Tags of the identities.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * A plan identity (Reader, Key Vault Reader, state read) and a deploy identity (Contributor, role assignments short of the
 * privileged roles, state write) for one environment: user-assigned managed identities with no secret, federated only with
 * one repository's named GitHub environments, and locked read-only so CI cannot add credentials of its own.
 */
export class CiIdentities extends Construct {
  readonly planIdentity: UserAssignedIdentity;
  readonly deployIdentity: UserAssignedIdentity;
  /** What `vars.AZURE_CLIENT_ID` of the `-plan` GitHub environment holds. */
  readonly planClientId: string;
  /** What `vars.AZURE_CLIENT_ID` of the deploy GitHub environments holds. */
  readonly deployClientId: string;

  constructor(scope: Construct, id: string, props: CiIdentitiesProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.repository) && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository)) {
      throw new Error(`ci identities: repository must be owner/name without wildcards, got "${props.repository}"`);
    }
    if (!Token.isUnresolved(props.subscriptionScope) && !/^\/subscriptions\/[0-9a-f-]{36}$/i.test(props.subscriptionScope)) {
      throw new Error(`ci identities: subscriptionScope must be /subscriptions/<subscription id>, got "${props.subscriptionScope}"`);
    }
    for (const [field, list] of [['planEnvironments', props.planEnvironments], ['deployEnvironments', props.deployEnvironments]] as const) {
      if (list.length === 0) throw new Error(`ci identities: ${field} must name at least one GitHub environment, got none`);
      for (const environment of list) {
        if (!Token.isUnresolved(environment) && !NAME_PART.test(environment)) {
          throw new Error(`ci identities: ${field} entries must be GitHub environment names without wildcards, got "${environment}"`);
        }
      }
    }
    const overlap = props.planEnvironments.filter((e) => props.deployEnvironments.includes(e));
    if (overlap.length > 0) {
      throw new Error(`ci identities: a GitHub environment may not log in as both identities (the plan gate would hold deploy rights), got ${overlap.join(', ')} in both`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;

    const identity = (identityId: string, suffix: string, environments: readonly string[]) => {
      const uai = new UserAssignedIdentity(this, identityId, {
        name: `${props.namePrefix}-${suffix}`,
        resourceGroupName: props.resourceGroupName,
        location: props.location,
        tags,
      });
      const credentials: FederatedIdentityCredential[] = [];
      for (const environment of environments) {
        // Exactly this repository in exactly this GitHub environment: branches, forks and PRs get no token exchange.
        const credential = new FederatedIdentityCredential(this, `${identityId}-${environment}`, {
          name: `github-${environment}`,
          resourceGroupName: props.resourceGroupName,
          parentId: uai.id,
          issuer: GITHUB_OIDC_ISSUER,
          subject: `repo:${props.repository}:environment:${environment}`,
          audience: [WORKLOAD_IDENTITY_AUDIENCE],
          // Entra ID refuses concurrent credential writes on one identity: one after the other.
          dependsOn: credentials.length > 0 ? [credentials[credentials.length - 1]] : undefined,
        });
        credentials.push(credential);
      }
      // Contributor (the deploy identity itself) could otherwise add a credential for another repository
      // and keep access: the lock makes the identity and its credentials read-only for anyone without
      // lock rights (Owner / User Access Administrator). Changing them: docs/runbooks.md section 1.
      new ManagementLock(this, `${identityId}-lock`, {
        name: 'ci-identity',
        scope: uai.id,
        lockLevel: 'ReadOnly',
        notes: 'Federated CI identity: its credentials change only through the state bootstrap stack.',
        dependsOn: credentials,
      });
      return uai;
    };
    const grant = (grantId: string, principal: UserAssignedIdentity, grantScope: string, roleName: string, extra: { condition?: string; roleDefinitionId?: string } = {}) =>
      new RoleAssignment(this, grantId, {
        scope: grantScope,
        principalId: principal.principalId,
        principalType: 'ServicePrincipal',
        roleDefinitionName: extra.roleDefinitionId ? undefined : roleName,
        roleDefinitionId: extra.roleDefinitionId,
        condition: extra.condition,
        conditionVersion: extra.condition ? '2.0' : undefined,
        description: `${roleName} for ${principal.name}`,
      });

    this.planIdentity = identity('plan', 'plan', props.planEnvironments);
    // terraform plan refreshes everything it manages: read the subscription's resources and the key
    // metadata inside its vaults (never key material or secrets), and its state. No state write: the
    // azurerm backend's lock is a blob lease, which Azure RBAC grants only with blob write, so plans
    // run with -lock=false and the apply (deploy identity) locks.
    grant('plan-reader', this.planIdentity, props.subscriptionScope, 'Reader');
    grant('plan-key-vault-reader', this.planIdentity, props.subscriptionScope, 'Key Vault Reader');
    grant('plan-state-reader', this.planIdentity, props.stateContainerScope, 'Storage Blob Data Reader');

    this.deployIdentity = identity('deploy', 'deploy', props.deployEnvironments);
    grant('deploy-contributor', this.deployIdentity, props.subscriptionScope, 'Contributor');
    // The platform assigns roles to its own identities (subnets, keys): any role but the privileged ones.
    grant('deploy-role-assignments', this.deployIdentity, props.subscriptionScope, 'Role Based Access Control Administrator', {
      condition: constrainedRoleAssignmentCondition(),
    });
    // The platform defines one custom role (Vault's key wrap/unwrap); Contributor cannot write role definitions.
    const roleDefinitions = new RoleDefinition(this, 'role-definitions-role', {
      name: `${props.namePrefix}-deploy-role-definitions`,
      scope: props.subscriptionScope,
      description: 'Create, update and delete the custom role definitions of the platform (CI deploy identity).',
      permissions: [
        {
          actions: ['Microsoft.Authorization/roleDefinitions/read', 'Microsoft.Authorization/roleDefinitions/write', 'Microsoft.Authorization/roleDefinitions/delete'],
          notActions: [],
        },
      ],
      assignableScopes: [props.subscriptionScope],
    });
    grant('deploy-role-definitions', this.deployIdentity, props.subscriptionScope, 'role definitions', { roleDefinitionId: roleDefinitions.roleDefinitionResourceId });
    grant('deploy-state-writer', this.deployIdentity, props.stateContainerScope, 'Storage Blob Data Contributor');

    this.planClientId = this.planIdentity.clientId;
    this.deployClientId = this.deployIdentity.clientId;
  }
}
