/**
 * The GCS bucket that holds Terraform state, with exactly the properties
 * docs/runbooks.md section 1 lists: uniform bucket-level access, versioning, a
 * customer-managed Cloud KMS default key, and public access prevention
 * enforced; plus Data Access audit logs of every object read and write.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';

/**
 * Cloud Storage Data Access audit logs of a project (PCI-DSS 4.0 10.2.1): every object read and write
 * with the caller. Authoritative per project and service, so every stack that sets it in a project
 * (the state bootstrap stack, the platform stack's backup bucket) sets exactly this.
 */
export const STORAGE_DATA_ACCESS_AUDIT = {
  service: 'storage.googleapis.com',
  auditLogConfig: [{ logType: 'ADMIN_READ' }, { logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
};
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { CryptoKey, KeyRing } from './kms';
import { assertResourceName } from './validation';

export interface StateBucketProps {
  /** Globally unique bucket name. */
  readonly bucketName: string;
  /** Project of the bucket, its key and the audit configuration. */
  readonly project: string;
  /** Region of the bucket and its key (a CMEK must live where the bucket does). */
  readonly location: string;
  /** Key ring of the state key (Cloud KMS never deletes a ring: choose it once). */
  readonly keyRingName: string;
  /** The state key inside the ring (`stateBackend.kmsEncryptionKey` names ring and key). */
  readonly keyName: string;
  /**
   * Days a replaced or deleted state version is kept (30-3650).
   * @default 365 - a year of state history to roll back to
   */
  readonly noncurrentVersionRetentionDays?: number;
  /**
   * Days a deleted object stays restorable by soft delete (7-90).
   * @default 30
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Labels of the bucket and key.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * The Terraform state bucket: uniform bucket-level access, public access prevention enforced, versioning, soft delete, a
 * Cloud KMS default key of its own and `prevent_destroy`, plus Data Access audit logs of every object read and write.
 */
export class StateBucket extends Construct {
  readonly bucket: StorageBucket;
  readonly bucketName: string;
  readonly keyRing: KeyRing;
  readonly stateKey: CryptoKey;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.bucketName) && !/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(props.bucketName)) {
      throw new Error(`state bucket: bucketName must be a GCS bucket name (3-63 lowercase letters, digits, ., _ and -), got "${props.bucketName}"`);
    }
    assertResourceName('state bucket location', props.location);
    const versionDays = props.noncurrentVersionRetentionDays ?? 365;
    if (!Token.isUnresolved(versionDays) && (!Number.isInteger(versionDays) || versionDays < 30 || versionDays > 3650)) {
      throw new Error(`state bucket ${props.bucketName}: noncurrentVersionRetentionDays must be an integer between 30 and 3650, got ${versionDays}`);
    }
    const softDeleteDays = props.softDeleteRetentionDays ?? 30;
    if (!Token.isUnresolved(softDeleteDays) && (!Number.isInteger(softDeleteDays) || softDeleteDays < 7 || softDeleteDays > 90)) {
      throw new Error(`state bucket ${props.bucketName}: softDeleteRetentionDays must be an integer between 7 and 90, got ${softDeleteDays}`);
    }
    const labels = props.labels ? { ...props.labels } : undefined;

    // Cloud Storage's service agent encrypts and decrypts with the key on the callers' behalf:
    // it alone holds the key grant, the CI identities need none.
    const agent = new DataGoogleStorageProjectServiceAccount(this, 'storage-agent', { project: props.project, dependsOn: props.dependsOn ? [...props.dependsOn] : undefined });
    this.keyRing = new KeyRing(this, 'key-ring', { name: props.keyRingName, project: props.project, location: props.location, dependsOn: props.dependsOn });
    this.stateKey = new CryptoKey(this, 'state-key', {
      keyRing: this.keyRing,
      name: props.keyName,
      grants: [{ id: 'storage-agent', member: agent.member }],
      labels,
    });

    this.bucket = new StorageBucket(this, 'bucket', {
      name: props.bucketName,
      project: props.project,
      location: props.location.toUpperCase(),
      // IAM alone decides access: no object ACLs. PCI-DSS 1.4.1: never public, whatever IAM says.
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      // Every state a plan replaced stays readable as a noncurrent version.
      versioning: { enabled: true },
      // PCI-DSS 3.5.1: customer-managed key by default for every object.
      encryption: { defaultKmsKeyName: this.stateKey.keyId },
      softDeletePolicy: { retentionDurationSeconds: softDeleteDays * 86_400 },
      lifecycleRule: [
        { action: { type: 'Delete' }, condition: { withState: 'ARCHIVED', daysSinceNoncurrentTime: versionDays } },
        { action: { type: 'AbortIncompleteMultipartUpload' }, condition: { age: 7 } },
      ],
      forceDestroy: false,
      labels,
      // The key grant must exist before the bucket can default to the key.
      dependsOn: [this.stateKey.grants['storage-agent']],
      // Losing the bucket loses every environment's state: no plan may delete it.
      lifecycle: { preventDestroy: true },
    });
    this.bucketName = this.bucket.name;

    // PCI-DSS 10.2.1: Data Access audit logs of Cloud Storage in this project: every object read and
    // write, with the caller's identity (GCS usage logs carry less and need a second, unlogged bucket).
    new ProjectIamAuditConfig(this, 'storage-audit-logs', { project: props.project, ...STORAGE_DATA_ACCESS_AUDIT });
  }
}
