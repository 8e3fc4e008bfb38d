/**
 * Wiring shared by every stack: names and remote state. Stacks hold no
 * logic beyond wiring config into constructs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AzurermBackend, CloudBackend, GcsBackend, LocalBackend, NamedCloudWorkspace, S3Backend, type TerraformStack } from 'cdktf';
import { BOOTSTRAP_STATE_PREFIX, isHcpState, isNativeState, type EnvironmentConfig } from '../config/schema';
import { stateObject, type StateBackendGroup } from '../config/state-backends';

export type StackRole = 'platform' | 'baseline' | 'vault';

/** `<cloud>-<name>-<role>`, so `cdktf deploy 'aws-prod-eu-west-1-*'` selects one environment. */
export function stackName(config: Pick<EnvironmentConfig, 'cloud' | 'name'>, role: StackRole): string {
  return `${config.cloud}-${config.name}-${role}`;
}

/**
 * `<cloud>-state-<account id | subscription id | project id>`: the state
 * bootstrap stack of one account / subscription / project. Named after what
 * holds the state (it never changes for the account), lowercase and DNS-safe,
 * and never matching `<cloud>-<env>-*`, so a selection of one environment's
 * stacks by pattern never picks it up.
 */
export function stateStackName(group: Pick<StateBackendGroup, 'cloud' | 'scopeId'>): string {
  return `${group.cloud}-state-${group.scopeId.toLowerCase()}`;
}

/**
 * The GitHub environments of .github/workflows/platform.yml for one
 * environment: the plan jobs (and drift) run in `<cloud>-<env>-plan`, the
 * deploy jobs in `<cloud>-<env>` (platform) and `<cloud>-<env>-baseline`.
 */
export function githubEnvironments(config: Pick<EnvironmentConfig, 'cloud' | 'name'>): { plan: string[]; deploy: string[] } {
  const base = `${config.cloud}-${config.name}`;
  return { plan: [`${base}-plan`], deploy: [base, `${base}-baseline`] };
}

/** Name of the environment's cluster and the prefix of its resources. */
export function clusterName(config: Pick<EnvironmentConfig, 'namePrefix' | 'name'>): string {
  return `${config.namePrefix}-${config.name}`;
}

/**
 * Terraform versions every stack accepts: write-only arguments (the vault stack's database bootstrap
 * passwords, `password_wo`) need 1.11 (an older Terraform would refuse the ephemeral value, or not know
 * the argument is write-only), S3-native state locking (`use_lockfile`) 1.10, and the next major
 * version is a reviewed upgrade, not an accident of the runner image. The workflow pins one version
 * inside this range (a test keeps them consistent).
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.11.0, < 2.0.0';

/**
 * The file beside each stack's cdk.tf.json that declares TERRAFORM_REQUIRED_VERSION. Terraform reads
 * every *.tf.json of the stack directory, so the constraint applies to every init, plan and apply (and
 * to `cdktf deploy`). It is not in cdk.tf.json because Checkov's terraform_json parser (3.3.30) stops
 * parsing a file whose terraform block holds a string (bridgecrewio/checkov#7454, fix #7467 open), and
 * would then scan none of the stack's resources.
 */
export const TERRAFORM_VERSIONS_FILE = 'versions.tf.json';

/** Writes TERRAFORM_VERSIONS_FILE into every stack directory of a synthesized app (after app.synth()). */
export function writeTerraformVersions(outdir: string): void {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { workingDirectory: string }> };
  for (const stack of Object.values(manifest.stacks)) {
    writeFileSync(join(outdir, stack.workingDirectory, TERRAFORM_VERSIONS_FILE), `${JSON.stringify({ terraform: { required_version: TERRAFORM_REQUIRED_VERSION } }, null, 2)}\n`);
  }
}

