/**
 * The storage account that holds Terraform state, with exactly the properties
 * docs/runbooks.md section 1 lists: shared-key access disabled (state is read
 * with Entra ID), TLS 1.2 minimum, blob versioning and soft delete, a
 * customer-managed key from a Key Vault key, a private endpoint and public
 * network access disabled; and its container. Around it, what those need: a
 * small state VNet for the private endpoints (with its flow log), the Key
 * Vault, a log workspace for the vault's and blobs' audit logs, and
 * CanNotDelete locks.
 */
import { Token, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ManagementLock } from '@cdktf/provider-azurerm/lib/management-lock';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import { StorageContainer } from '@cdktf/provider-azurerm/lib/storage-container';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';
import { BLOB_AUDIT_LOG_CATEGORIES, FlowLogs } from './flow-log';
import { ManagedIdentity } from './identity';
import { KeyVault, VaultKey } from './key-vault';
import { Diagnostics, LogWorkspace } from './logging';
import { PrivateLink } from './private-link';
import { HARDENED_STORAGE_ACCOUNT } from './storage-defaults';

export interface StateStorageProps {
  /** Base of the names of the surrounding resources (`vnet-<name>`, `log-<name>` ...). */
  readonly name: string;
  /** Globally unique storage account name, 3-24 lowercase letters and digits. */
  readonly storageAccountName: string;
  /** Blob container of the state objects. */
  readonly containerName: string;
  /** Resource group of everything here (created by the stack). */
  readonly resourceGroupName: string;
  /** Azure region of the state storage and everything around it. */
  readonly location: string;
  /** Entra ID tenant of the Key Vault that holds the state key (access by Azure RBAC in this tenant). */
  readonly tenantId: string;
  /** Address space of the state VNet; its one subnet holds the private endpoints. */
  readonly vnetCidr: string;
  /** Globally unique Key Vault name, 3-24 characters. */
  readonly keyVaultName: string;
  /** Globally unique name of the flow-log storage account of the state VNet. */
  readonly flowLogStorageAccountName: string;
  /**
   * Days a deleted or overwritten blob (and a deleted container) stays recoverable (7-365).
   * @default 30
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Days audit logs stay in the workspace and flow logs in their account (365-730).
   * @default 365 - PCI-DSS 10.5.1: a year of audit history
   */
  readonly logRetentionDays?: number;
  /**
   * Tags of every resource.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The Terraform state storage account and container: Entra ID only (no shared keys, SAS limited to an hour), public network access
 * off behind a private endpoint, versioning and soft delete, a customer-managed key, blob access audit-logged, delete locks.
 */
export class StateStorage extends Construct {
  readonly storageAccount: StorageAccount;
  readonly container: StorageContainer;
  readonly keyVault: KeyVault;
  readonly stateKey: VaultKey;
  readonly workspace: LogWorkspace;
  readonly virtualNetwork: VirtualNetwork;
  readonly storageAccountId: string;
  /** ARM scope of the state container, for data-plane role assignments limited to it. */
  readonly containerScope: string;

  constructor(scope: Construct, id: string, props: StateStorageProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.storageAccountName) && !/^[a-z0-9]{3,24}$/.test(props.storageAccountName)) {
      throw new Error(`state storage: storageAccountName must be 3-24 lowercase letters and digits, got "${props.storageAccountName}"`);
    }
    if (!Token.isUnresolved(props.containerName) && !/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(props.containerName)) {
      throw new Error(`state storage ${props.storageAccountName}: containerName must be 3-63 lowercase letters, digits and single hyphens, got "${props.containerName}"`);
    }
    if (!Token.isUnresolved(props.vnetCidr) && !/^\d{1,3}(\.\d{1,3}){3}\/(2[4-8])$/.test(props.vnetCidr)) {
      throw new Error(`state storage ${props.storageAccountName}: vnetCidr must be an IPv4 CIDR from /24 to /28, got "${props.vnetCidr}"`);
    }
    if (props.flowLogStorageAccountName === props.storageAccountName) {
      throw new Error(`state storage ${props.storageAccountName}: flowLogStorageAccountName must differ from the state account, got "${props.flowLogStorageAccountName}"`);
    }
    const softDeleteDays = props.softDeleteRetentionDays ?? 30;
    if (!Token.isUnresolved(softDeleteDays) && (!Number.isInteger(softDeleteDays) || softDeleteDays < 7 || softDeleteDays > 365)) {
      throw new Error(`state storage ${props.storageAccountName}: softDeleteRetentionDays must be an integer between 7 and 365, got ${softDeleteDays}`);
    }
    const { name, resourceGroupName, location } = props;
    const tags = props.tags ? { ...props.tags } : undefined;
    const common = { resourceGroupName, location, tags: props.tags };

