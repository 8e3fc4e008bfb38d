/** Shared helpers for the GCP construct specs (not a spec itself). */
import type { KeyRef } from '../../../src/constructs/gcp/kms';

export { type Json, named, only, resources, synth } from '../../helpers/terraform-json';

export const TEST_KEY: KeyRef = {
  keyId: 'projects/test-project-01/locations/europe-west2/keyRings/test/cryptoKeys/test',
  keyName: 'test',
};