/**
 * Remote state for one stack inside the environment's backend: the object key
 * is derived from the stack's own name (`<prefix>/<stack>.tfstate`, see
 * `stateObject`), so every stack, including one of a library user's own, gets
 * its own state object. Every backend encrypts at rest and locks.
 */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig): void {
  const { key } = stateObject(config, stack.node.id);
  if (isHcpState(config)) {
    // HCP Terraform: the workspace named after the stack (created, tagged and bound to the agent pool
    // by hcp-terraform-<organization>) holds state and runs. No token here: `terraform login` or
    // TF_TOKEN_<host> supplies it, so none lands in the synthesized configuration.
    const hcp = config.stateBackend;
    new CloudBackend(stack, { hostname: hcp.hostname, organization: hcp.organization, workspaces: new NamedCloudWorkspace(key, hcp.project) });
    return;
  }
  if (!isNativeState(config)) return;
  switch (config.cloud) {
    case 'aws': {
      // PCI-DSS 3.5.1: state holds secrets, so SSE-KMS with a customer-managed key.
      new S3Backend(stack, {
        bucket: config.stateBackend.bucket,
        key,
        region: config.stateBackend.region,
        encrypt: true,
        kmsKeyId: config.stateBackend.kmsKeyId,
      });
      // S3-native locking (Terraform >= 1.10); not a typed option in cdktf 0.21.
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      break;
    }
    case 'azure':
      // Entra ID auth to the state container: no storage account keys in CI.
      new AzurermBackend(stack, {
        resourceGroupName: config.stateBackend.resourceGroupName,
        storageAccountName: config.stateBackend.storageAccountName,
        containerName: config.stateBackend.containerName,
        key,
        subscriptionId: config.subscriptionId,
        tenantId: config.tenantId,
        useAzureadAuth: true,
      });
      break;
    case 'gcp':
      // PCI-DSS 3.5.1: state objects encrypted with a customer-managed Cloud KMS key.
      new GcsBackend(stack, {
        bucket: config.stateBackend.bucket,
        prefix: key,
        kmsEncryptionKey: config.stateBackend.kmsEncryptionKey,
      });
      break;
  }
}

/** Path of a bootstrap stack's local state, relative to its synthesized directory (where Terraform runs). */
export const BOOTSTRAP_LOCAL_STATE_PATH = 'terraform.tfstate';

/**
 * State of a state bootstrap stack: a local file in its stack directory until
 * the backend it creates exists (`bootstrapState: local`), then, after
 * `terraform init -migrate-state`, the object `bootstrap/<stack>` inside that
 * backend (`bootstrapState: migrated`), encrypted and locked like every other.
 */
export function configureBootstrapBackend(stack: TerraformStack, group: StateBackendGroup, name: string): void {
  const first = group.environments[0];
  if (first.stateBackend.bootstrapState === 'local') {
    new LocalBackend(stack, { path: BOOTSTRAP_LOCAL_STATE_PATH });
    return;
  }
  switch (group.cloud) {
    case 'aws': {
      const state = group.environments[0].stateBackend;
      new S3Backend(stack, {
        bucket: state.bucket,
        key: `${BOOTSTRAP_STATE_PREFIX}/${name}.tfstate`,
        region: state.region,
        encrypt: true,
        kmsKeyId: state.kmsKeyId,
      });
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      break;
    }
    case 'azure': {
      const config = group.environments[0];
      new AzurermBackend(stack, {
        resourceGroupName: config.stateBackend.resourceGroupName,
        storageAccountName: config.stateBackend.storageAccountName,
        containerName: config.stateBackend.containerName,
        key: `${BOOTSTRAP_STATE_PREFIX}/${name}.tfstate`,
        subscriptionId: config.subscriptionId,
        tenantId: config.tenantId,
        useAzureadAuth: true,
      });
      break;
    }
    case 'gcp': {
      const state = group.environments[0].stateBackend;
      new GcsBackend(stack, { bucket: state.bucket, prefix: `${BOOTSTRAP_STATE_PREFIX}/${name}`, kmsEncryptionKey: state.kmsEncryptionKey });
      break;
    }
  }
}
