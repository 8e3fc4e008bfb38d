/**
 * CI access through GitHub Actions OIDC: the account's IAM OIDC provider for
 * token.actions.githubusercontent.com, and per environment a plan role and a
 * deploy role that only jobs of one repository, running in that environment's
 * GitHub environments, can assume. No access keys exist anywhere.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { type PolicyStatement, policyDocument } from './iam';
import type { StateStorageRef } from './state-bucket';

/** GitHub's OIDC issuer (without the scheme: the prefix of its IAM condition keys). */
export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';
/** The audience configure-aws-credentials requests. */
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** Read-only access to configuration for `terraform plan` (refresh). */
export const PLAN_MANAGED_POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
/** Everything but IAM, Organizations and account settings; IAM comes scoped, below. */
export const DEPLOY_MANAGED_POLICY = 'arn:aws:iam::aws:policy/PowerUserAccess';

/** The one OIDC provider per account for GitHub Actions (IAM allows only one per issuer URL). */
export class GithubOidcProvider extends Construct {
  readonly provider: IamOpenidConnectProvider;
  readonly providerArn: string;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // No thumbprint: IAM validates GitHub's issuer against its own trusted root CAs.
    this.provider = new IamOpenidConnectProvider(this, 'provider', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: [GITHUB_OIDC_AUDIENCE],
    });
    this.providerArn = this.provider.arn;
  }
}


export interface CiRolesProps {
  /** Account of the roles and of the platform roles the deploy role manages. */
  readonly accountId: string;
  /** The account's GitHub OIDC provider, the only principal the roles trust. */
  readonly oidcProvider: GithubOidcProvider;
  /** `owner/name` of the repository whose workflow assumes the roles. */
  readonly repository: string;
  /** GitHub environments whose jobs may assume the plan role (e.g. `aws-prod-plan`). */
  readonly planEnvironments: readonly string[];
  /** GitHub environments whose jobs may assume the deploy role (e.g. `aws-prod`, `aws-prod-baseline`). */
  readonly deployEnvironments: readonly string[];
  /** IAM name of the plan role (outside `platformRolePrefix`, so the deploy role cannot touch it). */
  readonly planRoleName: string;
  /** IAM name of the deploy role (outside `platformRolePrefix`, so it cannot change itself). */
  readonly deployRoleName: string;
  /** The state storage: the plan role reads, the deploy role writes, the environment's prefix of it; neither can change it. */
  readonly state: StateStorageRef;
  /** The environment's object key prefix inside the state bucket, e.g. `aws/prod`. */
  readonly statePrefix: string;
  /**
   * Prefix of the IAM role names the platform creates (`<cluster>-`): the deploy role manages and passes only these.
   */
  readonly platformRolePrefix: string;
  /** AWS managed policies the platform attaches to its roles: the only ones the deploy role may attach. */
  readonly attachablePolicyArns: readonly string[];
  /**
   * Longest session a job gets, in seconds (3600-43200).
   * @default 3600 - one hour, configure-aws-credentials' default
   */
  readonly maxSessionSeconds?: number;
}

const SUBJECT_PART = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** `repo:<owner>/<name>:environment:<env>`, the `sub` claim of a job that runs in GitHub environment `env`. */
export function githubEnvironmentSubject(repository: string, environment: string): string {
  return `repo:${repository}:environment:${environment}`;
}

/**
 * A plan role (ReadOnlyAccess plus reading its environment's state; no state
 * write, so no lock either) and a deploy role (PowerUserAccess, IAM limited to
 * the platform's own roles, its state prefix; explicitly denied any change to
 * the state storage, its keys or the CI identities themselves).
 */
export class CiRoles extends Construct {
  readonly planRole: IamRole;
  readonly deployRole: IamRole;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;

