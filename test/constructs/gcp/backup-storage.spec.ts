import { TerraformStack, Testing } from 'cdktf';
import { gcpDev, gcpProd } from '../../helpers/environments';
import type { GcpEnvironmentConfig } from '../../../src/config/schema';
import { BackupBucket, type BackupBucketProps } from '../../../src/constructs/gcp/backup-storage';
import { GcpPlatformStack } from '../../../src/stacks/gcp-platform-stack';
import { type Json, synthStack } from '../../helpers/terraform-json';

const platform = (config: GcpEnvironmentConfig) =>
  synthStack((app) => new GcpPlatformStack(app, `gcp-${config.name}-platform`, { config }), { stackTraces: false });

/** The resource of `type` at construct path `platform/<path>` (logical ids join the path with `_`, then a hash). */
function at(json: Json, type: string, path: string): Json {
  const id = `platform_${path.replace(/\//g, '_')}_`;
  const found = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([key]) => key.startsWith(id) && /^[0-9A-F]{8}$/.test(key.slice(id.length)));
  if (found.length !== 1) throw new Error(`expected one ${type} at platform/${path}, found ${found.length}`);
  return found[0][1];
}

describe('Velero backup bucket, dev tier (gcp-dev-platform)', () => {
  let json: Json;
  let stack: GcpPlatformStack;
  beforeAll(() => {
    ({ json, stack } = platform(gcpDev));
  });

  it('is a regional, versioned CMEK bucket with uniform access and public access prevention', () => {
    const bucket = at(json, 'google_storage_bucket', 'backup-storage/bucket');
    expect(bucket).toMatchObject({ location: 'EUROPE-WEST2', uniform_bucket_level_access: true, public_access_prevention: 'enforced', versioning: { enabled: true }, force_destroy: false, lifecycle: { prevent_destroy: true } });
    expect(bucket.encryption.default_kms_key_name).toContain('google_kms_crypto_key');
    expect(bucket.retention_policy).toBeUndefined();
    expect(bucket.custom_placement_config).toBeUndefined();
  });

  it('grants Velero object rights on this bucket only and lets only velero/velero act as it', () => {
    expect(at(json, 'google_storage_bucket_iam_member', 'backup-storage/velero-objects').role).toBe('roles/storage.objectAdmin');
    expect(at(json, 'google_service_account_iam_member', 'backup-storage/velero-workload-identity/binding').member).toContain('[velero/velero]');
    expect(stack.contract.backup.identity.serviceAccountAnnotations['iam.gke.io/gcp-service-account']).toBeDefined();
  });
});

describe('Velero backup bucket, prod tier (gcp-prod-platform)', () => {
  let json: Json;
  beforeAll(() => {
    ({ json } = platform(gcpProd));
  });

  it('is a dual-region (europe-west2 + europe-west1) bucket with turbo replication, keyed in the europe multi-region', () => {
    const bucket = at(json, 'google_storage_bucket', 'backup-storage/bucket');
    expect(bucket.location).toBe('EU');
    expect(bucket.custom_placement_config).toEqual({ data_locations: ['EUROPE-WEST2', 'EUROPE-WEST1'] });
    expect(bucket.rpo).toBe('ASYNC_TURBO');
    expect(at(json, 'google_kms_key_ring', 'backup-storage/key-ring' /* cdktf drops the repeated "ring" */).location).toBe('europe');
  });

  it('is write-once under a locked 7-day retention policy (and therefore not versioned)', () => {
    const bucket = at(json, 'google_storage_bucket', 'backup-storage/bucket');
    expect(bucket.retention_policy).toEqual({ retention_period: 604_800, is_locked: true });
    expect(bucket.versioning).toEqual({ enabled: false });
  });
});

describe('BackupBucket validation', () => {
  const base: BackupBucketProps = {
    name: 'test',
    project: 'test-project-01',
    region: 'europe-west2',
    retentionDays: 7,
    workloadPool: 'test-project-01.svc.id.goog',
    serviceAccount: { namespace: 'velero', name: 'velero' },
    cluster: { fqn: 'google_container_cluster.c' },
  };
  const build = (props: Partial<BackupBucketProps>) => new BackupBucket(new TerraformStack(Testing.app(), 'test'), 'backups', { ...base, ...props });

  it('rejects a second region outside the multi-region of the first', () => {
    expect(() => build({ secondaryRegion: 'us-east1' })).toThrow(
      'backup bucket test: secondaryRegion must be another region of the same multi-region as "europe-west2" (europe-*, us-* or asia-*), got "us-east1"',
    );
  });

  it('rejects a second region equal to the first', () => {
    expect(() => build({ secondaryRegion: 'europe-west2' })).toThrow('got "europe-west2"');
  });

  it('rejects a fractional retention', () => {
    expect(() => build({ retentionDays: 2.5 })).toThrow('backup bucket test: retentionDays must be a whole number of days between 1 and 3650, got 2.5');
  });
});
