/**
 * A rule of the bank's own, beside the platform's PCI-DSS and CIS rules: every EKS node group runs
 * the bank's approved node image family (Amazon Linux 2023), so the hardening guide the bank's
 * security team signed off applies to every node. It lands in the PCI-DSS pack (requirement 2.2.1,
 * configuration standards) and so in every evidence report.
 */
import type { ResourceRule } from 'regulated-k8s-platform/compliance';

export const APPROVED_AMI_TYPES = ['AL2023_x86_64_STANDARD', 'AL2023_ARM_64_STANDARD'];

export const bankApprovedNodeImage: ResourceRule = {
  scope: 'resource',
  name: 'bank-eks-approved-node-image',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '2.2.1' },
  resourceTypes: ['aws_eks_node_group'],
  explanation: 'Node groups run an image family the bank has approved and hardened (Amazon Linux 2023).',
  fix: `Set ami_type to one of ${APPROVED_AMI_TYPES.join(', ')}.`,
  evaluate: (attrs) => (APPROVED_AMI_TYPES.includes(String(attrs.ami_type)) ? 'compliant' : 'non-compliant'),
};
