/**
 * VNet flow logs (the successor of NSG flow logs, which Azure no longer
 * creates) to a storage account encrypted with a customer-managed key, and
 * traffic analytics into the platform's Log Analytics workspace.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { NetworkWatcherFlowLog } from '@cdktf/provider-azurerm/lib/network-watcher-flow-log';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { ManagedIdentity } from './identity';
import type { KeyRef } from './key-vault';
import { Diagnostics, type WorkspaceRef } from './logging';
import { PrivateLink, type PrivateDnsZoneRef } from './private-link';
import { HARDENED_STORAGE_ACCOUNT } from './storage-defaults';

export interface FlowLogsProps {
  /** Prefix of resource names. */
  readonly name: string;
  /** Globally unique storage account name, 3-24 lowercase letters and digits. */
  readonly storageAccountName: string;
  /** Resource group of the storage account, its identity and private endpoint (the flow log itself lives in the Network Watcher's). */
  readonly resourceGroupName: string;
  /** Azure region of the VNet, the storage account and the flow log. */
  readonly location: string;
  /** The VNet whose flows are logged; the blob private DNS zone is linked to it too. */
  readonly virtualNetworkId: string;
  /** Customer-managed key of the log storage account. */
  readonly storageKey: KeyRef;
  /** Workspace of the traffic analytics (every 10 minutes) and of the audit log of every access to the flow-log blobs. */
  readonly workspace: WorkspaceRef;
  /** Subnet of the storage account's blob private endpoint (investigators read logs privately). */
  readonly privateEndpointSubnetId: string;
  /**
   * The blob privatelink zone, when another blob endpoint in the VNet already created and linked it.
   * @default - creates privatelink.blob.core.windows.net and links it to the VNet
   */
  readonly blobDnsZone?: PrivateDnsZoneRef;
  /**
   * Days flow records are kept (365-3650).
   * @default 365 - PCI-DSS 10.5.1: a year of history
   */
  readonly retentionDays?: number;
  /**
   * Network Watcher of the region. Azure creates one per region and subscription.
   * @default 'NetworkWatcher_<location>'
   */
  readonly networkWatcherName?: string;
  /** @default 'NetworkWatcherRG' */
  readonly networkWatcherResourceGroupName?: string;
  /**
   * Azure tags of the storage account, its identity and private endpoint, and the flow log.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * Blob resource-log categories of the flow-log account (StorageBlobLogs): every read,
 * write and delete request, with the caller's identity.
 */
export const BLOB_AUDIT_LOG_CATEGORIES = ['StorageRead', 'StorageWrite', 'StorageDelete'] as const;

/**
 * VNet flow logs with traffic analytics, kept in a geo-redundant storage account with no shared keys, no TLS below 1.2 and a
 * firewall that admits only trusted Azure services, encrypted with a customer-managed key, read privately, and audit-logged itself.
 */
export class FlowLogs extends Construct {
  readonly storageAccount: StorageAccount;
  /** Diagnostic setting recording access to the flow-log blobs. */
  readonly blobDiagnostics: Diagnostics;
  readonly flowLog: NetworkWatcherFlowLog;
  /** The storage account's private endpoint and its privatelink.blob.core.windows.net zone (other storage accounts of the VNet reuse the zone). */
  readonly privateLink: PrivateLink;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    if (!Token.isUnresolved(retentionDays) && (!Number.isInteger(retentionDays) || retentionDays < 365 || retentionDays > 3650)) {
      throw new Error(`flow logs ${props.name}: retentionDays must be an integer between 365 and 3650 (one year of history at least), got ${retentionDays}`);
    }
    if (!Token.isUnresolved(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      throw new Error(`flow logs ${props.name}: storageAccountName must be 3-24 lowercase letters and digits, got "${props.storageAccountName}"`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;

    // The account must hold its key before it exists: a user-assigned identity granted on that one key.
    const identity = new ManagedIdentity(this, 'storage-identity', {
      name: `id-${props.name}-flow-logs`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      grants: [{ id: 'key', scope: props.storageKey.keyScope, roleName: 'Key Vault Crypto Service Encryption User' }],
      tags,
    });

    this.storageAccount = new StorageAccount(this, 'storage', {
      name: props.storageAccountName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      // HARDENED_STORAGE_ACCOUNT: StorageV2, GZRS, TLS 1.2+, no public blobs, Entra ID only.
      // Zone- and geo-redundant: flow logs are audit evidence that must survive a regional loss.
      // Entra ID only for people; Network Watcher writes as a trusted Azure service.
      ...HARDENED_STORAGE_ACCOUNT,
      infrastructureEncryptionEnabled: true,
      // Reachable only by trusted Azure services (Network Watcher); every other network is denied.
      networkRules: { defaultAction: 'Deny', bypass: ['AzureServices', 'Logging', 'Metrics'] },
      identity: { type: 'UserAssigned', identityIds: [identity.identityId] },
      // PCI-DSS 3.5.1: customer-managed key, following new key versions automatically.
      customerManagedKey: { keyVaultKeyId: props.storageKey.versionlessKeyId, userAssignedIdentityId: identity.identityId },
      blobProperties: {
        versioningEnabled: true,
        deleteRetentionPolicy: { days: 30 },
        containerDeleteRetentionPolicy: { days: 30 },
      },
      tags,
      dependsOn: [identity.assignments.key],
    });

    // PCI-DSS 10.2.1/10.3.2: access to audit logs is itself logged. Blob resource logs are
    // configured on the blob service child resource, not on the account; no metrics, which
    // carry no caller identity.
    this.blobDiagnostics = new Diagnostics(this, 'blob-diagnostics', {
      targetResourceId: `${this.storageAccount.id}/blobServices/default`,
      workspace: props.workspace,
      categories: BLOB_AUDIT_LOG_CATEGORIES,
      metrics: false,
    });

    this.privateLink = new PrivateLink(this, 'private-link', {
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

    this.flowLog = new NetworkWatcherFlowLog(this, 'flow-log', {
      name: `fl-${props.name}-vnet`,
      networkWatcherName: props.networkWatcherName ?? `NetworkWatcher_${props.location}`,
      resourceGroupName: props.networkWatcherResourceGroupName ?? 'NetworkWatcherRG',
      location: props.location,
      targetResourceId: props.virtualNetworkId,
      storageAccountId: this.storageAccount.id,
      enabled: true,
      version: 2,
      // PCI-DSS 10.5.1: keep network evidence for a year.
      retentionPolicy: { enabled: true, days: retentionDays },
      trafficAnalytics: {
        enabled: true,
        workspaceId: props.workspace.workspaceGuid,
        workspaceRegion: props.workspace.location,
        workspaceResourceId: props.workspace.workspaceId,
        intervalInMinutes: 10,
      },
      tags,
    });
  }
}
