/**
 * Wiring shared by every stack: names and remote state. Stacks hold no
 * logic beyond wiring config into constructs.
 */
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
 * Remote state for one stack, one state object per stack inside the
 * environment's backend. Every backend encrypts at rest and locks. Also
 * declares the Terraform versions the stack accepts.
 */
export function configureBackend(stack: TerraformStack, config: EnvironmentConfig, role: StackRole): void {
  const name = stackName(config, role);
  stack.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
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
