import type { ResourceRule } from '../../types';
import { block, isFalse, isTrue } from '../attributes';

/** The Kubernetes API is reachable only from inside the VPC. */
export const eksPrivateEndpoint: ResourceRule = {
  scope: 'resource',
  name: 'eks-private-endpoint',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.1', 'cis-kubernetes-managed': 'EKS 5.4.2' },
  resourceTypes: ['aws_eks_cluster'],
  explanation:
    'The EKS API endpoint must be private only: a public endpoint exposes the control plane of the cardholder-data environment to the internet.',
  fix: 'Set vpc_config.endpoint_private_access = true and endpoint_public_access = false (the aws Cluster construct default; publicApiEndpoint is refused in prod).',
  evaluate: (attrs) => {
    const vpc = block(attrs, 'vpc_config');
    // AWS defaults endpoint_public_access to true: it must be explicitly off.
    return isTrue(vpc?.endpoint_private_access) && isFalse(vpc?.endpoint_public_access) ? 'compliant' : 'non-compliant';
  },
};
