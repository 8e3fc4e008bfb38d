/**
 * EKS managed add-ons at pinned versions, one row per supported Kubernetes
 * minor: an upgrade is a reviewed diff of this table, never "latest".
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';

export type AddonName = 'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver';

/**
 * Pinned add-on versions per Kubernetes minor. Sources: the EKS user guide
 * version tables and published configurations (reviewed 2026-11); confirm with
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <name>`
 * when changing a row.
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<AddonName, string>>>> = {
  '1.33': {
    'vpc-cni': 'v1.21.1-eksbuild.3',
    'kube-proxy': 'v1.33.5-eksbuild.2',
    coredns: 'v1.12.3-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.57.1-eksbuild.1',
  },
  '1.34': {
    'vpc-cni': 'v1.21.1-eksbuild.3',
    'kube-proxy': 'v1.34.1-eksbuild.2',
    coredns: 'v1.13.2-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.57.1-eksbuild.1',
  },
  '1.35': {
    'vpc-cni': 'v1.21.1-eksbuild.3',
    'kube-proxy': 'v1.35.0-eksbuild.2',
    coredns: 'v1.13.2-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.57.1-eksbuild.1',
  },
};

export interface ClusterAddonsProps {
  readonly clusterName: string;
  /** Kubernetes minor version; selects the row of EKS_ADDON_VERSIONS. */
  readonly kubernetesVersion: string;
  /**
   * Resources the workload add-ons (CoreDNS, EBS CSI) wait for: they only
   * become healthy once nodes exist.
   * @default - none
   */
  readonly afterNodes?: readonly ITerraformDependable[];
}

export class ClusterAddons extends Construct {
  readonly addons: Readonly<Record<AddonName, EksAddon>>;

  constructor(scope: Construct, id: string, props: ClusterAddonsProps) {
    super(scope, id);
    const versions = Token.isUnresolved(props.kubernetesVersion) ? undefined : EKS_ADDON_VERSIONS[props.kubernetesVersion];
    if (!versions) {
      throw new Error(
        `cluster add-ons: no pinned add-on versions for kubernetesVersion "${props.kubernetesVersion}"; supported: ${Object.keys(EKS_ADDON_VERSIONS).join(', ')}`,
      );
    }
    const addon = (name: AddonName, extra: { configurationValues?: string; dependsOn?: ITerraformDependable[] } = {}): EksAddon =>
      new EksAddon(this, name, {
        clusterName: props.clusterName,
        addonName: name,
        addonVersion: versions[name],
        // The managed add-on owns its objects: drift from hand edits is overwritten.
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        ...extra,
      });
    const after = props.afterNodes ? [...props.afterNodes] : undefined;
    this.addons = {
      // PCI-DSS 1.3 / CIS EKS 4.4.x: NetworkPolicy enforced by the VPC CNI's eBPF agent.
      'vpc-cni': addon('vpc-cni', { configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }) }),
      'kube-proxy': addon('kube-proxy'),
      // Pod Identity: short-lived, per-service-account AWS credentials (no node-role sharing).
      'eks-pod-identity-agent': addon('eks-pod-identity-agent'),
      coredns: addon('coredns', { dependsOn: after }),
      'aws-ebs-csi-driver': addon('aws-ebs-csi-driver', { dependsOn: after }),
    };
  }
}