    this.workspace = new LogWorkspace(this, 'logs', { name: `log-${name}`, retentionDays: props.logRetentionDays, ...common });

    // The private endpoints' network: one subnet, HTTPS from the VNet (and peered runner networks) only.
    this.virtualNetwork = new VirtualNetwork(this, 'vnet', { name: `vnet-${name}`, resourceGroupName, location, addressSpace: [props.vnetCidr], tags });
    const subnet = new Subnet(this, 'private-endpoints', {
      name: 'snet-private-endpoints',
      resourceGroupName,
      virtualNetworkName: this.virtualNetwork.name,
      addressPrefixes: [props.vnetCidr],
      defaultOutboundAccessEnabled: false,
      // NSG rules apply to private endpoints too (off by default in Azure).
      privateEndpointNetworkPolicies: 'Enabled',
    });
    const nsg = new NetworkSecurityGroup(this, 'private-endpoints-nsg', { name: `nsg-${name}-private-endpoints`, resourceGroupName, location, tags });
    const rules = [
      { name: 'allow-vnet-https', priority: 100, access: 'Allow', protocol: 'Tcp', ports: '443' },
      { name: 'deny-vnet-inbound', priority: 3900, access: 'Deny', protocol: '*', ports: '*' },
    ] as const;
    for (const rule of rules) {
      new NetworkSecurityRule(this, `private-endpoints-nsg-${rule.name}`, {
        name: rule.name,
        resourceGroupName,
        networkSecurityGroupName: nsg.name,
        priority: rule.priority,
        direction: 'Inbound',
        access: rule.access,
        protocol: rule.protocol,
        sourcePortRange: '*',
        destinationPortRange: rule.ports,
        sourceAddressPrefix: 'VirtualNetwork',
        destinationAddressPrefix: '*',
      });
    }
    new SubnetNetworkSecurityGroupAssociation(this, 'private-endpoints-nsg-association', { subnetId: subnet.id, networkSecurityGroupId: nsg.id });

    // Storage wraps its account key with the vault key as a trusted service: the firewall lets it through.
    this.keyVault = new KeyVault(this, 'key-vault', {
      name: props.keyVaultName,
      tenantId: props.tenantId,
      privateEndpointSubnetId: subnet.id,
      virtualNetworkId: this.virtualNetwork.id,
      workspace: this.workspace,
      trustedServicesBypass: true,
      ...common,
    });
    // The person applying the bootstrap creates the keys; every key operation is in the vault's audit log.
    const deployer = new DataAzurermClientConfig(this, 'deployer', {});
    const keyOfficer = new RoleAssignment(this, 'deployer-key-officer', {
      scope: this.keyVault.vaultId,
      roleDefinitionName: 'Key Vault Crypto Officer',
      principalId: deployer.objectId,
    });
    this.stateKey = new VaultKey(this, 'state-key', { vault: this.keyVault, name: 'terraform-state', keyOpts: ['wrapKey', 'unwrapKey'] });
    this.stateKey.key.dependsOn = [dependable(keyOfficer)];
    const flowLogKey = new VaultKey(this, 'flow-log-key', { vault: this.keyVault, name: 'flow-logs', keyOpts: ['wrapKey', 'unwrapKey'] });
    flowLogKey.key.dependsOn = [dependable(keyOfficer)];

    // The account must hold its key before it exists: a user-assigned identity granted on that one key.
    const identity = new ManagedIdentity(this, 'cmk-identity', {
      name: `id-${name}-cmk`,
      grants: [{ id: 'key', scope: this.stateKey.keyScope, roleName: 'Key Vault Crypto Service Encryption User' }],
      ...common,
    });

