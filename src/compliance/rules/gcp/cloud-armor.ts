import type { StackRule, StackResource } from '../../types';
import { anyResource, block, blocks } from '../attributes';

function hasWafRule(policy: StackResource): boolean {
  return blocks(policy.attrs, 'rule').some((r) => {
    const expression = block(block(r, 'match'), 'expr')?.expression;
    return typeof expression === 'string' && expression.includes('evaluatePreconfigured') && r.action !== 'allow';
  });
}

/** A Cloud Armor policy with preconfigured WAF rules fronts ingress, logging verbosely. */
export const gcpCloudArmor: StackRule = {
  scope: 'stack',
  name: 'gcp-cloud-armor',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '6.4.2' },
  explanation:
    'A stack with a GKE cluster must define a Cloud Armor security policy with preconfigured WAF (OWASP CRS) rules that deny; its decisions are logged with the load balancer request logs, which the ingress BackendConfig enables.',
  fix: 'Create google_compute_security_policy with rule { action = "deny(403)", match { expr { expression = "evaluatePreconfiguredWaf(\'sqli-v33-stable\')" } } }; attach it to ingress with a BackendConfig that enables logging.',
  evaluate: (resources) =>
    anyResource(resources, 'google_container_cluster', (r) => r.type === 'google_compute_security_policy' && hasWafRule(r)),
};
