/**
 * The whole Azure platform for one cluster: resource group, keys, network,
 * flow logs, AKS, node pools, WAF and the baseline's identities, exposed as
 * a ClusterContract. Holds no environment names: every difference between
 * environments arrives as a prop value.
 */
import { Fn, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { DataAzurermClientConfig } from '@cdktf/provider-azurerm/lib/data-azurerm-client-config';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { AksPolicyGuardrails } from './cluster-policy';
import { APP_POOL_LABELS, type AdditionalPoolPlacement, additionalPoolPlacement, assertAdditionalPools, BASELINE_SERVICE_ACCOUNTS, type ClusterContract, SECURITY_POOL_PLACEMENT } from '../contract';
import { Cluster, type PublicEndpointAccess, assertAuthorizedRanges } from './cluster';
import { BackupStorage } from './backup-storage';
import { DiskEncryptionSet } from './disk-encryption-set';
import { FlowLogs } from './flow-log';
import { KeyWrapRole, ManagedIdentity } from './identity';
import { KeyVault, VaultKey, type VaultKeyProps } from './key-vault';
import { LogWorkspace } from './logging';
import { Network } from './network';
import { NodePool, type NodeHardeningProps, type NodePoolProps, type NodePoolSizing } from './node-pool';
import { MirrorRegistry, acrMirrorRegistryName } from './registry';
import { AGIC_WAF_POLICY_ANNOTATION, WebApplicationFirewall } from './waf';

/** Entra ID application of the AKS API server: the audience of kubelogin tokens (same in every tenant). */
export const AKS_AAD_SERVER_APP_ID = '6dae42f8-4368-4678-94ff-3960e28e3630';

export interface AzurePlatformProps extends NodeHardeningProps {
  /** Cluster name; prefix of every resource name. */
  readonly name: string;
  /** Entra ID tenant of the cluster's Azure RBAC, of the Key Vault and of Vault's azurekeyvault seal. */
  readonly tenantId: string;
  /** Azure region of every resource except the mirror's geo-replicas, e.g. `westeurope`. */
  readonly location: string;
  /** Globally unique Key Vault name (3-24 characters). */
  readonly keyVaultName: string;
  /** Globally unique storage account name of the flow logs (3-24 lowercase letters and digits). */
  readonly flowLogStorageAccountName: string;
  /** Address space of the cluster VNet (an IPv4 CIDR, never 0.0.0.0/0); the four subnets are carved from it. */
  readonly vnetCidr: string;
  /** Subnet of every node pool's nodes: no public IPs, egress through the NAT gateway only; the node range the API server NSG admits. */
  readonly nodeSubnetCidr: string;
  /** Subnet delegated to AKS for API server VNet integration (the private API server's internal load balancer); /28 or larger. */
  readonly apiServerSubnetCidr: string;
  /** Subnet of the Application Gateway WAF, the only one reachable from the internet (443); its private frontend is host 10. */
  readonly appGatewaySubnetCidr: string;
  /** Subnet of the private endpoints of the Key Vault, the image mirror and the flow-log storage account. */
  readonly privateEndpointSubnetCidr: string;
  /** Azure CNI overlay range pod IPs come from; not part of the VNet, so it must not overlap it or any peered network. */
  readonly podCidr: string;
  /** Range of Kubernetes ClusterIP services; must not overlap the VNet or `podCidr`. */
  readonly serviceCidr: string;
  /** ClusterIP of the cluster DNS service (CoreDNS); an address inside `serviceCidr`. */
  readonly dnsServiceIp: string;
  /** Kubernetes version, `1.34` or `1.34.2`; patches and node images then follow automatically. */
  readonly kubernetesVersion: string;
  /** Cluster-critical add-ons only (tainted CriticalAddonsOnly). */
  readonly systemPool: NodePoolSizing;
  /** General-purpose workloads, labelled `workload=app`. */
  readonly appPool: NodePoolSizing;
  /** Security agents (Falco, Kyverno, Vault); tainted `workload=security:NoSchedule`. */
  readonly securityPool: NodePoolSizing;
  /**
   * Node pools of one's own beyond system, app and security, each with the app pool's hardening.
   * @default - none
   */
  readonly additionalPools?: readonly (NodePoolSizing & AdditionalPoolPlacement)[];
  /** Entra ID groups granted cluster-admin. */
  readonly adminGroupObjectIds: readonly string[];
  /** Networks allowed to reach the private API server. */
  readonly adminCidrs: readonly string[];
  /**
   * Retention of control-plane, WAF, Key Vault and flow logs, in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /**
   * AKS control-plane tier.
   * @default 'Standard'
   */
  readonly skuTier?: 'Free' | 'Standard' | 'Premium';
  /**
   * Opt-out: a public API endpoint limited to these networks.
   * @default - private cluster only
   */
  readonly publicEndpoint?: PublicEndpointAccess;
  /**
   * Effect of the restricted pod security initiative the AKS Azure Policy add-on enforces
   * (AksPolicyGuardrails); the custom AKS definitions always deny.
   * @default 'deny'
   */
  readonly podSecurityEffect?: 'audit' | 'deny';
  /**
   * The environment's image mirror, `<registry name>.azurecr.io/<path>`: the
   * platform creates that registry, and the kubelet identity may pull from it only.
   */
  readonly imageMirror: string;
  /**
   * Days an untagged manifest stays in the mirror before the retention policy deletes it.
   * @default 30
   */
  readonly mirrorUntaggedRetentionDays?: number;
  /**
   * Locations of the mirror registry's geo-replicas.
   * @default - the paired region of `location`
   */
  readonly mirrorReplicaLocations?: readonly string[];
  /** Globally unique storage account name of Velero's backups (3-24 lowercase letters and digits). */
  readonly backupStorageAccountName: string;
  /**
   * Days every backup blob version is write-once (locked version-level immutability); 0: none.
   * @default 0
   */
  readonly backupImmutabilityDays?: number;
  /**
   * Azure tags of the resource group and of every resource the platform creates in it.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The whole Azure platform for one cluster: resource group, log workspace, an HSM-backed Key Vault with one key per purpose, the
 * VNet and its flow logs, a private AKS cluster with system, app, security and own pools, the WAF, the image mirror and Vault's
 * workload identity, exposed as a `ClusterContract`.
 */
export class AzurePlatform extends Construct {
  readonly resourceGroup: ResourceGroup;
  readonly workspace: LogWorkspace;
  readonly keyVault: KeyVault;
  readonly etcdKey: VaultKey;
  readonly diskKey: VaultKey;
  readonly flowLogKey: VaultKey;
  readonly unsealKey: VaultKey;
  readonly registryKey: VaultKey;
  readonly backupKey: VaultKey;
  readonly network: Network;
  readonly flowLogs: FlowLogs;
  readonly diskEncryptionSet: DiskEncryptionSet;
  readonly clusterIdentity: ManagedIdentity;
  readonly cluster: Cluster;
  readonly appPool: NodePool;
  readonly securityPool: NodePool;
  /** The pools of one's own, by name. */
  readonly additionalPools: Readonly<Record<string, NodePool>>;
  readonly waf: WebApplicationFirewall;
  /** Azure Policy: the custom AKS definitions and the pod security initiative, assigned at the resource group. */
  readonly policy: AksPolicyGuardrails;
  readonly vaultIdentity: ManagedIdentity;
  readonly registry: MirrorRegistry;
  /** Velero's backup storage account, container and workload identity. */
  readonly backupStorage: BackupStorage;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: AzurePlatformProps) {
    super(scope, id);
    const { name, location, tenantId } = props;
    // Fail on a bad public allow-list before anything else consumes it.
    if (props.publicEndpoint) assertAuthorizedRanges(props.publicEndpoint.authorizedIpRanges);
    acrMirrorRegistryName(props.imageMirror);
    const tags = props.tags;
    this.resourceGroup = new ResourceGroup(this, 'rg', { name: `rg-${name}`, location, tags: tags ? { ...tags } : undefined });
    const resourceGroupName = this.resourceGroup.name;
    this.policy = new AksPolicyGuardrails(this, 'policy', {
      name,
      resourceGroupId: this.resourceGroup.id,
      effect: 'Deny',
      // A public endpoint is a dev-tier opt-in: the private-API guardrail reports it instead of refusing the cluster.
      privateApiServerEffect: props.publicEndpoint ? 'Audit' : 'Deny',
      podSecurityEffect: props.podSecurityEffect,
    });
    const common = { resourceGroupName, location, tags };

    this.workspace = new LogWorkspace(this, 'logs', { name: `log-${name}`, retentionDays: props.logRetentionDays, ...common });

    this.network = new Network(this, 'network', {
      name,
      vnetCidr: props.vnetCidr,
      nodeSubnetCidr: props.nodeSubnetCidr,
      apiServerSubnetCidr: props.apiServerSubnetCidr,
      appGatewaySubnetCidr: props.appGatewaySubnetCidr,
      privateEndpointSubnetCidr: props.privateEndpointSubnetCidr,
      // The API server subnet NSG admits admin networks and, on the dev-only public opt-in, its allow-list.
      adminCidrs: [...props.adminCidrs, ...(props.publicEndpoint?.authorizedIpRanges ?? [])],
      ...common,
    });

    this.keyVault = new KeyVault(this, 'key-vault', {
      name: props.keyVaultName,
      tenantId,
      privateEndpointSubnetId: this.network.privateEndpointSubnet.id,
      virtualNetworkId: this.network.virtualNetworkId,
      workspace: this.workspace,
      ...common,
    });
    // The deploying principal creates keys and sets their rotation policies. Key Vault Crypto Officer
    // also carries the key data actions (wrap/unwrap included): every use is in the vault's audit log.
    const deployer = new DataAzurermClientConfig(this, 'deployer', {});
    const keyOfficer = new RoleAssignment(this, 'deployer-key-officer', {
      scope: this.keyVault.vaultId,
      roleDefinitionName: 'Key Vault Crypto Officer',
      principalId: deployer.objectId,
    });
    const key = (keyId: string, keyName: string, keyOpts: VaultKeyProps['keyOpts'], keySize?: 2048 | 3072) => {
      const k = new VaultKey(this, keyId, { vault: this.keyVault, name: keyName, keyOpts, keySize });
      // dependable(): a plain reference in depends_on (a "${...}" fqn string is not valid there: terraform init rejects it).
      k.key.dependsOn = [dependable(keyOfficer)];
      return k;
    };
    // AKS KMS takes 2048-bit RSA keys.
    this.etcdKey = key('etcd-key', 'aks-etcd-kms', ['encrypt', 'decrypt', 'wrapKey', 'unwrapKey'], 2048);
    this.diskKey = key('disk-key', 'node-disks', ['wrapKey', 'unwrapKey']);
    this.flowLogKey = key('flow-log-key', 'flow-logs', ['wrapKey', 'unwrapKey']);
    this.unsealKey = key('unseal-key', 'vault-unseal', ['wrapKey', 'unwrapKey']);
    this.registryKey = key('registry-key', 'container-registry', ['wrapKey', 'unwrapKey']);
    this.backupKey = key('backup-key', 'velero-backups', ['wrapKey', 'unwrapKey']);

    this.flowLogs = new FlowLogs(this, 'flow-logs', {
      name,
      storageAccountName: props.flowLogStorageAccountName,
      virtualNetworkId: this.network.virtualNetworkId,
      storageKey: this.flowLogKey,
      workspace: this.workspace,
      privateEndpointSubnetId: this.network.privateEndpointSubnet.id,
      retentionDays: props.logRetentionDays,
      ...common,
    });

    this.diskEncryptionSet = new DiskEncryptionSet(this, 'disk-encryption', { name: `des-${name}`, key: this.diskKey, ...common });

    this.clusterIdentity = new ManagedIdentity(this, 'cluster-identity', {
      name: `id-${name}-aks`,
      grants: [
        // AKS joins nodes and the API server ILB to our subnets; nothing else in the VNet.
        { id: 'nodes-subnet', scope: this.network.nodeSubnet.id, roleName: 'Network Contributor' },
        { id: 'api-server-subnet', scope: this.network.apiServerSubnet.id, roleName: 'Network Contributor' },
        // KMS plugin encrypts/decrypts the etcd data keys with this key only.
        { id: 'etcd-key', scope: this.etcdKey.keyScope, roleName: 'Key Vault Crypto User' },
        // Private-vault KMS: AKS manages the private link to the vault (management plane only under RBAC).
        { id: 'key-vault', scope: this.keyVault.vaultId, roleName: 'Key Vault Contributor' },
        // Reads the disk encryption set it provisions node disks with.
        { id: 'disk-encryption-set', scope: this.diskEncryptionSet.diskEncryptionSetId, roleName: 'Reader' },
      ],
      ...common,
    });

    const hardening: NodeHardeningProps = { fipsEnabled: props.fipsEnabled, zones: props.zones, maxPods: props.maxPods, maxSurge: props.maxSurge };
    this.cluster = new Cluster(this, 'aks', {
      name,
      kubernetesVersion: props.kubernetesVersion,
      tenantId,
      adminGroupObjectIds: props.adminGroupObjectIds,
      identityId: this.clusterIdentity.identityId,
      nodeSubnetId: this.network.nodeSubnet.id,
      apiServerSubnetId: this.network.apiServerSubnet.id,
      kmsKey: this.etcdKey,
      diskEncryptionSetId: this.diskEncryptionSet.diskEncryptionSetId,
      workspace: this.workspace,
      podCidr: props.podCidr,
      serviceCidr: props.serviceCidr,
      dnsServiceIp: props.dnsServiceIp,
      systemPool: props.systemPool,
      skuTier: props.skuTier,
      publicEndpoint: props.publicEndpoint,
      ...hardening,
      dependsOn: [...Object.values(this.clusterIdentity.assignments), this.diskEncryptionSet.keyAccess, this.network.natAssociation],
      ...common,
    });

    const pool = (poolId: string, sizing: NodePoolSizing, placement: Pick<NodePoolProps, 'labels' | 'taints'>) =>
      new NodePool(this, `${poolId}-pool`, {
        name: poolId,
        kubernetesClusterId: this.cluster.clusterId,
        subnetId: this.network.nodeSubnet.id,
        sizing,
        ...hardening,
        ...placement,
        tags,
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

    this.waf = new WebApplicationFirewall(this, 'waf', {
      name,
      subnetId: this.network.appGatewaySubnet.id,
      privateFrontendIp: Fn.cidrhost(props.appGatewaySubnetCidr, 10),
      workspace: this.workspace,
      ...common,
    });

    this.registry = new MirrorRegistry(this, 'registry', {
      imageMirror: props.imageMirror,
      encryptionKey: this.registryKey,
      privateEndpointSubnetId: this.network.privateEndpointSubnet.id,
      virtualNetworkId: this.network.virtualNetworkId,
      kubeletObjectId: this.cluster.kubeletObjectId,
      workspace: this.workspace,
      untaggedRetentionDays: props.mirrorUntaggedRetentionDays,
      replicaLocations: props.mirrorReplicaLocations,
      ...common,
    });

    // Vault may only read the unseal key and wrap/unwrap with it.
    const unsealRole = new KeyWrapRole(this, 'unseal-role', { name: `${name}-vault-unseal`, vaultId: this.keyVault.vaultId });
    this.vaultIdentity = new ManagedIdentity(this, 'vault-identity', {
      name: `id-${name}-vault`,
      grants: [{ id: 'unseal-key', scope: this.unsealKey.keyScope, roleDefinitionId: unsealRole.roleId }],
      federation: { issuerUrl: this.cluster.oidcIssuerUrl, serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault },
      ...common,
    });

    this.backupStorage = new BackupStorage(this, 'backup-storage', {
      name,
      storageAccountName: props.backupStorageAccountName,
      encryptionKey: this.backupKey,
      privateEndpointSubnetId: this.network.privateEndpointSubnet.id,
      virtualNetworkId: this.network.virtualNetworkId,
      // One privatelink.blob.core.windows.net zone per VNet: the flow-log account created it.
      blobDnsZone: this.flowLogs.privateLink,
      workspace: this.workspace,
      oidcIssuerUrl: this.cluster.oidcIssuerUrl,
      serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
      immutabilityDays: props.backupImmutabilityDays,
      ...common,
    });

    this.contract = {
      cloud: 'azure',
      clusterName: this.cluster.clusterName,
      region: location,
      networkId: this.network.virtualNetworkId,
      // Cluster-admin comes from Azure RBAC on the cluster (admin_group_object_ids), not RBAC bindings.
      clusterAdminGroups: [],
      access: {
        host: this.cluster.host,
        clusterCaCertificate: this.cluster.clusterCaCertificate,
        // Entra ID tokens from the Azure CLI session: nothing long-lived in state.
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'kubelogin',
          args: ['get-token', '--login', 'azurecli', '--server-id', AKS_AAD_SERVER_APP_ID],
        },
      },
      oidcIssuerUrl: this.cluster.oidcIssuerUrl,
      vaultUnseal: {
        seal: 'azurekeyvault',
        sealConfig: { tenant_id: tenantId, vault_name: this.keyVault.vaultName, key_name: this.unsealKey.keyName },
        identity: {
          serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
          serviceAccountAnnotations: { 'azure.workload.identity/client-id': this.vaultIdentity.clientId },
          podLabels: { 'azure.workload.identity/use': 'true' },
        },
      },
      securityNodePool: SECURITY_POOL_PLACEMENT,
      ingressWaf: {
        kind: 'azure-application-gateway-waf',
        id: this.waf.policyId,
        ingressAnnotations: { [AGIC_WAF_POLICY_ANNOTATION]: this.waf.policyId },
      },
      controllerIdentities: {},
      backup: {
        provider: 'azure',
        bucket: this.backupStorage.container.name,
        // Entra ID (workload identity) to the blob endpoint: no account keys (useAAD).
        config: {
          resourceGroup: resourceGroupName,
          storageAccount: this.backupStorage.storageAccount.name,
          subscriptionId: deployer.subscriptionId,
          useAAD: 'true',
        },
        immutabilityDays: this.backupStorage.immutabilityDays,
        // GZRS: the paired region holds the second copy.
        secondaryRegion: undefined,
        identity: {
          serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
          serviceAccountAnnotations: { 'azure.workload.identity/client-id': this.backupStorage.veleroIdentity.clientId },
          podLabels: { 'azure.workload.identity/use': 'true' },
        },
      },
    };
  }
}
