import type { StackRule, StackResource } from '../../types';
import { block, blocks, isFalse, references } from '../attributes';

const WAF_LOG_CATEGORIES = ['ApplicationGatewayFirewallLog'];
const WAF_LOG_GROUPS = ['allLogs'];

function logsFirewall(setting: StackResource): boolean {
  return blocks(setting.attrs, 'enabled_log').some(
    (l) =>
      (typeof l.category === 'string' && WAF_LOG_CATEGORIES.includes(l.category)) ||
      (typeof l.category_group === 'string' && WAF_LOG_GROUPS.includes(l.category_group)),
  );
}

/** Application Gateway WAF in Prevention mode in front of ingress, with its firewall log exported. */
export const azureWafLogging: StackRule = {
  scope: 'stack',
  name: 'azure-waf-logging',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '6.4.2' },
  explanation:
    'A stack with an AKS cluster must have an Application Gateway using a WAF policy in Prevention mode, and a diagnostic setting exporting ApplicationGatewayFirewallLog, so web attacks are blocked and on record.',
  fix: 'Create azurerm_web_application_firewall_policy (policy_settings { enabled = true, mode = "Prevention" }), reference it from the gateway\'s firewall_policy_id, and add a diagnostic setting on the gateway with enabled_log { category = "ApplicationGatewayFirewallLog" }.',
  evaluate: (resources) => {
    if (!resources.some((r) => r.type === 'azurerm_kubernetes_cluster')) return { status: 'not-applicable' };
    const policies = resources.filter((r) => {
      if (r.type !== 'azurerm_web_application_firewall_policy') return false;
      const settings = block(r.attrs, 'policy_settings');
      return !isFalse(settings?.enabled) && settings?.mode === 'Prevention';
    });
    const gateways = resources.filter(
      (r) =>
        r.type === 'azurerm_application_gateway' && policies.some((p) => references(r.attrs.firewall_policy_id, p.type, p.name)),
    );
    const settings = resources.filter((r) => r.type === 'azurerm_monitor_diagnostic_setting' && logsFirewall(r));
    const logged = gateways.filter((g) => settings.some((s) => references(s.attrs.target_resource_id, g.type, g.name)));
    return logged.length > 0
      ? { status: 'compliant', resources: [...policies, ...logged].map((r) => r.path) }
      : { status: 'non-compliant', resources: [...policies, ...gateways].map((r) => r.path) };
  },
};
