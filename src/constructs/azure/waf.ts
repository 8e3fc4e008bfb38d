/**
 * Internet ingress: Application Gateway WAF_v2 with a WAF policy in
 * Prevention mode (OWASP core rule set via Microsoft's default rule set, bot
 * protection, per-client rate limit) and a TLS 1.2+ policy.
 *
 * The gateway has a public frontend IP because serving the internet is its
 * purpose; the placeholder listener Terraform creates binds only the private
 * frontend. Application Gateway Ingress Controller (installed by the
 * baseline) writes the real HTTPS listeners, which inherit the WAF policy.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ApplicationGateway } from '@cdktf/provider-azurerm/lib/application-gateway';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { WebApplicationFirewallPolicy } from '@cdktf/provider-azurerm/lib/web-application-firewall-policy';
import { Diagnostics, type WorkspaceRef } from './logging';

/** Annotation AGIC reads to attach a WAF policy to an ingress's paths. */
export const AGIC_WAF_POLICY_ANNOTATION = 'appgw.ingress.kubernetes.io/waf-policy-for-path';

export interface WebApplicationFirewallProps {
  /** Base of the resource names: `waf-<name>` (policy), `agw-<name>` (gateway), `pip-<name>-appgw` (public IP). */
  readonly name: string;
  /** Resource group of the WAF policy, gateway and public IP. */
  readonly resourceGroupName: string;
  /** Azure region of the gateway; it spreads over zones 1-3. */
  readonly location: string;
  /** Subnet dedicated to the gateway (Application Gateway v2 needs one of its own); also hosts the private frontend IP. */
  readonly subnetId: string;
  /** Static private frontend IP inside the gateway subnet (for the placeholder listener). */
  readonly privateFrontendIp: string;
  /** Workspace of the firewall and access logs: every blocked and allowed request (PCI-DSS 10.2). */
  readonly workspace: WorkspaceRef;
  /**
   * Requests per client IP per minute before the WAF blocks it.
   * @default 1000
   */
  readonly rateLimitPerMinute?: number;
  /**
   * Autoscale bounds of the gateway.
   * @default { min: 2, max: 10 } - two instances for zone redundancy
   */
  readonly capacity?: { readonly min: number; readonly max: number };
  /**
   * Opt-out: Detection mode logs attacks without blocking them.
   * @default 'Prevention'
   */
  readonly mode?: 'Prevention' | 'Detection';
  /**
   * Azure tags of the WAF policy, public IP and gateway; later tag changes on the gateway are ignored (`ignore_changes`).
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An Application Gateway WAF_v2 across three zones with a WAF policy in Prevention mode (Microsoft default and bot manager rule
 * sets, a per-client rate limit), TLS 1.2+ only and full request logging; Terraform binds only a private placeholder listener.
 */
export class WebApplicationFirewall extends Construct {
  readonly policy: WebApplicationFirewallPolicy;
  readonly gateway: ApplicationGateway;
  readonly policyId: string;
  readonly publicIpAddress: string;

