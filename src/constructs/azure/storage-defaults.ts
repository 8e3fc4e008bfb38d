/**
 * The settings every storage account of the platform shares (Terraform state, flow logs, Velero
 * backups): StorageV2 on zone- and geo-redundant storage (GZRS: the data survives a zone and a
 * region loss), HTTPS with TLS 1.2 or later only (PCI-DSS 4.0 4.2.1), no public blobs, no copies to
 * other tenants, and Entra ID only: no account keys or SAS built from them (PCI-DSS 4.0 8.3.2; every
 * access is an identity in the audit log). Each construct adds what differs (network, encryption,
 * local users).
 */
import type { StorageAccountConfig } from '@cdktf/provider-azurerm/lib/storage-account';

export const HARDENED_STORAGE_ACCOUNT = {
  accountKind: 'StorageV2',
  accountTier: 'Standard',
  accountReplicationType: 'GZRS',
  httpsTrafficOnlyEnabled: true,
  minTlsVersion: 'TLS1_2',
  allowNestedItemsToBePublic: false,
  crossTenantReplicationEnabled: false,
  sharedAccessKeyEnabled: false,
  defaultToOauthAuthentication: true,
} as const satisfies Partial<StorageAccountConfig>;
