import type { ResourceRule } from '../../types';
import { isTrue } from '../attributes';

/**
 * Azure Storage always encrypts at rest (the state account's customer-managed
 * key is set by its state bootstrap stack, see azure-storage-protection). What
 * the backend controls is how it authenticates: Entra ID, never account keys.
 */
export const azureStateEncryption: ResourceRule = {
  scope: 'resource',
  name: 'azure-state-encryption',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['backend:azurerm'],
  explanation:
    'Terraform state contains secrets: the azurerm backend must authenticate with Entra ID (use_azuread_auth) so no storage account key, which would bypass RBAC and audit, is needed to read it.',
  fix: 'Configure the azurerm backend with use_azuread_auth = true and no access_key / sas_token (configureBackend does).',
  evaluate: (attrs) =>
    isTrue(attrs.use_azuread_auth) && attrs.access_key === undefined && attrs.sas_token === undefined
      ? 'compliant'
      : 'non-compliant',
};
