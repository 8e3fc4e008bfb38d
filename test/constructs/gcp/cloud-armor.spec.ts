import {
  CloudArmor,
  DEFAULT_RULE_PRIORITY,
  GKE_BACKEND_CONFIG_ANNOTATION,
  GKE_FRONTEND_CONFIG_ANNOTATION,
  PRECONFIGURED_WAF_RULES,
  RATE_LIMIT_RULE_PRIORITY,
} from '../../../src/constructs/gcp/cloud-armor';
import { type Json, only, synth } from './helpers';

describe('CloudArmor defaults', () => {
  let policy: Json;
  let ssl: Json;
  let armor: CloudArmor;
  beforeAll(() => {
    const json = synth((scope) => {
      armor = new CloudArmor(scope, 'armor', { name: 'test-waf', project: 'test-project-01' });
    });
    policy = only(json, 'google_compute_security_policy');
    ssl = only(json, 'google_compute_ssl_policy');
  });

  it('blocks every OWASP CRS 3.3 rule group the baseline requires, not in preview', () => {
    const exprs = (policy.rule as Json[]).filter((r) => r.match.expr).map((r) => r.match.expr.expression as string);
    for (const rule of ['sqli', 'xss', 'lfi', 'rfi', 'rce', 'scannerdetection', 'protocolattack', 'sessionfixation']) {
      expect(exprs).toContain(`evaluatePreconfiguredWaf('${rule}-v33-stable', {'sensitivity': 1})`);
    }
    expect(exprs).toContain("evaluatePreconfiguredExpr('cve-canary')");
    const waf = (policy.rule as Json[]).filter((r) => r.match.expr);
    expect(waf).toHaveLength(PRECONFIGURED_WAF_RULES.length);
    for (const rule of waf) {
      expect(rule.action).toBe('deny(403)');
      expect(rule.preview).toBe(false);
      expect(rule.priority).toBeLessThan(RATE_LIMIT_RULE_PRIORITY);
    }
  });

  it('throttles and bans per client IP after the WAF rules', () => {
    const rate = (policy.rule as Json[]).find((r) => r.action === 'rate_based_ban') as Json;
    expect(rate.priority).toBe(RATE_LIMIT_RULE_PRIORITY);
    expect(rate.rate_limit_options).toEqual({
      conform_action: 'allow',
      exceed_action: 'deny(429)',
      enforce_on_key: 'IP',
      rate_limit_threshold: { count: 600, interval_sec: 60 },
      ban_threshold: { count: 1800, interval_sec: 60 },
      ban_duration_sec: 600,
    });
  });

  it('allows the rest at the lowest priority (default rule)', () => {
    const last = (policy.rule as Json[]).find((r) => r.priority === DEFAULT_RULE_PRIORITY);
    expect(last).toMatchObject({ action: 'allow', match: { versioned_expr: 'SRC_IPS_V1', config: { src_ip_ranges: ['*'] } } });
  });

  it('enables Adaptive Protection and verbose, JSON-aware logging', () => {
    expect(policy.adaptive_protection_config).toEqual({ layer_7_ddos_defense_config: { enable: true, rule_visibility: 'STANDARD' } });
    expect(policy.advanced_options_config).toEqual({ json_parsing: 'STANDARD', log_level: 'VERBOSE' });
    expect(policy.type).toBe('CLOUD_ARMOR');
  });

  it('refuses TLS below 1.2 with the RESTRICTED profile', () => {
    expect(ssl).toMatchObject({ name: 'test-waf-tls', min_tls_version: 'TLS_1_2', profile: 'RESTRICTED' });
  });

  it('exposes the annotations that attach Services and Ingresses by policy name', () => {
    expect(Object.keys(armor.ingressAnnotations).sort()).toEqual([GKE_BACKEND_CONFIG_ANNOTATION, GKE_FRONTEND_CONFIG_ANNOTATION].sort());
    expect(armor.ingressAnnotations[GKE_BACKEND_CONFIG_ANNOTATION]).toMatch(/^\{"default":"\$\{TfToken\[TOKEN\.\d+\]\}"\}$/);
  });
});

describe('CloudArmor input checks', () => {
  const build = (extra: Record<string, unknown>) => () => synth((scope) => new CloudArmor(scope, 'armor', { name: 'test-waf', project: 'p', ...extra }));

  it('applies a higher WAF sensitivity when asked', () => {
    const policy = only(build({ wafSensitivity: 3 })(), 'google_compute_security_policy');
    expect(policy.rule[0].match.expr.expression).toBe("evaluatePreconfiguredWaf('sqli-v33-stable', {'sensitivity': 3})");
  });

  it('rejects sensitivity 0 (every signature off)', () => {
    expect(build({ wafSensitivity: 0 })).toThrow('cloud armor test-waf: wafSensitivity must be an integer from 1 to 4 (0 would disable every signature), got 0');
  });

  it('rejects a ban threshold below the throttle threshold', () => {
    expect(build({ rateLimit: { requestsPerInterval: 100, banThreshold: 50 } })).toThrow('cloud armor test-waf: rateLimit.banThreshold (50) must be at least requestsPerInterval (100)');
  });

  it('rejects a non-positive rate', () => {
    expect(build({ rateLimit: { requestsPerInterval: 0 } })).toThrow('cloud armor test-waf: rateLimit.requestsPerInterval must be a positive integer, got 0');
  });
});
