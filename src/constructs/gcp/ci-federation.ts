/**
 * CI access through GitHub Actions OIDC: a workload identity pool with a
 * GitHub provider that admits only tokens of the listed repositories, and per
 * environment a plan and a deploy service account that only that
 * repository's jobs in that environment's GitHub environments can
 * impersonate. No service-account key exists.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { suppress } from '../../compliance/suppressions';
import { GoogleServiceAccount, WORKLOAD_IDENTITY_USER_ROLE } from './identity';
import { assertResourceName } from './validation';

/** GitHub's OIDC issuer. */
export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const NAME_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface GithubWorkloadIdentityPoolProps {
  /** Project of the pool (the one holding the state and the CI service accounts). */
  readonly project: string;
  /** Repositories (`owner/name`) whose tokens the provider accepts; every other token is refused at the exchange. */
  readonly repositories: readonly string[];
  /**
   * The exact `sub` claims the provider accepts (`repo:<owner>/<name>:environment:<env>`, one per GitHub
   * environment of the workflow): a job of the right repository outside those environments is refused too.
   */
  readonly subjects: readonly string[];
  /**
   * Pool id (4-32 characters; a deleted pool's id stays reserved for 30 days).
   * @default 'github-actions'
   */
  readonly poolId?: string;
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** One pool per project, with one GitHub provider. */
export class GithubWorkloadIdentityPool extends Construct {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  /** `projects/<number>/locations/global/workloadIdentityPools/<id>`: the prefix of every principal. */
  readonly poolName: string;
  /** What `vars.GCP_WORKLOAD_IDENTITY_PROVIDER` holds: the provider's full resource name. */
  readonly providerName: string;

  constructor(scope: Construct, id: string, props: GithubWorkloadIdentityPoolProps) {
    super(scope, id);
    const poolId = props.poolId ?? 'github-actions';
    assertResourceName('workload identity pool id', poolId, 32);
    if (props.repositories.length === 0) {
      throw new Error('github workload identity pool: repositories must list at least one owner/name, got none');
    }
    for (const repository of props.repositories) {
      if (!Token.isUnresolved(repository) && !REPOSITORY.test(repository)) {
        throw new Error(`github workload identity pool: repositories entries must be owner/name without wildcards, got "${repository}"`);
      }
    }
    if (props.subjects.length === 0) {
      throw new Error('github workload identity pool: subjects must list at least one repo:<owner>/<name>:environment:<env>, got none');
    }
    for (const subject of props.subjects) {
      const repository = /^repo:([^:]+):environment:[A-Za-z0-9][A-Za-z0-9._-]*$/.exec(subject)?.[1];
      if (!Token.isUnresolved(subject) && (!repository || !props.repositories.includes(repository))) {
        throw new Error(`github workload identity pool: subjects entries must be repo:<owner>/<name>:environment:<env> of a listed repository, without wildcards, got "${subject}"`);
      }
    }
    this.pool = new IamWorkloadIdentityPool(this, 'pool', {
      project: props.project,
      workloadIdentityPoolId: poolId,
      displayName: 'GitHub Actions',
      description: 'GitHub Actions jobs of the platform repository (CI plan and deploy)',
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    const repositories = [...new Set(props.repositories)];
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'provider', {
      project: props.project,
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub',
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository': 'assertion.repository',
        'attribute.environment': 'assertion.environment',
      },
      // Without a condition any GitHub repository's token would be exchanged (CKV_GCP_118, CKV_GCP_125):
      // only these repositories, and only their jobs in the listed GitHub environments.
      attributeCondition: `assertion.repository in [${repositories.map((r) => `'${r}'`).join(', ')}] && (${[...new Set(props.subjects)].map((sub) => `assertion.sub == '${sub}'`).join(' || ')})`,
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
    });
    this.poolName = this.pool.name;
    this.providerName = this.provider.name;
  }
}

/** The state a CI service account reads (plan) or writes (deploy): one bucket, one prefix. */
export interface CiStateAccess {
  readonly bucketName: string;
  /** Object prefix of the environment, e.g. `gcp/prod`. */
  readonly prefix: string;
}

export interface CiServiceAccountsProps {
  /** Project of the accounts and of their project grants. */
  readonly project: string;
  /** The project's GitHub pool, whose subjects may impersonate the accounts. */
  readonly pool: GithubWorkloadIdentityPool;
  /** `owner/name` of the repository whose jobs impersonate the accounts. */
  readonly repository: string;
  /** GitHub environments whose jobs may impersonate the plan account (e.g. `gcp-prod-plan`). */
  readonly planEnvironments: readonly string[];
  /** GitHub environments whose jobs may impersonate the deploy account (e.g. `gcp-prod`, `gcp-prod-baseline`). */
  readonly deployEnvironments: readonly string[];
  /** Account id (6-30 characters) of the plan account. */
  readonly planAccountId: string;
  /** Account id (6-30 characters) of the deploy account. */
  readonly deployAccountId: string;
  /** The environment's state: read by plan, written by deploy. */
  readonly state: CiStateAccess;
  /** The state key ring (`projects/<p>/locations/<l>/keyRings/<r>`): the deploy account's Cloud KMS admin role excludes it. */
  readonly stateKeyRingId: string;
  /** Project roles the platform grants to its own identities: the only ones the deploy account may grant. */
  readonly grantableRoles: readonly string[];
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * Read what terraform plan refreshes (configuration and IAM policies of the platform's services),
 * change nothing. Per service rather than the basic Viewer role (CKV_GCP_117).
 */
export const PLAN_PROJECT_ROLES = [
  'roles/browser',
  'roles/iam.securityReviewer',
  'roles/container.viewer',
  'roles/compute.viewer',
  'roles/cloudkms.viewer',
  'roles/iam.serviceAccountViewer',
  'roles/serviceusage.serviceUsageViewer',
  'roles/binaryauthorization.policyViewer',
  'roles/artifactregistry.reader',
] as const;

/**
 * What applying the platform stacks needs: GKE (and in-cluster access for the baseline), VPC, firewalls,
 * Cloud Armor and SSL policies, Cloud KMS keys, the image mirror repository, the platform's service accounts and the node service
 * account's use, API enablement, Binary Authorization, and finding the project. Cloud KMS admin
 * and project IAM admin come with conditions, below.
 */
export const DEPLOY_PROJECT_ROLES = [
  'roles/browser',
  'roles/container.admin',
  'roles/compute.networkAdmin',
  'roles/compute.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountUser',
  'roles/serviceusage.serviceUsageAdmin',
  'roles/binaryauthorization.policyEditor',
  'roles/artifactregistry.admin',
] as const;

/** Project roles that let a principal act as, or manage, service accounts (the compliance rule's list). */
const IMPERSONATION_REASONS: Readonly<Record<string, string>> = {
  'roles/iam.serviceAccountAdmin':
    'The CI deploy account creates the platform service accounts (nodes, Vault) and binds their Workload Identity users, which no narrower scope allows before those accounts exist; only the approval-gated deploy GitHub environments can impersonate it.',
  'roles/iam.serviceAccountUser':
    'The CI deploy account must act as the platform node service account to create GKE node pools, and that account does not exist before the platform stack creates it; only the approval-gated deploy GitHub environments can impersonate it.',
};

/**
 * A plan service account (per-service viewer roles, state read) and a deploy service account (admin roles for the platform's
 * services, conditional KMS and project IAM admin, state write) for one environment, impersonable only by one repository's
 * named GitHub environments, each confined to its environment's state prefix.
 */
export class CiServiceAccounts extends Construct {
  readonly planAccount: GoogleServiceAccount;
  readonly deployAccount: GoogleServiceAccount;
  /** What `vars.GCP_PLAN_SERVICE_ACCOUNT` holds. */
  readonly planEmail: string;
  /** What `vars.GCP_DEPLOY_SERVICE_ACCOUNT` holds. */
  readonly deployEmail: string;

  constructor(scope: Construct, id: string, props: CiServiceAccountsProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.repository) && !REPOSITORY.test(props.repository)) {
      throw new Error(`ci service accounts: repository must be owner/name without wildcards, got "${props.repository}"`);
    }
    for (const [field, list] of [['planEnvironments', props.planEnvironments], ['deployEnvironments', props.deployEnvironments]] as const) {
      if (list.length === 0) throw new Error(`ci service accounts: ${field} must name at least one GitHub environment, got none`);
      for (const environment of list) {
        if (!Token.isUnresolved(environment) && !NAME_PART.test(environment)) {
          throw new Error(`ci service accounts: ${field} entries must be GitHub environment names without wildcards, got "${environment}"`);
        }
      }
    }
    const overlap = props.planEnvironments.filter((e) => props.deployEnvironments.includes(e));
    if (overlap.length > 0) {
      throw new Error(`ci service accounts: a GitHub environment may not impersonate both accounts (the plan gate would hold deploy rights), got ${overlap.join(', ')} in both`);
    }
    if (!Token.isUnresolved(props.state.prefix) && !/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(props.state.prefix)) {
      throw new Error(`ci service accounts: state.prefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "${props.state.prefix}"`);
    }
    if (props.grantableRoles.length === 0) {
      throw new Error('ci service accounts: grantableRoles must list the roles the platform grants, got none');
    }

    const account = (accountId: string, which: string, environments: readonly string[]) => {
      const sa = new GoogleServiceAccount(this, which, {
        accountId,
        project: props.project,
        displayName: `CI ${which} (GitHub Actions)`,
        description: `terraform ${which === 'plan' ? 'plan (read-only)' : 'apply of reviewed plans'} from ${props.repository}`,
        dependsOn: props.dependsOn,
      });
      for (const environment of environments) {
        // Exactly this repository in exactly this GitHub environment (the pool's condition already refuses other repositories).
        new ServiceAccountIamMember(this, `${which}-${environment}`, {
          serviceAccountId: sa.accountName,
          role: WORKLOAD_IDENTITY_USER_ROLE,
          member: `principal://iam.googleapis.com/${props.pool.poolName}/subject/repo:${props.repository}:environment:${environment}`,
        });
      }
      return sa;
    };
    const projectRole = (which: string, sa: GoogleServiceAccount, role: string, condition?: { title: string; description: string; expression: string }) =>
      new ProjectIamMember(this, `${which}-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, { project: props.project, role, member: sa.member, condition });
    // The environment's objects (and listing the bucket, which GCS checks on the bucket itself).
    const stateCondition = {
      title: 'environment-state-only',
      description: `Only ${props.state.prefix}/ in the state bucket`,
      expression: `resource.type == 'storage.googleapis.com/Bucket' || resource.name.startsWith('projects/_/buckets/${props.state.bucketName}/objects/${props.state.prefix}/')`,
    };

    this.planAccount = account(props.planAccountId, 'plan', props.planEnvironments);
    for (const role of PLAN_PROJECT_ROLES) projectRole('plan', this.planAccount, role);
    // Both find the bucket and list object names (the gcs backend does); object access is per prefix, below.
    const bucketReader = (which: string, sa: GoogleServiceAccount) =>
      new StorageBucketIamMember(this, `${which}-state-bucket`, { bucket: props.state.bucketName, role: 'roles/storage.legacyBucketReader', member: sa.member });
    bucketReader('plan', this.planAccount);
    // Read, never write: no state object and no lock object (plans run with -lock=false; the apply locks).
    new StorageBucketIamMember(this, 'plan-state-read', { bucket: props.state.bucketName, role: 'roles/storage.objectViewer', member: this.planAccount.member, condition: stateCondition });

    this.deployAccount = account(props.deployAccountId, 'deploy', props.deployEnvironments);
    for (const role of DEPLOY_PROJECT_ROLES) {
      const grant = projectRole('deploy', this.deployAccount, role);
      const reason = IMPERSONATION_REASONS[role];
      if (reason) suppress(grant, [{ id: 'PCI-DSS-4-7.2.2-gcp-project-impersonation-roles', reason }]);
    }
    // Cloud KMS admin on the platform's key rings, never on the state key ring (no version destroy, no IAM change).
    projectRole('deploy', this.deployAccount, 'roles/cloudkms.admin', {
      title: 'not-the-state-key-ring',
      description: 'Every key ring but the one of the Terraform state',
      expression: `!(resource.name == '${props.stateKeyRingId}' || resource.name.startsWith('${props.stateKeyRingId}/'))`,
    });
    // Project IAM: grant and revoke only the roles the platform gives its own identities, never Owner or itself more.
    projectRole('deploy', this.deployAccount, 'roles/resourcemanager.projectIamAdmin', {
      title: 'platform-roles-only',
      description: 'Grant and revoke only the project roles the platform uses',
      expression: `api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly([${[...new Set(props.grantableRoles)].map((r) => `'${r}'`).join(', ')}])`,
    });
    bucketReader('deploy', this.deployAccount);
    new StorageBucketIamMember(this, 'deploy-state-write', { bucket: props.state.bucketName, role: 'roles/storage.objectUser', member: this.deployAccount.member, condition: stateCondition });

    this.planEmail = this.planAccount.email;
    this.deployEmail = this.deployAccount.email;
  }
}
