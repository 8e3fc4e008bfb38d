/** Shared helpers for the AWS construct specs (not a spec itself). */
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import type { KeyRef } from '../../../src/constructs/aws/kms';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Synthesizes whatever `build` adds to a fresh stack and returns the Terraform JSON. */
export function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build)) as Json;
}

/** All resources of one Terraform type, in declaration order. */
export function resources(json: Json, type: string): Json[] {
  return Object.values((json.resource?.[type] ?? {}) as Record<string, Json>);
}

/** The only resource of a type; fails the test if there are several. */
export function only(json: Json, type: string): Json {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected exactly one ${type}, found ${list.length}`);
  return list[0];
}

export const TEST_KEY: KeyRef = { keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/test', keyId: 'test' };

/** Parses an IAM policy document rendered by `policyDocument`. */
export function statementsOf(policy: string): Json[] {
  return (JSON.parse(policy) as Json).Statement as Json[];
}
