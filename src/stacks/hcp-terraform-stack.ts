/**
 * `hcp-terraform-<organization>`: the HCP Terraform (or Terraform Enterprise) workspaces of every
 * environment whose `stateBackend.kind` is `hcp-terraform`, one per stack and named after it, so a
 * `cdktf deploy` of `<cloud>-<name>-<role>` runs in exactly the workspace this stack configured:
 *
 * - in the environment's project, tagged `cloud`, `tier`, `region`, `environment` and `role`, so
 *   policy sets, variable sets, team access and searches follow the fleet's own attributes;
 * - on the environment's agent pool (execution mode `agent`): runs execute inside the bank's network,
 *   where the baseline reaches the private cluster endpoints, never on shared hosted runners;
 * - never auto-applied: a person confirms every plan (segregation of duties, PCI-DSS 6.5.4);
 * - health assessments on: drift detection and continuous validation, the workflow's daily drift
 *   check done by HCP Terraform;
 * - the Terraform version pinned to the workflow's; no destroy plans in the prod tier;
 * - state readable only by the environment's own baseline workspace (the baseline reads the platform
 *   stack's outputs), and a run trigger that queues a baseline plan after each platform apply.
 */
import { CloudBackend, NamedCloudWorkspace, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DataTfeAgentPool } from '@cdktf/provider-tfe/lib/data-tfe-agent-pool';
import { Project } from '@cdktf/provider-tfe/lib/project';
import { TfeProvider } from '@cdktf/provider-tfe/lib/provider';
import { RunTrigger } from '@cdktf/provider-tfe/lib/run-trigger';
import { Workspace } from '@cdktf/provider-tfe/lib/workspace';
import { WorkspaceSettings } from '@cdktf/provider-tfe/lib/workspace-settings';
import type { EnvironmentConfig, HcpStateConfig } from '../config/schema';
import type { HcpOrganizationGroup } from '../config/state-backends';
import { stackName, type StackRole } from './common';

/** The Terraform version every workspace runs: the one the workflow installs (`terraform_version`). */
export const HCP_TERRAFORM_VERSION = '1.11.4';

export { hcpStackName } from '../config/state-backends';

/** The region or location an environment runs in, for the workspace's `region` tag. */
export function regionOf(config: EnvironmentConfig): string {
  return config.cloud === 'azure' ? config.location : config.region;
}

/** The workspace tags of one stack of an environment. */
export function workspaceTags(config: HcpStateConfig, role: string): Record<string, string> {
  return { cloud: config.cloud, tier: config.tier, region: regionOf(config), environment: config.name, role, 'managed-by': 'cdktf' };
}

/** A construct id from a free-form name (project and pool names may hold spaces). */
const idOf = (name: string): string => name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');

export interface HcpTerraformStackProps {
  /** The HCP Terraform host and organization, and every environment whose `stateBackend.kind` is `hcp-terraform` there. */
  readonly organization: HcpOrganizationGroup;
}

/**
 * `hcp-terraform-<organization>`: one workspace per platform and baseline stack, in the environment's project, on its agent
 * pool, never auto-applied, with health assessments, a pinned Terraform version and state shared only with its baseline.
 */
export class HcpTerraformStack extends TerraformStack {
  /** Workspace name → its workspace, for library users adding variables, team access or policy sets. */
  readonly workspaces: ReadonlyMap<string, Workspace>;

  constructor(scope: Construct, id: string, props: HcpTerraformStackProps) {
    super(scope, id);
    const { hostname, organization, environments } = props.organization;
    // No token in the configuration: `terraform login` or TF_TOKEN_<host> supplies it.
    new TfeProvider(this, 'tfe', { hostname, organization });
    // Its own state lives in the workspace of its name, which `terraform init` creates (docs/runbooks.md).
    new CloudBackend(this, { hostname, organization, workspaces: new NamedCloudWorkspace(id) });

    const projects = new Map<string, Project>();
    const pools = new Map<string, DataTfeAgentPool>();
    const workspaces = new Map<string, Workspace>();
    for (const config of environments) {
      const hcp = config.stateBackend;
      let project = projects.get(hcp.project);
      if (!project) {
        project = new Project(this, `project-${idOf(hcp.project)}`, {
          organization,
          name: hcp.project,
          description: 'Platform stacks managed by cdktf (regulated-k8s-platform)',
        });
        projects.set(hcp.project, project);
      }
      // Agent pools are registered by the teams that run the agents; this stack only uses them.
      let pool = pools.get(hcp.agentPool);
      if (!pool) {
        pool = new DataTfeAgentPool(this, `pool-${idOf(hcp.agentPool)}`, { organization, name: hcp.agentPool });
        pools.set(hcp.agentPool, pool);
      }

      const workspace = (role: StackRole, consumers: string[]): Workspace => {
        const name = stackName(config, role);
        const ws = new Workspace(this, `ws-${name}`, {
          organization,
          name,
          projectId: project.id,
          description: `The ${role} stack of ${config.cloud}/${config.name} (${config.tier} tier), synthesized by cdktf`,
          tags: workspaceTags(config, role),
          autoApply: false,
          autoApplyRunTrigger: false,
          assessmentsEnabled: true,
          allowDestroyPlan: config.tier !== 'prod',
          fileTriggersEnabled: false,
          queueAllRuns: false,
          terraformVersion: HCP_TERRAFORM_VERSION,
        });
        new WorkspaceSettings(this, `settings-${name}`, {
          workspaceId: ws.id,
          executionMode: 'agent',
          agentPoolId: pool.id,
          globalRemoteState: false,
          remoteStateConsumerIds: consumers,
        });
        workspaces.set(name, ws);
        new TerraformOutput(this, `${name}-workspace-id`, { value: ws.id, description: `HCP Terraform workspace of stack ${name}` });
        return ws;
      };
      const baseline = workspace('baseline', []);
      const platform = workspace('platform', [baseline.id]);
      new RunTrigger(this, `trigger-${stackName(config, 'baseline')}`, { workspaceId: baseline.id, sourceableId: platform.id });
      // Vault's configuration reads no other state; it is planned after a baseline run.
      const vault = workspace('vault', []);
      new RunTrigger(this, `trigger-${stackName(config, 'vault')}`, { workspaceId: vault.id, sourceableId: baseline.id });
    }
    this.workspaces = workspaces;
  }
}
