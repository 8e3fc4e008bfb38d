/**
 * Regional WAFv2 web ACL for the ingress load balancers: AWS managed rule
 * groups for OWASP-class attacks, known-bad inputs, SQL injection and bad
 * reputations, a per-IP rate limit, and redacted, encrypted logging.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import type { KeyRef } from './kms';
import { EncryptedLogGroup } from './log-group';

/** AWS managed rule groups, in evaluation order (PCI-DSS 6.4.2). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesAnonymousIpList',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesSQLiRuleSet',
  'AWSManagedRulesCommonRuleSet',
] as const;

/** Headers that carry credentials: never written to WAF logs. */
export const REDACTED_HEADERS = ['authorization', 'cookie'] as const;

export interface WebAclProps {
  /** Web ACL name (also the metric and log group name suffix). */
  readonly name: string;
  /** Customer-managed key for the log group; its policy must admit CloudWatch Logs. */
  readonly logKey: KeyRef;
  /**
   * Requests per 5 minutes from one client IP before it is blocked.
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * WAF log retention in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
}

/**
 * A regional WAFv2 web ACL for the ingress load balancers: AWS managed rule groups (IP reputation, anonymous IPs, known bad
 * inputs, SQL injection, common rules), a per-IP rate limit, and logging to an encrypted log group with credential headers redacted.
 */
export class WebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;
  readonly webAclArn: string;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const rateLimit = props.rateLimitPer5Minutes ?? 2000;
    if (!Token.isUnresolved(rateLimit) && (!Number.isInteger(rateLimit) || rateLimit < 10 || rateLimit > 2_000_000_000)) {
      throw new Error(`web acl ${props.name}: rateLimitPer5Minutes must be an integer between 10 and 2000000000, got ${rateLimit}`);
    }
    const visibility = (metricName: string) => ({ cloudwatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true });

    this.webAcl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      description: 'Ingress protection for the cluster load balancers',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: [
        ...MANAGED_RULE_GROUPS.map((group, priority) => ({
          name: group,
          priority,
          // Use the group's own block actions (no count-only override).
          overrideAction: { none: {} },
          // `statement` is untyped in the provider bindings: Terraform's snake_case keys, verbatim.
          statement: { managed_rule_group_statement: { name: group, vendor_name: 'AWS' } },
          visibilityConfig: visibility(group),
        })),
        {
          name: 'rate-limit-per-ip',
          priority: MANAGED_RULE_GROUPS.length,
          action: { block: {} },
          // Throttles credential stuffing and scraping from a single source.
          statement: { rate_based_statement: { limit: rateLimit, aggregate_key_type: 'IP' } },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
      visibilityConfig: visibility(props.name),
    });
    this.webAclArn = this.webAcl.arn;

    // WAF requires the `aws-waf-logs-` prefix on CloudWatch destinations.
    this.logGroup = new EncryptedLogGroup(this, 'logs', {
      name: `aws-waf-logs-${props.name}`,
      key: props.logKey,
      retentionDays: props.logRetentionDays,
    });
    new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: this.webAcl.arn,
      logDestinationConfigs: [this.logGroup.logGroupArn],
      // PCI-DSS 3.3 / 10.3: session tokens and credentials must not land in logs.
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { name } })),
    });
  }
}
