import type { ResourceRule } from '../../types';

/** ELB security policies that negotiate TLS 1.2 or newer only. */
const TLS12_POLICY = /^ELBSecurityPolicy-TLS13-1-[23]-|^ELBSecurityPolicy-TLS-1-2-|^ELBSecurityPolicy-FS-1-2-/;

/** Load-balancer listeners terminate TLS 1.2+ only. */
export const lbTls: ResourceRule = {
  scope: 'resource',
  name: 'aws-lb-tls',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '4.2.1', 'cis-kubernetes-managed': 'EKS 5.4.5' },
  resourceTypes: ['aws_lb_listener'],
  explanation:
    'Load-balancer listeners must accept HTTPS/TLS only, with a security policy that allows TLS 1.2 or newer; plain HTTP is allowed only as a redirect to HTTPS.',
  fix: 'Set protocol = "HTTPS" (or "TLS") and ssl_policy = "ELBSecurityPolicy-TLS13-1-2-Res-2021-06"; plain HTTP listeners may only redirect.',
  evaluate: (attrs) => {
    const protocol = attrs.protocol;
    if (protocol === 'HTTPS' || protocol === 'TLS') {
      return typeof attrs.ssl_policy === 'string' && TLS12_POLICY.test(attrs.ssl_policy) ? 'compliant' : 'non-compliant';
    }
    const actions = Array.isArray(attrs.default_action) ? attrs.default_action : [attrs.default_action];
    const redirects = actions.every(
      (a) => typeof a === 'object' && a !== null && (a as Record<string, unknown>).type === 'redirect',
    );
    return redirects ? 'compliant' : 'non-compliant';
  },
};
