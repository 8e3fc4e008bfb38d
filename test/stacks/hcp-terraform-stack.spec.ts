/**
 * HCP Terraform / Terraform Enterprise as an environment's state backend: the configuration and
 * every bad input with its message, the cloud block of the environment's stacks, the workspaces
 * stack (hcp-terraform-<organization>) and how the app and the fleet treat such environments.
 */
import { Testing } from 'cdktf';
import { ConfigError, formatProblem, hcpOrganizationGroups, loadFleet, loadFleetFromDirectory, stateBackendGroups, stateObject, validateEnvironment, type EnvironmentConfig } from '../../src/config';
import { buildApp } from '../../src/app';
import { HCP_TERRAFORM_VERSION, HcpTerraformStack, hcpStackName } from '../../src/stacks/hcp-terraform-stack';
import { awsDev, awsProd, azureProd, gcpDev, REFERENCE_ENVIRONMENTS_DIR } from '../helpers/environments';
import { type Json, named, resources, synthStack } from '../helpers/terraform-json';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const hcp = { kind: 'hcp-terraform', organization: 'example-bank', project: 'Platform prod', agentPool: 'prod-network' } as const;
const withHcp = <C extends EnvironmentConfig>(config: C, overrides: Record<string, unknown> = {}): unknown => ({ ...config, stateBackend: { ...hcp, ...overrides } });

function valid(raw: unknown): EnvironmentConfig {
  const { config, problems } = validateEnvironment(raw);
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  return config;
}
const problems = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);

const awsHcp = valid(withHcp(awsProd));
const gcpHcp = valid(withHcp({ ...gcpDev }, { project: 'Platform dev', agentPool: 'dev-network' }));
const azureHcp = valid(withHcp(azureProd));

describe('stateBackend.kind: hcp-terraform (configuration)', () => {
  it('accepts an organization, project and agent pool, defaulting the host to app.terraform.io', () => {
    expect(awsHcp.stateBackend).toEqual({ ...hcp, hostname: 'app.terraform.io' });
    expect(valid(withHcp(awsProd, { hostname: 'tfe.bank.example' })).stateBackend).toMatchObject({ hostname: 'tfe.bank.example' });
  });

  it('still accepts the cloud backend without kind, and with its own kind', () => {
    expect(valid(awsProd).stateBackend).not.toHaveProperty('kind');
    expect(valid({ ...awsProd, stateBackend: { ...awsProd.stateBackend, kind: 's3' } }).stateBackend).toMatchObject({ kind: 's3', bucket: awsProd.stateBackend.bucket });
  });

  it('names each bad HCP Terraform field, and only fields of the option the kind names', () => {
    expect(problems(withHcp(awsProd, { organization: 'example bank', project: 'x', hostname: 'https://app.terraform.io' }))).toEqual([
      'config error: [aws/prod] stateBackend.hostname: got "https://app.terraform.io"; allowed: a DNS hostname such as app.terraform.io or tfe.example.com',
      'config error: [aws/prod] stateBackend.organization: got "example bank"; allowed: an HCP Terraform organization name: 1-40 letters, digits, - and _',
      'config error: [aws/prod] stateBackend.project: got "x"; allowed: an HCP Terraform project name: 3-40 letters, digits, spaces, - and _',
    ]);
  });

  it('requires the agent pool: runs execute inside the network, never on hosted runners', () => {
    const withoutPool: Record<string, unknown> = { ...hcp };
    delete withoutPool.agentPool;
    expect(problems({ ...awsProd, stateBackend: withoutPool })).toEqual([
      'config error: [aws/prod] stateBackend.agentPool: got (missing); allowed: a string (required)',
    ]);
  });

  it('suggests the field meant by a misspelt key of the HCP option', () => {
    const { organization, ...rest } = hcp;
    expect(problems({ ...awsProd, stateBackend: { ...rest, organisation: organization } })).toEqual([
      'config error: [aws/prod] stateBackend.organization: got (missing); allowed: a string (required)',
      'config error: [aws/prod] stateBackend.organisation: got "example-bank"; allowed: no unknown fields: remove "organisation" (did you mean "organization"?)',
    ]);
  });

  it('names an unknown kind once, with the kinds there are', () => {
    expect(problems({ ...gcpDev, stateBackend: { ...gcpDev.stateBackend, kind: 'hcp' } })).toEqual([
      'config error: [gcp/dev] stateBackend.kind: got "hcp"; allowed: one of "gcs", "hcp-terraform"',
    ]);
  });

  it('reports a bad field of the cloud backend as before, not the HCP option', () => {
    expect(problems({ ...awsProd, stateBackend: { ...awsProd.stateBackend, bucket: 'Bad_Bucket' } })).toEqual([
      'config error: [aws/prod] stateBackend.bucket: got "Bad_Bucket"; allowed: an S3 bucket name',
    ]);
  });
});

