/**
 * Builds the construct tree for a set of validated environments: three stacks
 * per cloud and environment, the baseline depending on the platform through
 * the cluster contract and Vault's configuration on the baseline; one state bootstrap stack per account / subscription /
 * project holding the state of a selected environment; and the compliance
 * packs over every stack.
 */
import type { App } from 'cdktf';
import { applyCompliancePacks, type CompliancePack } from './compliance';
import type { EnvironmentConfig } from './config/schema';
import { hcpOrganizationGroups, selectHcpOrganizations, selectStateBackends, stateBackendGroups, type HcpOrganizationGroup, type StateBackendGroup } from './config/state-backends';
import type { ClusterContract } from './constructs/contract';
import { AwsPlatformStack } from './stacks/aws-platform-stack';
import { AzurePlatformStack } from './stacks/azure-platform-stack';
import { BaselineStack } from './stacks/baseline-stack';
import { VaultStack } from './stacks/vault-stack';
import { stackName, stateStackName } from './stacks/common';
import { HcpTerraformStack, hcpStackName } from './stacks/hcp-terraform-stack';
import { StateBootstrapStack } from './stacks/state-bootstrap-stack';
import { GcpPlatformStack } from './stacks/gcp-platform-stack';

export interface EnvironmentStacks {
  readonly config: EnvironmentConfig;
  readonly platform: AwsPlatformStack | AzurePlatformStack | GcpPlatformStack;
  readonly baseline: BaselineStack;
  /** Vault's configuration, applied after the baseline installed Vault and it was initialised. */
  readonly vault: VaultStack;
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
  const vault = new VaultStack(app, stackName(config, 'vault'), { config });
  vault.addDependency(baseline);
  return { config, platform, baseline, vault };
}

export interface PlatformApp {
  readonly environments: readonly EnvironmentStacks[];
  /** One per state backend that holds a synthesized environment's state. */
  readonly stateBootstraps: readonly StateBootstrapStack[];
  /** One per HCP Terraform organization holding a synthesized environment's workspaces. */
  readonly hcpOrganizations: readonly HcpTerraformStack[];
  /** The packs evaluated at synth; their findings feed the evidence reports. */
  readonly packs: readonly CompliancePack[];
}

export interface BuildOptions {
  /**
   * The state backends with every environment that keeps its state in each,
   * including environments the synth did not select: a bootstrap stack trusts
   * the CI of all of them, so it must synthesize the same whatever is selected.
   * @default - stateBackendGroups(configs): the synthesized environments are all there are
   */
  readonly stateBackends?: readonly StateBackendGroup[];
  /**
   * The HCP Terraform organizations with every environment whose workspaces each holds, selected or not.
   * @default - hcpOrganizationGroups(configs)
   */
  readonly hcpOrganizations?: readonly HcpOrganizationGroup[];
  /**
   * The compliance packs to evaluate every stack with, e.g. the PCI-DSS pack with rules of one's own
   * (`new CompliancePack(packDefinition('pci-dss-4', [...ALL_RULES, myRule]))`).
   * @default - pciDss4Pack() and cisKubernetesManagedPack()
   */
  readonly packs?: readonly CompliancePack[];
}

export function buildApp(app: App, configs: readonly EnvironmentConfig[], options: BuildOptions = {}): PlatformApp {
  const environments = configs.map((config) => buildEnvironment(app, config));
  // A bootstrap stack comes with the synth of any environment whose state it holds.
  const stateBootstraps = selectStateBackends(options.stateBackends ?? stateBackendGroups(configs), configs).map(
    (backend) => new StateBootstrapStack(app, stateStackName(backend), { backend }),
  );
  const hcpOrganizations = selectHcpOrganizations(options.hcpOrganizations ?? hcpOrganizationGroups(configs), configs).map(
    (organization) => new HcpTerraformStack(app, hcpStackName(organization), { organization }),
  );
  // pci-dss-4 and cis-kubernetes-managed: error findings fail synth with path and fix.
  const packs = applyCompliancePacks(app, options.packs);
  return { environments, stateBootstraps, hcpOrganizations, packs };
}
