/**
 * The cluster's VPC: custom-mode network, one node subnet with secondary
 * ranges for pods and services (VPC-native), a proxy-only subnet for internal
 * L7 load balancers, Cloud NAT for egress (nodes hold no public IPs), VPC flow
 * logs, and firewall rules that deny every ingress not explicitly allowed,
 * each logged.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { assertCidr, assertNotAnyAddress, assertResourceName } from './validation';

/** Source ranges of Google Cloud load balancer health checks and proxies (GFE). */
export const GOOGLE_HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;

/**
 * Ports the control plane calls on nodes: kubelet (10250), admission webhooks
 * (443, 8443, 9443: Kyverno, cert-manager, ...) and istiod's sidecar-injector
 * and validation webhook (15017).
 */
export const CONTROL_PLANE_TO_NODE_PORTS = ['443', '8443', '9443', '10250', '15017'] as const;

/** Names of the node subnet's secondary ranges, referenced by the cluster's IP allocation policy. */
export const PODS_RANGE_NAME = 'pods';
export const SERVICES_RANGE_NAME = 'services';

/** Flow-log settings of the node subnet. */
export interface FlowLogSettings {
  /**
   * Aggregation interval of flow records.
   * @default 'INTERVAL_5_SEC' - the finest granularity, for forensics
   */
  readonly aggregationInterval?: 'INTERVAL_5_SEC' | 'INTERVAL_30_SEC' | 'INTERVAL_1_MIN' | 'INTERVAL_5_MIN' | 'INTERVAL_10_MIN' | 'INTERVAL_15_MIN';
  /**
   * Fraction of flows logged, (0, 1].
   * @default 1 - every flow (PCI-DSS 4.0 10.2: complete network audit trail)
   */
  readonly flowSampling?: number;
}

export interface NetworkProps {
  /** Prefix of every network resource name. */
  readonly name: string;
  /** GCP project ID of the VPC. */
  readonly project: string;
  /** Region of the subnets, router and Cloud NAT (the cluster's region). */
  readonly region: string;
  /** Primary range of the node subnet. */
  readonly nodesCidr: string;
  /** Secondary range for pod IPs (alias IPs). */
  readonly podsCidr: string;
  /** Secondary range for ClusterIP services. */
  readonly servicesCidr: string;
  /** The control plane's /28: the source of webhook and kubelet calls to nodes. */
  readonly masterCidr: string;
  /** Proxy-only subnet (/26 or larger) of regional internal/external Application Load Balancers. */
  readonly proxyOnlyCidr: string;
  /** Network tag every node carries; the allow rules target it. */
  readonly nodeTag: string;
  /** @default - every flow, 5-second aggregation, all metadata */
  readonly flowLogs?: FlowLogSettings;
  /**
   * Cloud NAT logging filter.
   * @default 'ERRORS_ONLY' - dropped connections and port exhaustion, the signals that need action
   */
  readonly natLogFilter?: 'ERRORS_ONLY' | 'TRANSLATIONS_ONLY' | 'ALL';
  /**
   * Resources that must exist first (the project's API enablements); every other network resource references the VPC.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A custom-mode VPC with one VPC-native node subnet (flow logs with full metadata, Private Google Access), a proxy-only subnet,
 * logged Cloud NAT as the only egress, and a logged deny-all ingress rule under the few allow rules the cluster needs.
 */
export class Network extends Construct {
  readonly network: ComputeNetwork;
  readonly nodeSubnet: ComputeSubnetwork;
  readonly proxyOnlySubnet: ComputeSubnetwork;
  readonly router: ComputeRouter;
  readonly nat: ComputeRouterNat;
  /** Self link of the VPC. */
  readonly networkId: string;
  readonly nodeSubnetId: string;
  readonly podsRangeName = PODS_RANGE_NAME;
  readonly servicesRangeName = SERVICES_RANGE_NAME;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const { name, project, region } = props;
    assertResourceName('network name', name, 40);
    assertResourceName('network nodeTag', props.nodeTag);
    for (const field of ['nodesCidr', 'podsCidr', 'servicesCidr', 'masterCidr', 'proxyOnlyCidr'] as const) {
      assertCidr(`network ${name}: ${field}`, props[field]);
      assertNotAnyAddress(`network ${name}: ${field}`, props[field]);
    }
    const sampling = props.flowLogs?.flowSampling ?? 1;
    if (!Token.isUnresolved(sampling) && !(sampling > 0 && sampling <= 1)) {
      throw new Error(`network ${name}: flowLogs.flowSampling must be in (0, 1] (flow logs cannot be switched off), got ${sampling}`);
    }