describe('the stacks of an HCP Terraform environment', () => {
  const built = buildApp(Testing.app(), [awsHcp]);
  const synthesized = (stack: string): Json => {
    const env = built.environments[0];
    const target = [env.platform, env.baseline, env.vault].find((s) => s.node.id === stack);
    if (!target) throw new Error(stack);
    return JSON.parse(Testing.synth(target)) as Json;
  };

  it('keep state and runs in the workspace named after the stack, in the environment project, with no token in the configuration', () => {
    for (const stack of ['aws-prod-platform', 'aws-prod-baseline', 'aws-prod-vault']) {
      const json = synthesized(stack);
      expect(json.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'example-bank', workspaces: { name: stack, project: 'Platform prod' } });
      expect(json.terraform.backend).toBeUndefined();
      expect(JSON.stringify(json.terraform)).not.toMatch(/token/i);
    }
  });

  it('get no state bootstrap stack (there is no bucket), and one workspaces stack for the organization', () => {
    expect(built.stateBootstraps).toEqual([]);
    expect(stateBackendGroups([awsHcp])).toEqual([]);
    expect(built.hcpOrganizations.map((s) => s.node.id)).toEqual(['hcp-terraform-example-bank']);
  });

  it('derive a state address per stack: the organization and the workspace', () => {
    expect(stateObject(awsHcp, 'aws-prod-platform')).toEqual({ backend: 'hcp-terraform://app.terraform.io/example-bank', key: 'aws-prod-platform' });
  });
});

describe('hcp-terraform-<organization>: the workspaces', () => {
  const [group] = hcpOrganizationGroups([awsHcp, gcpHcp, azureHcp]);
  const { json } = synthStack((a) => new HcpTerraformStack(a, hcpStackName(group), { organization: group }));
  const workspace = (name: string): Json => {
    const found = resources(json, 'tfe_workspace').find((w) => w.name === name);
    if (!found) throw new Error(`no workspace ${name}`);
    return found;
  };

  it('is one stack per organization, named DNS-safe', () => {
    expect(hcpOrganizationGroups([awsHcp, gcpHcp, azureHcp])).toHaveLength(1);
    expect(hcpStackName({ organization: 'Example_Bank' })).toBe('hcp-terraform-example-bank');
  });

  it('talks to the organization on its host with no token in the configuration, and keeps its own state in its workspace', () => {
    expect(json.provider.tfe).toEqual([{ hostname: 'app.terraform.io', organization: 'example-bank' }]);
    expect(json.terraform.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'example-bank', workspaces: { name: 'hcp-terraform-example-bank' } });
  });

  it('creates each project once and looks each agent pool up (the agents belong to the teams that run them)', () => {
    expect(resources(json, 'tfe_project').map((p) => p.name).sort()).toEqual(['Platform dev', 'Platform prod']);
    expect(Object.values(json.data.tfe_agent_pool as Record<string, Json>).map((p) => p.name).sort()).toEqual(['dev-network', 'prod-network']);
  });

  it('has a workspace per stack, tagged with the fleet attributes, never auto-applied, assessed for drift, on the pinned Terraform', () => {
    expect(resources(json, 'tfe_workspace').map((w) => w.name).sort()).toEqual(
      ['aws-prod-baseline', 'aws-prod-platform', 'aws-prod-vault', 'azure-prod-baseline', 'azure-prod-platform', 'azure-prod-vault', 'gcp-dev-baseline', 'gcp-dev-platform', 'gcp-dev-vault'],
    );
    expect(workspace('aws-prod-platform')).toMatchObject({
      organization: 'example-bank',
      tags: { cloud: 'aws', tier: 'prod', region: 'eu-west-1', environment: 'prod', role: 'platform', 'managed-by': 'cdktf' },
      auto_apply: false,
      auto_apply_run_trigger: false,
      assessments_enabled: true,
      file_triggers_enabled: false,
      queue_all_runs: false,
      terraform_version: HCP_TERRAFORM_VERSION,
      allow_destroy_plan: false,
    });
    expect(workspace('azure-prod-baseline').tags).toMatchObject({ cloud: 'azure', region: azureProd.location, role: 'baseline' });
    // Destroy plans only below the prod tier.
    expect(workspace('gcp-dev-platform')).toMatchObject({ allow_destroy_plan: true, tags: { tier: 'dev', region: gcpDev.region } });
    expect(workspace('gcp-dev-platform').project_id).toContain('tfe_project.project-platform-dev');
  });

  it('runs every workspace on its agent pool and shares the platform state with its own baseline only', () => {
    const settings = resources(json, 'tfe_workspace_settings');
    expect(settings).toHaveLength(9);
    for (const s of settings) expect(s).toMatchObject({ execution_mode: 'agent', global_remote_state: false });
    const platform = named(json, 'tfe_workspace_settings', 'settings-aws-prod-platform');
    expect(platform.agent_pool_id).toContain('data.tfe_agent_pool.pool-prod-network');
    expect(platform.remote_state_consumer_ids).toEqual(['${tfe_workspace.ws-aws-prod-baseline.id}']);
    expect(named(json, 'tfe_workspace_settings', 'settings-aws-prod-baseline').remote_state_consumer_ids).toEqual([]);
    // Vault's configuration reads no other workspace's state, and none reads its state.
    expect(named(json, 'tfe_workspace_settings', 'settings-aws-prod-vault').remote_state_consumer_ids).toEqual([]);
  });

  it('queues a baseline plan after each platform apply, and a vault plan after each baseline apply', () => {
    const trigger = named(json, 'tfe_run_trigger', 'trigger-aws-prod-baseline');
    expect(trigger).toEqual({ workspace_id: '${tfe_workspace.ws-aws-prod-baseline.id}', sourceable_id: '${tfe_workspace.ws-aws-prod-platform.id}' });
    expect(named(json, 'tfe_run_trigger', 'trigger-aws-prod-vault')).toEqual({ workspace_id: '${tfe_workspace.ws-aws-prod-vault.id}', sourceable_id: '${tfe_workspace.ws-aws-prod-baseline.id}' });
    expect(resources(json, 'tfe_run_trigger')).toHaveLength(6);
  });

  it('pins the Terraform version the workflow installs', () => {
    const workflow = parse(readFileSync(join(__dirname, '..', '..', '.github', 'workflows', 'platform.yml'), 'utf8')) as Json;
    const versions = new Set<string>();
    for (const job of Object.values(workflow.jobs as Record<string, Json>)) {
      for (const step of (job.steps ?? []) as Json[]) if (step.with?.terraform_version) versions.add(String(step.with.terraform_version));
    }
    expect([...versions]).toEqual([HCP_TERRAFORM_VERSION]);
  });

  it('has one workspace output per stack for variables, team access and policy sets added later', () => {
    expect(Object.keys(json.output).sort()).toEqual(resources(json, 'tfe_workspace').map((w) => `${w.name}-workspace-id`).sort());
  });
});

