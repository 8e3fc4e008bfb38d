import type { StackRule } from '../../types';
import { anyResource, block, isFalse, isTrue } from '../attributes';

/** Network Watcher flow logs record the VNet's traffic. */
export const azureFlowLogs: StackRule = {
  scope: 'stack',
  name: 'azure-flow-logs',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1' },
  explanation:
    'A stack with a virtual network must have an enabled Network Watcher flow log with retention: network flows in and out of the cardholder-data environment are audit evidence.',
  fix: 'Add azurerm_network_watcher_flow_log (enabled = true, target_resource_id = <vnet>.id, retention_policy { enabled = true, days >= 90 }).',
  evaluate: (resources) =>
    anyResource(
      resources,
      'azurerm_virtual_network',
      (r) =>
        r.type === 'azurerm_network_watcher_flow_log' &&
        !isFalse(r.attrs.enabled) &&
        isTrue(block(r.attrs, 'retention_policy')?.enabled),
    ),
};
