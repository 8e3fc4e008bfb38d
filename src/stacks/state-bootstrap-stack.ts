/**
 * `<cloud>-state-<account | subscription | project>`: what every environment
 * that keeps its state in that account needs before its first plan: the state
 * backend itself (docs/runbooks.md section 1) and the CI identities the
 * workflow logs in with. Applied once by a person with administrator rights,
 * from a local state that is then migrated into the backend it created.
 * Wiring only: config values become construct props here, and nowhere else.
 */
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import type { AwsEnvironmentConfig, AzureEnvironmentConfig, EnvironmentConfig, GcpEnvironmentConfig, NativeStateConfig } from '../config/schema';
import type { StateBackendGroup } from '../config/state-backends';
import { CiRoles, GithubOidcProvider } from '../constructs/aws/ci-roles';
import { CLUSTER_MANAGED_POLICY } from '../constructs/aws/cluster';
import { EBS_CSI_MANAGED_POLICY, VPC_CNI_MANAGED_POLICY } from '../constructs/aws/identity';
import { NODE_MANAGED_POLICIES } from '../constructs/aws/node-pool';
import { StateBucket as AwsStateBucket } from '../constructs/aws/state-bucket';
import { CiIdentities } from '../constructs/azure/ci-identities';
import { StateStorage } from '../constructs/azure/state-storage';
import { CiServiceAccounts, GithubWorkloadIdentityPool } from '../constructs/gcp/ci-federation';
import { NODE_SERVICE_ACCOUNT_ROLES } from '../constructs/gcp/identity';
import { CLUSTER_VIEWER_ROLE, KMS_VIEWER_ROLE } from '../constructs/gcp/platform';
import { ProjectServices } from '../constructs/gcp/project-services';
import { StateBucket as GcpStateBucket } from '../constructs/gcp/state-bucket';
import { clusterName, configureBootstrapBackend, githubEnvironments } from './common';

export interface StateBootstrapStackProps {
  /** The backend and every environment that keeps its state in it (whatever the synth selected). */
  readonly backend: StateBackendGroup;
}

/**
 * The APIs the GCP bootstrap calls: the bucket, its key, the CI service accounts and
 * their project grants, and the two APIs GitHub's token exchange goes through.
 */
export const STATE_BOOTSTRAP_GCP_SERVICES = [
  'storage.googleapis.com',
  'cloudkms.googleapis.com',
  'iam.googleapis.com',
  'cloudresourcemanager.googleapis.com',
  // Workload identity federation: STS exchanges the GitHub token, IAM Credentials mints the account's token.
  'sts.googleapis.com',
  'iamcredentials.googleapis.com',
] as const;

/**
 * Tags every environment of the group agrees on, plus which environments'
 * state this is; a tag whose value differs between them is left out.
 */
function sharedTags(configs: readonly EnvironmentConfig[]): Record<string, string> {
  const [first, ...rest] = configs;
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(first.tags)) {
    if (rest.every((c) => c.tags[key] === value)) tags[key] = value;
  }
  // Tag and label values allow 63 characters on GCP: a long list of names becomes a count.
  const names = configs.map((c) => c.name).join('-');
  return { ...tags, environment: names.length <= 63 ? names : `${configs.length}-environments`, purpose: 'terraform-state', 'managed-by': 'cdktf' };
}

/**
 * `<cloud>-state-<id>`: the hardened state backend of one account, subscription or project, and the plan (state read) and deploy
 * (state write) CI identities of every environment that keeps its state there, federated with GitHub OIDC, no stored secret.
 */
