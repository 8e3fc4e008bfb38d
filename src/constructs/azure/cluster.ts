/**
 * The AKS cluster: private API server projected into its own subnet, Entra
 * ID + Azure RBAC only, secrets envelope-encrypted with a customer-managed
 * key, Cilium network policy, Defender, Azure Policy and full control-plane
 * audit logs. The default node pool is a tainted system pool that runs only
 * cluster-critical add-ons.
 */
import { Fn, type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import type { KeyRef } from './key-vault';
import { Diagnostics, type WorkspaceRef } from './logging';
import { type NodeHardeningProps, type NodePoolSizing, hardenedPoolSettings } from './node-pool';

/** Control-plane log categories collected for audit and forensics (CIS AKS 2.1.1, PCI-DSS 10.2). */
export const CONTROL_PLANE_LOG_CATEGORIES = [
  'kube-audit',
  'kube-audit-admin',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'cluster-autoscaler',
  'guard',
] as const;

/** Dev-only opt-out: a public API endpoint restricted to these networks. */
export interface PublicEndpointAccess {
  /** Networks allowed to reach the public endpoint; never empty, never 0.0.0.0/0. */
  readonly authorizedIpRanges: readonly string[];
}

export interface ClusterProps extends NodeHardeningProps {
  /** AKS cluster name; also its DNS prefix. */
  readonly name: string;
  /** Resource group of the cluster resource (the nodes live in `nodeResourceGroupName`). */
  readonly resourceGroupName: string;
  /** Azure region of the cluster, e.g. `westeurope`. */
  readonly location: string;
  /**
   * Kubernetes version, `1.34` or `1.34.2`: minor upgrades are config changes, patches and node images follow automatically
   * (`patch` and `NodeImage` upgrade channels).
   */
  readonly kubernetesVersion: string;
  /** Entra ID tenant whose identities authenticate to the API server (Entra ID with Azure RBAC; local accounts are disabled). */
  readonly tenantId: string;
  /** Entra ID groups granted cluster-admin through Azure RBAC. */
  readonly adminGroupObjectIds: readonly string[];
  /** User-assigned control-plane identity (KMS does not work with a system-assigned one). */
  readonly identityId: string;
  /** Subnet of the system pool's nodes: no public node IPs, egress only through the subnet's NAT gateway (`userAssignedNATGateway`). */
  readonly nodeSubnetId: string;
  /** Delegated subnet of the API server (API server VNet integration). */
  readonly apiServerSubnetId: string;
  /** Key that encrypts Kubernetes secrets in etcd (KMS v2). */
  readonly kmsKey: KeyRef;
  /** Disk encryption set (customer-managed key) of every node OS disk. */
  readonly diskEncryptionSetId: string;
  /** Log Analytics workspace of the control-plane audit logs (CONTROL_PLANE_LOG_CATEGORIES), Defender and Container Insights. */
  readonly workspace: WorkspaceRef;
  /** Azure CNI overlay range pod IPs come from; not part of the VNet, so it must not overlap it or any peered network. */
  readonly podCidr: string;
  /** Range of Kubernetes ClusterIP services; must not overlap the VNet or `podCidr`. */
  readonly serviceCidr: string;
  /** ClusterIP of the cluster DNS service (CoreDNS); an address inside `serviceCidr`. */
  readonly dnsServiceIp: string;
  /** The system pool: cluster-critical add-ons only (CoreDNS, metrics-server, konnectivity ...). */
  readonly systemPool: NodePoolSizing;
  /**
   * Control-plane tier.
   * @default 'Standard' - financially backed SLA and the larger control plane
   */
  readonly skuTier?: 'Free' | 'Standard' | 'Premium';
  /**
   * Opt-out: expose the API server publicly to these networks.
   * @default - private cluster only
   */
  readonly publicEndpoint?: PublicEndpointAccess;
  /**
   * Node resource group AKS manages.
   * @default '<resourceGroupName>-nodes'
   */
  readonly nodeResourceGroupName?: string;
  /**
   * Role assignments the control-plane identity needs before creation.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * Azure tags of the cluster resource.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Refuses an empty or internet-wide public API allow-list. */
export function assertAuthorizedRanges(ranges: readonly string[]): void {
  if (ranges.length === 0) {
    throw new Error('aks cluster: publicEndpoint.authorizedIpRanges must list at least one network; an empty list would open the API server to the internet');
  }
  for (const range of ranges) {
    if (Token.isUnresolved(range)) continue;
    if (/^0\.0\.0\.0\/0$|^::\/0$/.test(range.trim())) {
      throw new Error(`aks cluster: publicEndpoint.authorizedIpRanges must not contain "${range}"; list specific networks`);
    }
    if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(range)) {
      throw new Error(`aks cluster: publicEndpoint.authorizedIpRanges entries must be IPv4 CIDRs, got "${range}"`);
    }
  }
}

/**
 * An AKS cluster with a private API server integrated into its own subnet, Entra ID with Azure RBAC only (no local accounts),
 * etcd secrets encrypted with a customer-managed key (KMS v2), Cilium network policy, Azure Policy, Defender and every
 * control-plane log category sent to the workspace; the default pool is a CriticalAddonsOnly system pool.
 */
export class Cluster extends Construct {
  readonly cluster: KubernetesCluster;
  readonly clusterId: string;
  readonly clusterName: string;
  readonly oidcIssuerUrl: string;
  /** API server URL from the Entra ID kubeconfig (private FQDN on a private cluster). */
  readonly host: string;
  /** PEM cluster CA, already base64-decoded. */
  readonly clusterCaCertificate: string;
  /** Object id of the kubelet identity AKS creates in the node resource group: the identity nodes pull images as. */
  readonly kubeletObjectId: string;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    if (props.adminGroupObjectIds.length === 0) {
      throw new Error(`aks cluster ${props.name}: adminGroupObjectIds must list at least one Entra ID group, got none`);
    }
    if (props.publicEndpoint) assertAuthorizedRanges(props.publicEndpoint.authorizedIpRanges);
    if (!Token.isUnresolved(props.kubernetesVersion) && !/^1\.\d{2}(\.\d+)?$/.test(props.kubernetesVersion)) {
      throw new Error(`aks cluster ${props.name}: kubernetesVersion must look like 1.34, got "${props.kubernetesVersion}"`);
    }
    const isPrivate = props.publicEndpoint === undefined;

    this.cluster = new KubernetesCluster(this, 'cluster', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      nodeResourceGroup: props.nodeResourceGroupName ?? `${props.resourceGroupName}-nodes`,
      dnsPrefix: props.name,
      kubernetesVersion: props.kubernetesVersion,
      skuTier: props.skuTier ?? 'Standard',
      // Patch releases and node images are applied automatically; minor upgrades go through config review.
      automaticUpgradeChannel: 'patch',
      nodeOsUpgradeChannel: 'NodeImage',
      // CIS AKS 5.4.2: no public API endpoint; private DNS zone managed by AKS.
      privateClusterEnabled: isPrivate,
      privateDnsZoneId: isPrivate ? 'System' : undefined,
      privateClusterPublicFqdnEnabled: false,
      apiServerAccessProfile: {
        // The API server lives behind an internal load balancer in our subnet: node traffic
        // never leaves the VNet, and KMS can reach a private Key Vault.
        virtualNetworkIntegrationEnabled: true,
        subnetId: props.apiServerSubnetId,
        authorizedIpRanges: props.publicEndpoint ? [...props.publicEndpoint.authorizedIpRanges] : undefined,
      },
      identity: { type: 'UserAssigned', identityIds: [props.identityId] },
      // CIS AKS 3.1 / PCI-DSS 8.2: Entra ID identities only, no static client certificates.
      localAccountDisabled: true,
      roleBasedAccessControlEnabled: true,
      azureActiveDirectoryRoleBasedAccessControl: {
        tenantId: props.tenantId,
        azureRbacEnabled: true,
        adminGroupObjectIds: [...props.adminGroupObjectIds],
      },
      // CIS AKS 5.3.1 / PCI-DSS 3.5.1: secrets in etcd encrypted with our key, reached privately.
      keyManagementService: { keyVaultKeyId: props.kmsKey.keyId, keyVaultNetworkAccess: 'Private' },
      diskEncryptionSetId: props.diskEncryptionSetId,
      // Pods get short-lived federated tokens instead of stored cloud credentials.
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      networkProfile: {
        networkPlugin: 'azure',
        networkPluginMode: 'overlay',
        // Kubernetes NetworkPolicy enforced by Cilium's eBPF data plane (PCI-DSS 1.3 segmentation).
        networkPolicy: 'cilium',
        networkDataPlane: 'cilium',
        podCidr: props.podCidr,
        serviceCidr: props.serviceCidr,
        dnsServiceIp: props.dnsServiceIp,
        loadBalancerSku: 'standard',
        // Egress through our NAT gateway only; no load-balancer outbound public IPs.
        outboundType: 'userAssignedNATGateway',
      },
      defaultNodePool: {
        name: 'system',
        ...hardenedPoolSettings('system', props.systemPool, props, props.nodeSubnetId),
        // CriticalAddonsOnly taint: application pods never share nodes with CoreDNS and friends.
        onlyCriticalAddonsEnabled: true,
        temporaryNameForRotation: 'systemtmp',
      },
      // CIS AKS 4.2: admission policy (Gatekeeper) with Azure Policy initiatives.
      azurePolicyEnabled: true,
      // Runtime threat detection and vulnerability assessment.
      microsoftDefender: { logAnalyticsWorkspaceId: props.workspace.workspaceId },
      omsAgent: { logAnalyticsWorkspaceId: props.workspace.workspaceId, msiAuthForMonitoringEnabled: true },
      // Removes unused (possibly vulnerable) images from nodes.
      imageCleanerEnabled: true,
      imageCleanerIntervalHours: 48,
      // `az aks command invoke` would bypass the private endpoint and admission through a managed pod.
      runCommandEnabled: false,
      httpApplicationRoutingEnabled: false,
      tags: props.tags ? { ...props.tags } : undefined,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
      // The cluster autoscaler owns the system pool's count after creation.
      lifecycle: { ignoreChanges: ['default_node_pool[0].node_count'] },
    });

    new Diagnostics(this, 'diagnostics', {
      targetResourceId: this.cluster.id,
      workspace: props.workspace,
      categories: CONTROL_PLANE_LOG_CATEGORIES,
    });

    this.clusterId = this.cluster.id;
    this.clusterName = this.cluster.name;
    this.oidcIssuerUrl = this.cluster.oidcIssuerUrl;
    // Local accounts are disabled, so kube_admin_config is empty: use the Entra ID kubeconfig.
    const kubeConfig = this.cluster.kubeConfig.get(0);
    this.host = kubeConfig.host;
    this.clusterCaCertificate = Fn.base64decode(kubeConfig.clusterCaCertificate);
    this.kubeletObjectId = this.cluster.kubeletIdentity.objectId;
  }
}