    this.storageAccount = new StorageAccount(this, 'storage', {
      name: props.storageAccountName,
      resourceGroupName,
      location,
      // HARDENED_STORAGE_ACCOUNT: StorageV2, GZRS, TLS 1.2+, no public blobs, Entra ID only.
      // Zone- and geo-redundant: every environment's state survives a zone or regional loss.
      // Entra ID only: the azurerm backend uses use_azuread_auth; no key, SAS or local user can read state.
      ...HARDENED_STORAGE_ACCOUNT,
      localUserEnabled: false,
      sftpEnabled: false,
      // User delegation SAS (the only SAS left without shared keys) lives an hour at most.
      sasPolicy: { expirationPeriod: '0.01:00:00', expirationAction: 'Block' },
      // Copies only from accounts reached over a private endpoint.
      allowedCopyScope: 'PrivateLink',
      infrastructureEncryptionEnabled: true,
      // PCI-DSS 1.4.1: the private endpoint only; the firewall denies anything else regardless.
      publicNetworkAccessEnabled: false,
      networkRules: { defaultAction: 'Deny', bypass: ['AzureServices'] },
      identity: { type: 'UserAssigned', identityIds: [identity.identityId] },
      // PCI-DSS 3.5.1: customer-managed key, following new key versions automatically.
      customerManagedKey: { keyVaultKeyId: this.stateKey.versionlessKeyId, userAssignedIdentityId: identity.identityId },
      blobProperties: {
        // Every state a plan replaced stays readable as an older version; deleted blobs and containers stay recoverable.
        versioningEnabled: true,
        changeFeedEnabled: true,
        changeFeedRetentionInDays: 365,
        deleteRetentionPolicy: { days: softDeleteDays },
        containerDeleteRetentionPolicy: { days: softDeleteDays },
      },
      tags,
      dependsOn: [identity.assignments.key],
      // Losing the account loses every environment's state: no plan may delete it.
      lifecycle: { preventDestroy: true },
    });
    this.storageAccountId = this.storageAccount.id;

    // Through the resource manager API (storage_account_id), which works with shared keys and public access off.
    this.container = new StorageContainer(this, 'container', {
      name: props.containerName,
      storageAccountId: this.storageAccount.id,
      containerAccessType: 'private',
      lifecycle: { preventDestroy: true },
    });
    // Through the container's name: role assignments on it wait for the container.
    this.containerScope = `${this.storageAccount.id}/blobServices/default/containers/${this.container.name}`;

    const blobLink = new PrivateLink(this, 'private-link', {
      name: props.storageAccountName,
      resourceGroupName,
      location,
      targetResourceId: this.storageAccount.id,
      subresource: 'blob',
      dnsZoneName: 'privatelink.blob.core.windows.net',
      subnetId: subnet.id,
      virtualNetworkId: this.virtualNetwork.id,
      tags: props.tags,
    });
    // PCI-DSS 10.2.1: every read, write and delete of a state blob, with the caller's identity.
    new Diagnostics(this, 'blob-diagnostics', {
      targetResourceId: `${this.storageAccount.id}/blobServices/default`,
      workspace: this.workspace,
      categories: BLOB_AUDIT_LOG_CATEGORIES,
      metrics: false,
    });

    // PCI-DSS 10.2.1: the state VNet's flows too (who reached the private endpoints).
    new FlowLogs(this, 'flow-logs', {
      name,
      storageAccountName: props.flowLogStorageAccountName,
      virtualNetworkId: this.virtualNetwork.id,
      storageKey: flowLogKey,
      workspace: this.workspace,
      privateEndpointSubnetId: subnet.id,
      blobDnsZone: blobLink,
      retentionDays: props.logRetentionDays,
      ...common,
    });

    // Contributor (the CI deploy identity) cannot delete a locked resource or remove the lock.
    new ManagementLock(this, 'storage-lock', { name: 'terraform-state', scope: this.storageAccount.id, lockLevel: 'CanNotDelete', notes: 'Holds every environment\'s Terraform state.' });
    new ManagementLock(this, 'key-vault-lock', { name: 'terraform-state-key', scope: this.keyVault.vaultId, lockLevel: 'CanNotDelete', notes: 'Holds the key of the Terraform state.' });
  }
}
