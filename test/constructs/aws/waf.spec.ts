import { MANAGED_RULE_GROUPS, WebAcl } from '../../../src/constructs/aws/waf';
import { type Json, TEST_KEY, only, synth } from './helpers';

describe('WebAcl defaults', () => {
  let json: Json;
  let acl: Json;
  beforeAll(() => {
    json = synth((scope) => new WebAcl(scope, 'waf', { name: 'test', logKey: TEST_KEY }));
    acl = only(json, 'aws_wafv2_web_acl');
  });

  it('is a regional web ACL (for ALBs)', () => {
    expect(acl.scope).toBe('REGIONAL');
    expect(acl.default_action).toEqual({ allow: {} });
  });

  it.each([
    'AWSManagedRulesCommonRuleSet',
    'AWSManagedRulesKnownBadInputsRuleSet',
    'AWSManagedRulesSQLiRuleSet',
    'AWSManagedRulesAmazonIpReputationList',
    'AWSManagedRulesAnonymousIpList',
  ])('enforces the AWS managed rule group %s (no count override)', (group) => {
    const rule = acl.rule.find((r: Json) => r.name === group);
    expect(rule.statement).toEqual({ managed_rule_group_statement: { name: group, vendor_name: 'AWS' } });
    expect(rule.override_action).toEqual({ none: {} });
    expect(rule.visibility_config).toMatchObject({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true });
  });

  it('blocks clients above the per-IP rate limit', () => {
    const rule = acl.rule.find((r: Json) => r.name === 'rate-limit-per-ip');
    expect(rule.statement).toEqual({ rate_based_statement: { limit: 2000, aggregate_key_type: 'IP' } });
    expect(rule.action).toEqual({ block: {} });
  });

  it('gives every rule a distinct priority', () => {
    const priorities = acl.rule.map((r: Json) => r.priority);
    expect(new Set(priorities).size).toBe(MANAGED_RULE_GROUPS.length + 1);
  });

  it('logs to an aws-waf-logs- log group encrypted with the customer-managed key', () => {
    const group = only(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: 'aws-waf-logs-test', kms_key_id: TEST_KEY.keyArn, retention_in_days: 365 });
    const logging = only(json, 'aws_wafv2_web_acl_logging_configuration');
    expect(logging.log_destination_configs).toEqual([expect.stringContaining('aws_cloudwatch_log_group.')]);
    expect(logging.resource_arn).toContain('aws_wafv2_web_acl.');
  });

  it('redacts the Authorization and Cookie headers from logs', () => {
    const logging = only(json, 'aws_wafv2_web_acl_logging_configuration');
    expect(logging.redacted_fields).toEqual([{ single_header: { name: 'authorization' } }, { single_header: { name: 'cookie' } }]);
  });
});

describe('WebAcl validation', () => {
  it('rejects a rate limit below the WAF minimum', () => {
    expect(() => synth((scope) => new WebAcl(scope, 'waf', { name: 'test', logKey: TEST_KEY, rateLimitPer5Minutes: 5 }))).toThrow(
      'web acl test: rateLimitPer5Minutes must be an integer between 10 and 2000000000, got 5',
    );
  });
});
