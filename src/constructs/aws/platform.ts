/**
 * The whole AWS platform for one cluster: keys, network, EKS, node pools,
 * add-ons, WAF and the baseline's identities, exposed as a ClusterContract.
 * Holds no environment names: every difference between environments
 * arrives as a prop value.
 */
import { Fn, dependable } from 'cdktf';
import { Construct } from 'constructs';
import {
  APP_POOL_LABELS,
  type AdditionalPoolPlacement,
  additionalPoolPlacement,
  assertAdditionalPools,
  BASELINE_SERVICE_ACCOUNTS,
  type ClusterContract,
  SECURITY_POOL_PLACEMENT,
  type ServiceAccountRef,
} from '../contract';
import { CHART_IMAGES, UPSTREAM_IMAGES, runsOn } from '../baseline/images';
import { ADDON_SERVICE_ACCOUNTS, ClusterAddons } from './addons';
import { Cluster, type PublicEndpointAccess } from './cluster';
import {
  EBS_CSI_MANAGED_POLICY,
  PodIdentityRole,
  type PodIdentityRoleProps,
  VPC_CNI_MANAGED_POLICY,
  ebsCsiKeyStatements,
  loadBalancerControllerStatements,
  vaultUnsealStatements,
} from './identity';
import { BackupBucket, type BackupReplica, veleroBucketStatements } from './backup-storage';
import { EncryptionKey } from './kms';
import { Network } from './network';
import { NodePool, type NodePoolProps, type NodePoolSizing, eksAddonImageRepositories } from './node-pool';
import { MirrorRegistry, ecrMirrorLocation } from './registry';
import { WebAcl } from './waf';

export interface AwsPlatformProps {
  /** Cluster name; prefix of every resource name. */
  readonly name: string;
  /**
   * AWS account ID (12 digits) the platform is deployed into: pins key policies, the image mirror, the trust policies'
   * `aws:SourceAccount` conditions and the load balancer controller's ARNs to this account.
   */
  readonly accountId: string;
  /** AWS region, e.g. `eu-west-1`; the image mirror must be in it, and the EKS add-on images are pulled from it. */
  readonly region: string;
  /** Zones to spread subnets and nodes across; at least 2, distinct (a highly available control plane). */
  readonly availabilityZones: readonly string[];
  /** IPv4 range of the VPC; every subnet CIDR must lie inside it. */
  readonly vpcCidr: string;
  /** One per zone: load balancers and NAT gateways only; nothing gets a public IP implicitly. */
  readonly publicSubnetCidrs: readonly string[];
  /** One per zone: the worker nodes, with egress through NAT only and no inbound internet path. */
  readonly privateSubnetCidrs: readonly string[];
  /** One per zone: the EKS control-plane ENIs, with no route to the internet. */
  readonly intraSubnetCidrs: readonly string[];
  /**
   * One NAT gateway per zone.
   * @default true
   */
  readonly natGatewayPerAz?: boolean;
  /**
   * Retention of flow, control-plane and WAF logs, in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /** Kubernetes minor version, e.g. `1.34`; must have a row of pinned add-on versions (EKS_ADDON_VERSIONS). */
  readonly kubernetesVersion: string;
  /** General-purpose workloads. */
  readonly appPool: NodePoolSizing;
  /** Security agents (Falco, Kyverno, Vault); tainted `workload=security:NoSchedule`. */
  readonly securityPool: NodePoolSizing;
  /**
   * Node pools of one's own beyond app and security, each with the app pool's hardening; the
   * platform orders them after the managed CNI like the others.
   * @default - none
   */
  readonly additionalPools?: readonly (NodePoolSizing & AdditionalPoolPlacement)[];
  /**
   * IAM role/user ARNs granted cluster-admin through EKS access entries; at least one. Nobody else is admin: the
   * principal that runs Terraform gets no implicit admin.
   */
  readonly adminPrincipals: readonly string[];
  /** Networks (VPN, bastion, CI) allowed to reach the private API endpoint on 443; never a /0. */
  readonly adminCidrs: readonly string[];
  /**
   * Opt-out: a public API endpoint limited to these networks.
   * @default - private endpoint only
   */
  readonly publicEndpoint?: PublicEndpointAccess;
  /**
   * The environment's image mirror, `<accountId>.dkr.ecr.<region>.amazonaws.com/<path>`:
   * the platform creates one repository under it per image the baseline pulls,
   * and the nodes pull from these repositories (and the EKS add-on images) only.
   */
  readonly imageMirror: string;
  /**
   * Days an untagged image stays in the mirror before the lifecycle policy expires it.
   * @default 30
   */
  readonly mirrorUntaggedExpiryDays?: number;
  /**
   * Velero's backup bucket (BackupBucket): the longest backup TTL, the write-once window and the second region.
   * @default - 35 days, no Object Lock, one region
   */
  readonly backup?: AwsBackupProps;
}

