/**
 * The GKE Standard cluster: regional, VPC-native, private nodes and a
 * private-only control-plane endpoint limited to authorized networks,
 * Dataplane V2 (NetworkPolicy enforced in eBPF), Workload Identity, secrets
 * encrypted in etcd with our Cloud KMS key, Binary Authorization, Shielded
 * nodes, full control-plane logs and managed Prometheus. The default node
 * pool is removed at creation; pools are managed as `NodePool`s.
 */
import { Fn, type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import type { KeyRef } from './kms';
import { hardenedNodeConfig, type NodeSecurityProps } from './node-pool';
import { assertCidr, assertNotAnyAddress, assertResourceName } from './validation';

/** Control-plane and workload log components sent to Cloud Logging (CIS GKE 5.7.1, PCI-DSS 4.0 10.2). */
export const CLUSTER_LOG_COMPONENTS = ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'WORKLOADS'] as const;

/** Metrics components sent to Cloud Monitoring (control plane health for alerting). */
export const CLUSTER_MONITORING_COMPONENTS = ['SYSTEM_COMPONENTS', 'APISERVER', 'CONTROLLER_MANAGER', 'SCHEDULER', 'STORAGE', 'POD', 'DEPLOYMENT'] as const;

/** Dev-only opt-out: a public control-plane endpoint restricted to these networks. */
export interface PublicEndpointAccess {
  /** Networks allowed to reach the public endpoint; never empty, never 0.0.0.0/0. */
  readonly authorizedCidrs: readonly string[];
}

/** Recurring maintenance window (RFC 5545 recurrence, RFC 3339 times). */
export interface MaintenanceWindow {
  readonly startTime: string;
  readonly endTime: string;
  readonly recurrence: string;
}

