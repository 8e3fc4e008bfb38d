import type { ResourceRule } from '../../types';
import { strings } from '../attributes';

const REQUIRED = ['api', 'audit', 'authenticator'];

/** Control-plane audit trail: who called the API, and how they authenticated. */
export const eksAuditLogging: ResourceRule = {
  scope: 'resource',
  name: 'eks-audit-logging',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1', 'cis-kubernetes-managed': 'EKS 2.1.1' },
  resourceTypes: ['aws_eks_cluster'],
  explanation:
    'EKS control-plane logs (api, audit, authenticator) must be shipped to CloudWatch: without them no access to the cluster can be reconstructed.',
  fix: `Set enabled_cluster_log_types to include ${REQUIRED.join(', ')} (the aws Cluster construct enables all five types).`,
  evaluate: (attrs) => {
    const types = strings(attrs.enabled_cluster_log_types);
    return REQUIRED.every((t) => types.includes(t)) ? 'compliant' : 'non-compliant';
  },
};
