/**
 * Google service accounts: a dedicated least-privilege identity for the
 * nodes (never the Compute Engine default account, which holds Editor) and
 * workload identities that Kubernetes service accounts impersonate through
 * GKE Workload Identity, so no key file ever exists.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import type { ServiceAccountRef } from '../contract';

/**
 * What a GKE node needs project-wide and nothing more (CIS GKE 5.2.1): write
 * logs and metrics and read metadata for them. Image pulls are not here:
 * `roles/artifactregistry.reader` on the project would read every repository
 * in it; the node account is granted it on the platform's mirror repository
 * only (MirrorRepository, PCI-DSS 6.3.2).
 */
export const NODE_SERVICE_ACCOUNT_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
] as const;

/** Role that lets a Kubernetes service account act as a Google service account. */
export const WORKLOAD_IDENTITY_USER_ROLE = 'roles/iam.workloadIdentityUser';

/** Roles a Google service account may never hold at project level from this code. */
const FORBIDDEN_PROJECT_ROLES = new Set(['roles/owner', 'roles/editor', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.serviceAccountUser']);

export interface GoogleServiceAccountProps {
  /** Account id (6-30 characters): the part before `@`. */
  readonly accountId: string;
  /** GCP project ID the account is created in, and of its project-level grants. */
  readonly project: string;
  /** Human-readable name shown in the console and IAM policies. */
  readonly displayName: string;
  /**
   * What the identity is for; shown in the console and audit logs.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Project-level roles. Owner, Editor and impersonation roles are refused.
   * @default - none: grant on the resource instead (a key, a bucket)
   */
  readonly projectRoles?: readonly string[];
  /**
   * Resources that must exist first (the project's API enablements); the project grants reference the account.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A Google service account with no key, granted only project roles that are neither Owner, Editor nor impersonation roles;
 * narrower grants go on the resource itself (a key, a bucket, a repository).
 */
export class GoogleServiceAccount extends Construct {
  readonly serviceAccount: ServiceAccount;
  readonly email: string;
  /** IAM member string, `serviceAccount:<email>`. */
  readonly member: string;
  /** Full resource name, `projects/<p>/serviceAccounts/<email>`. */
  readonly accountName: string;
  readonly projectGrants: readonly ProjectIamMember[];

  constructor(scope: Construct, id: string, props: GoogleServiceAccountProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.accountId) && !/^[a-z]([-a-z0-9]{4,28}[a-z0-9])$/.test(props.accountId)) {
      throw new Error(`google service account: accountId must be 6-30 lowercase letters, digits or hyphens starting with a letter, got "${props.accountId}"`);
    }
    for (const role of props.projectRoles ?? []) {
      if (FORBIDDEN_PROJECT_ROLES.has(role)) {
        throw new Error(`google service account ${props.accountId}: project role "${role}" is too broad; grant a narrower role on the resource itself`);
      }
    }

    this.serviceAccount = new ServiceAccount(this, 'account', {
      accountId: props.accountId,
      project: props.project,
      displayName: props.displayName,
      description: props.description,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.email = this.serviceAccount.email;
    this.member = this.serviceAccount.member;
    this.accountName = this.serviceAccount.name;

    this.projectGrants = (props.projectRoles ?? []).map(
      (role) =>
        new ProjectIamMember(this, role.replace(/^roles\//, '').replace(/\./g, '-'), {
          project: props.project,
          role,
          member: this.serviceAccount.member,
        }),
    );
  }
}

export interface WorkloadIdentityBindingProps {
  /** The Google service account to impersonate. */
  readonly googleServiceAccount: GoogleServiceAccount;
  /** Workload identity pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** The one Kubernetes service account allowed to impersonate it. */
  readonly serviceAccount: ServiceAccountRef;
  /**
   * The cluster whose creation creates the pool: the binding fails before it exists.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Lets exactly one Kubernetes service account act as a Google service account (GKE Workload Identity). */
export class WorkloadIdentityBinding extends Construct {
  readonly binding: ServiceAccountIamMember;
  /** `serviceAccount:<pool>[<namespace>/<name>]`. */
  readonly member: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityBindingProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.workloadPool) && !/^[a-z][-a-z0-9]{4,28}[a-z0-9]\.svc\.id\.goog$/.test(props.workloadPool)) {
      throw new Error(`workload identity binding: workloadPool must be <project>.svc.id.goog, got "${props.workloadPool}"`);
    }
    const { namespace, name } = props.serviceAccount;
    for (const [field, value] of [['namespace', namespace], ['name', name]] as const) {
      if (!Token.isUnresolved(value) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value)) {
        throw new Error(`workload identity binding: serviceAccount.${field} must be a Kubernetes name (no wildcards), got "${value}"`);
      }
    }
    this.member = `serviceAccount:${props.workloadPool}[${namespace}/${name}]`;
    // Exactly one namespace/name may impersonate: no other service account, not even in the same namespace.
    this.binding = new ServiceAccountIamMember(this, 'binding', {
      serviceAccountId: props.googleServiceAccount.accountName,
      role: WORKLOAD_IDENTITY_USER_ROLE,
      member: this.member,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
