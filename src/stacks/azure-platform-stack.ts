/**
 * `azure-<env>-platform`: the AKS platform of one environment. Wiring only:
 * config values become construct props here, and nowhere else.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { additionalNodePools, backupSettings, type AzureEnvironmentConfig, type NodePoolConfig } from '../config/schema';
import type { ClusterContract } from '../constructs/contract';
import type { NodePoolSizing } from '../constructs/azure/node-pool';
import { AzurePlatform, type AzurePlatformProps } from '../constructs/azure/platform';
import { clusterName, configureBackend } from './common';

export interface AzurePlatformStackProps {
  /** The validated configuration of one Azure environment: subscription, tenant, location, network, pools, state backend, tags. */
  readonly config: AzureEnvironmentConfig;
}

function sizing(pool: NodePoolConfig): NodePoolSizing {
  return {
    vmSize: pool.machineType,
    minCount: pool.minSize,
    maxCount: pool.maxSize,
    desiredCount: pool.desiredSize,
    osDiskSizeGb: pool.diskSizeGb,
  };
}

/** Globally unique names have tight limits: trim to the limit without a trailing hyphen. */
function globalName(text: string, maxLength: number): string {
  return text.slice(0, maxLength).replace(/-+$/, '');
}

/**
 * The AzurePlatform props of an environment: the one place config becomes props. Exported so an app
 * of one's own changes a setting without copying the wiring.
 */
export function azurePlatformProps(config: AzureEnvironmentConfig): AzurePlatformProps {
  const name = clusterName(config);
  const net = config.network;
  return {
    name,
    tenantId: config.tenantId,
    location: config.location,
    keyVaultName: globalName(`kv-${name}`, 24),
    flowLogStorageAccountName: globalName(`st${name.replace(/-/g, '')}flow`, 24),
    backupStorageAccountName: globalName(`st${name.replace(/-/g, '')}bkp`, 24),
    backupImmutabilityDays: backupSettings(config).immutabilityDays,
    vnetCidr: net.vnetCidr,
    nodeSubnetCidr: net.nodeSubnetCidr,
    apiServerSubnetCidr: net.apiServerSubnetCidr,
    appGatewaySubnetCidr: net.appGatewaySubnetCidr,
    privateEndpointSubnetCidr: net.privateEndpointSubnetCidr,
    podCidr: net.podCidr,
    serviceCidr: net.serviceCidr,
    dnsServiceIp: net.dnsServiceIp,
    kubernetesVersion: config.kubernetesVersion,
    systemPool: sizing(config.systemNodePool),
    appPool: sizing(config.nodePools.app),
    securityPool: sizing(config.nodePools.security),
    additionalPools: additionalNodePools(config).map(([poolName, pool]) => ({ name: poolName, labels: pool.labels, taint: pool.taint, ...sizing(pool) })),
    adminGroupObjectIds: config.adminPrincipals,
    adminCidrs: config.adminCidrs,
    // 365 days everywhere (no Azure retention field in config): PCI-DSS 10.5.1.
    logRetentionDays: 365,
    // Dev trades the uptime SLA for cost; every other environment gets the Standard tier.
    skuTier: config.tier === 'dev' ? 'Free' : 'Standard',
    // The restricted pod security initiative reports in dev and refuses from staging on.
    podSecurityEffect: config.tier === 'dev' ? 'audit' : 'deny',
    publicEndpoint: config.publicApiEndpoint.enabled ? { authorizedIpRanges: config.publicApiEndpoint.allowedCidrs } : undefined,
    imageMirror: config.platformImageMirror,
    tags: { ...config.tags, environment: config.name, tier: config.tier, 'managed-by': 'cdktf' },
  };
}

/**
 * `azure-<env>-platform`: the environment's `AzurePlatform` in its own state, with an azurerm provider pinned to the configured
 * subscription and tenant that uses Entra ID for storage and never purges soft-deleted vaults or keys on destroy.
 */
export class AzurePlatformStack extends TerraformStack {
  readonly platform: AzurePlatform;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: AzurePlatformStackProps) {
    super(scope, id);
    const { config } = props;
    configureBackend(this, config);

    new AzurermProvider(this, 'azurerm', {
      // Soft-deleted keys and vaults are never purged by a destroy: recovery stays possible.
      features: [{ keyVault: [{ purgeSoftDeleteOnDestroy: false, purgeSoftDeletedKeysOnDestroy: false, recoverSoftDeletedKeyVaults: true, recoverSoftDeletedKeys: true }] }],
      subscriptionId: config.subscriptionId,
      tenantId: config.tenantId,
      // Data-plane calls (storage) with Entra ID, never with account keys.
      storageUseAzuread: true,
    });

    this.platform = new AzurePlatform(this, 'platform', azurePlatformProps(config));
    this.contract = this.platform.contract;
  }
}
