/**
 * Customer-managed KMS keys: one per purpose, so revoking or auditing one
 * use (logs, secrets, volumes, Vault unseal) never touches the others.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { type PolicyStatement, policyDocument } from './iam';

/** How other constructs refer to a key: never a raw ARN threaded through layers. */
export interface KeyRef {
  readonly keyArn: string;
  readonly keyId: string;
}

/** Services a key can be granted to through its key policy. */
export type KeyService = 'logs' | 'autoscaling-ebs' | 's3-access-logs';

export interface EncryptionKeyProps {
  /** What the key protects; shown in the console and in CloudTrail. */
  readonly description: string;
  /** Alias name without the `alias/` prefix, e.g. `finplat-prod/logs`. */
  readonly alias: string;
  /** Account that owns the key; its IAM administers it (no other account is trusted). */
  readonly accountId: string;
  /** Region of the key, used to scope service principals. */
  readonly region: string;
  /**
   * AWS services allowed to use the key through the key policy.
   * @default - none: only IAM principals of the owning account
   */
  readonly services?: readonly KeyService[];
  /**
   * Days KMS waits before deleting a scheduled key (7-30).
   * @default 30 - the longest window to recover from a mistaken deletion
   */
  readonly deletionWindowDays?: number;
}

/**
 * A symmetric customer-managed key with rotation on, an explicit key policy
 * and `prevent_destroy`, so Terraform can never schedule its deletion.
 */
export class EncryptionKey extends Construct implements KeyRef {
  readonly key: KmsKey;
  readonly keyArn: string;
  readonly keyId: string;

  constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const deletionWindowDays = props.deletionWindowDays ?? 30;
    if (!Token.isUnresolved(deletionWindowDays) && (deletionWindowDays < 7 || deletionWindowDays > 30 || !Number.isInteger(deletionWindowDays))) {
      throw new Error(`encryption key ${props.alias}: deletionWindowDays must be an integer between 7 and 30, got ${deletionWindowDays}`);
    }
    if (!Token.isUnresolved(props.alias) && !/^[a-zA-Z0-9/_-]+$/.test(props.alias)) {
      throw new Error(`encryption key: alias must contain only letters, digits, /, _ and -, got "${props.alias}"`);
    }
    if (!Token.isUnresolved(props.alias) && props.alias.startsWith('aws/')) {
      throw new Error(`encryption key: alias must not start with "aws/" (reserved for AWS managed keys), got "${props.alias}"`);
    }

    const statements: PolicyStatement[] = [
      {
        // The account's IAM decides who may use the key; without this statement
        // the key becomes unmanageable (KMS key policy lockout).
        Sid: 'AccountAdministration',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${props.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ];
    for (const service of new Set(props.services ?? [])) {
      statements.push(...serviceStatements(service, props.accountId, props.region));
    }

    this.key = new KmsKey(this, 'key', {
      description: props.description,
      // PCI-DSS 3.6.4 / CIS AWS 3.6: annual rotation of key material.
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: policyDocument(statements),
      // A deleted key makes everything it encrypted unreadable: never let a plan destroy it.
      lifecycle: { preventDestroy: true },
    });
    new KmsAlias(this, 'alias', { name: `alias/${props.alias}`, targetKeyId: this.key.keyId });
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
  }
}

function serviceStatements(service: KeyService, accountId: string, region: string): PolicyStatement[] {
  switch (service) {
    case 'logs':
      // CloudWatch Logs encrypts log groups with the key only for log groups of this account and region.
      return [
        {
          Sid: 'CloudWatchLogs',
          Effect: 'Allow',
          Principal: { Service: `logs.${region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${accountId}:log-group:*` } },
        },
      ];
    case 'autoscaling-ebs': {
      // Managed node groups launch through Auto Scaling: its service-linked role
      // must use the key for encrypted EBS volumes in the launch template.
      const autoscaling = `arn:aws:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
      return [
        {
          Sid: 'AutoScalingUseForEbs',
          Effect: 'Allow',
          Principal: { AWS: autoscaling },
          Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
          Resource: '*',
        },
        {
          Sid: 'AutoScalingGrantsForEbs',
          Effect: 'Allow',
          Principal: { AWS: autoscaling },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        },
      ];
    }
    case 's3-access-logs':
      // S3 server access logging writes log objects into an SSE-KMS bucket only if its
      // service principal may generate data keys, and only for buckets of this account.
      return [
        {
          Sid: 'S3ServerAccessLogDelivery',
          Effect: 'Allow',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
        },
      ];
  }
}
