/**
 * GKE node pools, managed separately from the cluster so each pool can be
 * resized, upgraded or replaced on its own. Every node is a Shielded VM on
 * Container-Optimized OS with a CMEK-encrypted boot disk, runs as the
 * dedicated node service account, and exposes only the GKE metadata server
 * to pods (Workload Identity).
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import type { NodeTaint } from '../contract';
import type { KeyRef } from './kms';
import { assertResourceName } from './validation';

/** Size and shape of one pool, in total nodes across the cluster's zones. */
export interface NodePoolSizing {
  readonly machineType: string;
  /** Minimum nodes across all zones (autoscaler `total_min_node_count`). */
  readonly minCount: number;
  /** Maximum nodes across all zones (autoscaler `total_max_node_count`). */
  readonly maxCount: number;
  /** Nodes wanted at creation, across all zones. */
  readonly desiredCount: number;
  readonly diskSizeGb: number;
}

/** Settings every node carries, in the cluster's default pool and in every managed pool. */
export interface NodeSecurityProps {
  /** Email of the dedicated least-privilege node service account. */
  readonly serviceAccountEmail: string;
  /** Key that encrypts node boot disks (CMEK). */
  readonly bootDiskKey: KeyRef;
  /** Network tag the firewall allow rules target. */
  readonly nodeTag: string;
  /**
   * Labels on the node VMs (cost attribution).
   * @default - none
   */
  readonly resourceLabels?: Readonly<Record<string, string>>;
}

/**
 * The node_config settings that carry the node controls. Shared with the
 * cluster's short-lived default pool so that pool is never weaker.
 */
export function hardenedNodeConfig(props: NodeSecurityProps) {
  return {
    // CIS GKE 5.5.1: Container-Optimized OS with containerd (read-only root, minimal packages).
    imageType: 'COS_CONTAINERD',
    // CIS GKE 5.2.1: dedicated service account, never the Compute Engine default (Editor).
    serviceAccount: props.serviceAccountEmail,
    // Access is governed by the service account's IAM roles; scopes are the coarse legacy layer.
    oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
    // CIS GKE 5.9.1: boot disks encrypted with our Cloud KMS key.
    bootDiskKmsKey: props.bootDiskKey.keyId,
    // CIS GKE 5.4.1: legacy (v0.1/v1beta1) metadata endpoints off.
    metadata: { 'disable-legacy-endpoints': 'true' },
    // CIS GKE 5.5.5 / 5.5.6: Shielded VMs with secure boot and integrity monitoring.
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    // CIS GKE 5.4.2: pods see the GKE metadata server only (Workload Identity), never node credentials.
    workloadMetadataConfig: { mode: 'GKE_METADATA' },
    tags: [props.nodeTag],
    resourceLabels: props.resourceLabels ? { ...props.resourceLabels } : undefined,
  };
}

export interface NodePoolProps extends NodeSecurityProps {
  /** Pool name inside the cluster (`app`, `security`). */
  readonly name: string;
  /** Cluster id, `projects/<p>/locations/<l>/clusters/<name>`. */
  readonly clusterId: string;
  /** GCP project ID of the cluster. */
  readonly project: string;
  /** Region of the (regional) cluster. */
  readonly location: string;
  /** Machine type, autoscaler bounds and nodes at creation (totals across zones), and boot disk size (at least 30 GB). */
  readonly sizing: NodePoolSizing;
  /**
   * Zones the pool spreads over: `initial_node_count` is per zone, so the
   * total desired count is divided by it (rounded up).
   * @default 3 - a regional cluster spans three zones
   */
  readonly zoneCount?: number;
  /**
   * Kubernetes labels on every node.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly taints?: readonly NodeTaint[];
  /**
   * Persistent disk type of node boot disks.
   * @default 'pd-balanced'
   */
  readonly diskType?: 'pd-balanced' | 'pd-ssd' | 'pd-standard';
  /**
   * Extra nodes created during an upgrade (surge); unavailable nodes stay 0.
   * @default 1
   */
  readonly maxSurge?: number;
}