    // Custom mode: no auto-created subnets in every region, only the ranges we plan.
    this.network = new ComputeNetwork(this, 'vpc', {
      name: `${name}-vpc`,
      project,
      autoCreateSubnetworks: false,
      routingMode: 'REGIONAL',
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.networkId = this.network.id;

    this.nodeSubnet = new ComputeSubnetwork(this, 'nodes', {
      name: `${name}-nodes`,
      project,
      region,
      network: this.network.id,
      ipCidrRange: props.nodesCidr,
      secondaryIpRange: [
        { rangeName: PODS_RANGE_NAME, ipCidrRange: props.podsCidr },
        { rangeName: SERVICES_RANGE_NAME, ipCidrRange: props.servicesCidr },
      ],
      // Private nodes reach Google APIs (Artifact Registry, Logging, KMS) without public IPs.
      privateIpGoogleAccess: true,
      // PCI-DSS 4.0 10.2 / CIS GCP 3.8: VPC flow logs with full metadata.
      logConfig: {
        aggregationInterval: props.flowLogs?.aggregationInterval ?? 'INTERVAL_5_SEC',
        flowSampling: sampling,
        metadata: 'INCLUDE_ALL_METADATA',
      },
    });
    this.nodeSubnetId = this.nodeSubnet.id;

    // Envoy proxies of regional Application Load Balancers (GKE internal Gateway/Ingress) live here.
    this.proxyOnlySubnet = new ComputeSubnetwork(this, 'proxy-only', {
      name: `${name}-proxy-only`,
      project,
      region,
      network: this.network.id,
      ipCidrRange: props.proxyOnlyCidr,
      purpose: 'REGIONAL_MANAGED_PROXY',
      role: 'ACTIVE',
    });

    this.router = new ComputeRouter(this, 'router', { name: `${name}-router`, project, region, network: this.network.id });
    // Egress for private nodes: NAT only for the node subnet (nodes and pods), logged.
    this.nat = new ComputeRouterNat(this, 'nat', {
      name: `${name}-nat`,
      project,
      region,
      router: this.router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'LIST_OF_SUBNETWORKS',
      subnetwork: [{ name: this.nodeSubnet.id, sourceIpRangesToNat: ['ALL_IP_RANGES'] }],
      enableEndpointIndependentMapping: false,
      enableDynamicPortAllocation: true,
      minPortsPerVm: 64,
      maxPortsPerVm: 4096,
      logConfig: { enable: true, filter: props.natLogFilter ?? 'ERRORS_ONLY' },
    });

    const logConfig = { metadata: 'INCLUDE_ALL_METADATA' };
    const rule = (ruleId: string, config: Omit<ConstructorParameters<typeof ComputeFirewall>[2], 'network' | 'project' | 'logConfig'>) =>
      new ComputeFirewall(this, ruleId, { ...config, network: this.network.id, project, logConfig });

    // Default deny, logged: the implied deny rule (65535) writes no logs, this one does.
    rule('deny-all-ingress', {
      name: `${name}-deny-all-ingress`,
      description: 'Deny every ingress not allowed by a higher-priority rule; logged for audit.',
      direction: 'INGRESS',
      priority: 65534,
      sourceRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
    });
    // Control plane -> kubelet and admission webhooks (Kyverno, Istio's 15017 ...) on nodes and pods.
    rule('allow-control-plane', {
      name: `${name}-allow-control-plane`,
      description: 'GKE control plane to kubelet and admission webhooks.',
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [props.masterCidr],
      targetTags: [props.nodeTag],
      allow: [{ protocol: 'tcp', ports: [...CONTROL_PLANE_TO_NODE_PORTS] }],
    });
    // Node, pod and service ranges talk to each other (pod-to-pod across nodes); NetworkPolicy narrows it in-cluster.
    rule('allow-intra-cluster', {
      name: `${name}-allow-intra-cluster`,
      description: 'Node and pod ranges to nodes; Kubernetes NetworkPolicy narrows it further.',
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [props.nodesCidr, props.podsCidr],
      targetTags: [props.nodeTag],
      allow: [{ protocol: 'tcp' }, { protocol: 'udp' }, { protocol: 'icmp' }],
    });
    // Load balancer health checks and Google Front Ends (external Application Load Balancer with Cloud Armor).
    rule('allow-health-checks', {
      name: `${name}-allow-health-checks`,
      description: 'Google Cloud load balancer health checks and front ends to serving pods.',
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [...GOOGLE_HEALTH_CHECK_RANGES],
      targetTags: [props.nodeTag],
      allow: [{ protocol: 'tcp' }],
    });
    // Envoy proxies of internal Application Load Balancers reach their backends from the proxy-only subnet.
    rule('allow-proxy-only', {
      name: `${name}-allow-proxy-only`,
      description: 'Regional managed proxies (internal Application Load Balancers) to serving pods.',
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: [props.proxyOnlyCidr],
      targetTags: [props.nodeTag],
      allow: [{ protocol: 'tcp' }],
    });
  }
}
