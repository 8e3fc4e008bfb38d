import type { StackRule, StackResource } from '../../types';
import { isTrue } from '../attributes';

function enablesNetworkPolicy(addon: StackResource): boolean {
  const raw = addon.attrs.configuration_values;
  if (typeof raw !== 'string') return false;
  try {
    const parsed: unknown = JSON.parse(raw);
    return isTrue((parsed as Record<string, unknown>).enableNetworkPolicy);
  } catch {
    return false;
  }
}

/** The VPC CNI enforces NetworkPolicy (namespace isolation inside the cluster). */
export const eksNetworkPolicy: StackRule = {
  scope: 'stack',
  name: 'eks-network-policy',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '1.3.1', 'cis-kubernetes-managed': 'EKS 5.4.4' },
  explanation:
    'An EKS cluster must run the vpc-cni add-on with enableNetworkPolicy, otherwise Kubernetes NetworkPolicies are accepted but not enforced and every pod can reach every other pod.',
  fix: 'Install the vpc-cni EKS add-on with configuration_values {"enableNetworkPolicy":"true"} (the aws ClusterAddons construct does).',
  evaluate: (resources) => {
    if (!resources.some((r) => r.type === 'aws_eks_cluster')) return { status: 'not-applicable' };
    const cni = resources.filter((r) => r.type === 'aws_eks_addon' && r.attrs.addon_name === 'vpc-cni');
    const enforcing = cni.filter(enablesNetworkPolicy);
    return enforcing.length > 0
      ? { status: 'compliant', resources: enforcing.map((r) => r.path) }
      : { status: 'non-compliant', resources: cni.map((r) => r.path) };
  },
};
