/**
 * Velero's backup bucket on S3 (docs/backups.md): SSE-KMS with its own
 * customer-managed key, versioning, the public access block, ACLs off, a
 * TLS 1.2+-only policy that also refuses objects under any other key, server
 * access logs, and, when asked, S3 Object Lock in COMPLIANCE mode (nobody,
 * root included, can shorten or remove a backup's write-once window) and
 * replication of every backup to a bucket in a second region, hardened the
 * same way with a key of that region. The construct also gives Velero's Pod
 * Identity role exactly the object and key rights it needs on this bucket.
 */
import { type TerraformProvider, TerraformResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketNotification } from '@cdktf/provider-aws/lib/s3-bucket-notification';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { type PolicyStatement, policyDocument, serviceTrustPolicy, tlsOnlyStatements } from './iam';
import { EncryptionKey, type KeyRef } from './kms';

/** The second region's copy: where, and the provider (an aliased AwsProvider of that region) its resources use. */
export interface BackupReplica {
  /** AWS region of the replica bucket and its key; not the platform's own. */
  readonly region: string;
  /** AwsProvider configured for `region` (the stack creates it; a construct never configures providers). */
  readonly provider: TerraformProvider;
}

export interface BackupBucketProps {
  /** Cluster name: prefix of the bucket names and key aliases. */
  readonly name: string;
  /** Account that owns the buckets and keys: part of the bucket names (S3 names are global). */
  readonly accountId: string;
  /** Region of the primary bucket (the cluster's). */
  readonly region: string;
  /** Days Velero keeps its longest-lived backup (the daily full backup's TTL); the replica expires copies a week after it. */
  readonly retentionDays: number;
  /**
   * Days every object version is write-once (S3 Object Lock, COMPLIANCE mode); 0: no Object Lock.
   * Object Lock can only be enabled when the bucket is created.
   * @default 0
   */
  readonly immutabilityDays?: number;
  /**
   * A copy of every backup in a second region (S3 Replication, delete markers not replicated).
   * @default - one region only
   */
  readonly replica?: BackupReplica;
}

/** Suffix of the backup bucket name after the cluster name; the account id follows. */
export const BACKUP_BUCKET_INFIX = '-velero-';

/** Velero's object-store rights on the backup bucket and its key: no bucket configuration, no version deletes, no lock bypass. */
export function veleroBucketStatements(bucketArn: string, keyArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'VeleroBackupObjects',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      Resource: `${bucketArn}/*`,
    },
    { Sid: 'VeleroListBackups', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: bucketArn },
    {
      Sid: 'VeleroBackupKey',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
      Resource: keyArn,
    },
  ];
}


interface HardenedBucketOptions {
  readonly bucketName: string;
  readonly key: KeyRef;
  readonly objectLockDays: number;
  readonly statements: (bucketArn: string) => PolicyStatement[];
  readonly rules: S3BucketLifecycleConfigurationRule[];
  /** Bucket the access logs go to; undefined for a log bucket itself. */
  readonly logTarget?: S3Bucket;
}

/** One bucket with versioning, SSE-KMS, public access block, ACLs off, its policy, EventBridge events, lifecycle and Object Lock. */
class HardenedBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, opts: HardenedBucketOptions) {
    super(scope, id);
    // Losing the bucket loses the backups: no plan may delete it, and never with its objects.
    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: opts.bucketName,
      forceDestroy: false,
      objectLockEnabled: opts.objectLockDays > 0 ? true : undefined,
      lifecycle: { preventDestroy: true },
    });
    const bucketId = this.bucket.id;
    this.versioning = new S3BucketVersioningA(this, 'versioning', { bucket: bucketId, versioningConfiguration: { status: 'Enabled' } });
    if (opts.objectLockDays > 0) {
      // Write-once: every version is locked for objectLockDays; COMPLIANCE cannot be shortened or lifted by anyone.
      new S3BucketObjectLockConfigurationA(this, 'object-lock', {
        bucket: bucketId,
        rule: { defaultRetention: { mode: 'COMPLIANCE', days: opts.objectLockDays } },
        dependsOn: [this.versioning],
      });
    }
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucketId,
      // PCI-DSS 3.5.1: customer-managed key; bucket keys cut KMS calls without changing the key.
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: opts.key.keyArn }, bucketKeyEnabled: true }],
    });
    // PCI-DSS 1.4.1: no ACL or policy can ever make the bucket or an object public.
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: bucketId, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketPolicy(this, 'policy', { bucket: bucketId, policy: policyDocument(opts.statements(this.bucket.arn)), dependsOn: [publicAccess] });
    // Every object write and delete is an EventBridge event (alerting on deletes outside Velero's schedule).
    new S3BucketNotification(this, 'events', { bucket: bucketId, eventbridge: true });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket: bucketId, rule: opts.rules, dependsOn: [this.versioning] });
    if (opts.logTarget) {
      // PCI-DSS 10.2.1: every request to the backups, with the caller, into the log bucket.
      new S3BucketLoggingA(this, 'access-logging', { bucket: bucketId, targetBucket: opts.logTarget.id, targetPrefix: `${opts.bucketName}/` });
    }
  }
}

