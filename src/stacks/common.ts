/**
 * Wiring shared by every stack: names and remote state. Stacks hold no
 * logic beyond wiring config into constructs.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AzurermBackend, GcsBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../config/schema';

export type StackRole = 'platform' | 'baseline';

/** `<cloud>-<env>-<role>`, so `cdktf deploy 'aws-prod-*'` selects one environment. */
export function stackName(config: Pick<EnvironmentConfig, 'cloud' | 'environment'>, role: StackRole): string {
  return `${config.cloud}-${config.environment}-${role}`;
}

/** Name of the environment's cluster and the prefix of its resources. */
export function clusterName(config: Pick<EnvironmentConfig, 'namePrefix' | 'environment'>): string {
  return `${config.namePrefix}-${config.environment}`;
}

/**
 * Terraform versions every stack accepts: S3-native state locking (`use_lockfile`) needs 1.10, and
 * the next major version is a reviewed upgrade, not an accident of the runner image. The workflow
 * pins one version inside this range (a test keeps them consistent).
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.10.0, < 2.0.0';

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
 * Remote state for one stack, one state object per stack inside the
 * environment's backend. Every backend encrypts at rest and locks.
 */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig, role: StackRole): void {
  const name = stackName(config, role);
  switch (config.cloud) {
    case 'aws': {
      // PCI-DSS 3.5.1: state holds secrets, so SSE-KMS with a customer-managed key.
      new S3Backend(stack, {
        bucket: config.stateBackend.bucket,
        key: `${config.stateBackend.key}/${name}.tfstate`,
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
        key: `${config.stateBackend.key}/${name}.tfstate`,
        subscriptionId: config.subscriptionId,
        tenantId: config.tenantId,
        useAzureadAuth: true,
      });
      break;
    case 'gcp':
      // PCI-DSS 3.5.1: state objects encrypted with a customer-managed Cloud KMS key.
      new GcsBackend(stack, {
        bucket: config.stateBackend.bucket,
        prefix: `${config.stateBackend.prefix}/${name}`,
        kmsEncryptionKey: config.stateBackend.kmsEncryptionKey,
      });
      break;
  }
}
