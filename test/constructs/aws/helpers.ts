/** Shared helpers for the AWS construct specs (not a spec itself). */
import type { KeyRef } from '../../../src/constructs/aws/kms';
import type { Json } from '../../helpers/terraform-json';

export { type Json, only, resources, synth } from '../../helpers/terraform-json';

export const TEST_KEY: KeyRef = { keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/test', keyId: 'test' };

/** Parses an IAM policy document rendered by `policyDocument`. */
export function statementsOf(policy: string): Json[] {
  return (JSON.parse(policy) as Json).Statement as Json[];
}
