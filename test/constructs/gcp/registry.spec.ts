import { Lazy } from 'cdktf';
import { gcpDev, gcpProd } from '../../helpers/environments';
import type { GcpEnvironmentConfig } from '../../../src/config/schema';
import { MirrorRepository, type MirrorRepositoryProps, artifactRegistryMirrorLocation } from '../../../src/constructs/gcp/registry';
import { GcpPlatformStack } from '../../../src/stacks/gcp-platform-stack';
import { synthStack } from '../../helpers/terraform-json';
import { type Json, TEST_KEY, named, only, resources, synth } from './helpers';

const NODES = 'serviceAccount:test-nodes@test-project-01.iam.gserviceaccount.com';
const base: MirrorRepositoryProps = {
  imageMirror: 'europe-west2-docker.pkg.dev/test-project-01/platform-mirror',
  project: 'test-project-01',
  region: 'europe-west2',
  encryptionKey: TEST_KEY,
  nodeServiceAccountMember: NODES,
};

describe('MirrorRepository (Artifact Registry) defaults', () => {
  let json: Json;
  let repository: Json;
  beforeAll(() => {
    json = synth((scope) => new MirrorRepository(scope, 'registry', base));
    repository = only(json, 'google_artifact_registry_repository');
  });

  it('is a standard Docker repository named by the mirror path, in the platform project and region', () => {
    expect(repository).toMatchObject({ project: 'test-project-01', location: 'europe-west2', repository_id: 'platform-mirror', format: 'DOCKER', mode: 'STANDARD_REPOSITORY' });
  });

  it('encrypts with the customer-managed Cloud KMS key (CMEK)', () => {
    expect(repository.kms_key_name).toBe(TEST_KEY.keyId);
  });

  it('makes tags immutable', () => {
    expect(repository.docker_config).toEqual({ immutable_tags: true });
  });

  it('keeps every tagged release and deletes untagged versions older than 30 days, for real (no dry run)', () => {
    expect(repository.cleanup_policy_dry_run).toBe(false);
    expect(repository.cleanup_policies).toEqual([
      { id: 'keep-tagged-releases', action: 'KEEP', condition: { tag_state: 'TAGGED' } },
      { id: 'delete-untagged', action: 'DELETE', condition: { tag_state: 'UNTAGGED', older_than: '2592000s' } },
    ]);
  });

  it('grants the reader role to the node service account only, on this repository only', () => {
    const member = only(json, 'google_artifact_registry_repository_iam_member');
    expect(member).toMatchObject({ project: 'test-project-01', location: 'europe-west2', role: 'roles/artifactregistry.reader', member: NODES });
    expect(member.repository).toMatch(/^\$\{google_artifact_registry_repository\.registry_repository_[A-F0-9]+\.name\}$/);
    expect(resources(json, 'google_artifact_registry_repository_iam_binding')).toHaveLength(0);
    expect(resources(json, 'google_artifact_registry_repository_iam_policy')).toHaveLength(0);
  });

  it('takes another untagged retention', () => {
    const custom = only(synth((scope) => new MirrorRepository(scope, 'registry', { ...base, untaggedRetentionDays: 7 })), 'google_artifact_registry_repository');
    expect(custom.cleanup_policies[1].condition.older_than).toBe('604800s');
  });
});

describe('MirrorRepository (Artifact Registry) validation', () => {
  const build = (props: Partial<MirrorRepositoryProps>) => () => synth((scope) => new MirrorRepository(scope, 'registry', { ...base, ...props }));

  it.each(['gcr.io/test-project-01/platform-mirror', 'europe-west2-docker.pkg.dev/test-project-01', 'europe-west2-docker.pkg.dev/Test/platform-mirror'])('rejects the mirror %p', (imageMirror) => {
    expect(build({ imageMirror })).toThrow(`artifact registry: imageMirror must be <region>-docker.pkg.dev/<project>/<repository>, got "${imageMirror}"`);
  });

  it('rejects a mirror in another project', () => {
    expect(build({ imageMirror: 'europe-west2-docker.pkg.dev/other-project-01/platform-mirror' })).toThrow(
      'artifact registry: imageMirror must be in the platform\'s project and region (europe-west2-docker.pkg.dev/test-project-01/<repository>), got "europe-west2-docker.pkg.dev/other-project-01/platform-mirror"',
    );
  });

  it('rejects a mirror in another region (its key could not encrypt it)', () => {
    expect(build({ imageMirror: 'europe-west1-docker.pkg.dev/test-project-01/platform-mirror' })).toThrow("imageMirror must be in the platform's project and region");
  });

  it('rejects a mirror given as a token', () => {
    expect(build({ imageMirror: Lazy.stringValue({ produce: () => base.imageMirror }) })).toThrow(
      'artifact registry: imageMirror must be a literal value (it names the repository), got a token',
    );
  });

  it.each([0, 3651, 1.5])('rejects an untagged retention of %p days', (days) => {
    expect(build({ untaggedRetentionDays: days })).toThrow(`artifact registry platform-mirror: untaggedRetentionDays must be an integer between 1 and 3650, got ${days}`);
  });

  it.each(['allUsers', 'group:everyone@example.com'])('rejects %p as the reader', (member) => {
    expect(build({ nodeServiceAccountMember: member })).toThrow(`artifact registry platform-mirror: nodeServiceAccountMember must be serviceAccount:<email>, got "${member}"`);
  });

  it('parses location, project and repository from the mirror (a deeper path stays inside the repository)', () => {
    expect(artifactRegistryMirrorLocation('europe-west2-docker.pkg.dev/finplat-prod-0001/platform-mirror/baseline')).toEqual({
      location: 'europe-west2',
      project: 'finplat-prod-0001',
      repositoryId: 'platform-mirror',
    });
  });
});

