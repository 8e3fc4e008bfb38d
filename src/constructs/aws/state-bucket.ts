/**
 * The S3 bucket that holds Terraform state, with exactly the properties
 * docs/runbooks.md section 1 lists: versioning, SSE-KMS default encryption with
 * a customer-managed key (rotation on, explicit key policy), the public access
 * block, a bucket policy denying anything but TLS 1.2+, and server access
 * logging into a log bucket that is hardened the same way (its own key).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { type PolicyStatement, policyDocument, tlsOnlyStatements } from './iam';
import { EncryptionKey, type KeyRef } from './kms';

/** The state objects one group of principals may touch: everything else in the bucket is denied to them. */
export interface StatePrefixOwner {
  /** Object key prefix without a trailing slash, e.g. `aws/prod`. */
  readonly prefix: string;
  /** IAM principal ARNs (roles) confined to `<prefix>/*`; literal ARNs, so the policy needs no role to exist yet. */
  readonly principalArns: readonly string[];
}

export interface StateBucketProps {
  /** Globally unique bucket name (3-63 characters); the access-log bucket is `<bucketName>-logs`. */
  readonly bucketName: string;
  /** Account that owns the bucket and its keys. */
  readonly accountId: string;
  /** Region of the bucket and its keys (the environments' `stateBackend.region`). */
  readonly region: string;
  /** Alias of the state key without `alias/` (the environments' `stateBackend.kmsKeyId` names it). */
  readonly keyAlias: string;
  /**
   * Principals confined to their own state prefix by the bucket policy (the CI roles of each environment).
   * @default - none: only IAM decides who reads which state object
   */
  readonly prefixOwners?: readonly StatePrefixOwner[];
  /**
   * Days a replaced or deleted state version stays recoverable (30-3650).
   * @default 365 - a year of state history to roll back to
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days access logs are kept (365-3650).
   * @default 365 - PCI-DSS 10.5.1: a year of audit history
   */
  readonly accessLogRetentionDays?: number;
}

/** Suffix of the access-log bucket name. */
export const ACCESS_LOG_BUCKET_SUFFIX = '-logs';


/** What the CI roles need to know about the state storage: what to use, and what to protect. */
export interface StateStorageRef {
  readonly bucketArn: string;
  readonly logBucketArn: string;
  readonly stateKey: KeyRef;
  readonly stateKeyAliasArn: string;
  readonly logKey: KeyRef;
  readonly logKeyAliasArn: string;
}

/**
 * The Terraform state bucket and its access-log bucket, each versioned, SSE-KMS encrypted with its own customer-managed key,
 * public access blocked, TLS 1.2+ only and `prevent_destroy`; the bucket policy confines each `prefixOwners` role to its prefix.
 */
