/**
 * Disk encryption set: node OS disks (and CSI-provisioned disks that name
 * it) are encrypted with our key instead of a platform-managed one.
 */
import { Construct } from 'constructs';
import { DiskEncryptionSet as AzureDiskEncryptionSet } from '@cdktf/provider-azurerm/lib/disk-encryption-set';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { KeyRef } from './key-vault';

export interface DiskEncryptionSetProps {
  /** Disk encryption set name. */
  readonly name: string;
  /** Resource group of the disk encryption set. */
  readonly resourceGroupName: string;
  /** Azure region of the set; disks it encrypts must be in the same region. */
  readonly location: string;
  /** Customer-managed Key Vault key the disks are encrypted with; the set follows its rotation (versionless id). */
  readonly key: KeyRef;
  /**
   * Azure tags of the disk encryption set.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A disk encryption set that encrypts node OS disks at rest with a customer-managed key (rotated automatically), and a role
 * assignment that lets its identity wrap and unwrap with that one key only.
 */
export class DiskEncryptionSet extends Construct {
  readonly encryptionSet: AzureDiskEncryptionSet;
  readonly diskEncryptionSetId: string;
  /** Must exist before any disk is created with the set. */
  readonly keyAccess: RoleAssignment;

  constructor(scope: Construct, id: string, props: DiskEncryptionSetProps) {
    super(scope, id);
    this.encryptionSet = new AzureDiskEncryptionSet(this, 'set', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // PCI-DSS 3.5.1: customer-managed key; the versionless id follows key rotation.
      keyVaultKeyId: props.key.versionlessKeyId,
      autoKeyRotationEnabled: true,
      encryptionType: 'EncryptionAtRestWithCustomerKey',
      identity: { type: 'SystemAssigned' },
      tags: props.tags ? { ...props.tags } : undefined,
    });
    // Wrap/unwrap on this one key only.
    this.keyAccess = new RoleAssignment(this, 'key-access', {
      scope: props.key.keyScope,
      roleDefinitionName: 'Key Vault Crypto Service Encryption User',
      principalId: this.encryptionSet.identity.principalId,
      principalType: 'ServicePrincipal',
    });
    this.diskEncryptionSetId = this.encryptionSet.id;
  }
}
