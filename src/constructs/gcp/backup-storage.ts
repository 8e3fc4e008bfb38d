/**
 * Velero's backup bucket on Cloud Storage (docs/backups.md): CMEK with its own
 * Cloud KMS key, uniform bucket-level access, public access prevention, soft
 * delete, and either Object Versioning (dev, staging) or a locked retention
 * policy (write-once backups; Cloud Storage does not allow both on one
 * bucket). With a second region the bucket is a configurable dual-region
 * with turbo replication (every object in both regions within 15 minutes),
 * and its key lives in the matching Cloud KMS multi-region. Velero's Google
 * service account may manage objects in this bucket only, and only
 * velero/velero of this cluster may act as it.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import type { ServiceAccountRef } from '../contract';
import { GoogleServiceAccount, WorkloadIdentityBinding } from './identity';
import { CryptoKey, KeyRing } from './kms';
import { STORAGE_DATA_ACCESS_AUDIT } from './state-bucket';

/** Object create, read, list and delete in one bucket; no bucket IAM or retention changes. */
export const STORAGE_OBJECT_ADMIN_ROLE = 'roles/storage.objectAdmin';
/** Signs the download URLs `velero backup logs/describe` use, as Velero's own account only. */
export const TOKEN_CREATOR_ROLE = 'roles/iam.serviceAccountTokenCreator';

/** The Cloud Storage multi-region (and its Cloud KMS location) a configurable dual-region lies in. */
const MULTI_REGIONS: ReadonlyArray<[prefix: string, storage: string, kms: string]> = [
  ['europe-', 'EU', 'europe'],
  ['us-', 'US', 'us'],
  ['asia-', 'ASIA', 'asia'],
];

export interface BackupBucketProps {
  /** Cluster name (at most 22 characters): prefix of the bucket, key ring and service account. */
  readonly name: string;
  /** GCP project ID of the bucket, key ring and service account. */
  readonly project: string;
  /** The cluster's region: the bucket's (first) region. */
  readonly region: string;
  /** Days the longest-lived backup is kept; objects older than a week beyond it are deleted (Velero normally has already). */
  readonly retentionDays: number;
  /**
   * Days every object is write-once (locked retention policy; Object Versioning is then off); 0: versioning instead.
   * @default 0
   */
  readonly immutabilityDays?: number;
  /**
   * Second region of a configurable dual-region bucket, in the same multi-region as `region`.
   * @default - a regional bucket
   */
  readonly secondaryRegion?: string;
  /** The cluster's workload pool, `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  /** Velero's Kubernetes service account. */
  readonly serviceAccount: ServiceAccountRef;
  /**
   * Resources that must exist first: API enablements (first), the cluster for the workload identity binding.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /** The cluster: its creation creates the workload pool the binding names. */
  readonly cluster: ITerraformDependable;
  /**
   * GCP labels.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Velero's CMEK backup bucket (versioned, or write-once under a locked retention policy; dual-region with a second region),
 * its key ring and key, the Data Access audit config, and Velero's Google service account scoped to the bucket.
 */
export class BackupBucket extends Construct {
  readonly bucket: StorageBucket;
  readonly bucketName: string;
  readonly backupKey: CryptoKey;
  readonly veleroServiceAccount: GoogleServiceAccount;
  readonly immutabilityDays: number;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    const immutabilityDays = props.immutabilityDays ?? 0;
    if (!Token.isUnresolved(immutabilityDays) && (!Number.isInteger(immutabilityDays) || immutabilityDays < 0 || immutabilityDays > 3650)) {
      throw new Error(`backup bucket ${props.name}: immutabilityDays must be a whole number of days between 0 and 3650, got ${immutabilityDays}`);
    }
    if (!Token.isUnresolved(props.retentionDays) && (!Number.isInteger(props.retentionDays) || props.retentionDays < 1 || props.retentionDays > 3650)) {
      throw new Error(`backup bucket ${props.name}: retentionDays must be a whole number of days between 1 and 3650, got ${props.retentionDays}`);
    }
    let multiRegion: [string, string, string] | undefined;
    if (props.secondaryRegion !== undefined) {
      const primary = MULTI_REGIONS.find(([prefix]) => props.region.startsWith(prefix));
      if (!primary || !props.secondaryRegion.startsWith(primary[0]) || props.secondaryRegion === props.region) {
        throw new Error(
          `backup bucket ${props.name}: secondaryRegion must be another region of the same multi-region as "${props.region}" (europe-*, us-* or asia-*), got "${props.secondaryRegion}"`,
        );
      }
      multiRegion = primary;
    }
    const bucketName = `${props.name}-velero-${props.project}`;
    if (!Token.isUnresolved(bucketName) && !/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/.test(bucketName)) {
      throw new Error(`backup bucket ${props.name}: "${bucketName}" must be a GCS bucket name of at most 63 lowercase letters, digits, _ and -`);
    }
    this.immutabilityDays = immutabilityDays;
    const labels = props.labels ? { ...props.labels } : undefined;
    const dependsOn = props.dependsOn ? [...props.dependsOn] : undefined;