const TAINT_EFFECTS: Record<NodeTaint['effect'], string> = { NoSchedule: 'NO_SCHEDULE' };

function assertSizing(name: string, s: NodePoolSizing): void {
  const known = [s.minCount, s.maxCount, s.desiredCount, s.diskSizeGb].every((v) => !Token.isUnresolved(v));
  if (!known) return;
  if (!Number.isInteger(s.minCount) || s.minCount < 1) {
    throw new Error(`node pool ${name}: minCount must be an integer of at least 1, got ${s.minCount}`);
  }
  if (s.maxCount < s.minCount) {
    throw new Error(`node pool ${name}: maxCount (${s.maxCount}) must be at least minCount (${s.minCount})`);
  }
  if (s.desiredCount < s.minCount || s.desiredCount > s.maxCount) {
    throw new Error(`node pool ${name}: desiredCount must be between minCount and maxCount [${s.minCount}, ${s.maxCount}], got ${s.desiredCount}`);
  }
  if (s.diskSizeGb < 30) {
    throw new Error(`node pool ${name}: diskSizeGb must be at least 30 (COS image, logs, images), got ${s.diskSizeGb}`);
  }
}

/**
 * A GKE node pool of Shielded COS VMs with CMEK boot disks, the dedicated node service account, the GKE metadata server only
 * (Workload Identity), the kubelet read-only port closed, auto-repair and auto-upgrade, and surge upgrades that keep capacity.
 */
export class NodePool extends Construct {
  readonly nodePool: ContainerNodePool;
  readonly poolName: string;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    assertResourceName('node pool name', props.name, 40);
    assertSizing(props.name, props.sizing);
    const zoneCount = props.zoneCount ?? 3;
    if (!Number.isInteger(zoneCount) || zoneCount < 1) {
      throw new Error(`node pool ${props.name}: zoneCount must be a positive integer, got ${zoneCount}`);
    }
    const maxSurge = props.maxSurge ?? 1;
    if (!Number.isInteger(maxSurge) || maxSurge < 1) {
      throw new Error(`node pool ${props.name}: maxSurge must be a positive integer (upgrades add nodes before draining), got ${maxSurge}`);
    }
    const { sizing } = props;

    this.nodePool = new ContainerNodePool(this, 'pool', {
      name: props.name,
      cluster: props.clusterId,
      project: props.project,
      location: props.location,
      // Per zone: the total desired count spread over the zones, rounded up.
      initialNodeCount: Math.max(1, Math.ceil(sizing.desiredCount / zoneCount)),
      // Totals across zones, balanced between zones, so min/max mean the same as on EKS and AKS.
      autoscaling: {
        totalMinNodeCount: sizing.minCount,
        totalMaxNodeCount: sizing.maxCount,
        locationPolicy: 'BALANCED',
      },
      // CIS GKE 5.5.2 / 5.5.3: nodes repair themselves and follow the control plane's patch level.
      management: { autoRepair: true, autoUpgrade: true },
      // Surge upgrades: a new node joins before an old one drains; capacity never drops.
      upgradeSettings: { strategy: 'SURGE', maxSurge, maxUnavailable: 0 },
      nodeConfig: {
        ...hardenedNodeConfig(props),
        machineType: sizing.machineType,
        diskSizeGb: sizing.diskSizeGb,
        diskType: props.diskType ?? 'pd-balanced',
        labels: props.labels ? { ...props.labels } : undefined,
        taint: props.taints?.length ? props.taints.map((t) => ({ key: t.key, value: t.value, effect: TAINT_EFFECTS[t.effect] })) : undefined,
        // CIS GKE 3.2.x: the unauthenticated kubelet read-only port (10255) stays closed.
        kubeletConfig: { insecureKubeletReadonlyPortEnabled: 'FALSE' },
      },
    });
    // initial_node_count forces a new pool when changed; after creation the autoscaler owns the count.
    this.nodePool.lifecycle = { ignoreChanges: ['initial_node_count'] };
    this.poolName = this.nodePool.name;
  }
}