  constructor(scope: Construct, id: string, props: WebApplicationFirewallProps) {
    super(scope, id);
    const rate = props.rateLimitPerMinute ?? 1000;
    if (!Token.isUnresolved(rate) && (!Number.isInteger(rate) || rate < 10 || rate > 100000)) {
      throw new Error(`waf ${props.name}: rateLimitPerMinute must be an integer between 10 and 100000, got ${rate}`);
    }
    const capacity = props.capacity ?? { min: 2, max: 10 };
    if (!(capacity.min >= 2 && capacity.min <= capacity.max && capacity.max <= 125)) {
      throw new Error(`waf ${props.name}: capacity needs 2 <= min <= max <= 125 (two instances for zone redundancy), got ${capacity.min}..${capacity.max}`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;

    this.policy = new WebApplicationFirewallPolicy(this, 'policy', {
      name: `waf-${props.name}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      policySettings: {
        enabled: true,
        // PCI-DSS 6.4.2: block attacks, not just log them.
        mode: props.mode ?? 'Prevention',
        requestBodyCheck: true,
        requestBodyEnforcement: true,
        requestBodyInspectLimitInKb: 128,
        maxRequestBodySizeInKb: 128,
        fileUploadEnforcement: true,
        fileUploadLimitInMb: 100,
      },
      managedRules: {
        managedRuleSet: [
          // OWASP CRS-derived rules maintained by Microsoft (SQLi, XSS, RCE, LFI ...).
          { type: 'Microsoft_DefaultRuleSet', version: '2.1' },
          // Known-bad bots and scanners.
          { type: 'Microsoft_BotManagerRuleSet', version: '1.1' },
        ],
      },
      customRules: [
        {
          name: 'ratelimitperclient',
          priority: 10,
          ruleType: 'RateLimitRule',
          action: 'Block',
          rateLimitDuration: 'OneMin',
          rateLimitThreshold: rate,
          groupRateLimitBy: 'ClientAddr',
          // Every request counts toward its client's budget: match any IPv4 source.
          matchConditions: [{ matchVariables: [{ variableName: 'RemoteAddr' }], operator: 'IPMatch', matchValues: ['0.0.0.0/0'] }],
        },
      ],
      tags,
    });
    this.policyId = this.policy.id;

    const publicIp = new PublicIp(this, 'public-ip', {
      name: `pip-${props.name}-appgw`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: ['1', '2', '3'],
      // Azure DDoS infrastructure protection; a DDoS plan is an organisation-level choice.
      ddosProtectionMode: 'VirtualNetworkInherited',
      tags,
    });
    this.publicIpAddress = publicIp.ipAddress;

    const names = {
      gatewayIp: 'gateway-ip',
      publicFrontend: 'public-frontend',
      privateFrontend: 'private-frontend',
      port: 'http-placeholder',
      pool: 'placeholder',
      settings: 'placeholder',
      listener: 'placeholder',
      rule: 'placeholder',
    };
    this.gateway = new ApplicationGateway(this, 'gateway', {
      name: `agw-${props.name}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      zones: ['1', '2', '3'],
      sku: { name: 'WAF_v2', tier: 'WAF_v2' },
      autoscaleConfiguration: { minCapacity: capacity.min, maxCapacity: capacity.max },
      firewallPolicyId: this.policy.id,
      forceFirewallPolicyAssociation: true,
      enableHttp2: true,
      // PCI-DSS 4.2.1: TLS 1.2+ with strong AEAD ciphers only.
      sslPolicy: { policyType: 'Predefined', policyName: 'AppGwSslPolicy20220101S' },
      gatewayIpConfiguration: [{ name: names.gatewayIp, subnetId: props.subnetId }],
      frontendIpConfiguration: [
        { name: names.publicFrontend, publicIpAddressId: publicIp.id },
        { name: names.privateFrontend, subnetId: props.subnetId, privateIpAddressAllocation: 'Static', privateIpAddress: props.privateFrontendIp },
      ],
      frontendPort: [{ name: names.port, port: 80 }],
      backendAddressPool: [{ name: names.pool }],
      backendHttpSettings: [{ name: names.settings, cookieBasedAffinity: 'Disabled', port: 80, protocol: 'Http', requestTimeout: 30 }],
      // Placeholder required by the API, on the private frontend only: nothing is served to the
      // internet until AGIC adds HTTPS listeners.
      httpListener: [{ name: names.listener, frontendIpConfigurationName: names.privateFrontend, frontendPortName: names.port, protocol: 'Http' }],
      requestRoutingRule: [
        { name: names.rule, ruleType: 'Basic', priority: 20000, httpListenerName: names.listener, backendAddressPoolName: names.pool, backendHttpSettingsName: names.settings },
      ],
      tags,
      // AGIC owns listeners, pools, rules and certificates after creation.
      lifecycle: {
        ignoreChanges: [
          'backend_address_pool',
          'backend_http_settings',
          'frontend_port',
          'http_listener',
          'probe',
          'redirect_configuration',
          'request_routing_rule',
          'rewrite_rule_set',
          'ssl_certificate',
          'url_path_map',
          'tags',
        ],
      },
    });

    // PCI-DSS 10.2: every blocked and allowed request is recorded.
    new Diagnostics(this, 'diagnostics', {
      targetResourceId: this.gateway.id,
      workspace: props.workspace,
      categories: ['ApplicationGatewayFirewallLog', 'ApplicationGatewayAccessLog'],
    });
  }
}
