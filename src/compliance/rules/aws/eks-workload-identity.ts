import type { StackRule } from '../../types';
import { anyResource } from '../attributes';

const IDENTITY_TYPES = ['aws_eks_pod_identity_association', 'aws_iam_openid_connect_provider'];

/** Pods get their own short-lived IAM credentials, never the node role. */
export const eksWorkloadIdentity: StackRule = {
  scope: 'stack',
  name: 'eks-workload-identity',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '8.6.2', 'cis-kubernetes-managed': 'EKS 5.2.1' },
  explanation:
    'Workloads that call AWS must use EKS Pod Identity (or IRSA) so each service account has its own least-privilege role and no static access keys exist.',
  fix: 'Bind IAM roles to service accounts with the PodIdentityRole construct (eks-pod-identity-agent add-on + aws_eks_pod_identity_association).',
  evaluate: (resources) => anyResource(resources, 'aws_eks_cluster', (r) => IDENTITY_TYPES.includes(r.type)),
};
