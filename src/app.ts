/**
 * Builds the construct tree for a set of validated environments: two stacks
 * per cloud and environment, the baseline depending on the platform through
 * the cluster contract, and the compliance packs over every stack.
 */
import type { App } from 'cdktf';
import { applyCompliancePacks, type CompliancePack } from './compliance';
import type { EnvironmentConfig } from './config/schema';
import type { ClusterContract } from './constructs/contract';
import { AwsPlatformStack } from './stacks/aws-platform-stack';
import { AzurePlatformStack } from './stacks/azure-platform-stack';
import { BaselineStack } from './stacks/baseline-stack';
import { stackName } from './stacks/common';
import { GcpPlatformStack } from './stacks/gcp-platform-stack';

export interface EnvironmentStacks {
  readonly config: EnvironmentConfig;
  readonly platform: AwsPlatformStack | AzurePlatformStack | GcpPlatformStack;
  readonly baseline: BaselineStack;
}

export function buildEnvironment(app: App, config: EnvironmentConfig): EnvironmentStacks {
  const platformName = stackName(config, 'platform');
  let platform: AwsPlatformStack | AzurePlatformStack | GcpPlatformStack;
  switch (config.cloud) {
    case 'aws':
      platform = new AwsPlatformStack(app, platformName, { config });
      break;
    case 'azure':
      platform = new AzurePlatformStack(app, platformName, { config });
      break;
    case 'gcp':
      platform = new GcpPlatformStack(app, platformName, { config });
      break;
  }
  const cluster: ClusterContract = platform.contract;
  const baseline = new BaselineStack(app, stackName(config, 'baseline'), { config, cluster });
  baseline.addDependency(platform);
  return { config, platform, baseline };
}

export interface PlatformApp {
  readonly environments: readonly EnvironmentStacks[];
  /** The packs evaluated at synth; their findings feed the evidence reports. */
  readonly packs: readonly CompliancePack[];
}

export function buildApp(app: App, configs: readonly EnvironmentConfig[]): PlatformApp {
  const environments = configs.map((config) => buildEnvironment(app, config));
  // pci-dss-4 and cis-kubernetes-managed: error findings fail synth with path and fix.
  const packs = applyCompliancePacks(app);
  return { environments, packs };
}
