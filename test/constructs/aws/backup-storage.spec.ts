import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { awsDev, awsProd } from '../../helpers/environments';
import type { AwsEnvironmentConfig } from '../../../src/config/schema';
import { BackupBucket, type BackupBucketProps } from '../../../src/constructs/aws/backup-storage';
import { AwsPlatformStack } from '../../../src/stacks/aws-platform-stack';
import { type Json, synthStack } from '../../helpers/terraform-json';
import { resources, statementsOf } from './helpers';

const platform = (config: AwsEnvironmentConfig) =>
  synthStack((app) => new AwsPlatformStack(app, `aws-${config.name}-platform`, { config }), { stackTraces: false });

/** The resource of `type` whose logical id is its construct path `platform/<path>` (ids join the path with `_`, then a hash). */
function at(json: Json, type: string, path: string): Json {
  const id = `platform_${path.replace(/\//g, '_')}_`;
  const found = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([key]) => key.startsWith(id) && /^[0-9A-F]{8}$/.test(key.slice(id.length)));
  if (found.length !== 1) throw new Error(`expected one ${type} at platform/${path}, found ${found.length}`);
  return found[0][1];
}

describe('Velero backup bucket, dev tier (aws-dev-platform)', () => {
  let json: Json;
  let stack: AwsPlatformStack;
  beforeAll(() => {
    ({ json, stack } = platform(awsDev));
  });

  it('names the bucket after the cluster and the account and never lets a plan delete it', () => {
    const bucket = at(json, 'aws_s3_bucket', 'backup-storage/backups/bucket');
    expect(bucket.bucket).toBe('finplat-dev-velero-111111111111');
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
    // dev: no Object Lock (it can only be set at creation; prod has it)
    expect(bucket.object_lock_enabled).toBeUndefined();
    expect(resources(json, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(0);
  });

  it('encrypts with its own rotating customer-managed key, versions, blocks public access and refuses plain HTTP and other keys', () => {
    const encryption = at(json, 'aws_s3_bucket_server_side_encryption_configuration', 'backup-storage/backups/encryption');
    expect(encryption.rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(encryption.rule[0].apply_server_side_encryption_by_default.kms_master_key_id).toContain('velero-backups');
    expect(at(json, 'aws_kms_key', 'backup-storage/velero-backups/key').enable_key_rotation).toBe(true);
    expect(at(json, 'aws_s3_bucket_versioning', 'backup-storage/backups/versioning').versioning_configuration.status).toBe('Enabled');
    const pab = at(json, 'aws_s3_bucket_public_access_block', 'backup-storage/backups/public-access-block');
    expect([pab.block_public_acls, pab.block_public_policy, pab.ignore_public_acls, pab.restrict_public_buckets]).toEqual([true, true, true, true]);
    const sids = statementsOf(at(json, 'aws_s3_bucket_policy', 'backup-storage/backups/policy').policy).map((s) => s.Sid);
    expect(sids).toEqual(['DenyInsecureTransport', 'DenyTlsBelow12', 'DenyOtherKmsKeys']);
    expect(at(json, 'aws_s3_bucket_logging', 'backup-storage/backups/access-logging').target_prefix).toBe('finplat-dev-velero-111111111111/');
  });

  it('has no replica in dev (one region)', () => {
    expect(resources(json, 'aws_s3_bucket_replication_configuration')).toHaveLength(0);
    expect(stack.contract.backup.secondaryRegion).toBeUndefined();
  });

  it("scopes Velero's Pod Identity role to the backup bucket's objects and its key, with no version deletes or lock bypass", () => {
    const association = resources(json, 'aws_eks_pod_identity_association').find((a) => a.service_account === 'velero');
    expect(association?.namespace).toBe('velero');
    const statements = statementsOf(at(json, 'aws_iam_role_policy', 'velero-role/policy').policy);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('s3:DeleteObjectVersion');
    expect(actions).not.toContain('s3:BypassGovernanceRetention');
    expect(actions.filter((a: string) => a.startsWith('s3:Put') && a !== 's3:PutObject')).toEqual([]);
    expect(actions.some((a: string) => a.startsWith('ec2:'))).toBe(false);
    for (const s of statements) expect(String(s.Resource)).not.toBe('*');
  });

  it('exposes the bucket, the aws provider and the key to the baseline through the contract', () => {
    const backup = stack.contract.backup;
    expect(backup.provider).toBe('aws');
    expect(backup.immutabilityDays).toBe(0);
    expect(backup.identity.serviceAccount).toEqual({ namespace: 'velero', name: 'velero' });
    expect(Object.keys(backup.config).sort()).toEqual(['kmsKeyId', 'region']);
  });
});

describe('Velero backup bucket, prod tier (aws-prod-platform)', () => {
  let json: Json;
  let stack: AwsPlatformStack;
  beforeAll(() => {
    ({ json, stack } = platform(awsProd));
  });

  it('locks every version in COMPLIANCE mode for the tier default of 7 days', () => {
    expect(at(json, 'aws_s3_bucket', 'backup-storage/backups/bucket').object_lock_enabled).toBe(true);
    const lock = at(json, 'aws_s3_bucket_object_lock_configuration', 'backup-storage/backups/object-lock');
    expect(lock.rule.default_retention).toEqual({ mode: 'COMPLIANCE', days: 7 });
    expect(stack.contract.backup.immutabilityDays).toBe(7);
  });

  it('replicates every backup to a locked, encrypted bucket in eu-central-1, without delete markers', () => {
    const replication = at(json, 'aws_s3_bucket_replication_configuration', 'backup-storage/replication');
    const rule = replication.rule[0];
    expect(rule.status).toBe('Enabled');
    expect(rule.delete_marker_replication).toEqual({ status: 'Disabled' });
    expect(rule.source_selection_criteria).toEqual({ sse_kms_encrypted_objects: { status: 'Enabled' } });
    expect(rule.destination.encryption_configuration.replica_kms_key_id).toContain('replica_velero-backups');
    const replica = at(json, 'aws_s3_bucket', 'backup-storage/replica/backups/bucket');
    expect(replica.bucket).toBe('finplat-prod-velero-333333333333-replica');
    expect(replica.object_lock_enabled).toBe(true);
    // Every replica resource is created through the second region's provider.
    expect(replica.provider).toBe('aws.backup_replica');
    expect(at(json, 'aws_kms_key', 'backup-storage/replica/velero-backups/key').provider).toBe('aws.backup_replica');
    expect(json.provider.aws.map((p: Json) => p.region).sort()).toEqual(['eu-central-1', 'eu-west-1']);
    expect(stack.contract.backup.secondaryRegion).toBe('eu-central-1');
  });
});

describe('BackupBucket validation', () => {
  const base: BackupBucketProps = { name: 'test', accountId: '111111111111', region: 'eu-west-1', retentionDays: 7 };
  const build = (props: Partial<BackupBucketProps>) => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    return new BackupBucket(stack, 'backups', { ...base, ...props, ...(props.replica ? { replica: { ...props.replica, provider } } : {}) });
  };

  it('rejects an immutability window that is not a whole number of days', () => {
    expect(() => build({ immutabilityDays: 1.5 })).toThrow('backup bucket test: immutabilityDays must be a whole number of days between 0 and 3650, got 1.5');
  });

  it('rejects a retention of zero days', () => {
    expect(() => build({ retentionDays: 0 })).toThrow('backup bucket test: retentionDays must be a whole number of days between 1 and 3650, got 0');
  });

  it("rejects a replica in the bucket's own region", () => {
    expect(() => build({ replica: { region: 'eu-west-1' } as BackupBucketProps['replica'] })).toThrow(
      'backup bucket test: replica.region must be a second region, not the bucket\'s own "eu-west-1"',
    );
  });

  it('rejects a name too long for the replica log bucket', () => {
    expect(() => build({ name: 'a-very-long-cluster-name-for-a-bucket' })).toThrow(
      'backup bucket a-very-long-cluster-name-for-a-bucket: "a-very-long-cluster-name-for-a-bucket-velero-111111111111" must be a lowercase S3 bucket name of at most 52 characters',
    );
  });
});