describe.each([
  ['dev', gcpDev],
  ['prod', gcpProd],
])('Artifact Registry mirror of the gcp %s platform', (env, config) => {
  let json: Json;
  let repository: Json;
  beforeAll(() => {
    ({ json } = synthStack((app) => new GcpPlatformStack(app, `gcp-${env}-platform`, { config })));
    repository = only(json, 'google_artifact_registry_repository');
  });

  it('creates the repository the mirror names, immutable and CMEK-encrypted with the registry key', () => {
    expect(`${repository.location}-docker.pkg.dev/${repository.project}/${repository.repository_id}`).toBe(config.platformImageMirror);
    expect(repository.docker_config).toEqual({ immutable_tags: true });
    expect(repository.kms_key_name).toMatch(/^\$\{google_kms_crypto_key\.platform_registry-key_[A-F0-9]+\.id\}$/);
    expect(repository.cleanup_policies.map((p: Json) => [p.id, p.action])).toEqual([
      ['keep-tagged-releases', 'KEEP'],
      ['delete-untagged', 'DELETE'],
    ]);
  });

  it('keeps the registry key in the platform key ring, rotating, HSM-backed and undeletable', () => {
    const key = named(json, 'google_kms_crypto_key', 'registry-key');
    expect(key).toMatchObject({ name: 'artifact-registry', rotation_period: '7776000s', lifecycle: { prevent_destroy: true } });
    expect(key.version_template.protection_level).toBe('HSM');
    expect(key.key_ring).toContain('google_kms_key_ring.platform_key-ring');
  });

  it('lets only the Artifact Registry service agent use the registry key, and creates the repository after that grant', () => {
    const grants = Object.entries(json.resource.google_kms_crypto_key_iam_member as Record<string, Json>).filter(([, g]) => String(g.crypto_key_id).includes('registry-key'));
    expect(grants).toHaveLength(1);
    const [grantId, grant] = grants[0];
    expect(grant).toMatchObject({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter' });
    expect(grant.member).toMatch(/^serviceAccount:service-\$\{data\.google_project\.platform_project_[A-F0-9]+\.number\}@gcp-sa-artifactregistry\.iam\.gserviceaccount\.com$/);
    expect(repository.depends_on).toEqual(expect.arrayContaining([`google_kms_crypto_key_iam_member.${grantId}`, expect.stringContaining('google_project_service.platform_services_artifactregistry')]));
  });

  it('grants image reads to the node service account only, on the mirror repository only', () => {
    const members = resources(json, 'google_artifact_registry_repository_iam_member');
    expect(members).toHaveLength(1);
    expect(members[0]).toMatchObject({ role: 'roles/artifactregistry.reader', member: expect.stringContaining('google_service_account.platform_node-identity') });
    const projectRoles = resources(json, 'google_project_iam_member').map((g) => g.role);
    expect(projectRoles.filter((r) => r.startsWith('roles/artifactregistry.'))).toEqual([]);
  });

  it('rejects a mirror outside the platform project', () => {
    const elsewhere: GcpEnvironmentConfig = { ...config, platformImageMirror: `${config.region}-docker.pkg.dev/other-project-01/platform-mirror` };
    expect(() => synthStack((app) => new GcpPlatformStack(app, 'gcp-x-platform', { config: elsewhere }))).toThrow(
      `artifact registry: imageMirror must be in the platform's project and region (${config.region}-docker.pkg.dev/${config.projectId}/<repository>)`,
    );
  });
});
