/**
 * The whole GCP platform for one cluster: keys, network, identities, GKE,
 * node pools and Cloud Armor, exposed as a ClusterContract. Holds no
 * environment names: every difference between environments arrives as a prop.
 */
import { Construct } from 'constructs';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServicePerimeter, type ServicePerimeterProps } from './service-perimeter';
import { APP_POOL_LABELS, type AdditionalPoolPlacement, additionalPoolPlacement, assertAdditionalPools, BASELINE_SERVICE_ACCOUNTS, type ClusterContract, SECURITY_POOL_PLACEMENT } from '../contract';
import { BackupBucket } from './backup-storage';
import { BinaryAuthorizationPolicy } from './binary-authorization';
import { CloudArmor, type CloudArmorProps } from './cloud-armor';
import { Cluster, type MaintenanceWindow, type PublicEndpointAccess } from './cluster';
import { GoogleServiceAccount, NODE_SERVICE_ACCOUNT_ROLES, WorkloadIdentityBinding } from './identity';
import { CryptoKey, KeyRing } from './kms';
import { type FlowLogSettings, Network, type NetworkProps } from './network';
import { NodePool, type NodePoolSizing } from './node-pool';
import { PLATFORM_SERVICES, ProjectServices } from './project-services';
import { MirrorRepository, artifactRegistryMirrorLocation } from './registry';

/** Lets admins see the cluster and fetch its endpoint; no Kubernetes rights by itself. */
/** The Google groups among IAM members (`group:x@y` -> `x@y`): the RBAC subjects bound to cluster-admin. */
export function clusterAdminGroups(members: readonly string[]): string[] {
  return members.filter((m) => m.startsWith('group:')).map((m) => m.slice('group:'.length));
}

export const CLUSTER_VIEWER_ROLE = 'roles/container.clusterViewer';

/** Vault reads the unseal key's metadata (key version state) besides wrapping with it. */
export const KMS_VIEWER_ROLE = 'roles/cloudkms.viewer';

/** The address plan is the network's: see NetworkProps for each range. */
export interface GcpPlatformProps
  extends Pick<NetworkProps, 'project' | 'region' | 'nodesCidr' | 'podsCidr' | 'servicesCidr' | 'masterCidr' | 'proxyOnlyCidr'> {
  /** Cluster name; prefix of every resource name (at most 22 characters: service account ids are 30). */
  readonly name: string;
  /** Kubernetes minor version, e.g. `1.34`: the control plane's minimum version (the floor; the release channel patches it). */
  readonly kubernetesVersion: string;
  /** General-purpose workloads, labelled `workload=app`. */
  readonly appPool: NodePoolSizing;
  /** Security agents (Falco, Kyverno, Vault); tainted `workload=security:NoSchedule`. */
  readonly securityPool: NodePoolSizing;
  /**
   * Node pools of one's own beyond app and security, each with the app pool's hardening.
   * @default - none
   */
  readonly additionalPools?: readonly (NodePoolSizing & AdditionalPoolPlacement)[];
  /** Networks allowed to reach the private API endpoint. */
  readonly adminCidrs: readonly string[];
  /**
   * The organisation's registries (host and path, e.g.
   * `europe-west2-docker.pkg.dev/<project>`): the only images, besides Google's
   * GKE system images, the project's Binary Authorization policy admits.
   */
  readonly allowedRegistries: readonly string[];
  /**
   * IAM members (groups) of the cluster administrators. They get
   * `roles/container.clusterViewer` (find the cluster, fetch credentials); their
   * Kubernetes rights come from RBAC bindings to the group (Google Groups for RBAC).
   */
  readonly adminPrincipals: readonly string[];
  /**
   * `gke-security-groups@<domain>` for Google Groups for RBAC.
   * @default - no group-based RBAC
   */
  readonly rbacSecurityGroup?: string;
  /** @default 'REGULAR' */
  readonly releaseChannel?: 'REGULAR' | 'STABLE';
  /**
   * Opt-out: a public API endpoint limited to these networks.
   * @default - private endpoint only
   */
  readonly publicEndpoint?: PublicEndpointAccess;
  /**
   * VPC Service Controls: a service perimeter around the project (ServicePerimeter).
   * @default - no perimeter
   */
  readonly serviceControls?: Omit<ServicePerimeterProps, 'project' | 'name'>;
  /** @default - every flow, 5-second aggregation, all metadata */
  readonly flowLogs?: FlowLogSettings;
  /** @default - see CloudArmor */
  readonly waf?: Omit<CloudArmorProps, 'name' | 'project' | 'dependsOn'>;
  /** @default - Saturday and Sunday, 01:00-07:00 UTC */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Labels on the cluster, node VMs, keys and the mirror repository (cost attribution).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * The environment's image mirror, `<region>-docker.pkg.dev/<project>/<repository>`:
   * the platform creates that repository, and the node service account may read it (and no other repository).
   */
  readonly imageMirror: string;
  /**
   * Days an untagged version stays in the mirror before the cleanup policy deletes it.
   * @default 30
   */
  readonly mirrorUntaggedRetentionDays?: number;
  /**
   * Velero's backup bucket (BackupBucket): the longest backup TTL, the write-once window and the dual-region's second region.
   * @default - 35 days, versioned (not write-once), regional
   */
  readonly backup?: GcpBackupProps;
}

