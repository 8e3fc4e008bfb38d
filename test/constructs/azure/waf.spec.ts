import { WebApplicationFirewall, type WebApplicationFirewallProps } from '../../../src/constructs/azure/waf';
import { type Json, common, only, scope, synth, workspace } from './helpers';

const props: WebApplicationFirewallProps = { ...common, name: 'test', subnetId: '/subnets/agw', privateFrontendIp: '10.40.17.10', workspace };

describe('WebApplicationFirewall', () => {
  let json: Json;
  let policy: Json;
  let gateway: Json;
  beforeAll(() => {
    json = synth((s) => new WebApplicationFirewall(s, 'waf', props));
    policy = only(json, 'azurerm_web_application_firewall_policy');
    gateway = only(json, 'azurerm_application_gateway');
  });

  it('blocks in Prevention mode with body inspection', () => {
    expect(policy.policy_settings).toMatchObject({ enabled: true, mode: 'Prevention', request_body_check: true, request_body_enforcement: true, file_upload_enforcement: true });
  });

  it('runs the default and bot manager rule sets and a per-client rate limit', () => {
    expect(policy.managed_rules.managed_rule_set.map((r: Json) => r.type)).toEqual(['Microsoft_DefaultRuleSet', 'Microsoft_BotManagerRuleSet']);
    expect(policy.custom_rules).toEqual([
      expect.objectContaining({
        rule_type: 'RateLimitRule',
        action: 'Block',
        rate_limit_threshold: 1000,
        group_rate_limit_by: 'ClientAddr',
        match_conditions: [{ match_variables: [{ variable_name: 'RemoteAddr' }], operator: 'IPMatch', match_values: ['0.0.0.0/0'] }],
      }),
    ]);
  });

  it('is a zone-redundant WAF_v2 gateway with the policy, TLS 1.2+ and a private-only placeholder listener', () => {
    expect(gateway).toMatchObject({
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      zones: ['1', '2', '3'],
      autoscale_configuration: { min_capacity: 2, max_capacity: 10 },
      force_firewall_policy_association: true,
      ssl_policy: { policy_type: 'Predefined', policy_name: 'AppGwSslPolicy20220101S' },
    });
    expect(gateway.firewall_policy_id).toContain('azurerm_web_application_firewall_policy.');
    expect(gateway.http_listener).toEqual([expect.objectContaining({ frontend_ip_configuration_name: 'private-frontend' })]);
    expect(gateway.lifecycle.ignore_changes).toEqual(expect.arrayContaining(['http_listener', 'ssl_certificate', 'request_routing_rule']));
  });

  it('sends firewall and access logs to Log Analytics', () => {
    expect(only(json, 'azurerm_monitor_diagnostic_setting').enabled_log).toEqual([{ category: 'ApplicationGatewayFirewallLog' }, { category: 'ApplicationGatewayAccessLog' }]);
  });

  it('accepts Detection mode only as an explicit opt-out', () => {
    const p = only(synth((s) => new WebApplicationFirewall(s, 'waf', { ...props, mode: 'Detection' })), 'azurerm_web_application_firewall_policy');
    expect(p.policy_settings.mode).toBe('Detection');
  });

  it.each([
    ['a rate limit of 0', { rateLimitPerMinute: 0 }, 'rateLimitPerMinute must be an integer between 10 and 100000, got 0'],
    ['a single instance', { capacity: { min: 1, max: 2 } }, 'capacity needs 2 <= min <= max <= 125 (two instances for zone redundancy), got 1..2'],
  ])('rejects %s', (_case, override, message) => {
    expect(() => new WebApplicationFirewall(scope(), 'waf', { ...props, ...override })).toThrow(message);
  });
});