    // Cloud Storage's service agent encrypts and decrypts on Velero's behalf: it alone holds the key grant.
    const agent = new DataGoogleStorageProjectServiceAccount(this, 'storage-agent', { project: props.project, dependsOn });
    // A dual-region bucket's key lives in the Cloud KMS multi-region that contains both regions.
    const keyRing = new KeyRing(this, 'key-ring', {
      name: `${props.name}-velero`,
      project: props.project,
      location: multiRegion ? multiRegion[2] : props.region,
      dependsOn: props.dependsOn,
    });
    this.backupKey = new CryptoKey(this, 'backup-key', {
      keyRing,
      name: 'velero-backups',
      labels,
      grants: [{ id: 'storage-agent', member: agent.member }],
    });

    this.bucket = new StorageBucket(this, 'bucket', {
      name: bucketName,
      project: props.project,
      location: multiRegion ? multiRegion[1] : props.region.toUpperCase(),
      // Both regions hold every object; turbo replication: within 15 minutes (RPO of a regional loss).
      customPlacementConfig: multiRegion ? { dataLocations: [props.region.toUpperCase(), props.secondaryRegion!.toUpperCase()] } : undefined,
      rpo: multiRegion ? 'ASYNC_TURBO' : undefined,
      // IAM alone decides access: no object ACLs. PCI-DSS 1.4.1: never public, whatever IAM says.
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      // PCI-DSS 3.5.1: customer-managed key by default for every object.
      encryption: { defaultKmsKeyName: this.backupKey.keyId },
      // Cloud Storage refuses versioning next to a retention policy: write-once buckets are not versioned.
      versioning: { enabled: immutabilityDays === 0 },
      // Write-once: no object can be deleted or replaced before it is immutabilityDays old; locked, so
      // the period can never be shortened or removed (not even by the project owner).
      retentionPolicy: immutabilityDays > 0 ? { retentionPeriod: immutabilityDays * 86_400, isLocked: true } : undefined,
      // A deleted backup stays recoverable for a week.
      softDeletePolicy: { retentionDurationSeconds: 7 * 86_400 },
      lifecycleRule: [
        { action: { type: 'Delete' }, condition: { withState: 'ARCHIVED', daysSinceNoncurrentTime: 7 } },
        // Velero expires backups by their TTL; anything a week past the longest TTL is an orphan.
        { action: { type: 'Delete' }, condition: { age: props.retentionDays + 7 } },
        { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 7 } },
      ],
      forceDestroy: false,
      labels,
      dependsOn: [this.backupKey.grants['storage-agent']],
      // Losing the bucket loses the backups: no plan may delete it.
      lifecycle: { preventDestroy: true },
    });
    this.bucketName = this.bucket.name;

    // PCI-DSS 10.2.1: Data Access audit logs of Cloud Storage in the project: every backup read and
    // write with the caller. The same (authoritative) setting as the state bootstrap stack's in a
    // project holding both, so the two stacks never undo each other.
    new ProjectIamAuditConfig(this, 'storage-audit-logs', { project: props.project, ...STORAGE_DATA_ACCESS_AUDIT, dependsOn });

    this.veleroServiceAccount = new GoogleServiceAccount(this, 'velero-identity', {
      accountId: `${props.name}-velero`,
      project: props.project,
      displayName: `Velero backups (${props.name})`,
      description: 'Used only by the velero/velero Kubernetes service account to write and read backups in its bucket.',
      dependsOn: props.dependsOn,
    });
    // Objects of this bucket only (volume snapshots are CSI snapshots taken by the PD CSI driver).
    new StorageBucketIamMember(this, 'velero-objects', { bucket: this.bucket.name, role: STORAGE_OBJECT_ADMIN_ROLE, member: this.veleroServiceAccount.member });
    // signBlob on itself only: the signed URLs of `velero backup download/logs`.
    new ServiceAccountIamMember(this, 'velero-sign-self', {
      serviceAccountId: this.veleroServiceAccount.accountName,
      role: TOKEN_CREATOR_ROLE,
      member: this.veleroServiceAccount.member,
    });
    new WorkloadIdentityBinding(this, 'velero-workload-identity', {
      googleServiceAccount: this.veleroServiceAccount,
      workloadPool: props.workloadPool,
      serviceAccount: props.serviceAccount,
      dependsOn: [props.cluster],
    });
  }
}
