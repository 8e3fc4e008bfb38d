/**
 * Key Vault and its customer-managed keys: one key per purpose (etcd KMS,
 * disks, flow-log storage, Vault unseal), so revoking or auditing one use
 * never touches the others.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { KeyVault as AzureKeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import { Diagnostics, type WorkspaceRef } from './logging';
import { PrivateLink } from './private-link';

/** How other constructs refer to a key: never a raw id threaded through layers. */
export interface KeyRef {
  /** Key name inside the vault. */
  readonly keyName: string;
  /** Versioned key URL (what AKS KMS takes). */
  readonly keyId: string;
  /** Versionless key URL (disk encryption sets and storage follow new versions). */
  readonly versionlessKeyId: string;
  /** ARM scope of the key, for role assignments limited to this key. */
  readonly keyScope: string;
}

export interface KeyVaultProps {
  /** Globally unique vault name, 3-24 letters, digits and hyphens. */
  readonly name: string;
  /** Resource group of the vault, its private endpoint and private DNS zone. */
  readonly resourceGroupName: string;
  /** Azure region of the vault. */
  readonly location: string;
  /** Entra ID tenant that authenticates requests to the vault (access is Azure RBAC in this tenant). */
  readonly tenantId: string;
  /** Subnet of the vault's private endpoint. */
  readonly privateEndpointSubnetId: string;
  /** VNet the private DNS zone is linked to, so nodes and the API server resolve the private address. */
  readonly virtualNetworkId: string;
  /** Workspace of the vault's audit log: every key operation (PCI-DSS 10.2.1). */
  readonly workspace: WorkspaceRef;
  /**
   * Days a deleted vault or key stays recoverable (7-90).
   * @default 90 - the longest recovery window
   */
  readonly softDeleteRetentionDays?: number;
  /**
   * Let trusted Azure services (Azure Storage wrapping its account key with a vault key, for a storage CMK)
   * through the vault firewall. Public network access stays disabled either way.
   * @default false - no bypass: only the private endpoint reaches the vault
   */
  readonly trustedServicesBypass?: boolean;
  /**
   * Azure tags of the vault, its private endpoint and private DNS zone.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A premium (HSM-backed) vault reachable only through a private endpoint,
 * authorised by Azure RBAC, with purge protection and audit logs.
 */
export class KeyVault extends Construct {
  readonly vault: AzureKeyVault;
  readonly vaultId: string;
  readonly vaultName: string;

  constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.name) && !/^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/.test(props.name)) {
      throw new Error(`key vault: name must be 3-24 letters, digits and hyphens, starting with a letter, got "${props.name}"`);
    }
    const softDeleteRetentionDays = props.softDeleteRetentionDays ?? 90;
    if (!Token.isUnresolved(softDeleteRetentionDays) && (!Number.isInteger(softDeleteRetentionDays) || softDeleteRetentionDays < 7 || softDeleteRetentionDays > 90)) {
      throw new Error(`key vault ${props.name}: softDeleteRetentionDays must be an integer between 7 and 90, got ${softDeleteRetentionDays}`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;

    this.vault = new AzureKeyVault(this, 'vault', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      // HSM-backed keys (FIPS 140 Level 3 HSMs for RSA-HSM keys).
      skuName: 'premium',
      // Azure RBAC, scoped per key: no vault-wide access policies.
      rbacAuthorizationEnabled: true,
      // A deleted key makes etcd secrets, disks and Vault unreadable: keep it recoverable, and
      // forbid purging even by an administrator (PCI-DSS 3.6, key destruction is a controlled process).
      purgeProtectionEnabled: true,
      softDeleteRetentionDays,
      // Private endpoint only; the ACL denies anything that reaches the public endpoint anyway.
      publicNetworkAccessEnabled: false,
      networkAcls: { defaultAction: 'Deny', bypass: props.trustedServicesBypass === true ? 'AzureServices' : 'None' },
      enabledForDeployment: false,
      enabledForTemplateDeployment: false,
      enabledForDiskEncryption: false,
      tags,
    });
    this.vaultId = this.vault.id;
    this.vaultName = this.vault.name;

    new PrivateLink(this, 'private-link', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      targetResourceId: this.vault.id,
      subresource: 'vault',
      dnsZoneName: 'privatelink.vaultcore.azure.net',
      subnetId: props.privateEndpointSubnetId,
      virtualNetworkId: props.virtualNetworkId,
      tags: props.tags,
    });
    // PCI-DSS 10.2.1: every key operation (wrap, unwrap, get) is recorded.
    new Diagnostics(this, 'diagnostics', { targetResourceId: this.vault.id, workspace: props.workspace, categoryGroups: ['audit'] });
  }
}

