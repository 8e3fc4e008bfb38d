/** Shared helpers for the GCP construct specs (not a spec itself). */
import { Testing } from 'cdktf';
import type { Construct } from 'constructs';
import type { KeyRef } from '../../../src/constructs/gcp/kms';

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

/** The resource of a type whose construct id contains `part`. */
export function named(json: Json, type: string, part: string): Json {
  const entries = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([id]) => id.includes(part));
  if (entries.length !== 1) throw new Error(`expected one ${type} matching ${part}, found ${entries.length}`);
  return entries[0][1];
}

export const TEST_KEY: KeyRef = {
  keyId: 'projects/test-project-01/locations/europe-west2/keyRings/test/cryptoKeys/test',
  keyName: 'test',
};