/** What the platform needs to know about the environment's backups. */
export interface GcpBackupProps {
  /** Days the longest-lived backup is kept (the daily full backup's TTL). */
  readonly retentionDays: number;
  /** @default 0 - versioned, not write-once */
  readonly immutabilityDays?: number;
  /** @default - a regional bucket */
  readonly secondaryRegion?: string;
}

/**
 * The whole GCP platform for one cluster: API enablements, a key ring with one HSM key per purpose, the VPC, a least-privilege
 * node service account, the Binary Authorization policy, a private GKE cluster with app, security and own pools, Cloud Armor,
 * the image mirror and Vault's workload identity, exposed as a `ClusterContract`.
 */
export class GcpPlatform extends Construct {
  readonly projectServices: ProjectServices;
  readonly keyRing: KeyRing;
  readonly secretsKey: CryptoKey;
  readonly bootDiskKey: CryptoKey;
  readonly unsealKey: CryptoKey;
  readonly registryKey: CryptoKey;
  readonly network: Network;
  readonly nodeServiceAccount: GoogleServiceAccount;
  readonly binaryAuthorization: BinaryAuthorizationPolicy;
  readonly cluster: Cluster;
  readonly appPool: NodePool;
  readonly securityPool: NodePool;
  /** The pools of one's own, by name. */
  readonly additionalPools: Readonly<Record<string, NodePool>>;
  readonly cloudArmor: CloudArmor;
  /** The service perimeter, when `serviceControls` is set. */
  readonly servicePerimeter?: ServicePerimeter;
  readonly vaultServiceAccount: GoogleServiceAccount;
  readonly vaultWorkloadIdentity: WorkloadIdentityBinding;
  readonly adminAccess: readonly ProjectIamMember[];
  readonly registry: MirrorRepository;
  /** Velero's backup bucket, its key and Velero's workload identity. */
  readonly backupBucket: BackupBucket;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: GcpPlatformProps) {
    super(scope, id);
    const { name, project, region, labels } = props;
    if (name.length > 22) {
      throw new Error(`gcp platform: name must be at most 22 characters (service account ids are limited to 30), got "${name}" (${name.length})`);
    }
    if (props.adminPrincipals.length === 0) {
      throw new Error(`gcp platform ${name}: adminPrincipals must list at least one IAM group, got none`);
    }
    // Fail on a malformed mirror before anything consumes it (project and region are checked by the repository).
    artifactRegistryMirrorLocation(props.imageMirror);
    const nodeTag = `${name}-node`;

    // First: a fresh project has the platform's APIs switched off and every create below would fail.
    // Each resource that calls an API depends on the enablements, so the order is explicit in the plan.
    this.projectServices = new ProjectServices(this, 'services', { project, services: PLATFORM_SERVICES });
    const apis = this.projectServices.enabled;

    // Project number (plan-time data source) names the Google-managed service agents.
    const projectData = new DataGoogleProject(this, 'project', { projectId: project });
    const gkeServiceAgent = `serviceAccount:service-${projectData.number}@container-engine-robot.iam.gserviceaccount.com`;
    const computeServiceAgent = `serviceAccount:service-${projectData.number}@compute-system.iam.gserviceaccount.com`;
    // Created with the project's first Artifact Registry repository (or `gcloud beta services identity create`).
    const artifactRegistryServiceAgent = `serviceAccount:service-${projectData.number}@gcp-sa-artifactregistry.iam.gserviceaccount.com`;

    this.keyRing = new KeyRing(this, 'key-ring', { name, project, location: region, dependsOn: apis });
    this.vaultServiceAccount = new GoogleServiceAccount(this, 'vault-identity', {
      accountId: `${name}-vault`,
      project,
      displayName: `Vault auto-unseal (${name})`,
      description: 'Used only by the vault/vault Kubernetes service account to wrap Vault root keys.',
      dependsOn: apis,
    });
    // One key per purpose; each key is usable by exactly one principal.
    this.secretsKey = new CryptoKey(this, 'secrets-key', {
      keyRing: this.keyRing,
      name: 'gke-secrets',
      labels,
      grants: [{ id: 'gke-service-agent', member: gkeServiceAgent }],
    });
    this.bootDiskKey = new CryptoKey(this, 'boot-disk-key', {
      keyRing: this.keyRing,
      name: 'gke-boot-disks',
      labels,
      grants: [{ id: 'compute-service-agent', member: computeServiceAgent }],
    });
    this.unsealKey = new CryptoKey(this, 'unseal-key', {
      keyRing: this.keyRing,
      name: 'vault-unseal',
      labels,
      grants: [
        { id: 'vault', member: this.vaultServiceAccount.member },
        { id: 'vault-viewer', member: this.vaultServiceAccount.member, role: KMS_VIEWER_ROLE },
      ],
    });

    this.registryKey = new CryptoKey(this, 'registry-key', {
      keyRing: this.keyRing,
      name: 'artifact-registry',
      labels,
      grants: [{ id: 'artifact-registry-service-agent', member: artifactRegistryServiceAgent }],
    });

    this.network = new Network(this, 'network', {
      name,
      project,
      region,
      nodesCidr: props.nodesCidr,
      podsCidr: props.podsCidr,
      servicesCidr: props.servicesCidr,
      masterCidr: props.masterCidr,
      proxyOnlyCidr: props.proxyOnlyCidr,
      nodeTag,
      flowLogs: props.flowLogs,
      dependsOn: apis,
    });

    this.nodeServiceAccount = new GoogleServiceAccount(this, 'node-identity', {
      accountId: `${name}-nodes`,
      project,
      displayName: `GKE nodes (${name})`,
      description: 'Least-privilege identity of the GKE nodes: logs, metrics, image pulls.',
      projectRoles: NODE_SERVICE_ACCOUNT_ROLES,
      dependsOn: apis,
    });
    const nodeSecurity = {
      serviceAccountEmail: this.nodeServiceAccount.email,
      bootDiskKey: this.bootDiskKey,
      nodeTag,
      resourceLabels: labels,
    };

    // CIS GKE 5.10.5: the project policy the cluster enforces (PROJECT_SINGLETON_POLICY_ENFORCE).
    this.binaryAuthorization = new BinaryAuthorizationPolicy(this, 'binary-authorization', {
      project,
      allowedRegistries: props.allowedRegistries,
      dependsOn: apis,
    });

    this.cluster = new Cluster(this, 'gke', {
      name,
      project,
      region,
      networkId: this.network.networkId,
      subnetworkId: this.network.nodeSubnetId,
      podsRangeName: this.network.podsRangeName,
      servicesRangeName: this.network.servicesRangeName,
      masterCidr: props.masterCidr,
      kubernetesVersion: props.kubernetesVersion,
      secretsKey: this.secretsKey,
      authorizedNetworks: props.adminCidrs,
      releaseChannel: props.releaseChannel,
      rbacSecurityGroup: props.rbacSecurityGroup,
      publicEndpoint: props.publicEndpoint,
      maintenanceWindow: props.maintenanceWindow,
      labels,
      ...nodeSecurity,
      // Without the key grants GKE cannot encrypt etcd or the default pool's disks and creation fails.
      dependsOn: [
        // GKE, Compute, logging, monitoring and Binary Authorization APIs: the cluster calls them all.
        ...apis,
        ...Object.values(this.secretsKey.grants),
        ...Object.values(this.bootDiskKey.grants),
        ...this.nodeServiceAccount.projectGrants,
        this.network.nat,
        this.network.proxyOnlySubnet,
        // Deny-by-default is in force before the first pod is scheduled: no window in which
        // Google's default allow-all project policy admits images.
        this.binaryAuthorization.policy,
      ],
    });

    // Least privilege in IAM: container.admin would also allow deleting clusters; cluster-admin comes from RBAC.
    // Ids follow the principal, not its list position: reordering the list replaces nothing.
    this.adminAccess = props.adminPrincipals.map(
      (member) => new ProjectIamMember(this, `admin-viewer-${member.replace(/[^a-zA-Z0-9]+/g, '-')}`, { project, role: CLUSTER_VIEWER_ROLE, member, dependsOn: [...apis] }),
    );

    const pool = (poolId: string, sizing: NodePoolSizing, placement: Pick<ConstructorParameters<typeof NodePool>[2], 'labels' | 'taints'>) =>
      new NodePool(this, `${poolId}-pool`, {
        name: poolId,
        clusterId: this.cluster.clusterId,
        project,
        location: region,
        sizing,
        ...nodeSecurity,
        ...placement,
      });
    this.appPool = pool('app', props.appPool, { labels: APP_POOL_LABELS });
    this.securityPool = pool('security', props.securityPool, {
      labels: SECURITY_POOL_PLACEMENT.labels,
      taints: [SECURITY_POOL_PLACEMENT.taint],
    });
    const additional = props.additionalPools ?? [];
    assertAdditionalPools(additional);
    this.additionalPools = Object.fromEntries(
      additional.map(({ name: poolName, labels, taint, ...sizing }) => [poolName, pool(poolName, sizing, additionalPoolPlacement({ name: poolName, labels, taint }))]),
    );

    if (props.serviceControls) {
      this.servicePerimeter = new ServicePerimeter(this, 'service-perimeter', { project, name, ...props.serviceControls });
    }
    this.cloudArmor = new CloudArmor(this, 'cloud-armor', { name: `${name}-waf`, project, ...props.waf, dependsOn: apis });

    this.registry = new MirrorRepository(this, 'registry', {
      imageMirror: props.imageMirror,
      project,
      region,
      encryptionKey: this.registryKey,
      nodeServiceAccountMember: this.nodeServiceAccount.member,
      untaggedRetentionDays: props.mirrorUntaggedRetentionDays,
      // Without the service agent's key grant Artifact Registry cannot create a CMEK repository.
      dependsOn: [...apis, ...Object.values(this.registryKey.grants)],
      labels,
    });

    // The workload pool exists once the cluster does; only vault/vault may impersonate the Vault identity.
    this.vaultWorkloadIdentity = new WorkloadIdentityBinding(this, 'vault-workload-identity', {
      googleServiceAccount: this.vaultServiceAccount,
      workloadPool: this.cluster.workloadPool,
      serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
      dependsOn: [this.cluster.cluster],
    });

    const backup = props.backup ?? { retentionDays: 35 };
    this.backupBucket = new BackupBucket(this, 'backup-storage', {
      name,
      project,
      region,
      retentionDays: backup.retentionDays,
      immutabilityDays: backup.immutabilityDays,
      secondaryRegion: backup.secondaryRegion,
      workloadPool: this.cluster.workloadPool,
      serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
      dependsOn: apis,
      cluster: this.cluster.cluster,
      labels,
    });

    this.contract = {
      cloud: 'gcp',
      clusterName: this.cluster.clusterName,
      region,
      networkId: this.network.networkId,
      // IAM grants only clusterViewer; the baseline binds these groups to cluster-admin (Google Groups for RBAC).
      clusterAdminGroups: clusterAdminGroups(props.adminPrincipals),
      access: {
        host: this.cluster.host,
        clusterCaCertificate: this.cluster.clusterCaCertificate,
        // Short-lived Google access tokens from the gcloud session: nothing long-lived in state.
        exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin', args: [] },
      },
      oidcIssuerUrl: this.cluster.oidcIssuerUrl,
      vaultUnseal: {
        seal: 'gcpckms',
        sealConfig: { project, region, key_ring: this.keyRing.keyRingName, crypto_key: this.unsealKey.keyName },
        identity: {
          serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
          serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': this.vaultServiceAccount.email },
          podLabels: {},
        },
      },
      securityNodePool: SECURITY_POOL_PLACEMENT,
      ingressWaf: {
        kind: 'gcp-cloud-armor',
        id: this.cloudArmor.securityPolicyName,
        ingressAnnotations: this.cloudArmor.ingressAnnotations,
      },
      // GKE's Ingress and Gateway controllers are Google-managed: no in-cluster controller needs a cloud identity.
      controllerIdentities: {},
      backup: {
        provider: 'gcp',
        bucket: this.backupBucket.bucketName,
        // The account Velero signs download URLs as (Workload Identity supplies its tokens).
        config: { serviceAccount: this.backupBucket.veleroServiceAccount.email },
        immutabilityDays: this.backupBucket.immutabilityDays,
        secondaryRegion: backup.secondaryRegion,
        identity: {
          serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
          serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': this.backupBucket.veleroServiceAccount.email },
          podLabels: {},
        },
      },
    };
  }
}
