/**
 * Velero's backup storage on Azure (docs/backups.md): a geo-zone-redundant
 * storage account (every backup is copied to the location's paired region)
 * encrypted with a customer-managed key from the platform Key Vault,
 * reachable only through a private endpoint, with no shared keys, no local
 * users and no public blobs, blob versioning and soft delete, and, when asked,
 * a locked version-level immutability policy (write-once backups). One private
 * container holds the backups; Velero's federated identity may read and write
 * blobs in that container and nothing else.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import type { ServiceAccountRef } from '../contract';
import { BLOB_AUDIT_LOG_CATEGORIES } from './flow-log';
import { ManagedIdentity } from './identity';
import type { KeyRef } from './key-vault';
import { Diagnostics, type WorkspaceRef } from './logging';
import { PrivateLink, type PrivateDnsZoneRef } from './private-link';
import { HARDENED_STORAGE_ACCOUNT } from './storage-defaults';

/** The container Velero's BackupStorageLocation names. */
export const BACKUP_CONTAINER_NAME = 'velero';

/** Built-in data-plane role: read, write and delete blobs (no account keys, no management plane). */
export const BLOB_DATA_CONTRIBUTOR_ROLE = 'Storage Blob Data Contributor';

export interface BackupStorageProps {
  /** Cluster name: part of the identities' names. */
  readonly name: string;
  /** Globally unique storage account name (3-24 lowercase letters and digits). */
  readonly storageAccountName: string;
  /** Resource group of the account, its identities and private endpoint. */
  readonly resourceGroupName: string;
  /** Azure region of the account (its GZRS copy is in the paired region). */
  readonly location: string;
  /** Customer-managed key of the account (RSA, wrapKey/unwrapKey); the versionless id follows rotations. */
  readonly encryptionKey: KeyRef;
  /** Subnet of the account's private endpoint. */
  readonly privateEndpointSubnetId: string;
  /** VNet the privatelink.blob.core.windows.net zone is linked to (when this construct creates the zone). */
  readonly virtualNetworkId: string;
  /**
   * The VNet's existing privatelink.blob.core.windows.net zone (one zone per name per VNet).
   * @default - a zone is created and linked to `virtualNetworkId`
   */
  readonly blobDnsZone?: PrivateDnsZoneRef;
  /** Workspace of the blob audit log: every read, write and delete with the caller (PCI-DSS 10.2.1). */
  readonly workspace: WorkspaceRef;
  /** OIDC issuer of the cluster: Velero's service account is federated with its identity. */
  readonly oidcIssuerUrl: string;
  /** Velero's Kubernetes service account, the only one federated with the identity. */
  readonly serviceAccount: ServiceAccountRef;
  /**
   * Days every blob version is write-once (locked version-level immutability); 0: none.
   * @default 0
   */
  readonly immutabilityDays?: number;
  /**
   * Azure tags.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A GZRS storage account and private container for Velero, CMK-encrypted, private-endpoint only, Entra ID only, versioned,
 * soft-deleted, write-once when `immutabilityDays` > 0, with Velero's workload identity scoped to the container.
 */
export class BackupStorage extends Construct {
  readonly storageAccount: StorageAccount;
  readonly container: StorageContainer;
  readonly veleroIdentity: ManagedIdentity;
  readonly immutabilityDays: number;

