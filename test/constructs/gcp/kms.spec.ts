import { CryptoKey, KeyRing } from '../../../src/constructs/gcp/kms';
import { type Json, named, only, resources, synth } from './helpers';

describe('KeyRing and CryptoKey defaults', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((scope) => {
      const keyRing = new KeyRing(scope, 'ring', { name: 'test', project: 'test-project-01', location: 'europe-west2' });
      new CryptoKey(scope, 'key', {
        keyRing,
        name: 'gke-secrets',
        grants: [
          { id: 'agent', member: 'serviceAccount:service-1@container-engine-robot.iam.gserviceaccount.com' },
          { id: 'viewer', member: 'serviceAccount:vault@test-project-01.iam.gserviceaccount.com', role: 'roles/cloudkms.viewer' },
        ],
      });
    });
  });

  it('creates the ring in the region and never lets Terraform destroy it', () => {
    const ring = only(json, 'google_kms_key_ring');
    expect(ring).toMatchObject({ name: 'test', location: 'europe-west2', project: 'test-project-01' });
    expect(ring.lifecycle.prevent_destroy).toBe(true);
  });

  it('rotates every 90 days, keeps material in an HSM and prevents destroy', () => {
    const key = only(json, 'google_kms_crypto_key');
    expect(key.rotation_period).toBe('7776000s');
    expect(key.purpose).toBe('ENCRYPT_DECRYPT');
    expect(key.version_template).toEqual({ algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protection_level: 'HSM' });
    expect(key.destroy_scheduled_duration).toBe('2592000s');
    expect(key.lifecycle.prevent_destroy).toBe(true);
  });

  it('grants encrypt/decrypt per key, additively, with explicit roles where asked', () => {
    expect(resources(json, 'google_kms_crypto_key_iam_member')).toHaveLength(2);
    const agent = named(json, 'google_kms_crypto_key_iam_member', 'agent');
    expect(agent.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
    expect(agent.crypto_key_id).toContain('google_kms_crypto_key.key_');
    expect(named(json, 'google_kms_crypto_key_iam_member', 'viewer').role).toBe('roles/cloudkms.viewer');
    expect(resources(json, 'google_kms_key_ring_iam_member')).toHaveLength(0);
  });
});

describe('CryptoKey input checks', () => {
  const build = (extra: Record<string, unknown>) => () =>
    synth((scope) => {
      const keyRing = new KeyRing(scope, 'ring', { name: 'test', project: 'test-project-01', location: 'europe-west2' });
      new CryptoKey(scope, 'key', { keyRing, name: 'k', ...extra });
    });

  it('rejects a rotation period longer than 90 days', () => {
    expect(build({ rotationPeriodSeconds: 31_536_000 })).toThrow('rotationPeriodSeconds must be an integer between 86400 (1 day) and 7776000 (90 days), got 31536000');
  });

  it('rejects a destroy window outside 1-120 days', () => {
    expect(build({ destroyScheduledDays: 0 })).toThrow('destroyScheduledDays must be an integer between 1 and 120, got 0');
  });

  it('rejects a grant member that is not an IAM member', () => {
    expect(build({ grants: [{ id: 'x', member: 'vault@example.com' }] })).toThrow('grant x member must be an IAM member');
  });

  it('rejects a bad key ring name', () => {
    expect(() => synth((scope) => new KeyRing(scope, 'ring', { name: 'Bad_Name', project: 'p', location: 'europe-west2' }))).toThrow(
      'kms key ring name must be 1-63 lowercase letters, digits or hyphens starting with a letter, got "Bad_Name"',
    );
  });
});