export interface VaultKeyProps {
  /** The vault that holds the key (HSM-backed, private endpoint only, purge protection on). */
  readonly vault: KeyVault;
  /** Key name, 1-127 letters, digits and hyphens. */
  readonly name: string;
  /** Operations the key allows; nothing else is permitted. */
  readonly keyOpts: readonly ('decrypt' | 'encrypt' | 'sign' | 'unwrapKey' | 'verify' | 'wrapKey')[];
  /**
   * RSA modulus size in bits.
   * @default 3072
   */
  readonly keySize?: 2048 | 3072 | 4096;
  /**
   * Days after which a new key version is created (30-365; rotated versions expire 730 days after creation).
   * @default 365 - PCI-DSS 3.6.4: yearly cryptoperiod
   */
  readonly rotateAfterDays?: number;
}

/**
 * An HSM-backed RSA key that rotates itself, with `prevent_destroy` so no
 * plan can delete it.
 */
export class VaultKey extends Construct implements KeyRef {
  readonly key: KeyVaultKey;
  readonly keyName: string;
  readonly keyId: string;
  readonly versionlessKeyId: string;
  readonly keyScope: string;

  constructor(scope: Construct, id: string, props: VaultKeyProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.name) && !/^[a-zA-Z0-9-]{1,127}$/.test(props.name)) {
      throw new Error(`vault key: name must be 1-127 letters, digits and hyphens, got "${props.name}"`);
    }
    if (props.keyOpts.length === 0) {
      throw new Error(`vault key ${props.name}: keyOpts must list at least one operation, got none`);
    }
    const rotateAfterDays = props.rotateAfterDays ?? 365;
    if (!Token.isUnresolved(rotateAfterDays) && (!Number.isInteger(rotateAfterDays) || rotateAfterDays < 30 || rotateAfterDays > 365)) {
      throw new Error(`vault key ${props.name}: rotateAfterDays must be an integer between 30 and 365, got ${rotateAfterDays}`);
    }
    this.key = new KeyVaultKey(this, 'key', {
      name: props.name,
      keyVaultId: props.vault.vaultId,
      keyType: 'RSA-HSM',
      keySize: props.keySize ?? 3072,
      keyOpts: [...props.keyOpts],
      rotationPolicy: {
        // PCI-DSS 3.6.4: rotate on schedule. Key Vault gives each version it creates by
        // rotation an expiry 730 days after creation (a year after the next one takes over);
        // the first version, created here, gets none and is rotated out of use after
        // rotateAfterDays. Expired versions still decrypt/unwrap what they protected.
        // notify_before_expiry: Key Vault emits a KeyNearExpiry Event Grid event 30 days
        // before a version with an expiry date expires (alerting needs a subscription to it).
        automatic: { timeAfterCreation: `P${rotateAfterDays}D` },
        expireAfter: 'P730D',
        notifyBeforeExpiry: 'P30D',
      },
      // A deleted key makes everything it encrypted unreadable: never let a plan destroy it.
      lifecycle: { preventDestroy: true },
    });
    this.keyName = props.name;
    this.keyId = this.key.id;
    this.versionlessKeyId = this.key.versionlessId;
    this.keyScope = `${props.vault.vaultId}/keys/${props.name}`;
  }
}
