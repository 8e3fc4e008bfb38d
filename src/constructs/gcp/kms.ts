/**
 * Cloud KMS: one key ring per cluster and one key per purpose (secrets in
 * etcd, node boot disks, Vault auto-unseal), so revoking or auditing one use
 * never touches the others. Keys rotate every 90 days, live in an HSM and can
 * never be destroyed by Terraform.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { assertResourceName } from './validation';

/** 90 days: PCI-DSS 4.0 3.6.1 / 3.7.4 cryptoperiod for data-encryption keys. */
export const DEFAULT_ROTATION_PERIOD_SECONDS = 7_776_000;

/** Role that lets a principal encrypt and decrypt with one key, nothing else. */
export const KMS_ENCRYPTER_DECRYPTER_ROLE = 'roles/cloudkms.cryptoKeyEncrypterDecrypter';

/** How other constructs refer to a key: never a raw id threaded through layers. */
export interface KeyRef {
  /** Full key id: `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`. */
  readonly keyId: string;
  /** Short key name inside its ring. */
  readonly keyName: string;
}

export interface KeyRingProps {
  /** Key ring name (immutable: Cloud KMS never deletes a key ring). */
  readonly name: string;
  /** GCP project ID of the key ring. */
  readonly project: string;
  /** Region of the ring; GKE and Compute need keys in the cluster's region. */
  readonly location: string;
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** A Cloud KMS key ring in the cluster's region, with `prevent_destroy` (Cloud KMS never deletes a ring; a destroy would orphan it). */
export class KeyRing extends Construct {
  readonly keyRing: KmsKeyRing;
  readonly keyRingId: string;
  readonly keyRingName: string;
  readonly location: string;

  constructor(scope: Construct, id: string, props: KeyRingProps) {
    super(scope, id);
    assertResourceName('kms key ring name', props.name);
    this.keyRing = new KmsKeyRing(this, 'ring', {
      name: props.name,
      project: props.project,
      location: props.location,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    // A key ring cannot be deleted in Cloud KMS: a destroy would only orphan it in state.
    this.keyRing.lifecycle = { preventDestroy: true };
    this.keyRingId = this.keyRing.id;
    this.keyRingName = this.keyRing.name;
    this.location = props.location;
  }
}

/** One IAM grant on a key. */
export interface KeyGrant {
  /** Stable construct id of the binding (e.g. `gke-service-agent`). */
  readonly id: string;
  /** IAM member, e.g. `serviceAccount:service-123@container-engine-robot.iam.gserviceaccount.com`. */
  readonly member: string;
  /** @default 'roles/cloudkms.cryptoKeyEncrypterDecrypter' */
  readonly role?: string;
}

export interface CryptoKeyProps {
  /** The ring the key is created in; the key shares its project and location. */
  readonly keyRing: KeyRing;
  /** Key name inside the ring. */
  readonly name: string;
  /**
   * Automatic rotation period in seconds (at least one day).
   * @default 7776000 - 90 days
   */
  readonly rotationPeriodSeconds?: number;
  /**
   * Where key material lives.
   * @default 'HSM' - FIPS 140-2 Level 3 hardware, key material never leaves it
   */
  readonly protectionLevel?: 'HSM' | 'SOFTWARE';
  /**
   * Days a destroyed key version stays recoverable.
   * @default 30
   */
  readonly destroyScheduledDays?: number;
  /**
   * Principals allowed to use the key. Grants are per key (never on the ring
   * or project), so each service reaches exactly one key.
   * @default - none
   */
  readonly grants?: readonly KeyGrant[];
  /**
   * GCP labels of the key.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A symmetric ENCRYPT_DECRYPT key with rotation, HSM protection and `prevent_destroy`. */
export class CryptoKey extends Construct implements KeyRef {
  readonly key: KmsCryptoKey;
  readonly keyId: string;
  readonly keyName: string;
  readonly grants: Readonly<Record<string, KmsCryptoKeyIamMember>>;

  constructor(scope: Construct, id: string, props: CryptoKeyProps) {
    super(scope, id);
    assertResourceName('kms crypto key name', props.name);
    const rotation = props.rotationPeriodSeconds ?? DEFAULT_ROTATION_PERIOD_SECONDS;
    if (!Token.isUnresolved(rotation) && (!Number.isInteger(rotation) || rotation < 86_400 || rotation > DEFAULT_ROTATION_PERIOD_SECONDS)) {
      throw new Error(
        `kms crypto key ${props.name}: rotationPeriodSeconds must be an integer between 86400 (1 day) and ${DEFAULT_ROTATION_PERIOD_SECONDS} (90 days), got ${rotation}`,
      );
    }
    const destroyDays = props.destroyScheduledDays ?? 30;
    if (!Token.isUnresolved(destroyDays) && (!Number.isInteger(destroyDays) || destroyDays < 1 || destroyDays > 120)) {
      throw new Error(`kms crypto key ${props.name}: destroyScheduledDays must be an integer between 1 and 120, got ${destroyDays}`);
    }

    this.key = new KmsCryptoKey(this, 'key', {
      name: props.name,
      keyRing: props.keyRing.keyRingId,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: `${rotation}s`,
      destroyScheduledDuration: `${destroyDays * 86_400}s`,
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: props.protectionLevel ?? 'HSM' },
      labels: props.labels ? { ...props.labels } : undefined,
    });
    // Destroying the key makes every secret, disk and Vault barrier it protects unreadable.
    this.key.lifecycle = { preventDestroy: true };
    this.keyId = this.key.id;
    this.keyName = this.key.name;

    const grants: Record<string, KmsCryptoKeyIamMember> = {};
    for (const grant of props.grants ?? []) {
      if (grants[grant.id]) throw new Error(`kms crypto key ${props.name}: duplicate grant id "${grant.id}"`);
      if (!Token.isUnresolved(grant.member) && !/^(serviceAccount|group|user|principal|principalSet):\S+$/.test(grant.member)) {
        throw new Error(`kms crypto key ${props.name}: grant ${grant.id} member must be an IAM member such as serviceAccount:name@project.iam.gserviceaccount.com, got "${grant.member}"`);
      }
      // Member (not binding) resources: additive, so they never strip grants made elsewhere.
      grants[grant.id] = new KmsCryptoKeyIamMember(this, grant.id, {
        cryptoKeyId: this.keyId,
        member: grant.member,
        role: grant.role ?? KMS_ENCRYPTER_DECRYPTER_ROLE,
      });
    }
    this.grants = grants;
  }
}