  constructor(scope: Construct, id: string, props: BackupStorageProps) {
    super(scope, id);
    const immutabilityDays = props.immutabilityDays ?? 0;
    if (!Token.isUnresolved(immutabilityDays) && (!Number.isInteger(immutabilityDays) || immutabilityDays < 0 || immutabilityDays > 3650)) {
      throw new Error(`backup storage ${props.name}: immutabilityDays must be a whole number of days between 0 and 3650, got ${immutabilityDays}`);
    }
    if (!Token.isUnresolved(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      throw new Error(`backup storage ${props.name}: storageAccountName must be 3-24 lowercase letters and digits, got "${props.storageAccountName}"`);
    }
    this.immutabilityDays = immutabilityDays;
    const tags = props.tags ? { ...props.tags } : undefined;

    // The account must hold its key before it exists: a user-assigned identity granted on that one key.
    const storageIdentity = new ManagedIdentity(this, 'storage-identity', {
      name: `id-${props.name}-backups`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      grants: [{ id: 'key', scope: props.encryptionKey.keyScope, roleName: 'Key Vault Crypto Service Encryption User' }],
      tags,
    });

    this.storageAccount = new StorageAccount(this, 'storage', {
      name: props.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // HARDENED_STORAGE_ACCOUNT: StorageV2, GZRS, TLS 1.2+, no public blobs, Entra ID only.
      // Zone-redundant, and copied to the paired region: backups survive a zone and a region loss.
      // Entra ID only: no account keys, SAS from keys or SFTP local users that bypass RBAC and its audit trail.
      ...HARDENED_STORAGE_ACCOUNT,
      localUserEnabled: false,
      infrastructureEncryptionEnabled: true,
      // Private endpoint only: no public network path.
      publicNetworkAccessEnabled: false,
      // No public path (public network access off); the trusted-service bypass only ever applies to a public
      // path, so it stays at Azure's default and every network rule denies.
      networkRules: { defaultAction: 'Deny', bypass: ['AzureServices'] },
      identity: { type: 'UserAssigned', identityIds: [storageIdentity.identityId] },
      // PCI-DSS 3.5.1: customer-managed key, following new key versions automatically.
      customerManagedKey: { keyVaultKeyId: props.encryptionKey.versionlessKeyId, userAssignedIdentityId: storageIdentity.identityId },
      blobProperties: {
        // Version-level immutability needs versioning; a deleted or overwritten backup stays a version.
        versioningEnabled: true,
        deleteRetentionPolicy: { days: 30 },
        containerDeleteRetentionPolicy: { days: 30 },
      },
      // Write-once backups: each version is immutable for immutabilityDays; locked, so nobody can shorten it.
      immutabilityPolicy:
        immutabilityDays > 0 ? { allowProtectedAppendWrites: false, state: 'Locked', periodSinceCreationInDays: immutabilityDays } : undefined,
      tags,
      dependsOn: [storageIdentity.assignments.key],
      // Losing the account loses the backups: no plan may delete it.
      lifecycle: { preventDestroy: true },
    });

    // Management-plane create (storage_account_id): works although the data plane is private-endpoint only.
    this.container = new StorageContainer(this, 'container', {
      name: BACKUP_CONTAINER_NAME,
      storageAccountId: this.storageAccount.id,
      containerAccessType: 'private',
    });

    new PrivateLink(this, 'private-link', {
      name: props.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: this.storageAccount.id,
      subresource: 'blob',
      dnsZoneName: 'privatelink.blob.core.windows.net',
      subnetId: props.privateEndpointSubnetId,
      virtualNetworkId: props.virtualNetworkId,
      dnsZone: props.blobDnsZone,
      tags: props.tags,
    });

    // PCI-DSS 10.2.1: every read, write and delete of a backup, with the caller's identity.
    new Diagnostics(this, 'blob-diagnostics', {
      targetResourceId: `${this.storageAccount.id}/blobServices/default`,
      workspace: props.workspace,
      categories: BLOB_AUDIT_LOG_CATEGORIES,
      metrics: false,
    });

    // Velero: blob data rights on its one container, federated with exactly velero/velero of this cluster.
    this.veleroIdentity = new ManagedIdentity(this, 'velero-identity', {
      name: `id-${props.name}-velero`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      grants: [{ id: 'backup-container', scope: `${this.storageAccount.id}/blobServices/default/containers/${BACKUP_CONTAINER_NAME}`, roleName: BLOB_DATA_CONTRIBUTOR_ROLE }],
      federation: { issuerUrl: props.oidcIssuerUrl, serviceAccount: props.serviceAccount },
      tags,
    });
  }
}