export class StateBucket extends Construct implements StateStorageRef {
  readonly bucket: S3Bucket;
  readonly logBucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly logBucketArn: string;
  /** The customer-managed key of the state objects. */
  readonly stateKey: KeyRef;
  /** `arn:aws:kms:<region>:<account>:alias/<keyAlias>`: what the S3 backend's kms_key_id names. */
  readonly stateKeyAliasArn: string;
  /** The key of the access-log objects (its own, so log readers never hold the state key). */
  readonly logKey: KeyRef;
  readonly logKeyAliasArn: string;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    const logBucketName = `${props.bucketName}${ACCESS_LOG_BUCKET_SUFFIX}`;
    if (!Token.isUnresolved(props.bucketName) && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(logBucketName)) {
      throw new Error(`state bucket: bucketName must be an S3 bucket name short enough for "<bucketName>${ACCESS_LOG_BUCKET_SUFFIX}" (at most ${63 - ACCESS_LOG_BUCKET_SUFFIX.length} characters), got "${props.bucketName}"`);
    }
    const versionDays = props.noncurrentVersionRetentionDays ?? 365;
    if (!Token.isUnresolved(versionDays) && (!Number.isInteger(versionDays) || versionDays < 30 || versionDays > 3650)) {
      throw new Error(`state bucket ${props.bucketName}: noncurrentVersionRetentionDays must be an integer between 30 and 3650, got ${versionDays}`);
    }
    const logDays = props.accessLogRetentionDays ?? 365;
    if (!Token.isUnresolved(logDays) && (!Number.isInteger(logDays) || logDays < 365 || logDays > 3650)) {
      throw new Error(`state bucket ${props.bucketName}: accessLogRetentionDays must be an integer between 365 and 3650 (a year of audit history at least), got ${logDays}`);
    }
    for (const owner of props.prefixOwners ?? []) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(owner.prefix)) {
        throw new Error(`state bucket ${props.bucketName}: prefixOwners prefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "${owner.prefix}"`);
      }
      if (owner.principalArns.length === 0) {
        throw new Error(`state bucket ${props.bucketName}: prefixOwners entry for "${owner.prefix}" must name at least one principal ARN, got none`);
      }
    }

    const stateKey = new EncryptionKey(this, 'key', {
      description: `Terraform state in s3://${props.bucketName}`,
      alias: props.keyAlias,
      accountId: props.accountId,
      region: props.region,
    });
    const logKey = new EncryptionKey(this, 'log-key', {
      description: `S3 server access logs of s3://${props.bucketName}`,
      alias: `${props.keyAlias}-access-logs`,
      accountId: props.accountId,
      region: props.region,
      services: ['s3-access-logs'],
    });
    this.stateKey = stateKey;
    this.logKey = logKey;
    this.stateKeyAliasArn = `arn:aws:kms:${props.region}:${props.accountId}:alias/${props.keyAlias}`;
    this.logKeyAliasArn = `arn:aws:kms:${props.region}:${props.accountId}:alias/${props.keyAlias}-access-logs`;

    // Losing the bucket loses every environment's state: no plan may delete it, and never with its objects.
    this.logBucket = new S3Bucket(this, 'log-bucket', { bucket: logBucketName, forceDestroy: false, lifecycle: { preventDestroy: true } });
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: false, lifecycle: { preventDestroy: true } });
    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.logBucketArn = this.logBucket.arn;

    // PCI-DSS 4.2.1: state and logs only ever travel over TLS 1.2 or later.
    const transport = tlsOnlyStatements;

    this.harden('log', this.logBucket, logKey, [
      ...transport(this.logBucket.arn),
      {
        // Only S3's log delivery, only for the state bucket of this account, may write log objects.
        Sid: 'AllowStateBucketAccessLogDelivery',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${this.logBucket.arn}/*`,
        Condition: { ArnLike: { 'aws:SourceArn': this.bucket.arn }, StringEquals: { 'aws:SourceAccount': props.accountId } },
      },
    ], [
      {
        id: 'expire-access-logs',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        expiration: [{ days: logDays }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ]);

    const isolation: PolicyStatement[] = (props.prefixOwners ?? []).map((owner, i) => ({
      // A CI role of one environment never reads or writes another environment's state (or the bootstrap's own).
      Sid: `ConfinePrincipalsToPrefix${i}`,
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'],
      NotResource: `${this.bucket.arn}/${owner.prefix}/*`,
      Condition: { ArnEquals: { 'aws:PrincipalArn': [...owner.principalArns] } },
    }));
    this.harden('state', this.bucket, stateKey, [...transport(this.bucket.arn), ...isolation], [
      {
        // Versioning keeps every state a plan replaced; a year of it, then the old versions go.
        id: 'expire-noncurrent-state-versions',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        noncurrentVersionExpiration: [{ noncurrentDays: versionDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ]);

    // PCI-DSS 10.2.1: every request to the state bucket, with the caller, into the log bucket.
    new S3BucketLoggingA(this, 'state-access-logging', {
      bucket: this.bucket.id,
      targetBucket: this.logBucket.id,
      targetPrefix: 'state-bucket/',
    });
  }

  /** Versioning, default SSE-KMS with `key`, public access block, ACLs disabled, the policy, EventBridge events, lifecycle. */
  private harden(id: string, bucket: S3Bucket, key: KeyRef, statements: readonly PolicyStatement[], rules: S3BucketLifecycleConfigurationRule[]): void {
    new S3BucketVersioningA(this, `${id}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, `${id}-encryption`, {
      bucket: bucket.id,
      // PCI-DSS 3.5.1: customer-managed key; bucket keys cut KMS calls without changing the key.
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.keyArn }, bucketKeyEnabled: true }],
    });
    // PCI-DSS 1.4.1: no ACL or policy can ever make the bucket or an object public.
    const publicAccess = new S3BucketPublicAccessBlock(this, `${id}-public-access-block`, {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    // ACLs off: the bucket policy and IAM alone decide access (and log delivery uses the policy).
    new S3BucketOwnershipControls(this, `${id}-ownership`, { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPolicy(this, `${id}-policy`, { bucket: bucket.id, policy: policyDocument(statements), dependsOn: [publicAccess] });
    // Every object write and delete is an EventBridge event, for alerting on out-of-pipeline state changes.
    new S3BucketNotification(this, `${id}-events`, { bucket: bucket.id, eventbridge: true });
    new S3BucketLifecycleConfiguration(this, `${id}-lifecycle`, { bucket: bucket.id, rule: rules });
  }
}