/** What the platform needs to know about the environment's backups. */
export interface AwsBackupProps {
  /** Days the longest-lived backup is kept (the daily full backup's TTL). */
  readonly retentionDays: number;
  /**
   * Days every backup object is write-once (S3 Object Lock COMPLIANCE); 0: off.
   * @default 0
   */
  readonly immutabilityDays?: number;
  /**
   * Copy every backup to a bucket in a second region.
   * @default - one region
   */
  readonly replica?: BackupReplica;
}

/**
 * Every upstream repository path the baseline's charts pull from on EKS (all charts,
 * the EKS-only AWS Load Balancer Controller included, other clouds' Velero plugins not), once each, from the
 * same image list the baseline renders its values from: the mirror's
 * repositories and the baseline's image references cannot diverge.
 */
export function mirroredRepositoryPaths(): string[] {
  return [...new Set(Object.values(CHART_IMAGES).flatMap((names) => names.filter((n) => runsOn(n, 'aws')).map((n) => UPSTREAM_IMAGES[n].repository)))];
}

/** ELB security policy for ingress listeners: TLS 1.3 and 1.2 with restricted ciphers. */
export const ALB_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-Res-2021-06';

/**
 * The whole AWS platform for one cluster: customer-managed keys, the VPC, a private EKS cluster, the app, security and own
 * node pools, managed add-ons, a WAF web ACL, the image mirror and the baseline's Pod Identity roles, exposed as a `ClusterContract`.
 */
