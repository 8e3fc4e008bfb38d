/**
 * Edge protection for the cluster's HTTP(S) load balancers: a Cloud Armor
 * backend security policy (OWASP CRS 3.3 preconfigured WAF rules, Log4Shell
 * rule, per-client rate-based ban, Adaptive Protection, verbose JSON-aware
 * logging) and an SSL policy that refuses anything below TLS 1.2.
 *
 * GKE attaches both through Kubernetes objects, not through Terraform: the
 * Ingress controller reads a BackendConfig (security policy) referenced by a
 * Service annotation and a FrontendConfig (SSL policy) referenced by an
 * Ingress annotation; the Gateway controller reads GCPBackendPolicy and
 * GCPGatewayPolicy. The names of those objects equal the policy names here,
 * see `GKE_BACKEND_CONFIG_ANNOTATION` and docs/gcp.md.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ComputeSecurityPolicy, type ComputeSecurityPolicyRule } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { assertResourceName } from './validation';

/** Service annotation that binds a Service's backends to a BackendConfig (which names the security policy). */
export const GKE_BACKEND_CONFIG_ANNOTATION = 'cloud.google.com/backend-config';
/** Ingress annotation that binds an Ingress to a FrontendConfig (which names the SSL policy). */
export const GKE_FRONTEND_CONFIG_ANNOTATION = 'networking.gke.io/v1beta1.FrontendConfig';

/**
 * OWASP Core Rule Set 3.3 rule groups Cloud Armor evaluates (names from the
 * Cloud Armor preconfigured WAF rules list), plus `cve-canary` (Log4Shell,
 * CVE-2021-44228 / 45046). PCI-DSS 4.0 6.4.2: automated attack detection in
 * front of public web applications. `methodenforcement` is left out: CRS
 * allows only GET/HEAD/POST/OPTIONS, which would block REST PUT/PATCH/DELETE.
 */
export const PRECONFIGURED_WAF_RULES = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
  'cve-canary',
] as const;

/** Priority of the first WAF rule; each next rule is +10. */
export const WAF_RULE_BASE_PRIORITY = 1000;
/** The rate-based ban evaluates after the WAF rules: its `allow` for conforming clients ends evaluation. */
export const RATE_LIMIT_RULE_PRIORITY = 5000;
/** Cloud Armor's default rule (lowest priority). */
export const DEFAULT_RULE_PRIORITY = 2147483647;

/** Per-client request limits. */
export interface RateLimitSettings {
  /**
   * Requests per client IP per interval above which requests get 429.
   * @default 600
   */
  readonly requestsPerInterval?: number;
  /**
   * Interval of the counts, in seconds.
   * @default 60
   */
  readonly intervalSec?: number;
  /**
   * Requests per interval above which the client is banned.
   * @default 3 x requestsPerInterval
   */
  readonly banThreshold?: number;
  /**
   * Ban duration in seconds.
   * @default 600
   */
  readonly banDurationSec?: number;
}

export interface CloudArmorProps {
  /** Security policy name; the SSL policy is `<name>-tls`. */
  readonly name: string;
  /** GCP project ID of the security and SSL policies (the cluster's project). */
  readonly project: string;
  /**
   * Sensitivity (OWASP paranoia level) of the preconfigured WAF rules, 1-4.
   * Higher catches more, with more false positives.
   * @default 1 - the high-confidence signatures, in blocking mode
   */
  readonly wafSensitivity?: number;
  /** @default - 600 requests/min per client IP, ban above 1800/min for 10 minutes */
  readonly rateLimit?: RateLimitSettings;
  /**
   * Minimum TLS profile of the SSL policy.
   * @default 'RESTRICTED' - TLS 1.2+ with PCI-DSS-compliant AEAD ciphers only
   */
  readonly tlsProfile?: 'RESTRICTED' | 'MODERN';
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

function positiveInteger(name: string, field: string, value: number): void {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < 1)) {
    throw new Error(`cloud armor ${name}: ${field} must be a positive integer, got ${value}`);
  }
}

/**
 * A Cloud Armor backend security policy (OWASP CRS 3.3 and Log4Shell rules in blocking mode, a per-client rate-based ban,
 * Adaptive Protection, verbose logging) and an SSL policy of TLS 1.2+ only, attached to GKE ingresses by the annotations it exposes.
 */
