import type { ResourceRule } from '../../types';
import { block, isFalse } from '../attributes';

/**
 * Checkov's CKV_AZURE_59 (public_network_access_enabled = false) is skipped
 * globally for the flow-log account, which must stay in "selected networks"
 * mode for Network Watcher (a trusted service) to write to it. This rule keeps
 * the property that matters for every storage account, including any added
 * later: the public endpoint either is disabled or denies by default.
 */
export const azureStorageNetwork: ResourceRule = {
  scope: 'resource',
  name: 'azure-storage-network',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.1' },
  resourceTypes: ['azurerm_storage_account'],
  explanation:
    'A storage account must not accept traffic from any network: either public network access is disabled, or its firewall denies by default (network_rules.default_action = "Deny") and admits only the listed networks and trusted Azure services.',
  fix: 'Set public_network_access_enabled = false, or network_rules { default_action = "Deny", bypass = ["AzureServices"] } with a private endpoint for readers.',
  evaluate: (attrs) =>
    isFalse(attrs.public_network_access_enabled) || block(attrs, 'network_rules')?.default_action === 'Deny'
      ? 'compliant'
      : 'non-compliant',
};