/**
 * The backup bucket, its access-log bucket, their keys and (with `replica`) the same in a second region with S3 replication:
 * versioned, SSE-KMS, public access blocked, TLS 1.2+ only, `prevent_destroy`, Object Lock COMPLIANCE when `immutabilityDays` > 0.
 */
export class BackupBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The customer-managed key of the backups (Velero's BackupStorageLocation `kmsKeyId`). */
  readonly backupKey: EncryptionKey;
  /** The replica bucket in the second region, when `replica` is set. */
  readonly replicaBucket?: S3Bucket;
  readonly immutabilityDays: number;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const immutabilityDays = props.immutabilityDays ?? 0;
    const known = (v: unknown) => !Token.isUnresolved(v);
    if (known(immutabilityDays) && (!Number.isInteger(immutabilityDays) || immutabilityDays < 0 || immutabilityDays > 3650)) {
      throw new Error(`backup bucket ${props.name}: immutabilityDays must be a whole number of days between 0 and 3650, got ${immutabilityDays}`);
    }
    if (known(props.retentionDays) && (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 3650)) {
      throw new Error(`backup bucket ${props.name}: retentionDays must be a whole number of days between 1 and 3650, got ${props.retentionDays}`);
    }
    if (props.replica && known(props.replica.region) && props.replica.region === props.region) {
      throw new Error(`backup bucket ${props.name}: replica.region must be a second region, not the bucket's own "${props.region}"`);
    }
    const bucketName = `${props.name}${BACKUP_BUCKET_INFIX}${props.accountId}`;
    // The access-log bucket is `<bucket>-logs` and the replica `<bucket>-replica`(-logs): all must fit S3's 63 characters.
    if (known(bucketName) && !/^[a-z0-9][a-z0-9.-]{1,50}[a-z0-9]$/.test(bucketName)) {
      throw new Error(`backup bucket ${props.name}: "${bucketName}" must be a lowercase S3 bucket name of at most 52 characters (its replica's log bucket adds "-replica-logs")`);
    }
    this.immutabilityDays = immutabilityDays;

    const key = (keyId: string, purpose: string, region: string, services: ('s3-access-logs')[] = []) =>
      new EncryptionKey(this, keyId, { description: `${props.name}: ${purpose}`, alias: `${props.name}/${keyId}`, accountId: props.accountId, region, services });
    this.backupKey = key('velero-backups', 'Velero backups', props.region);
    const logKey = key('velero-backup-logs', 'S3 access logs of the Velero backup bucket', props.region, ['s3-access-logs']);

    const logRules: S3BucketLifecycleConfigurationRule[] = [
      {
        id: 'expire-access-logs',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        // PCI-DSS 10.5.1: a year of access history.
        expiration: [{ days: 365 }],
        noncurrentVersionExpiration: [{ noncurrentDays: 30 }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ];
    const logDelivery = (logBucketArn: string, sourceBucketArn: string): PolicyStatement => ({
      Sid: 'AllowBackupBucketAccessLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `${logBucketArn}/*`,
      Condition: { ArnLike: { 'aws:SourceArn': sourceBucketArn }, StringEquals: { 'aws:SourceAccount': props.accountId } },
    });
    const sourceArn = (n: string) => `arn:aws:s3:::${n}`;
    const backupRules = (noncurrentDays: number, currentDays?: number): S3BucketLifecycleConfigurationRule[] => [
      {
        // Velero expires backups itself (TTL); a deleted backup stays a noncurrent version until its lock
        // has run out, then goes. Delete markers left behind are removed.
        id: 'expire-deleted-backups',
        status: 'Enabled',
        filter: [{ prefix: '' }],
        ...(currentDays !== undefined ? { expiration: [{ days: currentDays }] } : { expiration: [{ expiredObjectDeleteMarker: true }] }),
        noncurrentVersionExpiration: [{ noncurrentDays }],
        abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
      },
    ];
    const noncurrentDays = Math.max(immutabilityDays + 1, 7);
    const keyStatement = (bucketArn: string, keyArn: string): PolicyStatement => ({
      // Every object is under the backup key: an upload naming another key (one the writer controls) is refused.
      Sid: 'DenyOtherKmsKeys',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:PutObject',
      Resource: `${bucketArn}/*`,
      Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
    });

    const logBucketName = `${bucketName}-logs`;
    const logs = new HardenedBucket(this, 'logs', {
      bucketName: logBucketName,
      key: logKey,
      objectLockDays: 0,
      statements: (arn) => [...tlsOnlyStatements(arn), logDelivery(arn, sourceArn(bucketName))],
      rules: logRules,
    });
    const primary = new HardenedBucket(this, 'backups', {
      bucketName,
      key: this.backupKey,
      objectLockDays: immutabilityDays,
      statements: (arn) => [...tlsOnlyStatements(arn), keyStatement(arn, this.backupKey.keyArn)],
      rules: backupRules(noncurrentDays),
      logTarget: logs.bucket,
    });
    this.bucket = primary.bucket;
    this.bucketName = primary.bucket.bucket;
    this.bucketArn = primary.bucket.arn;

    if (props.replica) {
      const replicaScope = new Construct(this, 'replica');
      const replicaName = `${bucketName}-replica`;
      const replicaKey = new EncryptionKey(replicaScope, 'velero-backups', {
        description: `${props.name}: Velero backup replicas`,
        alias: `${props.name}/velero-backups-replica`,
        accountId: props.accountId,
        region: props.replica.region,
      });
      const replicaLogKey = new EncryptionKey(replicaScope, 'velero-backup-logs', {
        description: `${props.name}: S3 access logs of the Velero backup replica bucket`,
        alias: `${props.name}/velero-backup-replica-logs`,
        accountId: props.accountId,
        region: props.replica.region,
        services: ['s3-access-logs'],
      });
      const replicaLogs = new HardenedBucket(replicaScope, 'logs', {
        bucketName: `${replicaName}-logs`,
        key: replicaLogKey,
        objectLockDays: 0,
        statements: (arn) => [...tlsOnlyStatements(arn), logDelivery(arn, sourceArn(replicaName))],
        rules: logRules,
      });
      const replica = new HardenedBucket(replicaScope, 'backups', {
        bucketName: replicaName,
        key: replicaKey,
        objectLockDays: immutabilityDays,
        statements: (arn) => [...tlsOnlyStatements(arn), keyStatement(arn, replicaKey.keyArn)],
        // Velero never deletes in the replica (delete markers are not replicated): copies expire a week after their TTL.
        rules: backupRules(noncurrentDays, props.retentionDays + 7),
        logTarget: replicaLogs.bucket,
      });
      // Every resource of the replica lives in the second region.
      for (const child of replicaScope.node.findAll()) {
        if (child instanceof TerraformResource) child.provider = props.replica.provider;
      }
      this.replicaBucket = replica.bucket;

      const role = new IamRole(this, 'replication-role', {
        name: `${props.name}-velero-replication`,
        assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', ['sts:AssumeRole'], props.accountId),
      });
      const rolePolicy = new IamRolePolicy(this, 'replication-policy', {
        role: role.id,
        name: 'replicate-backups',
        policy: policyDocument([
          { Sid: 'ReadSourceConfiguration', Effect: 'Allow', Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'], Resource: this.bucketArn },
          {
            Sid: 'ReadSourceVersions',
            Effect: 'Allow',
            Action: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging', 's3:GetObjectRetention', 's3:GetObjectLegalHold'],
            Resource: `${this.bucketArn}/*`,
          },
          { Sid: 'WriteReplicas', Effect: 'Allow', Action: ['s3:ReplicateObject', 's3:ReplicateTags'], Resource: `${replica.bucket.arn}/*` },
          {
            Sid: 'DecryptSource',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: this.backupKey.keyArn,
            Condition: { StringLike: { 'kms:ViaService': `s3.${props.region}.amazonaws.com` } },
          },
          {
            Sid: 'EncryptReplica',
            Effect: 'Allow',
            Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
            Resource: replicaKey.keyArn,
            Condition: { StringLike: { 'kms:ViaService': `s3.${props.replica.region}.amazonaws.com` } },
          },
        ]),
      });
      new S3BucketReplicationConfigurationA(this, 'replication', {
        bucket: this.bucket.id,
        role: role.arn,
        rule: [
          {
            id: 'second-region-copy',
            status: 'Enabled',
            priority: 1,
            filter: { prefix: '' },
            // A backup deleted in the primary (by Velero's TTL, or by an attacker) stays in the replica.
            deleteMarkerReplication: { status: 'Disabled' },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
            destination: {
              bucket: replica.bucket.arn,
              storageClass: 'STANDARD',
              encryptionConfiguration: { replicaKmsKeyId: replicaKey.keyArn },
            },
          },
        ],
        dependsOn: [primary.versioning, replica.versioning, rolePolicy],
      });
    }
  }
}
