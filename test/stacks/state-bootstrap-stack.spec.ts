import { REFERENCE_DEFINITIONS } from '../helpers/environments';
/**
 * The state bootstrap stacks: the state storage with exactly the properties of
 * docs/runbooks.md section 1, the CI identity federation of the workflow, the
 * local backend before migration and the remote one after, how environments
 * are grouped into stacks, and every bad input with its message.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { applyCompliancePacks } from '../../src/compliance';
import { loadEnvironments, stateBackendGroups, type StateBackendGroup } from '../../src/config';
import { awsDev, awsProd, awsStaging } from '../helpers/environments';
import { azureDev, azureProd } from '../helpers/environments';
import { gcpDev, gcpProd } from '../helpers/environments';
import { STATE_LOG_BUCKET_SUFFIX, type AwsEnvironmentConfig, type EnvironmentConfig } from '../../src/config/schema';
import { ConfigError, formatProblem, validateEnvironment } from '../../src/config/validate';
import { CiRoles, GithubOidcProvider, type CiRolesProps } from '../../src/constructs/aws/ci-roles';
import { ACCESS_LOG_BUCKET_SUFFIX, StateBucket as AwsStateBucket, type StateBucketProps as AwsStateBucketProps } from '../../src/constructs/aws/state-bucket';
import { CiIdentities, PRIVILEGED_ROLE_IDS, type CiIdentitiesProps } from '../../src/constructs/azure/ci-identities';
import { PrivateLink } from '../../src/constructs/azure/private-link';
import { StateStorage, type StateStorageProps } from '../../src/constructs/azure/state-storage';
import { CiServiceAccounts, GithubWorkloadIdentityPool, type CiServiceAccountsProps } from '../../src/constructs/gcp/ci-federation';
import { StateBucket as GcpStateBucket, type StateBucketProps as GcpStateBucketProps } from '../../src/constructs/gcp/state-bucket';
import { stateStackName } from '../../src/stacks/common';
import { StateBootstrapStack } from '../../src/stacks/state-bootstrap-stack';
import { type Json, named, only, resources as all, synthStack } from '../helpers/terraform-json';

const REPO = 'example-org/regulated-k8s-platform';
const GROUPS = stateBackendGroups(loadEnvironments(REFERENCE_DEFINITIONS));
const group = (name: string): StateBackendGroup => {
  const found = GROUPS.find((g) => stateStackName(g) === name);
  if (!found) throw new Error(`no state backend group ${name}`);
  return found;
};
const synth = (backend: StateBackendGroup): Json => synthStack((app) => new StateBootstrapStack(app, stateStackName(backend), { backend })).json;
const policy = (resource: Json): Json => JSON.parse(resource.policy ?? resource.assume_role_policy) as Json;
const statement = (doc: Json, sid: string): Json => {
  const found = (doc.Statement as Json[]).find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};
const migrated = <C extends EnvironmentConfig>(config: C): C => ({ ...config, stateBackend: { ...config.stateBackend, bootstrapState: 'migrated' } });

describe('state bootstrap stacks: one per account / subscription / project holding state', () => {
  it('names each after what holds the state, lowercase and DNS-safe', () => {
    expect(GROUPS.map(stateStackName)).toEqual([
      // In the order of the fleet's files: dev.yaml, prod.yaml, staging.yaml.
      'aws-state-111111111111',
      'aws-state-333333333333',
      'aws-state-222222222222',
      'azure-state-11111111-1111-4111-8111-111111111111',
      'azure-state-33333333-3333-4333-8333-333333333333',
      'azure-state-22222222-2222-4222-8222-222222222222',
      'gcp-state-finplat-dev-0001',
      'gcp-state-finplat-prod-0001',
      'gcp-state-finplat-staging-0001',
    ]);
    for (const g of GROUPS) expect(stateStackName(g)).toMatch(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    expect(stateStackName({ cloud: 'azure', scopeId: 'AAAAAAAA-1111-4111-8111-111111111111' })).toBe('azure-state-aaaaaaaa-1111-4111-8111-111111111111');
  });

  it('keeps the access-log suffix of config validation and of the bucket construct the same', () => {
    expect(STATE_LOG_BUCKET_SUFFIX).toBe(ACCESS_LOG_BUCKET_SUFFIX);
  });
});

describe('AWS state bootstrap (aws-state-333333333333, prod)', () => {
  let json: Json;
  let state: Json;
  let logs: Json;
  beforeAll(() => {
    json = synth(group('aws-state-333333333333'));
    state = named(json, 'aws_s3_bucket', 'state_bucket');
    logs = named(json, 'aws_s3_bucket', 'log-bucket');
  });
  const on = (type: string, bucketId: string): Json => {
    const found = all(json, type).filter((r) => r.bucket === `\${aws_s3_bucket.${bucketId}.id}`);
    if (found.length !== 1) throw new Error(`expected one ${type} on ${bucketId}, found ${found.length}`);
    return found[0];
  };
  const bucketIds = () => Object.keys(json.resource.aws_s3_bucket as Json);
  const stateId = () => bucketIds().find((id) => id.startsWith('state_bucket'))!;
  const logId = () => bucketIds().find((id) => id.startsWith('state_log-bucket'))!;

  it('starts on a local state in its stack directory, in the account it bootstraps only', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(json.provider.aws[0]).toMatchObject({ region: 'eu-west-1', allowed_account_ids: ['333333333333'] });
  });

  it('creates the bucket and the key alias the environment config names, never deletable by a plan', () => {
    expect(state).toMatchObject({ bucket: awsProd.stateBackend.bucket, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(logs).toMatchObject({ bucket: `${awsProd.stateBackend.bucket}-logs`, force_destroy: false, lifecycle: { prevent_destroy: true } });
    const aliases = all(json, 'aws_kms_alias').map((a) => a.name);
    expect(`arn:aws:kms:eu-west-1:333333333333:${aliases[0]}`).toBe(awsProd.stateBackend.kmsKeyId);
    expect(aliases).toEqual(['alias/terraform-state', 'alias/terraform-state-access-logs']);
  });

  it('versions, encrypts with its own customer-managed key (rotation on, key policy), blocks public access and disables ACLs on both buckets', () => {
    const keys = Object.keys(json.resource.aws_kms_key as Json);
    for (const [bucketId, keyPart] of [[stateId(), 'state_key'], [logId(), 'state_log-key']]) {
      const keyId = keys.find((k) => k.startsWith(`${keyPart}_`))!;
      expect(on('aws_s3_bucket_versioning', bucketId).versioning_configuration).toEqual({ status: 'Enabled' });
      expect(on('aws_s3_bucket_server_side_encryption_configuration', bucketId).rule).toEqual([
        { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: `\${aws_kms_key.${keyId}.arn}` }, bucket_key_enabled: true },
      ]);
      expect(on('aws_s3_bucket_public_access_block', bucketId)).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
      expect(on('aws_s3_bucket_ownership_controls', bucketId).rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
      expect(on('aws_s3_bucket_notification', bucketId).eventbridge).toBe(true);
      expect(json.resource.aws_kms_key[keyId]).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, lifecycle: { prevent_destroy: true } });
      expect(statement(policy(json.resource.aws_kms_key[keyId]), 'AccountAdministration').Principal).toEqual({ AWS: 'arn:aws:iam::333333333333:root' });
    }
  });

  it('denies every request without TLS 1.2 on both buckets', () => {
    for (const bucketId of [stateId(), logId()]) {
      const doc = policy(on('aws_s3_bucket_policy', bucketId));
      expect(statement(doc, 'DenyInsecureTransport')).toMatchObject({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
      expect(statement(doc, 'DenyTlsBelow12')).toMatchObject({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } });
    }
  });

  it('logs every state request into the log bucket, which only S3 log delivery for the state bucket may write, and keeps a year of both', () => {
    expect(only(json, 'aws_s3_bucket_logging')).toMatchObject({ bucket: `\${aws_s3_bucket.${stateId()}.id}`, target_bucket: `\${aws_s3_bucket.${logId()}.id}` });
    expect(statement(policy(on('aws_s3_bucket_policy', logId())), 'AllowStateBucketAccessLogDelivery')).toEqual({
      Sid: 'AllowStateBucketAccessLogDelivery',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `\${aws_s3_bucket.${logId()}.arn}/*`,
      Condition: { ArnLike: { 'aws:SourceArn': `\${aws_s3_bucket.${stateId()}.arn}` }, StringEquals: { 'aws:SourceAccount': '333333333333' } },
    });
    const logKey = Object.entries(json.resource.aws_kms_key as Json).find(([id]) => id.startsWith('state_log-key'))![1];
    expect(statement(policy(logKey), 'S3ServerAccessLogDelivery')).toMatchObject({ Principal: { Service: 'logging.s3.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '333333333333' } } });
    expect(on('aws_s3_bucket_lifecycle_configuration', logId()).rule[0]).toMatchObject({ expiration: [{ days: 365 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }] });
    expect(on('aws_s3_bucket_lifecycle_configuration', stateId()).rule[0]).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 365 }] });
  });

  it('confines each environment\'s CI roles to its own state prefix in the bucket policy', () => {
    expect(statement(policy(on('aws_s3_bucket_policy', stateId())), 'ConfinePrincipalsToPrefix0')).toEqual({
      Sid: 'ConfinePrincipalsToPrefix0',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:GetObject*', 's3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'],
      NotResource: `\${aws_s3_bucket.${stateId()}.arn}/aws/prod/*`,
      Condition: { ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::333333333333:role/finplat-ci-prod-plan', 'arn:aws:iam::333333333333:role/finplat-ci-prod-deploy'] } },
    });
  });

  it('creates the GitHub OIDC provider once, for the STS audience', () => {
    expect(only(json, 'aws_iam_openid_connect_provider')).toMatchObject({ url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
  });

  it('lets only this repository\'s jobs in the plan GitHub environment assume the plan role, and in the deploy environments the deploy role', () => {
    const trust = (part: string): Json => policy(named(json, 'aws_iam_role', part)).Statement[0];
    for (const [part, name, envs] of [
      ['plan-role', 'finplat-ci-prod-plan', ['aws-prod-plan']],
      ['deploy-role', 'finplat-ci-prod-deploy', ['aws-prod', 'aws-prod-baseline']],
    ] as const) {
      expect(named(json, 'aws_iam_role', part)).toMatchObject({ name, max_session_duration: 3600 });
      expect(policy(named(json, 'aws_iam_role', part)).Statement).toHaveLength(1);
      expect(trust(part)).toEqual({
        Effect: 'Allow',
        Principal: { Federated: expect.stringMatching(/^\$\{aws_iam_openid_connect_provider\..+\.arn\}$/) },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
            'token.actions.githubusercontent.com:sub': envs.map((e) => `repo:${REPO}:environment:${e}`),
          },
        },
      });
    }
  });

  it('keeps the plan role read-only: ReadOnlyAccess, read and decrypt of its state, every state write (and lock) denied', () => {
    expect(named(json, 'aws_iam_role_policy_attachment', 'plan-read-only').policy_arn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    const doc = policy(named(json, 'aws_iam_role_policy', 'plan-state-read'));
    expect(statement(doc, 'ReadEnvironmentState')).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject', Resource: `\${aws_s3_bucket.${stateId()}.arn}/aws/prod/*` });
    expect(statement(doc, 'DecryptState').Action).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(statement(doc, 'DenyStateWrites')).toMatchObject({ Effect: 'Deny', Action: ['s3:PutObject*', 's3:DeleteObject*', 's3:RestoreObject'], Resource: `\${aws_s3_bucket.${stateId()}.arn}/*` });
    const allowed = (doc.Statement as Json[]).filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
    expect(allowed.filter((a: string) => /Put|Delete|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
  });

  it('gives the deploy role PowerUserAccess, IAM only on the platform\'s own roles and managed policies, and denies it any change to the state storage', () => {
    expect(named(json, 'aws_iam_role_policy_attachment', 'deploy-power-user').policy_arn).toBe('arn:aws:iam::aws:policy/PowerUserAccess');
    const doc = policy(named(json, 'aws_iam_role_policy', 'deploy-policy'));
    expect(statement(doc, 'ManagePlatformRoles').Resource).toBe('arn:aws:iam::333333333333:role/finplat-prod-*');
    expect(statement(doc, 'AttachPlatformManagedPolicies').Condition.ArnEquals['iam:PolicyARN']).toEqual(
      expect.arrayContaining(['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy', 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']),
    );
    expect(JSON.stringify(doc)).not.toContain('AdministratorAccess');
    expect(statement(doc, 'WriteEnvironmentState').Resource).toBe(`\${aws_s3_bucket.${stateId()}.arn}/aws/prod/*`);
    expect(statement(doc, 'DenyStateBucketChanges')).toMatchObject({
      Effect: 'Deny',
      Action: expect.arrayContaining(['s3:DeleteBucket', 's3:PutBucketPolicy', 's3:PutBucketVersioning', 's3:PutEncryptionConfiguration', 's3:PutBucketPublicAccessBlock', 's3:PutBucketLogging']),
      Resource: [`\${aws_s3_bucket.${stateId()}.arn}`, `\${aws_s3_bucket.${logId()}.arn}`],
    });
    expect(statement(doc, 'DenyStateHistoryTampering').Action).toContain('s3:DeleteObjectVersion');
    expect(statement(doc, 'DenyAccessLogWrites').Resource).toEqual([`\${aws_s3_bucket.${logId()}.arn}/*`]);
    expect(statement(doc, 'DenyStateKeyChanges').Action).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:DisableKey', 'kms:PutKeyPolicy', 'kms:DisableKeyRotation']));
    expect(statement(doc, 'DenyStateKeyAliasChanges').Resource).toEqual([
      'arn:aws:kms:eu-west-1:333333333333:alias/terraform-state',
      'arn:aws:kms:eu-west-1:333333333333:alias/terraform-state-access-logs',
    ]);
  });

  it('outputs the role ARNs the GitHub environments take as PLAN_ROLE_ARN / DEPLOY_ROLE_ARN', () => {
    expect(json.output['prod-plan-role-arn'].description).toBe('vars.PLAN_ROLE_ARN of GitHub environment aws-prod-plan');
    expect(json.output['prod-deploy-role-arn'].description).toBe('vars.DEPLOY_ROLE_ARN of GitHub environments aws-prod, aws-prod-baseline');
  });

  it('moves into the bucket it created once migrated: bootstrap/<stack>, SSE-KMS, native lock', () => {
    const moved = synth({ cloud: 'aws', scopeId: '333333333333', environments: [migrated(awsProd)] });
    expect(moved.terraform.backend).toEqual({
      s3: {
        bucket: 'finplat-tfstate-333333333333',
        key: 'bootstrap/aws-state-333333333333.tfstate',
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: 'arn:aws:kms:eu-west-1:333333333333:alias/terraform-state',
        use_lockfile: true,
      },
    });
  });
});

describe('AWS state bootstrap of an account two environments share', () => {
  const sharedStaging: AwsEnvironmentConfig = {
    ...awsStaging,
    accountId: awsDev.accountId,
    adminPrincipals: ['arn:aws:iam::111111111111:role/platform-admin'],
    stateBackend: { ...awsDev.stateBackend, key: 'aws/staging' },
  };
  let json: Json;
  let groups: StateBackendGroup[];
  beforeAll(() => {
    groups = stateBackendGroups([awsDev, sharedStaging]);
    json = synth(groups[0]);
  });

  it('builds one stack with one bucket, one OIDC provider and roles for each environment', () => {
    expect(groups.map(stateStackName)).toEqual(['aws-state-111111111111']);
    expect(all(json, 'aws_s3_bucket')).toHaveLength(2);
    expect(all(json, 'aws_iam_openid_connect_provider')).toHaveLength(1);
    expect(all(json, 'aws_iam_role').map((r) => r.name).sort()).toEqual(['finplat-ci-dev-deploy', 'finplat-ci-dev-plan', 'finplat-ci-staging-deploy', 'finplat-ci-staging-plan']);
    const doc = policy(named(json, 'aws_s3_bucket_policy', 'state-policy'));
    expect(statement(doc, 'ConfinePrincipalsToPrefix1')).toMatchObject({
      NotResource: expect.stringMatching(/\/aws\/staging\/\*$/),
      Condition: { ArnEquals: { 'aws:PrincipalArn': ['arn:aws:iam::111111111111:role/finplat-ci-staging-plan', 'arn:aws:iam::111111111111:role/finplat-ci-staging-deploy'] } },
    });
  });
});

describe('Azure state bootstrap (azure-state-3333..., prod)', () => {
  let json: Json;
  let account: Json;
  beforeAll(() => {
    json = synth(group('azure-state-33333333-3333-4333-8333-333333333333'));
    account = all(json, 'azurerm_storage_account').find((a) => a.name === azureProd.stateBackend.storageAccountName)!;
  });

  it('starts on a local state, in the subscription and tenant of the environment, with Entra ID for data-plane calls', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(json.provider.azurerm[0]).toMatchObject({ subscription_id: azureProd.subscriptionId, tenant_id: azureProd.tenantId, storage_use_azuread: true });
    expect(json.provider.azurerm[0].features[0].storage).toEqual([{ data_plane_available: false }]);
    expect(only(json, 'azurerm_resource_group')).toMatchObject({ name: 'rg-finplat-tfstate', location: 'westeurope', lifecycle: { prevent_destroy: true } });
  });

  it('creates the storage account with exactly the runbook properties: no shared keys, TLS 1.2, versioning and soft delete, CMK, no public network', () => {
    expect(account).toMatchObject({
      shared_access_key_enabled: false,
      default_to_oauth_authentication: true,
      min_tls_version: 'TLS1_2',
      https_traffic_only_enabled: true,
      public_network_access_enabled: false,
      allow_nested_items_to_be_public: false,
      local_user_enabled: false,
      infrastructure_encryption_enabled: true,
      account_replication_type: 'GZRS',
      blob_properties: { versioning_enabled: true, delete_retention_policy: { days: 30 }, container_delete_retention_policy: { days: 30 } },
      customer_managed_key: { key_vault_key_id: expect.stringMatching(/^\$\{azurerm_key_vault_key\.state_state-key_.+\.versionless_id\}$/) },
      identity: { type: 'UserAssigned' },
      lifecycle: { prevent_destroy: true },
    });
    expect(only(json, 'azurerm_storage_container')).toMatchObject({ name: 'tfstate', container_access_type: 'private', storage_account_id: expect.stringContaining('azurerm_storage_account.state_storage_') });
  });

  it('takes the CMK from an HSM key in a private, purge-protected vault that only trusted services bypass', () => {
    const vault = only(json, 'azurerm_key_vault');
    expect(vault).toMatchObject({ name: 'kvfinplattfstateprod', sku_name: 'premium', purge_protection_enabled: true, public_network_access_enabled: false, rbac_authorization_enabled: true, network_acls: { default_action: 'Deny', bypass: 'AzureServices' } });
    expect(named(json, 'azurerm_key_vault_key', 'state-key')).toMatchObject({ name: 'terraform-state', key_type: 'RSA-HSM', rotation_policy: { automatic: { time_after_creation: 'P365D' } } });
    expect(all(json, 'azurerm_role_assignment').find((r) => r.role_definition_name === 'Key Vault Crypto Service Encryption User' && String(r.scope).endsWith('/keys/terraform-state'))).toBeDefined();
  });

  it('reaches the account only through a blob private endpoint in the state VNet, whose subnet NSG admits HTTPS from the VNet', () => {
    const endpoints = all(json, 'azurerm_private_endpoint');
    const blob = endpoints.find((e) => e.private_service_connection.private_connection_resource_id === `\${azurerm_storage_account.${Object.keys(json.resource.azurerm_storage_account).find((k) => k.startsWith('state_storage_'))}.id}`);
    expect(blob?.private_service_connection.subresource_names).toEqual(['blob']);
    expect(only(json, 'azurerm_virtual_network').address_space).toEqual([azureProd.stateBackend.vnetCidr]);
    expect(all(json, 'azurerm_private_dns_zone').map((z) => z.name).sort()).toEqual(['privatelink.blob.core.windows.net', 'privatelink.vaultcore.azure.net']);
    expect(all(json, 'azurerm_network_security_rule').map((r) => [r.name, r.access, r.destination_port_range])).toEqual([
      ['allow-vnet-https', 'Allow', '443'],
      ['deny-vnet-inbound', 'Deny', '*'],
    ]);
  });

  it('audit-logs blob access and key use, flow-logs the state VNet, and locks account and vault against deletion', () => {
    const blobLogs = all(json, 'azurerm_monitor_diagnostic_setting').filter((d) => String(d.target_resource_id).endsWith('/blobServices/default'));
    expect(blobLogs).toHaveLength(2);
    for (const d of blobLogs) expect(d.enabled_log.map((l: Json) => l.category)).toEqual(['StorageRead', 'StorageWrite', 'StorageDelete']);
    expect(only(json, 'azurerm_network_watcher_flow_log')).toMatchObject({ enabled: true, retention_policy: { enabled: true, days: 365 } });
    expect(all(json, 'azurerm_management_lock').filter((l) => l.lock_level === 'CanNotDelete').map((l) => l.name).sort()).toEqual(['terraform-state', 'terraform-state-key']);
  });

  it('federates a plan and a deploy identity with exactly this repository\'s GitHub environments, one credential after the other, then locks them read-only', () => {
    const credentials = all(json, 'azurerm_federated_identity_credential');
    expect(credentials.map((c) => c.subject).sort()).toEqual(['azure-prod', 'azure-prod-baseline', 'azure-prod-plan'].map((e) => `repo:${REPO}:environment:${e}`));
    for (const c of credentials) expect(c).toMatchObject({ issuer: 'https://token.actions.githubusercontent.com', audience: ['api://AzureADTokenExchange'] });
    expect(named(json, 'azurerm_federated_identity_credential', 'deploy-azure-prod-baseline').depends_on).toEqual([expect.stringMatching(/^azurerm_federated_identity_credential\.ci-prod_deploy-azure-prod_/)]);
    expect(all(json, 'azurerm_user_assigned_identity').map((i) => i.name)).toEqual(expect.arrayContaining(['id-finplat-ci-prod-plan', 'id-finplat-ci-prod-deploy']));
    expect(all(json, 'azurerm_management_lock').filter((l) => l.lock_level === 'ReadOnly')).toHaveLength(2);
  });

  it('gives the plan identity read only (state read, no blob write, so no lease) and the deploy identity Contributor with constrained role assignment', () => {
    const grants = (part: string) => Object.entries(json.resource.azurerm_role_assignment as Json).filter(([id]) => id.startsWith(`ci-prod_${part}-`)).map(([, r]) => r);
    expect(grants('plan').map((r) => r.role_definition_name).sort()).toEqual(['Key Vault Reader', 'Reader', 'Storage Blob Data Reader']);
    const stateRead = grants('plan').find((r) => r.role_definition_name === 'Storage Blob Data Reader')!;
    expect(stateRead.scope).toMatch(/\/blobServices\/default\/containers\/\$\{azurerm_storage_container\..+\.name\}$/);
    const deploy = grants('deploy');
    expect(deploy.map((r) => r.role_definition_name).filter(Boolean).sort()).toEqual(['Contributor', 'Role Based Access Control Administrator', 'Storage Blob Data Contributor']);
    const rbac = deploy.find((r) => r.role_definition_name === 'Role Based Access Control Administrator')!;
    expect(rbac.condition_version).toBe('2.0');
    for (const id of PRIVILEGED_ROLE_IDS) expect(rbac.condition).toContain(id);
    expect(only(json, 'azurerm_role_definition').permissions[0].actions).toEqual([
      'Microsoft.Authorization/roleDefinitions/read',
      'Microsoft.Authorization/roleDefinitions/write',
      'Microsoft.Authorization/roleDefinitions/delete',
    ]);
    expect(json.output['prod-plan-client-id'].description).toBe('vars.AZURE_CLIENT_ID of GitHub environment azure-prod-plan');
  });

  it('moves into the container it created once migrated, with Entra ID auth', () => {
    const moved = synth({ cloud: 'azure', scopeId: azureProd.subscriptionId, environments: [migrated(azureProd)] });
    expect(moved.terraform.backend.azurerm).toEqual({
      resource_group_name: 'rg-finplat-tfstate',
      storage_account_name: 'finplattfstateprod',
      container_name: 'tfstate',
      key: 'bootstrap/azure-state-33333333-3333-4333-8333-333333333333.tfstate',
      subscription_id: azureProd.subscriptionId,
      tenant_id: azureProd.tenantId,
      use_azuread_auth: true,
    });
  });
});

describe('GCP state bootstrap (gcp-state-finplat-prod-0001)', () => {
  let json: Json;
  beforeAll(() => {
    json = synth(group('gcp-state-finplat-prod-0001'));
  });

  it('starts on a local state, in the project it bootstraps, with the APIs it calls', () => {
    expect(json.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(json.provider.google[0]).toMatchObject({ project: 'finplat-prod-0001', region: 'europe-west2' });
    expect(all(json, 'google_project_service').map((s) => s.service).sort()).toEqual(
      ['cloudkms', 'cloudresourcemanager', 'iam', 'iamcredentials', 'storage', 'sts'].map((s) => `${s}.googleapis.com`),
    );
  });

  it('creates the bucket with exactly the runbook properties: uniform access, versioning, CMEK default key, public access prevention', () => {
    expect(only(json, 'google_storage_bucket')).toMatchObject({
      name: gcpProd.stateBackend.bucket,
      location: 'EUROPE-WEST2',
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      encryption: { default_kms_key_name: expect.stringMatching(/^\$\{google_kms_crypto_key\.state_state-key_.+\.id\}$/) },
      force_destroy: false,
      lifecycle: { prevent_destroy: true },
      depends_on: [expect.stringMatching(/^google_kms_crypto_key_iam_member\.state_state-key_storage-agent_/)],
    });
  });

  it('creates the key the environment config names (ring/key, region), rotating, HSM, granted to the Cloud Storage agent only', () => {
    const [, project, , location, , ring, , key] = gcpProd.stateBackend.kmsEncryptionKey.split('/');
    expect(only(json, 'google_kms_key_ring')).toMatchObject({ name: ring, project, location, lifecycle: { prevent_destroy: true } });
    expect(only(json, 'google_kms_crypto_key')).toMatchObject({ name: key, rotation_period: '7776000s', version_template: { protection_level: 'HSM' }, lifecycle: { prevent_destroy: true } });
    expect(only(json, 'google_kms_crypto_key_iam_member')).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: expect.stringContaining('data.google_storage_project_service_account.') });
  });

  it('records every object read and write (Data Access audit logs)', () => {
    expect(only(json, 'google_project_iam_audit_config')).toEqual(
      expect.objectContaining({ service: 'storage.googleapis.com', audit_log_config: [{ log_type: 'ADMIN_READ' }, { log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }] }),
    );
  });

  it('admits only this repository\'s jobs in its GitHub environments to the workload identity pool', () => {
    const provider = only(json, 'google_iam_workload_identity_pool_provider');
    expect(provider).toMatchObject({ workload_identity_pool_provider_id: 'github', oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' } });
    expect(provider.attribute_mapping).toEqual({ 'google.subject': 'assertion.sub', 'attribute.repository': 'assertion.repository', 'attribute.environment': 'assertion.environment' });
    expect(provider.attribute_condition).toBe(
      `assertion.repository in ['${REPO}'] && (${['gcp-prod-plan', 'gcp-prod', 'gcp-prod-baseline'].map((e) => `assertion.sub == 'repo:${REPO}:environment:${e}'`).join(' || ')})`,
    );
  });

  it('lets each GitHub environment impersonate exactly its account', () => {
    const bindings = all(json, 'google_service_account_iam_member');
    expect(bindings.map((b) => [b.role, b.member.replace(/^.*\/subject\//, '')]).sort()).toEqual(
      [
        ['roles/iam.workloadIdentityUser', `repo:${REPO}:environment:gcp-prod`],
        ['roles/iam.workloadIdentityUser', `repo:${REPO}:environment:gcp-prod-baseline`],
        ['roles/iam.workloadIdentityUser', `repo:${REPO}:environment:gcp-prod-plan`],
      ],
    );
    for (const b of bindings) expect(b.member).toMatch(/^principal:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\..+\.name\}\/subject\/repo:/);
    expect(all(json, 'google_service_account').map((a) => a.account_id).sort()).toEqual(['ci-prod-deploy', 'ci-prod-plan']);
  });

  it('keeps the plan account read-only (no basic role, state objects of its prefix read-only) and conditions the deploy account\'s KMS and IAM admin', () => {
    const grants = (part: string) => Object.entries(json.resource.google_project_iam_member as Json).filter(([id]) => id.startsWith(`ci-prod_${part}-`)).map(([, r]) => r);
    const planRoles = grants('plan').map((g) => g.role);
    expect(planRoles.every((r) => /viewer|Viewer|securityReviewer|browser|reader/.test(r))).toBe(true);
    expect(planRoles).not.toContain('roles/viewer');
    const bucketGrants = all(json, 'google_storage_bucket_iam_member');
    expect(bucketGrants.filter((g) => g.role === 'roles/storage.legacyBucketReader' && g.condition === undefined)).toHaveLength(2);
    const stateGrants = bucketGrants.filter((g) => g.role !== 'roles/storage.legacyBucketReader');
    expect(stateGrants.map((g) => g.role).sort()).toEqual(['roles/storage.objectUser', 'roles/storage.objectViewer']);
    for (const g of stateGrants) expect(g.condition.expression).toBe(`resource.type == 'storage.googleapis.com/Bucket' || resource.name.startsWith('projects/_/buckets/\${google_storage_bucket.${Object.keys(json.resource.google_storage_bucket)[0]}.name}/objects/gcp/prod/')`);
    const kmsAdmin = grants('deploy').find((g) => g.role === 'roles/cloudkms.admin')!;
    expect(kmsAdmin.condition.expression).toMatch(/^!\(resource\.name == '\$\{google_kms_key_ring\..+\.id\}' \|\| resource\.name\.startsWith\('\$\{google_kms_key_ring\..+\.id\}\/'\)\)$/);
    const iamAdmin = grants('deploy').find((g) => g.role === 'roles/resourcemanager.projectIamAdmin')!;
    expect(iamAdmin.condition.expression).toContain("api.getAttribute('iam.googleapis.com/modifiedGrantsByRole', []).hasOnly(['roles/logging.logWriter'");
    expect(iamAdmin.condition.expression).not.toContain('roles/owner');
    expect(grants('deploy').map((g) => g.role)).not.toEqual(expect.arrayContaining(['roles/owner']));
    expect(grants('deploy').map((g) => g.role)).not.toContain('roles/editor');
  });

  it('records the two written suppressions of the deploy account\'s impersonation roles in the synthesized JSON', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'state-bootstrap-'));
    const app = Testing.app({ outdir, stackTraces: false });
    const backend = group('gcp-state-finplat-prod-0001');
    new StateBootstrapStack(app, stateStackName(backend), { backend });
    // The packs record suppressions while validating the stack, during app.synth().
    const packs = applyCompliancePacks(app);
    app.synth();
    const synthesized = JSON.parse(readFileSync(join(outdir, 'stacks', stateStackName(backend), 'cdk.tf.json'), 'utf8')) as Json;
    const suppressed = Object.values(synthesized.resource.google_project_iam_member as Json).filter((r) => r['//']?.compliance_suppressions);
    expect(suppressed.map((r) => r.role).sort()).toEqual(['roles/iam.serviceAccountAdmin', 'roles/iam.serviceAccountUser']);
    const findings = packs.flatMap((p) => p.findings).filter((f) => f.ruleId === 'PCI-DSS-4-7.2.2-gcp-project-impersonation-roles');
    expect(findings.filter((f) => f.status === 'non-compliant')).toEqual([]);
    expect(findings.filter((f) => f.status === 'suppressed')).toHaveLength(2);
  });

  it('moves into the bucket it created once migrated, CMEK-encrypted', () => {
    const moved = synth({ cloud: 'gcp', scopeId: gcpProd.projectId, environments: [migrated(gcpProd)] });
    expect(moved.terraform.backend.gcs).toEqual({ bucket: 'finplat-tfstate-prod', prefix: 'bootstrap/gcp-state-finplat-prod-0001', kms_encryption_key: gcpProd.stateBackend.kmsEncryptionKey });
  });
});


describe('state bootstrap configuration', () => {
  const problems = (config: unknown): string[] => validateEnvironment(config, { cloud: '?', environment: '?' }).problems.map(formatProblem);
  const patch = (base: object, path: string, value: unknown): Record<string, unknown> => {
    const copy = structuredClone(base) as Record<string, unknown>;
    const keys = path.split('.');
    let target = copy;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    if (value === undefined) delete target[keys[keys.length - 1]];
    else target[keys[keys.length - 1]] = value;
    return copy;
  };
  const REPO_ALLOWED = 'a GitHub repository as owner/name, e.g. example-org/regulated-k8s-platform';

  it.each([
    ['example-org/*', REPO_ALLOWED],
    ['example-org', REPO_ALLOWED],
    ['example-org/..', REPO_ALLOWED],
    ['-org/repo', REPO_ALLOWED],
    ['org--x/repo', REPO_ALLOWED],
    ['org/repo name', REPO_ALLOWED],
  ])('rejects ci.githubRepository %j', (value, allowed) => {
    expect(problems(patch(awsDev, 'ci.githubRepository', value))).toEqual([`config error: [aws/dev] ci.githubRepository: got ${JSON.stringify(value)}; allowed: ${allowed}`]);
  });

  it('rejects a missing ci block, saying what it must hold', () => {
    expect(problems(patch(gcpDev, 'ci', undefined))).toEqual([
      'config error: [gcp/dev] ci: got (missing); allowed: a ci block naming the repository that deploys this environment: { githubRepository: "owner/name" }',
    ]);
  });

  it('rejects an unknown bootstrapState', () => {
    expect(problems(patch(azureDev, 'stateBackend.bootstrapState', 'remote'))).toEqual(['config error: [azure/dev] stateBackend.bootstrapState: got "remote"; allowed: one of "local", "migrated"']);
  });

  it.each([
    ['arn:aws:kms:eu-west-1:999999999999:alias/terraform-state', 'another account'],
    ['arn:aws:kms:eu-central-1:111111111111:alias/terraform-state', 'another region'],
    ['arn:aws:kms:eu-west-1:111111111111:key/0d9f0d7e-1111-4111-8111-111111111111', 'a key ARN'],
    ['arn:aws:kms:eu-west-1:111111111111:alias/aws/s3', 'an AWS managed alias'],
  ])('rejects an AWS stateBackend.kmsKeyId the bootstrap cannot create (%s: %s)', (value) => {
    expect(problems(patch(awsDev, 'stateBackend.kmsKeyId', value))).toEqual([
      `config error: [aws/dev] stateBackend.kmsKeyId: got ${JSON.stringify(value)}; allowed: an alias ARN in this environment's account and state region, arn:aws:kms:eu-west-1:111111111111:alias/<name> (not aws/...): the state bootstrap stack creates that alias`,
    ]);
  });

  it('rejects an AWS state bucket too long for its access-log bucket', () => {
    const bucket = `b${'x'.repeat(58)}`;
    expect(problems(patch(awsDev, 'stateBackend.bucket', bucket))).toEqual([
      `config error: [aws/dev] stateBackend.bucket: got "${bucket}"; allowed: at most 58 characters, so its access-log bucket "<bucket>-logs" fits S3's 63`,
    ]);
  });

  it.each([
    [awsDev, 'stateBackend.key', 'aws/dev'],
    [azureDev, 'stateBackend.key', 'azure/dev'],
    [gcpDev, 'stateBackend.prefix', 'gcp/dev'],
  ])('rejects a state prefix inside bootstrap/ or with a wildcard (%#)', (config, field, _ok) => {
    const label = `${config.cloud}/${config.name}`;
    expect(problems(patch(config, field, 'bootstrap/x'))).toEqual([
      `config error: [${label}] ${field}: got "bootstrap/x"; allowed: a prefix outside bootstrap/ (the state bootstrap stack's own state lives there)`,
    ]);
    expect(problems(patch(config, field, 'bootstrap'))).toHaveLength(1);
    expect(problems(patch(config, field, 'aws/*'))).toEqual([
      `config error: [${label}] ${field}: got "aws/*"; allowed: an object key prefix such as aws/prod: segments of letters, digits, ., _ and - separated by /`,
    ]);
  });

  it.each([
    ['10.40.1.0/28', 'a range that does not overlap network.vnetCidr (10.40.0.0/16)'],
    ['10.255.0.0/28', 'a range that does not overlap adminCidrs[0] (10.255.0.0/20)'],
    ['100.64.0.0/28', 'a range that does not overlap network.podCidr (100.64.0.0/16)'],
    ['10.254.0.0/29', 'a /24 to /28 (one subnet of private endpoints)'],
    ['10.254.0.0/23', 'a /24 to /28 (one subnet of private endpoints)'],
  ])('rejects the Azure state VNet %s', (value, allowed) => {
    expect(problems(patch(azureDev, 'stateBackend.vnetCidr', value))).toEqual([`config error: [azure/dev] stateBackend.vnetCidr: got "${value}"; allowed: ${allowed}`]);
  });

  it('rejects a non-canonical Azure state VNet and a bad container name', () => {
    expect(problems(patch(azureDev, 'stateBackend.vnetCidr', '10.254.0.1/28'))).toEqual([
      expect.stringMatching(/^config error: \[azure\/dev\] stateBackend\.vnetCidr: got "10\.254\.0\.1\/28"; allowed: a canonical IPv4 CIDR/),
    ]);
    expect(problems(patch(azureDev, 'stateBackend.containerName', 'TF_State'))).toEqual([
      'config error: [azure/dev] stateBackend.containerName: got "TF_State"; allowed: a blob container name: 3-63 lowercase letters, digits and single hyphens',
    ]);
  });

  it.each([
    ['projects/finplat-other-0001/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state'],
    ['projects/finplat-dev-0001/locations/europe-west1/keyRings/terraform-state/cryptoKeys/state'],
  ])('rejects a GCP state key outside the environment\'s project and region (%s)', (value) => {
    expect(problems(patch(gcpDev, 'stateBackend.kmsEncryptionKey', value))).toEqual([
      `config error: [gcp/dev] stateBackend.kmsEncryptionKey: got "${value}"; allowed: a key in this environment's project and region, projects/finplat-dev-0001/locations/europe-west2/keyRings/<ring>/cryptoKeys/<key>: the state bootstrap stack creates it next to the bucket`,
    ]);
  });

  describe('grouping environments into bootstrap stacks', () => {
    const groupProblems = (configs: EnvironmentConfig[]): string[] => {
      try {
        stateBackendGroups(configs);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems.map(formatProblem);
        throw error;
      }
      return [];
    };
    const inDevAccount = (overrides: Partial<(typeof awsDev)['stateBackend']>): AwsEnvironmentConfig => ({
      ...awsStaging,
      accountId: '111111111111',
      stateBackend: { ...awsDev.stateBackend, key: 'aws/staging', ...overrides },
    });

    it('accepts environments sharing a backend with disjoint prefixes', () => {
      expect(groupProblems([awsDev, inDevAccount({})])).toEqual([]);
    });

    it('rejects a second backend in the same account, naming what the first environment uses', () => {
      expect(groupProblems([awsDev, inDevAccount({ bucket: 'finplat-tfstate-other' })])).toEqual([
        'config error: [aws/staging] stateBackend.bucket: got "finplat-tfstate-other"; allowed: "finplat-tfstate-111111111111", as aws/dev, which keeps its state in the same account 111111111111 (one state backend per account: its bootstrap stack creates exactly one)',
      ]);
      expect(groupProblems([awsDev, inDevAccount({ bootstrapState: 'migrated' })])).toEqual([
        'config error: [aws/staging] stateBackend.bootstrapState: got "migrated"; allowed: "local", as aws/dev, which keeps its state in the same account 111111111111 (one state backend per account: its bootstrap stack creates exactly one)',
      ]);
    });

    it.each([['aws/dev'], ['aws/dev/staging'], ['aws']])('rejects a state prefix %j that collides with another environment in the same backend', (key) => {
      expect(groupProblems([awsDev, inDevAccount({ key })])).toEqual([
        `config error: [aws/staging] stateBackend.key: got ${JSON.stringify(key)}; allowed: a prefix that neither equals nor nests with aws/dev's "aws/dev" in the same backend`,
      ]);
    });

    it('rejects a bucket another account already holds', () => {
      const staging: AwsEnvironmentConfig = { ...awsStaging, stateBackend: { ...awsStaging.stateBackend, bucket: awsDev.stateBackend.bucket } };
      expect(groupProblems([awsDev, staging])).toEqual([
        'config error: [aws/staging] stateBackend.bucket: got "finplat-tfstate-111111111111"; allowed: a name no environment of another account uses (aws/dev keeps its state there, in account 111111111111)',
      ]);
    });

    it('rejects Azure environments of one subscription that disagree on the state VNet', () => {
      const staging = { ...azureDev, name: 'staging', tier: 'staging' as const, stateBackend: { ...azureDev.stateBackend, key: 'azure/staging', vnetCidr: '10.254.0.16/28' } };
      expect(groupProblems([azureDev, staging])).toEqual([
        `config error: [azure/staging] stateBackend.vnetCidr: got "10.254.0.16/28"; allowed: "10.254.0.0/28", as azure/dev, which keeps its state in the same subscription ${azureDev.subscriptionId} (one state backend per subscription: its bootstrap stack creates exactly one)`,
      ]);
    });

    it('rejects GCP environments of one project that disagree on the state key', () => {
      const staging = { ...gcpDev, name: 'staging', tier: 'staging' as const, stateBackend: { ...gcpDev.stateBackend, prefix: 'gcp/staging', kmsEncryptionKey: `${gcpDev.stateBackend.kmsEncryptionKey}2` } };
      expect(groupProblems([gcpDev, staging])).toEqual([
        `config error: [gcp/staging] stateBackend.kmsEncryptionKey: got "${gcpDev.stateBackend.kmsEncryptionKey}2"; allowed: "${gcpDev.stateBackend.kmsEncryptionKey}", as gcp/dev, which keeps its state in the same project finplat-dev-0001 (one state backend per project: its bootstrap stack creates exactly one)`,
      ]);
    });
  });
});

describe('state bootstrap constructs reject bad input', () => {
  const inStack = (build: (scope: Construct) => void) => () => build(new TerraformStack(Testing.app(), 'test'));
  const awsBucket: AwsStateBucketProps = { bucketName: 'state-bucket', accountId: '111111111111', region: 'eu-west-1', keyAlias: 'terraform-state' };
  const storage = (scope: Construct) => new AwsStateBucket(scope, 'state', awsBucket);
  const roles = (scope: Construct, overrides: Partial<CiRolesProps>) =>
    new CiRoles(scope, 'ci', {
      accountId: '111111111111',
      oidcProvider: new GithubOidcProvider(scope, 'oidc'),
      repository: REPO,
      planEnvironments: ['aws-dev-plan'],
      deployEnvironments: ['aws-dev', 'aws-dev-baseline'],
      planRoleName: 'plan',
      deployRoleName: 'deploy',
      state: storage(scope),
      statePrefix: 'aws/dev',
      platformRolePrefix: 'finplat-dev-',
      attachablePolicyArns: ['arn:aws:iam::aws:policy/AmazonEKSClusterPolicy'],
      ...overrides,
    });
  const azureStorage: StateStorageProps = {
    name: 'state',
    storageAccountName: 'statestore',
    containerName: 'tfstate',
    resourceGroupName: 'rg',
    location: 'westeurope',
    tenantId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    vnetCidr: '10.254.0.0/28',
    keyVaultName: 'kvstatestore',
    flowLogStorageAccountName: 'flstatestore',
  };
  const identities = (overrides: Partial<CiIdentitiesProps>) => (scope: Construct) =>
    new CiIdentities(scope, 'ci', {
      namePrefix: 'id-ci',
      resourceGroupName: 'rg',
      location: 'westeurope',
      subscriptionScope: '/subscriptions/11111111-1111-4111-8111-111111111111',
      repository: REPO,
      planEnvironments: ['azure-dev-plan'],
      deployEnvironments: ['azure-dev'],
      stateContainerScope: '/subscriptions/x/containers/tfstate',
      ...overrides,
    });
  const gcpBucket: GcpStateBucketProps = { bucketName: 'state-bucket', project: 'finplat-dev-0001', location: 'europe-west2', keyRingName: 'terraform-state', keyName: 'state' };
  const pool = (scope: Construct, overrides: Partial<ConstructorParameters<typeof GithubWorkloadIdentityPool>[2]> = {}) =>
    new GithubWorkloadIdentityPool(scope, 'pool', { project: 'p', repositories: [REPO], subjects: [`repo:${REPO}:environment:gcp-dev-plan`], ...overrides });
  const accounts = (overrides: Partial<CiServiceAccountsProps>) => (scope: Construct) =>
    new CiServiceAccounts(scope, 'ci', {
      project: 'finplat-dev-0001',
      pool: pool(scope),
      repository: REPO,
      planEnvironments: ['gcp-dev-plan'],
      deployEnvironments: ['gcp-dev'],
      planAccountId: 'ci-dev-plan',
      deployAccountId: 'ci-dev-deploy',
      state: { bucketName: 'state-bucket', prefix: 'gcp/dev' },
      stateKeyRingId: 'projects/p/locations/l/keyRings/r',
      grantableRoles: ['roles/logging.logWriter'],
      ...overrides,
    });

  it.each<[string, (scope: Construct) => void, string]>([
    ['aws bucket name too long', (s) => new AwsStateBucket(s, 'b', { ...awsBucket, bucketName: 'b'.repeat(60) }), `state bucket: bucketName must be an S3 bucket name short enough for "<bucketName>-logs" (at most 58 characters), got "${'b'.repeat(60)}"`],
    ['aws version retention', (s) => new AwsStateBucket(s, 'b', { ...awsBucket, noncurrentVersionRetentionDays: 10 }), 'state bucket state-bucket: noncurrentVersionRetentionDays must be an integer between 30 and 3650, got 10'],
    ['aws log retention', (s) => new AwsStateBucket(s, 'b', { ...awsBucket, accessLogRetentionDays: 90 }), 'state bucket state-bucket: accessLogRetentionDays must be an integer between 365 and 3650 (a year of audit history at least), got 90'],
    ['aws prefix owner wildcard', (s) => new AwsStateBucket(s, 'b', { ...awsBucket, prefixOwners: [{ prefix: 'aws/*', principalArns: ['arn:aws:iam::1:role/x'] }] }), 'state bucket state-bucket: prefixOwners prefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "aws/*"'],
    ['aws prefix owner without principals', (s) => new AwsStateBucket(s, 'b', { ...awsBucket, prefixOwners: [{ prefix: 'aws/dev', principalArns: [] }] }), 'state bucket state-bucket: prefixOwners entry for "aws/dev" must name at least one principal ARN, got none'],
    ['aws roles repository wildcard', (s) => roles(s, { repository: 'example-org/*' }), 'ci roles: repository must be owner/name without wildcards, got "example-org/*"'],
    ['aws roles no plan environment', (s) => roles(s, { planEnvironments: [] }), 'ci roles: planEnvironments must name at least one GitHub environment, got none'],
    ['aws roles environment wildcard', (s) => roles(s, { deployEnvironments: ['aws-*'] }), 'ci roles: deployEnvironments entries must be GitHub environment names without wildcards, got "aws-*"'],
    ['aws roles plan = deploy environment', (s) => roles(s, { planEnvironments: ['aws-dev'] }), 'ci roles: a GitHub environment may not assume both roles (the plan gate would hold deploy rights), got aws-dev in both'],
    ['aws roles session', (s) => roles(s, { maxSessionSeconds: 600 }), 'ci roles: maxSessionSeconds must be an integer between 3600 and 43200, got 600'],
    ['aws roles platform role prefix', (s) => roles(s, { platformRolePrefix: 'finplat*' }), 'ci roles: platformRolePrefix must be an IAM role name prefix ending in "-" (no wildcards), got "finplat*"'],
    ['aws roles state prefix', (s) => roles(s, { statePrefix: 'aws/' }), 'ci roles: statePrefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "aws/"'],
    ['azure storage account name', (s) => new StateStorage(s, 's', { ...azureStorage, storageAccountName: 'State-Store' }), 'state storage: storageAccountName must be 3-24 lowercase letters and digits, got "State-Store"'],
    ['azure container name', (s) => new StateStorage(s, 's', { ...azureStorage, containerName: 'tf--state' }), 'state storage statestore: containerName must be 3-63 lowercase letters, digits and single hyphens, got "tf--state"'],
    ['azure vnet size', (s) => new StateStorage(s, 's', { ...azureStorage, vnetCidr: '10.254.0.0/29' }), 'state storage statestore: vnetCidr must be an IPv4 CIDR from /24 to /28, got "10.254.0.0/29"'],
    ['azure flow-log account = state account', (s) => new StateStorage(s, 's', { ...azureStorage, flowLogStorageAccountName: 'statestore' }), 'state storage statestore: flowLogStorageAccountName must differ from the state account, got "statestore"'],
    ['azure soft delete', (s) => new StateStorage(s, 's', { ...azureStorage, softDeleteRetentionDays: 400 }), 'state storage statestore: softDeleteRetentionDays must be an integer between 7 and 365, got 400'],
    ['azure identities repository', identities({ repository: 'org' }), 'ci identities: repository must be owner/name without wildcards, got "org"'],
    ['azure identities scope', identities({ subscriptionScope: '/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg' }), 'ci identities: subscriptionScope must be /subscriptions/<subscription id>, got "/subscriptions/11111111-1111-4111-8111-111111111111/resourceGroups/rg"'],
    ['azure identities no deploy environment', identities({ deployEnvironments: [] }), 'ci identities: deployEnvironments must name at least one GitHub environment, got none'],
    ['azure identities environment wildcard', identities({ planEnvironments: ['*'] }), 'ci identities: planEnvironments entries must be GitHub environment names without wildcards, got "*"'],
    ['azure identities plan = deploy', identities({ deployEnvironments: ['azure-dev-plan'] }), 'ci identities: a GitHub environment may not log in as both identities (the plan gate would hold deploy rights), got azure-dev-plan in both'],
    [
      'azure private link with another zone',
      (s) => new PrivateLink(s, 'pl', { name: 'x', resourceGroupName: 'rg', location: 'westeurope', targetResourceId: 'id', subresource: 'blob', dnsZoneName: 'privatelink.blob.core.windows.net', subnetId: 's', virtualNetworkId: 'v', dnsZone: { zoneId: 'z', zoneName: 'privatelink.vaultcore.azure.net' } }),
      'private link x: dnsZone must be the privatelink.blob.core.windows.net zone, got "privatelink.vaultcore.azure.net"',
    ],
    ['gcp bucket name', (s) => new GcpStateBucket(s, 'b', { ...gcpBucket, bucketName: 'State' }), 'state bucket: bucketName must be a GCS bucket name (3-63 lowercase letters, digits, ., _ and -), got "State"'],
    ['gcp version retention', (s) => new GcpStateBucket(s, 'b', { ...gcpBucket, noncurrentVersionRetentionDays: 7 }), 'state bucket state-bucket: noncurrentVersionRetentionDays must be an integer between 30 and 3650, got 7'],
    ['gcp soft delete', (s) => new GcpStateBucket(s, 'b', { ...gcpBucket, softDeleteRetentionDays: 120 }), 'state bucket state-bucket: softDeleteRetentionDays must be an integer between 7 and 90, got 120'],
    ['gcp location', (s) => new GcpStateBucket(s, 'b', { ...gcpBucket, location: 'Europe West2' }), 'state bucket location must be 1-63 lowercase letters, digits or hyphens starting with a letter, got "Europe West2"'],
    ['gcp pool without repositories', (s) => pool(s, { repositories: [] }), 'github workload identity pool: repositories must list at least one owner/name, got none'],
    ['gcp pool repository wildcard', (s) => pool(s, { repositories: ['org/*'] }), 'github workload identity pool: repositories entries must be owner/name without wildcards, got "org/*"'],
    ['gcp pool without subjects', (s) => pool(s, { subjects: [] }), 'github workload identity pool: subjects must list at least one repo:<owner>/<name>:environment:<env>, got none'],
    ['gcp pool subject of another repository', (s) => pool(s, { subjects: ['repo:other/repo:environment:gcp-dev'] }), 'github workload identity pool: subjects entries must be repo:<owner>/<name>:environment:<env> of a listed repository, without wildcards, got "repo:other/repo:environment:gcp-dev"'],
    ['gcp pool subject wildcard', (s) => pool(s, { subjects: [`repo:${REPO}:*`] }), `github workload identity pool: subjects entries must be repo:<owner>/<name>:environment:<env> of a listed repository, without wildcards, got "repo:${REPO}:*"`],
    ['gcp pool id', (s) => pool(s, { poolId: 'GitHub' }), 'workload identity pool id must be 1-32 lowercase letters, digits or hyphens starting with a letter, got "GitHub"'],
    ['gcp accounts repository', accounts({ repository: 'a/b/c' }), 'ci service accounts: repository must be owner/name without wildcards, got "a/b/c"'],
    ['gcp accounts no plan environment', accounts({ planEnvironments: [] }), 'ci service accounts: planEnvironments must name at least one GitHub environment, got none'],
    ['gcp accounts environment wildcard', accounts({ deployEnvironments: ['gcp-*'] }), 'ci service accounts: deployEnvironments entries must be GitHub environment names without wildcards, got "gcp-*"'],
    ['gcp accounts plan = deploy', accounts({ deployEnvironments: ['gcp-dev-plan'] }), 'ci service accounts: a GitHub environment may not impersonate both accounts (the plan gate would hold deploy rights), got gcp-dev-plan in both'],
    ['gcp accounts state prefix', accounts({ state: { bucketName: 'b', prefix: 'gcp/*' } }), 'ci service accounts: state.prefix must be segments of letters, digits, ., _ and - separated by / (no wildcards), got "gcp/*"'],
    ['gcp accounts grantable roles', accounts({ grantableRoles: [] }), 'ci service accounts: grantableRoles must list the roles the platform grants, got none'],
  ])('rejects %s', (_label, build, message) => {
    expect(inStack(build)).toThrow(message);
  });

  it('lets trusted services (the storage account wrapping its key) through the state vault\'s firewall, and nothing else', () => {
    const vault = synthStack((app) => {
      const stack = new TerraformStack(app, 'kv');
      new StateStorage(stack, 's', azureStorage);
      return stack;
    }).json;
    expect(only(vault, 'azurerm_key_vault')).toMatchObject({ public_network_access_enabled: false, network_acls: { default_action: 'Deny', bypass: 'AzureServices' } });
  });
});