export class StateBootstrapStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: StateBootstrapStackProps) {
    super(scope, id);
    const { backend } = props;
    configureBootstrapBackend(this, backend, id);
    const tags = sharedTags(backend.environments);
    switch (backend.cloud) {
      case 'aws':
        this.aws(backend.scopeId, backend.environments, tags);
        break;
      case 'azure':
        this.azure(backend.scopeId, backend.environments, tags);
        break;
      case 'gcp':
        this.gcp(backend.scopeId, backend.environments, tags);
        break;
    }
  }

  private aws(accountId: string, environments: readonly NativeStateConfig<AwsEnvironmentConfig>[], tags: Record<string, string>): void {
    const state = environments[0].stateBackend;
    new AwsProvider(this, 'aws', {
      region: state.region,
      // Refuse to run against any other account, whatever credentials are loaded.
      allowedAccountIds: [accountId],
      defaultTags: [{ tags }],
    });
    const roleName = (config: AwsEnvironmentConfig, which: 'plan' | 'deploy') => `${config.namePrefix}-ci-${config.name}-${which}`;
    const roleArn = (config: AwsEnvironmentConfig, which: 'plan' | 'deploy') => `arn:aws:iam::${accountId}:role/${roleName(config, which)}`;
    const storage = new AwsStateBucket(this, 'state', {
      bucketName: state.bucket,
      accountId,
      region: state.region,
      keyAlias: state.kmsKeyId.split(':alias/')[1],
      prefixOwners: environments.map((config) => ({ prefix: config.stateBackend.key, principalArns: [roleArn(config, 'plan'), roleArn(config, 'deploy')] })),
    });
    const oidc = new GithubOidcProvider(this, 'github-oidc');
    for (const config of environments) {
      const gh = githubEnvironments(config);
      const roles = new CiRoles(this, `ci-${config.name}`, {
        accountId,
        oidcProvider: oidc,
        repository: config.ci.githubRepository,
        planEnvironments: gh.plan,
        deployEnvironments: gh.deploy,
        planRoleName: roleName(config, 'plan'),
        deployRoleName: roleName(config, 'deploy'),
        state: storage,
        statePrefix: config.stateBackend.key,
        platformRolePrefix: `${clusterName(config)}-`,
        attachablePolicyArns: [CLUSTER_MANAGED_POLICY, ...NODE_MANAGED_POLICIES, EBS_CSI_MANAGED_POLICY, VPC_CNI_MANAGED_POLICY],
      });
      new TerraformOutput(this, `${config.name}-plan-role-arn`, { value: roles.planRoleArn, description: `vars.PLAN_ROLE_ARN of GitHub environment ${gh.plan.join(', ')}` });
      new TerraformOutput(this, `${config.name}-deploy-role-arn`, { value: roles.deployRoleArn, description: `vars.DEPLOY_ROLE_ARN of GitHub environments ${gh.deploy.join(', ')}` });
    }
  }

  private azure(subscriptionId: string, environments: readonly NativeStateConfig<AzureEnvironmentConfig>[], tags: Record<string, string>): void {
    const first = environments[0];
    const state = first.stateBackend;
    new AzurermProvider(this, 'azurerm', {
      features: [
        {
          // Soft-deleted keys and vaults are never purged by a destroy: recovery stays possible.
          keyVault: [{ purgeSoftDeleteOnDestroy: false, purgeSoftDeletedKeysOnDestroy: false, recoverSoftDeletedKeyVaults: true, recoverSoftDeletedKeys: true }],
          // The state account has no public endpoint: manage it (and its container) through Resource
          // Manager only, so the provider never calls a blob/queue endpoint it cannot reach.
          storage: [{ dataPlaneAvailable: false }],
        },
      ],
      subscriptionId: first.subscriptionId,
      tenantId: first.tenantId,
      // Data-plane calls with Entra ID, never with account keys (the state account has none enabled).
      storageUseAzuread: true,
    });
    const name = state.storageAccountName;
    const resourceGroup = new ResourceGroup(this, 'resource-group', { name: state.resourceGroupName, location: first.location, tags, lifecycle: { preventDestroy: true } });
    const storage = new StateStorage(this, 'state', {
      name,
      storageAccountName: name,
      containerName: state.containerName,
      resourceGroupName: resourceGroup.name,
      location: first.location,
      tenantId: first.tenantId,
      vnetCidr: state.vnetCidr,
      // Globally unique names, derived from the (globally unique) state account name.
      keyVaultName: `kv${name}`.slice(0, 24),
      flowLogStorageAccountName: `fl${name}`.slice(0, 24),
      tags,
    });
    for (const config of environments) {
      const gh = githubEnvironments(config);
      const identities = new CiIdentities(this, `ci-${config.name}`, {
        namePrefix: `id-${config.namePrefix}-ci-${config.name}`,
        resourceGroupName: resourceGroup.name,
        location: config.location,
        subscriptionScope: `/subscriptions/${subscriptionId}`,
        repository: config.ci.githubRepository,
        planEnvironments: gh.plan,
        deployEnvironments: gh.deploy,
        stateContainerScope: storage.containerScope,
        tags,
      });
      new TerraformOutput(this, `${config.name}-plan-client-id`, { value: identities.planClientId, description: `vars.AZURE_CLIENT_ID of GitHub environment ${gh.plan.join(', ')}` });
      new TerraformOutput(this, `${config.name}-deploy-client-id`, { value: identities.deployClientId, description: `vars.AZURE_CLIENT_ID of GitHub environments ${gh.deploy.join(', ')}` });
    }
  }

  private gcp(projectId: string, environments: readonly NativeStateConfig<GcpEnvironmentConfig>[], labels: Record<string, string>): void {
    const first = environments[0];
    const state = first.stateBackend;
    const provider = new GoogleProvider(this, 'google', { project: projectId, region: first.region });
    // Set through an override because cdktf snake-cases map keys inside provider blocks (cost-center -> cost_center).
    provider.addOverride('default_labels', labels);
    const services = new ProjectServices(this, 'services', { project: projectId, services: STATE_BOOTSTRAP_GCP_SERVICES });
    // projects/<p>/locations/<l>/keyRings/<ring>/cryptoKeys/<key> (validated against the project and region).
    const keyPath = state.kmsEncryptionKey.split('/');
    const bucket = new GcpStateBucket(this, 'state', {
      bucketName: state.bucket,
      project: projectId,
      location: first.region,
      keyRingName: keyPath[5],
      keyName: keyPath[7],
      labels,
      dependsOn: services.enabled,
    });
    const pool = new GithubWorkloadIdentityPool(this, 'github', {
      project: projectId,
      repositories: environments.map((config) => config.ci.githubRepository),
      subjects: environments.flatMap((config) => {
        const gh = githubEnvironments(config);
        return [...gh.plan, ...gh.deploy].map((environment) => `repo:${config.ci.githubRepository}:environment:${environment}`);
      }),
      dependsOn: services.enabled,
    });
    new TerraformOutput(this, 'workload-identity-provider', { value: pool.providerName, description: 'vars.GCP_WORKLOAD_IDENTITY_PROVIDER of every GitHub environment of this project' });
    for (const config of environments) {
      const gh = githubEnvironments(config);
      const accounts = new CiServiceAccounts(this, `ci-${config.name}`, {
        project: projectId,
        pool,
        repository: config.ci.githubRepository,
        planEnvironments: gh.plan,
        deployEnvironments: gh.deploy,
        planAccountId: `ci-${config.name}-plan`,
        deployAccountId: `ci-${config.name}-deploy`,
        state: { bucketName: bucket.bucketName, prefix: config.stateBackend.prefix },
        stateKeyRingId: bucket.keyRing.keyRingId,
        grantableRoles: [...NODE_SERVICE_ACCOUNT_ROLES, CLUSTER_VIEWER_ROLE, KMS_VIEWER_ROLE],
        dependsOn: services.enabled,
      });
      new TerraformOutput(this, `${config.name}-plan-service-account`, { value: accounts.planEmail, description: `vars.GCP_PLAN_SERVICE_ACCOUNT of GitHub environment ${gh.plan.join(', ')}` });
      new TerraformOutput(this, `${config.name}-deploy-service-account`, { value: accounts.deployEmail, description: `vars.GCP_DEPLOY_SERVICE_ACCOUNT of GitHub environments ${gh.deploy.join(', ')}` });
    }
  }
}
