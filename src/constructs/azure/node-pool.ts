/**
 * AKS node pools. Every pool gets the same hardened node settings (no public
 * IPs, encryption at host, CMK-encrypted managed OS disks through the
 * cluster's disk encryption set, FIPS, Azure Linux, three zones); pools
 * differ only in size, labels and taints.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesClusterNodePool } from '@cdktf/provider-azurerm/lib/kubernetes-cluster-node-pool';
import type { NodeTaint } from '../contract';

/** Size and shape of one node pool. */
export interface NodePoolSizing {
  /** VM size, e.g. Standard_D4s_v5. */
  readonly vmSize: string;
  readonly minCount: number;
  readonly maxCount: number;
  /** Nodes at creation; the autoscaler owns the count afterwards. */
  readonly desiredCount: number;
  readonly osDiskSizeGb: number;
}

/** Node settings shared by the default (system) pool and user pools. */
export interface NodeHardeningProps {
  /**
   * FIPS 140 validated crypto modules on the node OS.
   * @default true - PCI-DSS 4.2.1 / bank crypto policy
   */
  readonly fipsEnabled?: boolean;
  /**
   * Availability zones the pool spreads over.
   * @default ['1', '2', '3']
   */
  readonly zones?: readonly string[];
  /**
   * Pods per node (overlay networking).
   * @default 110
   */
  readonly maxPods?: number;
  /**
   * Extra nodes during upgrades, a count or a percentage.
   * @default '33%'
   */
  readonly maxSurge?: string;
}

/** Validates sizing and returns the hardened attributes common to both pool resources. */
export function hardenedPoolSettings(pool: string, sizing: NodePoolSizing, hardening: NodeHardeningProps, subnetId: string) {
  const { minCount, maxCount, desiredCount, osDiskSizeGb } = sizing;
  if (![minCount, maxCount, desiredCount].some((n) => Token.isUnresolved(n))) {
    if (!(minCount >= 1 && minCount <= desiredCount && desiredCount <= maxCount)) {
      throw new Error(`node pool ${pool}: need 1 <= minCount <= desiredCount <= maxCount, got ${minCount} <= ${desiredCount} <= ${maxCount}`);
    }
  }
  if (!Token.isUnresolved(osDiskSizeGb) && (osDiskSizeGb < 30 || osDiskSizeGb > 2048)) {
    throw new Error(`node pool ${pool}: osDiskSizeGb must be between 30 and 2048, got ${osDiskSizeGb}`);
  }
  const zones = hardening.zones ?? ['1', '2', '3'];
  if (zones.length === 0) {
    throw new Error(`node pool ${pool}: zones must list at least one availability zone, got none`);
  }
  const maxPods = hardening.maxPods ?? 110;
  if (!Token.isUnresolved(maxPods) && (maxPods < 10 || maxPods > 250)) {
    throw new Error(`node pool ${pool}: maxPods must be between 10 and 250, got ${maxPods}`);
  }
  const maxSurge = hardening.maxSurge ?? '33%';
  if (!Token.isUnresolved(maxSurge) && !/^([1-9]\d*|[1-9]\d?%|100%)$/.test(maxSurge)) {
    throw new Error(`node pool ${pool}: maxSurge must be a node count or a percentage such as 33%, got "${maxSurge}"`);
  }
  return {
    vmSize: sizing.vmSize,
    vnetSubnetId: subnetId,
    zones: [...zones],
    autoScalingEnabled: true,
    minCount,
    maxCount,
    nodeCount: desiredCount,
    maxPods,
    // Azure Linux: minimal, Microsoft-maintained node image with a small attack surface.
    osSku: 'AzureLinux',
    // CIS AKS 5.x / PCI-DSS 1.4: nodes are never directly reachable from the internet.
    nodePublicIpEnabled: false,
    // Temp disks, caches and data in transit to storage are encrypted on the host.
    hostEncryptionEnabled: true,
    // Managed OS disks, encrypted with the customer-managed key of the cluster's disk encryption set.
    osDiskType: 'Managed',
    osDiskSizeGb,
    fipsEnabled: hardening.fipsEnabled ?? true,
    upgradeSettings: { maxSurge, drainTimeoutInMinutes: 30, nodeSoakDurationInMinutes: 0 },
  };
}

export interface NodePoolProps extends NodeHardeningProps {
  /** Pool name: 1-12 lowercase letters and digits, starting with a letter. */
  readonly name: string;
  /** ARM id of the AKS cluster the pool joins. */
  readonly kubernetesClusterId: string;
  /** Subnet of the pool's nodes (the cluster's node subnet); nodes never get a public IP. */
  readonly subnetId: string;
  /** VM size, autoscaler bounds, node count at creation and OS disk size of the pool. */
  readonly sizing: NodePoolSizing;
  /** Kubernetes labels on every node. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Taints that keep other workloads off the pool.
   * @default - none
   */
  readonly taints?: readonly NodeTaint[];
  /**
   * Azure tags of the node pool resource.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** A user-mode pool (workloads, never cluster-critical add-ons). */
export class NodePool extends Construct {
  readonly pool: KubernetesClusterNodePool;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly NodeTaint[];

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.name) && !/^[a-z][a-z0-9]{0,11}$/.test(props.name)) {
      throw new Error(`node pool: name must be 1-12 lowercase letters and digits starting with a letter, got "${props.name}"`);
    }
    const taints = props.taints ?? [];
    for (const t of taints) {
      if (!/^[a-z0-9A-Z._/-]+$/.test(t.key) || !/^[a-z0-9A-Z._-]*$/.test(t.value)) {
        throw new Error(`node pool ${props.name}: taint key and value must be label-safe, got "${t.key}=${t.value}"`);
      }
    }
    this.pool = new KubernetesClusterNodePool(this, 'pool', {
      name: props.name,
      kubernetesClusterId: props.kubernetesClusterId,
      mode: 'User',
      osType: 'Linux',
      ...hardenedPoolSettings(props.name, props.sizing, props, props.subnetId),
      nodeLabels: { ...props.labels },
      nodeTaints: taints.map((t) => `${t.key}=${t.value}:${t.effect}`),
      temporaryNameForRotation: `${props.name.slice(0, 9)}tmp`,
      tags: props.tags ? { ...props.tags } : undefined,
      // The cluster autoscaler owns the node count after creation.
      lifecycle: { ignoreChanges: ['node_count'] },
    });
    this.labels = { ...props.labels };
    this.taints = taints;
  }
}