export interface ClusterProps extends NodeSecurityProps {
  /** Cluster name: 1-40 lowercase letters, digits or hyphens, starting with a letter. */
  readonly name: string;
  /** GCP project ID of the cluster; also names its Workload Identity pool, `<project>.svc.id.goog`. */
  readonly project: string;
  /** Region: a regional cluster has a control plane replica in each zone. */
  readonly region: string;
  /** VPC id. */
  readonly networkId: string;
  /** Node subnet id. */
  readonly subnetworkId: string;
  /** Secondary range of the node subnet that pod IPs come from (VPC-native: pod traffic is firewall- and flow-log-visible). */
  readonly podsRangeName: string;
  /** Secondary range of the node subnet that ClusterIP service addresses come from. */
  readonly servicesRangeName: string;
  /** /28 of the private control plane. */
  readonly masterCidr: string;
  /** Kubernetes minor version, e.g. `1.34` (the floor; the release channel patches it). */
  readonly kubernetesVersion: string;
  /** Key that encrypts Kubernetes secrets in etcd (application-layer secrets encryption). */
  readonly secretsKey: KeyRef;
  /** Networks (VPN, bastion, CI runners) allowed to reach the private endpoint. */
  readonly authorizedNetworks: readonly string[];
  /**
   * Google Groups for RBAC: the `gke-security-groups@<domain>` group whose
   * member groups RBAC bindings may name (CIS GKE 5.8.2).
   * @default - RBAC subjects are individual users and service accounts only
   */
  readonly rbacSecurityGroup?: string;
  /**
   * Release channel: how fast GKE rolls patch and minor upgrades.
   * @default 'REGULAR'
   */
  readonly releaseChannel?: 'REGULAR' | 'STABLE';
  /**
   * Opt-out: expose the control plane's public endpoint to these networks.
   * @default - private endpoint only
   */
  readonly publicEndpoint?: PublicEndpointAccess;
  /**
   * GKE security posture. Workload vulnerability scanning (both tiers) is
   * deprecated for GKE Standard edition and can no longer be enabled there;
   * image scanning is Artifact Analysis on the registry. Set
   * `VULNERABILITY_ENTERPRISE` only on GKE Enterprise edition projects.
   * @default { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_DISABLED' } - workload configuration auditing
   */
  readonly securityPosture?: {
    readonly mode: 'BASIC' | 'ENTERPRISE';
    readonly vulnerabilityMode: 'VULNERABILITY_DISABLED' | 'VULNERABILITY_ENTERPRISE';
  };
  /**
   * When GKE may upgrade the control plane and nodes automatically.
   * @default - Saturday and Sunday, 01:00-07:00 UTC
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Key grants and subnets that must exist before the cluster is created.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * GCP resource labels of the cluster (cost attribution).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULT_MAINTENANCE_WINDOW: MaintenanceWindow = {
  startTime: '2026-01-03T01:00:00Z',
  endTime: '2026-01-03T07:00:00Z',
  recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU',
};

function assertNetworks(what: string, cidrs: readonly string[]): void {
  for (const cidr of cidrs) {
    assertNotAnyAddress(what, cidr);
    assertCidr(`${what} entries`, cidr);
  }
}

/**
 * A regional, VPC-native GKE Standard cluster with private nodes, a private-only endpoint limited to authorized networks,
 * Dataplane V2, Workload Identity, etcd secrets encrypted with a Cloud KMS key, Binary Authorization, Shielded nodes, no
 * client certificates or legacy ABAC, full control-plane logs and deletion protection.
 */
export class Cluster extends Construct {
  readonly cluster: ContainerCluster;
  readonly clusterId: string;
  readonly clusterName: string;
  /** `https://<endpoint>`: the private endpoint unless the public opt-out is on. */
  readonly host: string;
  /** PEM cluster CA, already base64-decoded. */
  readonly clusterCaCertificate: string;
  /** Issuer of the cluster's service-account tokens. */
  readonly oidcIssuerUrl: string;
  /** `<project>.svc.id.goog`. */
  readonly workloadPool: string;
  readonly isPrivate: boolean;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    const { name, project, region } = props;
    assertResourceName('gke cluster name', name, 40);
    if (props.authorizedNetworks.length === 0) {
      throw new Error(`gke cluster ${name}: authorizedNetworks must list at least one admin network (VPN, bastion, CI), got none`);
    }
    assertNetworks(`gke cluster ${name}: authorizedNetworks`, props.authorizedNetworks);
    if (props.publicEndpoint) {
      if (props.publicEndpoint.authorizedCidrs.length === 0) {
        throw new Error(`gke cluster ${name}: publicEndpoint.authorizedCidrs must list at least one network; an empty list would leave the public endpoint without an allow-list`);
      }
      assertNetworks(`gke cluster ${name}: publicEndpoint.authorizedCidrs`, props.publicEndpoint.authorizedCidrs);
    }
    assertCidr(`gke cluster ${name}: masterCidr`, props.masterCidr);
    if (!Token.isUnresolved(props.masterCidr) && !props.masterCidr.endsWith('/28')) {
      throw new Error(`gke cluster ${name}: masterCidr must be a /28, got "${props.masterCidr}"`);
    }
    if (!Token.isUnresolved(props.kubernetesVersion) && !/^1\.\d{2}(\.\d+)?(-gke\.\d+)?$/.test(props.kubernetesVersion)) {
      throw new Error(`gke cluster ${name}: kubernetesVersion must look like 1.34, got "${props.kubernetesVersion}"`);
    }
    if (props.rbacSecurityGroup !== undefined && !Token.isUnresolved(props.rbacSecurityGroup) && !/^gke-security-groups@[a-z0-9.-]+\.[a-z]{2,}$/.test(props.rbacSecurityGroup)) {
      throw new Error(`gke cluster ${name}: rbacSecurityGroup must be gke-security-groups@<your domain>, got "${props.rbacSecurityGroup}"`);
    }
    const isPrivate = props.publicEndpoint === undefined;
    const workloadPool = `${project}.svc.id.goog`;
    const posture = props.securityPosture ?? { mode: 'BASIC', vulnerabilityMode: 'VULNERABILITY_DISABLED' };
    const window = props.maintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW;

