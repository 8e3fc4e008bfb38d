/**
 * EKS managed add-ons at pinned versions, one row per supported Kubernetes
 * minor: an upgrade is a reviewed diff of this table, never "latest".
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksAddon } from '@cdktf/provider-aws/lib/eks-addon';
import { BASELINE_SERVICE_ACCOUNTS, type ServiceAccountRef } from '../contract';

export type AddonName = 'vpc-cni' | 'kube-proxy' | 'coredns' | 'eks-pod-identity-agent' | 'aws-ebs-csi-driver' | 'snapshot-controller';

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
    'snapshot-controller': 'v8.3.0-eksbuild.1',
  },
  '1.34': {
    'vpc-cni': 'v1.21.1-eksbuild.3',
    'kube-proxy': 'v1.34.1-eksbuild.2',
    coredns: 'v1.13.2-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.57.1-eksbuild.1',
    'snapshot-controller': 'v8.3.0-eksbuild.1',
  },
  '1.35': {
    'vpc-cni': 'v1.21.1-eksbuild.3',
    'kube-proxy': 'v1.35.0-eksbuild.2',
    coredns: 'v1.13.2-eksbuild.1',
    'eks-pod-identity-agent': 'v1.3.10-eksbuild.3',
    'aws-ebs-csi-driver': 'v1.57.1-eksbuild.1',
    'snapshot-controller': 'v8.3.0-eksbuild.1',
  },
};

/** Add-ons that call AWS APIs, each from its own IAM role. */
export type AddonWithIdentity = 'vpc-cni' | 'aws-ebs-csi-driver';

/** The service account each of those add-ons runs as (fixed by the add-on's manifests). */
export const ADDON_SERVICE_ACCOUNTS: Readonly<Record<AddonWithIdentity, ServiceAccountRef>> = {
  'vpc-cni': { namespace: 'kube-system', name: 'aws-node' },
  'aws-ebs-csi-driver': BASELINE_SERVICE_ACCOUNTS.ebsCsiController,
};

/** A Pod Identity role an add-on binds through its `pod_identity_association` block (a `PodIdentityRole` fits). */
export interface AddonIdentityRef {
  readonly roleArn: string;
  /** Must be the add-on's own service account (ADDON_SERVICE_ACCOUNTS). */
  readonly serviceAccount: ServiceAccountRef;
  /** Resources granting the role its permissions; the add-on waits for them. */
  readonly grants: readonly ITerraformDependable[];
}

export interface ClusterAddonsProps {
  /** Name of the EKS cluster the add-ons are installed into (the `Cluster` construct's `clusterName`, so they wait for it). */
  readonly clusterName: string;
  /** Kubernetes minor version; selects the row of EKS_ADDON_VERSIONS. */
  readonly kubernetesVersion: string;
  /**
   * Resources the workload add-ons (CoreDNS, EBS CSI) wait for: they only
   * become healthy once nodes exist.
   * @default - none
   */
  readonly afterNodes?: readonly ITerraformDependable[];
  /**
   * The Pod Identity role of each add-on that calls AWS. Required: without
   * one the add-on would fall back to the node role, which then needs the
   * add-on's permissions for every pod on the node (CIS EKS 5.2.x).
   */
  readonly identities: Readonly<Record<AddonWithIdentity, AddonIdentityRef>>;
}

/**
 * The EKS managed add-ons (VPC CNI with NetworkPolicy enforcement, kube-proxy, CoreDNS, Pod Identity agent, EBS CSI driver) at
 * the versions pinned for the cluster's minor. The add-ons that call AWS run under their own Pod Identity roles, never the node role.
 */
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
    validateIdentities(props.identities);
    const addon = (
      name: AddonName,
      extra: Pick<ConstructorParameters<typeof EksAddon>[2], 'configurationValues' | 'dependsOn' | 'podIdentityAssociation'> = {},
    ): EksAddon =>
      new EksAddon(this, name, {
        clusterName: props.clusterName,
        addonName: name,
        addonVersion: versions[name],
        // The managed add-on owns its objects: drift from hand edits is overwritten.
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'OVERWRITE',
        ...extra,
      });
    const after = props.afterNodes ? [...props.afterNodes] : [];
    // Pod Identity: short-lived, per-service-account AWS credentials (no node-role sharing).
    const podIdentityAgent = addon('eks-pod-identity-agent');
    // The add-on owns the association (created before its pods start). It waits for the Pod Identity agent,
    // which serves the credentials on each node, and for the role's policies, so its pods never start unpermitted.
    const withIdentity = (name: AddonWithIdentity) => ({
      podIdentityAssociation: [{ roleArn: props.identities[name].roleArn, serviceAccount: ADDON_SERVICE_ACCOUNTS[name].name }],
      dependsOn: [podIdentityAgent, ...props.identities[name].grants],
    });
    const ebsCsi = withIdentity('aws-ebs-csi-driver');
    this.addons = {
      // PCI-DSS 1.3 / CIS EKS 4.4.x: NetworkPolicy enforced by the VPC CNI's eBPF agent.
      // CIS EKS 5.2.x: ENI/IP permissions on aws-node's own role, not the node role.
      'vpc-cni': addon('vpc-cni', { configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }), ...withIdentity('vpc-cni') }),
      'kube-proxy': addon('kube-proxy'),
      'eks-pod-identity-agent': podIdentityAgent,
      coredns: addon('coredns', { dependsOn: after.length > 0 ? after : undefined }),
      'aws-ebs-csi-driver': addon('aws-ebs-csi-driver', { ...ebsCsi, dependsOn: [...after, ...ebsCsi.dependsOn] }),
      // The snapshot.storage.k8s.io CRDs and the controller that turns a VolumeSnapshot into an EBS snapshot (via the
      // EBS CSI driver's snapshotter sidecar): what Velero's CSI backups of volumes need. It runs pods, so after the nodes.
      'snapshot-controller': addon('snapshot-controller', { dependsOn: after.length > 0 ? after : undefined }),
    };
  }
}

function validateIdentities(identities: ClusterAddonsProps['identities']): void {
  for (const name of Object.keys(ADDON_SERVICE_ACCOUNTS) as AddonWithIdentity[]) {
    const identity = identities[name] as AddonIdentityRef | undefined;
    const expected = ADDON_SERVICE_ACCOUNTS[name];
    if (!identity) {
      throw new Error(`cluster add-ons: ${name} needs a pod identity role for ${expected.namespace}/${expected.name}; without one it falls back to the node role`);
    }
    const { namespace, name: account } = identity.serviceAccount;
    if (Token.isUnresolved(namespace) || Token.isUnresolved(account)) continue;
    if (namespace !== expected.namespace || account !== expected.name) {
      throw new Error(`cluster add-ons: the ${name} role must be bound to ${expected.namespace}/${expected.name}, got ${namespace}/${account}`);
    }
  }
}
