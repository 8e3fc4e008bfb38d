/**
 * `gcp-<env>-platform`: the GKE platform of one environment. Wiring only:
 * config values become construct props here, and nowhere else.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { additionalNodePools, backupSettings, type GcpEnvironmentConfig, type NodePoolConfig } from '../config/schema';
import type { ClusterContract } from '../constructs/contract';
import type { NodePoolSizing } from '../constructs/gcp/node-pool';
import { GcpPlatform, type GcpPlatformProps } from '../constructs/gcp/platform';
import { clusterName, configureBackend } from './common';

export interface GcpPlatformStackProps {
  /** The validated configuration of one GCP environment: project, region, network, node pools, state backend and tags. */
  readonly config: GcpEnvironmentConfig;
}

function sizing(pool: NodePoolConfig): NodePoolSizing {
  return {
    machineType: pool.machineType,
    minCount: pool.minSize,
    maxCount: pool.maxSize,
    desiredCount: pool.desiredSize,
    diskSizeGb: pool.diskSizeGb,
  };
}

/**
 * The GcpPlatform props of an environment: the one place config becomes props. Exported so an app
 * of one's own changes a setting without copying the wiring.
 */
export function gcpPlatformProps(config: GcpEnvironmentConfig): GcpPlatformProps {
  const labels = { ...config.tags, environment: config.name, tier: config.tier, 'managed-by': 'cdktf' };
  const net = config.network;
  const isDev = config.tier === 'dev';
  const backup = backupSettings(config);
  // Google Groups for RBAC lives in the admins' Workspace/Cloud Identity domain.
  const groupDomain = config.adminPrincipals.find((m) => m.startsWith('group:'))?.split('@')[1];
  return {
    name: clusterName(config),
    project: config.projectId,
    region: config.region,
    nodesCidr: net.nodesCidr,
    podsCidr: net.podsCidr,
    servicesCidr: net.servicesCidr,
    masterCidr: net.masterCidr,
    proxyOnlyCidr: net.proxyOnlyCidr,
    kubernetesVersion: config.kubernetesVersion,
    appPool: sizing(config.nodePools.app),
    securityPool: sizing(config.nodePools.security),
    additionalPools: additionalNodePools(config).map(([poolName, pool]) => ({ name: poolName, labels: pool.labels, taint: pool.taint, ...sizing(pool) })),
    adminCidrs: config.adminCidrs,
    // Binary Authorization admits only these (platformImageMirror lies inside them) plus Google's system images.
    allowedRegistries: config.allowedRegistries,
    backup: { retentionDays: backup.dailyRetentionDays, immutabilityDays: backup.immutabilityDays, secondaryRegion: backup.secondaryRegion },
    adminPrincipals: config.adminPrincipals,
    rbacSecurityGroup: groupDomain ? `gke-security-groups@${groupDomain}` : undefined,
    // Prod takes upgrades only after they have soaked in the REGULAR channel.
    releaseChannel: config.tier === 'prod' ? 'STABLE' : 'REGULAR',
    publicEndpoint: config.publicApiEndpoint.enabled ? { authorizedCidrs: config.publicApiEndpoint.allowedCidrs } : undefined,
    // Dev samples half the flows (cost); every other environment logs every flow.
    flowLogs: { flowSampling: isDev ? 0.5 : 1 },
    serviceControls:
      config.vpcServiceControls.mode === 'off'
        ? undefined
        : {
            mode: config.vpcServiceControls.mode,
            accessPolicy: config.vpcServiceControls.accessPolicy,
            organizationId: config.vpcServiceControls.organizationId,
            // The CI service accounts of the state bootstrap stack (gcp-state-<project>) plan and deploy from outside.
            ingressIdentities: (['plan', 'deploy'] as const).map((which) => `serviceAccount:ci-${config.name}-${which}@${config.projectId}.iam.gserviceaccount.com`),
          },
    labels,
    imageMirror: config.platformImageMirror,
  };
}

/**
 * `gcp-<env>-platform`: the environment's `GcpPlatform` in its own state, with a Google provider bound to the configured project
 * and region that gives every resource taking labels the config's tags, the environment, tier and `managed-by`.
 */
export class GcpPlatformStack extends TerraformStack {
  readonly platform: GcpPlatform;
  readonly contract: ClusterContract;

  constructor(scope: Construct, id: string, props: GcpPlatformStackProps) {
    super(scope, id);
    const { config } = props;
    configureBackend(this, config);

    const labels = { ...config.tags, environment: config.name, tier: config.tier, 'managed-by': 'cdktf' };
    const provider = new GoogleProvider(this, 'google', { project: config.projectId, region: config.region });
    // Every labelled resource carries cost centre, classification and environment. Set through an
    // override because cdktf snake-cases map keys inside provider blocks (cost-center -> cost_center).
    provider.addOverride('default_labels', labels);

    this.platform = new GcpPlatform(this, 'platform', gcpPlatformProps(config));
    this.contract = this.platform.contract;
  }
}