export class AwsPlatform extends Construct {
  readonly logKey: EncryptionKey;
  readonly secretsKey: EncryptionKey;
  readonly volumeKey: EncryptionKey;
  readonly unsealKey: EncryptionKey;
  readonly registryKey: EncryptionKey;
  readonly network: Network;
  readonly cluster: Cluster;
  readonly appPool: NodePool;
  readonly securityPool: NodePool;
  /** The pools of one's own, by name. */
  readonly additionalPools: Readonly<Record<string, NodePool>>;
  readonly addons: ClusterAddons;
  readonly webAcl: WebAcl;
  readonly registry: MirrorRegistry;
  /** Velero's backup bucket (and its replica in a second region, when configured). */
  readonly backupBucket: BackupBucket;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: AwsPlatformProps) {
    super(scope, id);
    const { name, accountId, region } = props;
    // Fail on a mirror outside this account and region before anything consumes it.
    const mirror = ecrMirrorLocation(props.imageMirror, accountId, region);
    const key = (purpose: string, description: string, services: ('logs' | 'autoscaling-ebs')[] = []) =>
      new EncryptionKey(this, `${purpose}-key`, { description: `${name}: ${description}`, alias: `${name}/${purpose}`, accountId, region, services });
    this.logKey = key('logs', 'VPC flow, EKS control-plane and WAF log groups', ['logs']);
    this.secretsKey = key('eks-secrets', 'envelope encryption of Kubernetes Secrets');
    this.volumeKey = key('ebs', 'node root volumes and persistent volumes', ['autoscaling-ebs']);
    this.unsealKey = key('vault-unseal', 'Vault auto-unseal');
    this.registryKey = key('ecr-mirror', 'image mirror repositories (layers and manifests)');

    this.network = new Network(this, 'network', {
      name,
      region,
      accountId,
      clusterName: name,
      vpcCidr: props.vpcCidr,
      availabilityZones: props.availabilityZones,
      publicSubnetCidrs: props.publicSubnetCidrs,
      privateSubnetCidrs: props.privateSubnetCidrs,
      intraSubnetCidrs: props.intraSubnetCidrs,
      natGatewayPerAz: props.natGatewayPerAz,
      flowLogKey: this.logKey,
      flowLogRetentionDays: props.logRetentionDays,
    });

    this.cluster = new Cluster(this, 'eks', {
      name,
      kubernetesVersion: props.kubernetesVersion,
      controlPlaneSubnetIds: this.network.intraSubnetIds,
      secretsKey: this.secretsKey,
      logKey: this.logKey,
      logRetentionDays: props.logRetentionDays,
      adminPrincipals: props.adminPrincipals,
      adminCidrs: props.adminCidrs,
      publicEndpoint: props.publicEndpoint,
    });
    const clusterName = this.cluster.clusterName;

    const pool = (poolId: string, sizing: NodePoolSizing, extra: Pick<NodePoolProps, 'labels' | 'taint'>) =>
      new NodePool(this, poolId, {
        clusterName,
        poolName: poolId,
        ...sizing,
        subnetIds: this.network.privateSubnetIds,
        volumeKey: this.volumeKey,
        // PCI-DSS 6.3.2: nodes pull only the mirrored (scanned, re-signed) images and the EKS add-ons.
        imageRepositoryArns: [mirror.repositoryArnPattern, eksAddonImageRepositories(region)],
        ...extra,
      });
    this.appPool = pool('app', props.appPool, { labels: APP_POOL_LABELS });
    this.securityPool = pool('security', props.securityPool, SECURITY_POOL_PLACEMENT);
    const additional = props.additionalPools ?? [];
    assertAdditionalPools(additional);
    this.additionalPools = Object.fromEntries(
      additional.map(({ name: poolName, labels, taint, ...sizing }) => {
        const placement = additionalPoolPlacement({ name: poolName, labels, taint });
        return [poolName, pool(poolName, sizing, { labels: placement.labels, taint: placement.taints[0] })];
      }),
    );
    const allPools = [this.appPool, this.securityPool, ...Object.values(this.additionalPools)];

    const identity = (
      roleId: string,
      sa: ServiceAccountRef,
      rest: Pick<PodIdentityRoleProps, 'statements' | 'managedPolicyArns' | 'association'>,
    ) =>
      new PodIdentityRole(this, `${roleId}-role`, {
        clusterName,
        clusterArn: this.cluster.clusterArn,
        accountId,
        roleName: `${name}-${roleId}`,
        serviceAccount: sa,
        ...rest,
      });
    // CIS EKS 5.2.x: the CNI's ENI/IP permissions live on aws-node's own role, not on every node.
    const vpcCni = identity('vpc-cni', ADDON_SERVICE_ACCOUNTS['vpc-cni'], {
      statements: [],
      managedPolicyArns: [VPC_CNI_MANAGED_POLICY],
      association: 'addon',
    });
    const ebsCsi = identity('ebs-csi', ADDON_SERVICE_ACCOUNTS['aws-ebs-csi-driver'], {
      statements: ebsCsiKeyStatements(this.volumeKey.keyArn),
      managedPolicyArns: [EBS_CSI_MANAGED_POLICY],
      association: 'addon',
    });

    this.addons = new ClusterAddons(this, 'addons', {
      clusterName,
      kubernetesVersion: props.kubernetesVersion,
      afterNodes: allPools.map((p) => p.nodeGroup),
      identities: { 'vpc-cni': vpcCni, 'aws-ebs-csi-driver': ebsCsi },
    });
    // Nodes join only once the managed CNI (and, before it, the Pod Identity agent) is installed: the node
    // role no longer carries CNI permissions, so a node must start with the aws-node that has its own role.
    for (const pool of allPools) {
      pool.nodeGroup.dependsOn = [...(pool.nodeGroup.dependsOn ?? []), dependable(this.addons.addons['vpc-cni'])];
    }

    this.webAcl = new WebAcl(this, 'waf', { name, logKey: this.logKey, logRetentionDays: props.logRetentionDays });

    this.registry = new MirrorRegistry(this, 'registry', {
      imageMirror: props.imageMirror,
      accountId,
      region,
      repositories: mirroredRepositoryPaths(),
      encryptionKey: this.registryKey,
      pullRoleArns: allPools.map((p) => p.nodeRoleArn),
      untaggedExpiryDays: props.mirrorUntaggedExpiryDays,
    });

    const vault = identity('vault-unseal', BASELINE_SERVICE_ACCOUNTS.vault, { statements: vaultUnsealStatements(this.unsealKey.keyArn) });
    const lbController = identity('aws-lb-controller', BASELINE_SERVICE_ACCOUNTS.awsLoadBalancerController, {
      statements: loadBalancerControllerStatements({ region, accountId, clusterName: name, webAclArn: this.webAcl.webAclArn }),
    });

    const backup = props.backup ?? { retentionDays: 35 };
    this.backupBucket = new BackupBucket(this, 'backup-storage', {
      name,
      accountId,
      region,
      retentionDays: backup.retentionDays,
      immutabilityDays: backup.immutabilityDays,
      replica: backup.replica,
    });
    // Velero reads and writes backup objects in this bucket with this key, and nothing else: volume
    // snapshots are CSI snapshots taken by the EBS CSI driver with its own role.
    const velero = identity('velero', BASELINE_SERVICE_ACCOUNTS.velero, {
      statements: veleroBucketStatements(this.backupBucket.bucketArn, this.backupBucket.backupKey.keyArn),
    });

    this.contract = {
      cloud: 'aws',
      clusterName,
      region,
      networkId: this.network.vpcId,
      // Cluster-admin comes from EKS access entries (adminPrincipals), not RBAC bindings.
      clusterAdminGroups: [],
      access: {
        host: this.cluster.endpoint,
        clusterCaCertificate: Fn.base64decode(this.cluster.certificateAuthorityData),
        // Short-lived tokens from the AWS CLI: nothing long-lived in state.
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', name, '--region', region],
        },
      },
      oidcIssuerUrl: this.cluster.oidcIssuerUrl,
      vaultUnseal: {
        seal: 'awskms',
        sealConfig: { region, kms_key_id: this.unsealKey.keyId },
        identity: vault.binding,
      },
      securityNodePool: SECURITY_POOL_PLACEMENT,
      ingressWaf: {
        kind: 'aws-wafv2',
        id: this.webAcl.webAclArn,
        ingressAnnotations: {
          'alb.ingress.kubernetes.io/wafv2-acl-arn': this.webAcl.webAclArn,
          // PCI-DSS 4.2.1: TLS 1.2+ only, restricted cipher suites, HTTPS only with HTTP redirected.
          'alb.ingress.kubernetes.io/ssl-policy': ALB_TLS_POLICY,
          'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS":443}]',
        },
      },
      controllerIdentities: {
        'aws-load-balancer-controller': lbController.binding,
        'ebs-csi-controller': ebsCsi.binding,
      },
      backup: {
        provider: 'aws',
        bucket: this.backupBucket.bucketName,
        config: { region, kmsKeyId: this.backupBucket.backupKey.keyArn },
        immutabilityDays: this.backupBucket.immutabilityDays,
        secondaryRegion: backup.replica?.region,
        identity: velero.binding,
      },
    };
  }
}