  constructor(scope: Construct, id: string, props: CiRolesProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.repository) && !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(props.repository)) {
      throw new Error(`ci roles: repository must be owner/name without wildcards, got "${props.repository}"`);
    }
    for (const [field, list] of [['planEnvironments', props.planEnvironments], ['deployEnvironments', props.deployEnvironments]] as const) {
      if (list.length === 0) throw new Error(`ci roles: ${field} must name at least one GitHub environment, got none`);
      for (const environment of list) {
        if (!Token.isUnresolved(environment) && !SUBJECT_PART.test(environment)) {
          throw new Error(`ci roles: ${field} entries must be GitHub environment names without wildcards, got "${environment}"`);
        }
      }
    }
    const overlap = props.planEnvironments.filter((e) => props.deployEnvironments.includes(e));
    if (overlap.length > 0) {
      throw new Error(`ci roles: a GitHub environment may not assume both roles (the plan gate would hold deploy rights), got ${overlap.join(', ')} in both`);
    }
    const maxSessionSeconds = props.maxSessionSeconds ?? 3600;
    if (!Token.isUnresolved(maxSessionSeconds) && (!Number.isInteger(maxSessionSeconds) || maxSessionSeconds < 3600 || maxSessionSeconds > 43200)) {
      throw new Error(`ci roles: maxSessionSeconds must be an integer between 3600 and 43200, got ${maxSessionSeconds}`);
    }
    if (!Token.isUnresolved(props.platformRolePrefix) && !/^[A-Za-z0-9+=,.@_-]+-$/.test(props.platformRolePrefix)) {
      throw new Error(`ci roles: platformRolePrefix must be an IAM role name prefix ending in "-" (no wildcards), got "${props.platformRolePrefix}"`);
    }
    if (!Token.isUnresolved(props.statePrefix) && !/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(props.statePrefix)) {
      throw new Error(`ci roles: statePrefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "${props.statePrefix}"`);
    }
    const { state } = props;
    const stateObjects = `${state.bucketArn}/${props.statePrefix}/*`;
    const buckets = [state.bucketArn, state.logBucketArn];

    const role = (roleId: string, name: string, environments: readonly string[], description: string) =>
      new IamRole(this, roleId, {
        name,
        description,
        maxSessionDuration: maxSessionSeconds,
        assumeRolePolicy: policyDocument([
          {
            Effect: 'Allow',
            Principal: { Federated: props.oidcProvider.providerArn },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: {
              // Exact subjects: this repository AND one of these GitHub environments (whose protection
              // rules carry the approvals). No wildcard: a branch, a fork or a PR gets nothing.
              StringEquals: {
                [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE,
                [`${GITHUB_OIDC_HOST}:sub`]: environments.map((e) => githubEnvironmentSubject(props.repository, e)),
              },
            },
          },
        ]),
      });

    this.planRole = role('plan-role', props.planRoleName, props.planEnvironments, 'terraform plan from GitHub Actions: read-only, no state writes');
    new IamRolePolicyAttachment(this, 'plan-read-only', { role: this.planRole.name, policyArn: PLAN_MANAGED_POLICY });
    new IamRolePolicy(this, 'plan-state-read', {
      role: this.planRole.id,
      name: 'terraform-state-read',
      policy: policyDocument([
        { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: state.bucketArn },
        { Sid: 'ReadEnvironmentState', Effect: 'Allow', Action: 's3:GetObject', Resource: stateObjects },
        { Sid: 'DecryptState', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: state.stateKey.keyArn },
        {
          // Read-only means read-only whatever else is attached later: no state object and no lock
          // object is ever written by a plan role (plans run with -lock=false; the apply locks).
          Sid: 'DenyStateWrites',
          Effect: 'Deny',
          Action: ['s3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'],
          Resource: `${state.bucketArn}/*`,
        },
      ]),
    });

    this.deployRole = role('deploy-role', props.deployRoleName, props.deployEnvironments, 'terraform apply of reviewed plans from GitHub Actions');
    new IamRolePolicyAttachment(this, 'deploy-power-user', { role: this.deployRole.name, policyArn: DEPLOY_MANAGED_POLICY });
    const platformRoles = `arn:aws:iam::${props.accountId}:role/${props.platformRolePrefix}*`;
    const deny = (sid: string, action: readonly string[], resource: readonly string[]): PolicyStatement => ({ Sid: sid, Effect: 'Deny', Action: action, Resource: resource });
    new IamRolePolicy(this, 'deploy-policy', {
      role: this.deployRole.id,
      name: 'platform-deploy',
      policy: policyDocument([
        {
          // The platform's own roles only (EKS cluster, nodes, Pod Identity, flow logs): not the CI roles, not other teams'.
          Sid: 'ManagePlatformRoles',
          Effect: 'Allow',
          Action: [
            'iam:CreateRole',
            'iam:DeleteRole',
            'iam:GetRole',
            'iam:UpdateRole',
            'iam:UpdateRoleDescription',
            'iam:UpdateAssumeRolePolicy',
            'iam:TagRole',
            'iam:UntagRole',
            'iam:ListRoleTags',
            'iam:PutRolePolicy',
            'iam:GetRolePolicy',
            'iam:DeleteRolePolicy',
            'iam:ListRolePolicies',
            'iam:ListAttachedRolePolicies',
            'iam:ListInstanceProfilesForRole',
            'iam:PassRole',
          ],
          Resource: platformRoles,
        },
        {
          // Only the AWS managed policies the platform uses: never AdministratorAccess on a role it creates.
          Sid: 'AttachPlatformManagedPolicies',
          Effect: 'Allow',
          Action: ['iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
          Resource: platformRoles,
          Condition: { ArnEquals: { 'iam:PolicyARN': [...props.attachablePolicyArns] } },
        },
        { Sid: 'ReadPlatformManagedPolicies', Effect: 'Allow', Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'], Resource: [...props.attachablePolicyArns] },
        { Sid: 'ListStateBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: state.bucketArn },
        { Sid: 'WriteEnvironmentState', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: stateObjects },
        { Sid: 'UseStateKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: state.stateKey.keyArn },
        // The bootstrap stack (applied by a person, not by CI) owns the state storage: CI can never weaken it.
        deny('DenyStateBucketChanges', BUCKET_ACTIONS, buckets),
        // State history (versions) and the access logs are evidence: never deleted or rewritten by CI.
        deny('DenyStateHistoryTampering', ['s3:DeleteObjectVersion', 's3:PutObjectVersionAcl', 's3:PutObjectRetention', 's3:PutObjectLegalHold', 's3:BypassGovernanceRetention'], buckets.map((arn) => `${arn}/*`)),
        deny('DenyAccessLogWrites', ['s3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'], [`${state.logBucketArn}/*`]),
        deny('DenyStateKeyChanges', KEY_ACTIONS, [state.stateKey.keyArn, state.logKey.keyArn]),
        deny('DenyStateKeyAliasChanges', ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], [state.stateKeyAliasArn, state.logKeyAliasArn]),
      ]),
    });

    this.planRoleArn = this.planRole.arn;
    this.deployRoleArn = this.deployRole.arn;
  }
}

const KEY_ACTIONS = ['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:DisableKeyRotation', 'kms:PutKeyPolicy', 'kms:CreateGrant', 'kms:UpdatePrimaryRegion', 'kms:ReplicateKey'] as const;

/** Bucket-level changes that would weaken the state storage. */
const BUCKET_ACTIONS = [
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
  's3:PutBucketPolicy',
  's3:PutBucketAcl',
  's3:PutBucketOwnershipControls',
  's3:PutBucketPublicAccessBlock',
  's3:PutBucketVersioning',
  's3:PutEncryptionConfiguration',
  's3:PutBucketLogging',
  's3:PutLifecycleConfiguration',
  's3:PutBucketNotification',
  's3:PutReplicationConfiguration',
  's3:PutBucketObjectLockConfiguration',
] as const;
