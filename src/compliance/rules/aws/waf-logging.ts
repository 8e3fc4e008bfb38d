import type { StackRule } from '../../types';
import { references } from '../attributes';

/** A regional WAFv2 web ACL that fronts ingress, with its requests logged. */
export const wafLogging: StackRule = {
  scope: 'stack',
  name: 'aws-waf-logging',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '6.4.2' },
  explanation:
    'A stack with an EKS cluster must define a REGIONAL WAFv2 web ACL (attached to the ingress load balancers) with a logging configuration, so web attacks are blocked and every blocked request is on record.',
  fix: 'Create the WebAcl construct (aws_wafv2_web_acl scope REGIONAL + aws_wafv2_web_acl_logging_configuration) in the platform stack.',
  evaluate: (resources) => {
    if (!resources.some((r) => r.type === 'aws_eks_cluster')) return { status: 'not-applicable' };
    const acls = resources.filter((r) => r.type === 'aws_wafv2_web_acl' && r.attrs.scope === 'REGIONAL');
    const logging = resources.filter((r) => r.type === 'aws_wafv2_web_acl_logging_configuration');
    const logged = acls.filter((acl) => logging.some((l) => references(l.attrs.resource_arn, acl.type, acl.name)));
    return logged.length > 0
      ? {
          status: 'compliant',
          resources: [
            ...logged.map((r) => r.path),
            ...logging.filter((l) => logged.some((a) => references(l.attrs.resource_arn, a.type, a.name))).map((l) => l.path),
          ],
        }
      : { status: 'non-compliant', resources: acls.map((r) => r.path) };
  },
};
