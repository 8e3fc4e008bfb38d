/**
 * `aws-<env>-platform`: the EKS platform of one environment. Wiring only:
 * config values become construct props here, and nowhere else.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { additionalNodePools, backupSettings, type AdditionalNodePoolConfig, type AwsEnvironmentConfig, type NodePoolConfig } from '../config/schema';
import type { ClusterContract } from '../constructs/contract';
import type { NodePoolSizing } from '../constructs/aws/node-pool';
import { AwsPlatform, type AwsPlatformProps } from '../constructs/aws/platform';
import { clusterName, configureBackend } from './common';

export interface AwsPlatformStackProps {
  /** The validated configuration of one AWS environment: its account, region, network, node pools, state backend and tags. */
  readonly config: AwsEnvironmentConfig;
}

function sizing(pool: NodePoolConfig): NodePoolSizing {
  return {
    instanceType: pool.machineType,
    minSize: pool.minSize,
    maxSize: pool.maxSize,
    desiredSize: pool.desiredSize,
    diskSizeGb: pool.diskSizeGb,
  };
}

/**
 * The AwsPlatform props of an environment: the one place config becomes props. Exported so an app
 * of one's own changes a setting (`{ ...awsPlatformProps(config), logRetentionDays: 730 }`) without
 * copying the wiring.
 */
export function awsPlatformProps(config: AwsEnvironmentConfig, backupReplicaProvider?: AwsProvider): AwsPlatformProps {
  const net = config.network;
  const backup = backupSettings(config);
  return {
    name: clusterName(config),
    accountId: config.accountId,
    region: config.region,
    availabilityZones: config.availabilityZones,
    vpcCidr: net.vpcCidr,
    publicSubnetCidrs: net.publicSubnetCidrs,
    privateSubnetCidrs: net.privateSubnetCidrs,
    intraSubnetCidrs: net.intraSubnetCidrs,
    natGatewayPerAz: net.natGateways === 'one-per-az',
    logRetentionDays: net.flowLogRetentionDays,
    kubernetesVersion: config.kubernetesVersion,
    appPool: sizing(config.nodePools.app),
    securityPool: sizing(config.nodePools.security),
    additionalPools: additionalNodePools(config).map(([name, pool]: [string, AdditionalNodePoolConfig]) => ({ name, labels: pool.labels, taint: pool.taint, ...sizing(pool) })),
    adminPrincipals: config.adminPrincipals,
    adminCidrs: config.adminCidrs,
    publicEndpoint: config.publicApiEndpoint.enabled ? { allowedCidrs: config.publicApiEndpoint.allowedCidrs } : undefined,
    imageMirror: config.platformImageMirror,
    backup: {
      retentionDays: backup.dailyRetentionDays,
      immutabilityDays: backup.immutabilityDays,
      replica: backup.secondaryRegion && backupReplicaProvider ? { region: backup.secondaryRegion, provider: backupReplicaProvider } : undefined,
    },
  };
}

/**
 * `aws-<env>-platform`: the environment's `AwsPlatform` in its own state, with an AWS provider that refuses any account but
 * the configured one and tags every taggable resource with the config's tags, the environment, tier and `managed-by`.
 */
export class AwsPlatformStack extends TerraformStack {
  readonly platform: AwsPlatform;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: AwsPlatformStackProps) {
    super(scope, id);
    const { config } = props;
    configureBackend(this, config);

    const providerSettings = {
      // Refuse to run against any other account, whatever credentials are loaded.
      allowedAccountIds: [config.accountId],
      defaultTags: [{ tags: { ...config.tags, environment: config.name, tier: config.tier, 'managed-by': 'cdktf' } }],
    };
    new AwsProvider(this, 'aws', { region: config.region, ...providerSettings });
    // The second region of the backup bucket's replica (docs/backups.md), same account and tags.
    const secondaryRegion = backupSettings(config).secondaryRegion;
    const backupReplicaProvider = secondaryRegion
      ? new AwsProvider(this, 'aws-backup-replica', { alias: 'backup_replica', region: secondaryRegion, ...providerSettings })
      : undefined;

    this.platform = new AwsPlatform(this, 'platform', awsPlatformProps(config, backupReplicaProvider));
    this.contract = this.platform.contract;
  }
}