describe('HCP Terraform in the fleet', () => {
  const def = (file: string, config: unknown) => ({ file, config });

  it('rejects two organizations that would share one workspaces stack, naming both', () => {
    const other = withHcp({ ...awsDev }, { organization: 'example_bank' });
    let lines: string[] = [];
    try {
      loadFleet([def('a.yaml', withHcp(awsProd)), def('b.yaml', other)]);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      lines = error.problems.map(formatProblem);
    }
    expect(lines).toEqual([
      'config error: b.yaml: [aws/dev] stateBackend.organization: got "example_bank"; allowed: an organization whose workspaces stack name hcp-terraform-example-bank no other organization has (app.terraform.io/example-bank has it)',
    ]);
  });

  it('reads an environment file that moves to HCP Terraform over the reference bases (its stateBackend replaces theirs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hcp-fleet-'));
    cpSync(REFERENCE_ENVIRONMENTS_DIR, dir, { recursive: true });
    const file = join(dir, 'aws', 'dev.yaml');
    const yaml = readFileSync(file, 'utf8').replace(/^stateBackend:\n(?: {2}.*\n)+/m, 'stateBackend:\n  kind: hcp-terraform\n  organization: example-bank\n  project: Platform dev\n  agentPool: dev-network\n');
    expect(yaml).toContain('kind: hcp-terraform');
    writeFileSync(file, yaml);
    const fleet = loadFleetFromDirectory(dir);
    expect(fleet.hcpOrganizations.map((g) => g.environments.map((c) => `${c.cloud}/${c.name}`))).toEqual([['aws/dev']]);
    expect(fleet.hcpOrganizations[0].environments[0].stateBackend).toEqual({ kind: 'hcp-terraform', hostname: 'app.terraform.io', organization: 'example-bank', project: 'Platform dev', agentPool: 'dev-network' });
    // Account 111111111111 held only aws/dev's state: its bootstrap stack is gone.
    expect(fleet.stateBackends.map((g) => `${g.cloud}:${g.scopeId}`)).not.toContain('aws:111111111111');
  });

  it('carries every environment of an organization into its stack, selected or not', () => {
    const fleet = loadFleet([def('a.yaml', withHcp(awsProd)), def('b.yaml', withHcp({ ...gcpDev }, { project: 'Platform dev' })), def('c.yaml', azureProd)]);
    expect(fleet.hcpOrganizations.map((g) => g.environments.map((c) => `${c.cloud}/${c.name}`))).toEqual([['aws/prod', 'gcp/dev']]);
    expect(fleet.stateBackends.map((g) => g.cloud)).toEqual(['azure']);
    const built = buildApp(Testing.app(), [fleet.environments[1]], { stateBackends: fleet.stateBackends, hcpOrganizations: fleet.hcpOrganizations });
    expect(built.hcpOrganizations).toHaveLength(1);
    expect(built.stateBootstraps).toEqual([]);
    expect([...built.hcpOrganizations[0].workspaces.keys()].sort()).toEqual(['aws-prod-baseline', 'aws-prod-platform', 'aws-prod-vault', 'gcp-dev-baseline', 'gcp-dev-platform', 'gcp-dev-vault']);
  });
});