export class CloudArmor extends Construct {
  readonly securityPolicy: ComputeSecurityPolicy;
  readonly sslPolicy: ComputeSslPolicy;
  readonly securityPolicyName: string;
  readonly sslPolicyName: string;
  /** Annotations that attach Services/Ingresses to this policy (objects named after the policies). */
  readonly ingressAnnotations: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: CloudArmorProps) {
    super(scope, id);
    const { name, project } = props;
    assertResourceName('cloud armor policy name', name, 58);
    const sensitivity = props.wafSensitivity ?? 1;
    if (!Token.isUnresolved(sensitivity) && (!Number.isInteger(sensitivity) || sensitivity < 1 || sensitivity > 4)) {
      throw new Error(`cloud armor ${name}: wafSensitivity must be an integer from 1 to 4 (0 would disable every signature), got ${sensitivity}`);
    }
    const requests = props.rateLimit?.requestsPerInterval ?? 600;
    const intervalSec = props.rateLimit?.intervalSec ?? 60;
    const banThreshold = props.rateLimit?.banThreshold ?? requests * 3;
    const banDurationSec = props.rateLimit?.banDurationSec ?? 600;
    positiveInteger(name, 'rateLimit.requestsPerInterval', requests);
    positiveInteger(name, 'rateLimit.intervalSec', intervalSec);
    positiveInteger(name, 'rateLimit.banThreshold', banThreshold);
    positiveInteger(name, 'rateLimit.banDurationSec', banDurationSec);
    if (!Token.isUnresolved(banThreshold) && !Token.isUnresolved(requests) && banThreshold < requests) {
      throw new Error(`cloud armor ${name}: rateLimit.banThreshold (${banThreshold}) must be at least requestsPerInterval (${requests})`);
    }

    const wafRules: ComputeSecurityPolicyRule[] = PRECONFIGURED_WAF_RULES.map((rule, i) => ({
      action: 'deny(403)',
      priority: WAF_RULE_BASE_PRIORITY + i * 10,
      description: `OWASP CRS: ${rule}`,
      preview: false,
      match: {
        expr: {
          // cve-canary has no sensitivity levels; the Expr form is what scanners (Checkov CKV_GCP_73) recognise.
          expression: rule === 'cve-canary' ? `evaluatePreconfiguredExpr('${rule}')` : `evaluatePreconfiguredWaf('${rule}', {'sensitivity': ${sensitivity}})`,
        },
      },
    }));

    this.securityPolicy = new ComputeSecurityPolicy(this, 'policy', {
      name,
      project,
      description: 'Cloud Armor WAF in front of the cluster ingress (OWASP CRS 3.3, rate-based ban, Adaptive Protection).',
      type: 'CLOUD_ARMOR',
      rule: [
        ...wafRules,
        {
          // Volumetric abuse per client: 429 above the rate, ban for repeat offenders.
          action: 'rate_based_ban',
          priority: RATE_LIMIT_RULE_PRIORITY,
          description: 'Per-client-IP throttle and ban',
          match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
          rateLimitOptions: {
            conformAction: 'allow',
            exceedAction: 'deny(429)',
            enforceOnKey: 'IP',
            rateLimitThreshold: { count: requests, intervalSec },
            banThreshold: { count: banThreshold, intervalSec },
            banDurationSec,
          },
        },
        {
          // Traffic that passed every rule above is allowed: the WAF rules are the deny list.
          action: 'allow',
          priority: DEFAULT_RULE_PRIORITY,
          description: 'Default rule',
          match: { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } },
        },
      ],
      // Layer-7 DDoS detection with suggested rules (Adaptive Protection).
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true, ruleVisibility: 'STANDARD' } },
      // JSON bodies are parsed so WAF signatures see field values; verbose logs name the matching signature.
      advancedOptionsConfig: { jsonParsing: 'STANDARD', logLevel: 'VERBOSE' },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });

    // PCI-DSS 4.0 4.2.1: strong cryptography in transit; no TLS 1.0/1.1, no weak ciphers.
    this.sslPolicy = new ComputeSslPolicy(this, 'ssl-policy', {
      name: `${name}-tls`,
      project,
      description: 'TLS 1.2+ with strong ciphers for the cluster ingress.',
      minTlsVersion: 'TLS_1_2',
      profile: props.tlsProfile ?? 'RESTRICTED',
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });

    this.securityPolicyName = this.securityPolicy.name;
    this.sslPolicyName = this.sslPolicy.name;
    this.ingressAnnotations = {
      // Service: every port's backend uses the BackendConfig named after the security policy.
      [GKE_BACKEND_CONFIG_ANNOTATION]: `{"default":"${this.securityPolicyName}"}`,
      // Ingress: the FrontendConfig named after the SSL policy.
      [GKE_FRONTEND_CONFIG_ANNOTATION]: this.sslPolicyName,
    };
  }
}