    this.cluster = new ContainerCluster(this, 'cluster', {
      name,
      project,
      location: region,
      network: props.networkId,
      subnetwork: props.subnetworkId,
      // Terraform cannot delete the cluster by accident (state move, refactor, bad plan).
      deletionProtection: true,
      resourceLabels: props.labels ? { ...props.labels } : undefined,

      // Pools are separate resources; the default pool only exists during creation.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      nodeConfig: hardenedNodeConfig(props),
      // CIS GKE 3.2.x: kubelet read-only port closed on every pool by default.
      nodePoolDefaults: { nodeConfigDefaults: { insecureKubeletReadonlyPortEnabled: 'FALSE' } },

      // VPC-native (alias IPs): pod IPs are routable, firewall- and flow-log-visible.
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.podsRangeName,
        servicesSecondaryRangeName: props.servicesRangeName,
        stackType: 'IPV4',
      },
      // CIS GKE 5.6.5 / 5.6.4: private nodes, and a private-only endpoint unless the dev opt-out is on.
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: isPrivate,
        masterIpv4CidrBlock: props.masterCidr,
        masterGlobalAccessConfig: { enabled: false },
      },
      // CIS GKE 5.6.3: only listed networks reach the API server; Google Cloud public IPs do not.
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: [
          ...props.authorizedNetworks.map((cidrBlock, i) => ({ cidrBlock, displayName: `admin-${i}` })),
          ...(props.publicEndpoint?.authorizedCidrs ?? []).map((cidrBlock, i) => ({ cidrBlock, displayName: `public-${i}` })),
        ],
      },
      // CIS GKE 5.6.7: Dataplane V2 enforces NetworkPolicy (eBPF) and logs policy verdicts.
      datapathProvider: 'ADVANCED_DATAPATH',
      // Stated explicitly: the legacy Calico enforcement stays off because Dataplane V2 enforces NetworkPolicy.
      networkPolicy: { enabled: false },
      // CIS GKE 5.6.1: pod-to-pod traffic on one node goes through the VPC (flow logs, firewall).
      enableIntranodeVisibility: true,
      addonsConfig: {
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        // Dataplane V2 enforces NetworkPolicy itself; the Calico add-on must stay off.
        networkPolicyConfig: { disabled: true },
      },
      // Gateway API (GKE Gateway controller) for L7 load balancers with Cloud Armor and SSL policies.
      gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
      // CVE-2020-8554: Services may not claim arbitrary external IPs.
      serviceExternalIpsConfig: { enabled: false },

      // CIS GKE 5.2.2: Workload Identity; pods never use node credentials.
      workloadIdentityConfig: { workloadPool },
      // CIS GKE 5.3.1: Kubernetes secrets envelope-encrypted with our Cloud KMS key.
      databaseEncryption: { state: 'ENCRYPTED', keyName: props.secretsKey.keyId },
      // CIS GKE 5.8.1 / 5.8.3: no client certificates, no legacy ABAC; IAM + RBAC only.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      enableLegacyAbac: false,
      // CIS GKE 5.8.2: RBAC bindings name Google Groups, so access follows group membership (joiners/leavers).
      authenticatorGroupsConfig: props.rbacSecurityGroup ? { securityGroup: props.rbacSecurityGroup } : undefined,
      // Anonymous requests reach health endpoints only, never an RBAC-bound API.
      anonymousAuthenticationConfig: { mode: 'LIMITED' },
      // CIS GKE 5.5.5: Shielded GKE nodes (node identity verified by the control plane).
      enableShieldedNodes: true,
      // CIS GKE 5.10.5: only images the project's Binary Authorization policy admits.
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      // Workload configuration auditing (privileged pods, host namespaces ...) in the posture dashboard.
      securityPostureConfig: { mode: posture.mode, vulnerabilityMode: posture.vulnerabilityMode },

      // CIS GKE 5.5.3: patch releases arrive automatically through the channel; the minor is pinned below.
      releaseChannel: { channel: props.releaseChannel ?? 'REGULAR' },
      minMasterVersion: props.kubernetesVersion,
      maintenancePolicy: { recurringWindow: window },

      // CIS GKE 5.7.1: control-plane and workload logs; managed Prometheus for metrics.
      loggingConfig: { enableComponents: [...CLUSTER_LOG_COMPONENTS] },
      monitoringConfig: {
        enableComponents: [...CLUSTER_MONITORING_COMPONENTS],
        managedPrometheus: { enabled: true },
        advancedDatapathObservabilityConfig: { enableMetrics: true, enableRelay: false },
      },
      // Per-namespace cost allocation for chargeback.
      costManagementConfig: { enabled: true },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    // The default pool's node_config is deleted with the pool right after creation; GKE then
    // reports the first managed pool's config, which would otherwise force a new cluster.
    this.cluster.lifecycle = { ignoreChanges: ['node_config', 'initial_node_count'] };

    this.clusterId = this.cluster.id;
    this.clusterName = this.cluster.name;
    this.isPrivate = isPrivate;
    this.workloadPool = workloadPool;
    this.host = isPrivate ? `https://${this.cluster.privateClusterConfig.privateEndpoint}` : `https://${this.cluster.endpoint}`;
    this.clusterCaCertificate = Fn.base64decode(this.cluster.masterAuth.clusterCaCertificate);
    this.oidcIssuerUrl = `https://container.googleapis.com/v1/projects/${project}/locations/${region}/clusters/${name}`;
  }
}
