/**
 * Helpers shared by the construct and stack specs for reading synthesized
 * Terraform JSON (not a spec itself). Cloud-specific fixtures stay in
 * test/constructs/<cloud>/helpers.ts.
 */
import { type App, DefaultTokenResolver, StringConcat, type TerraformStack, Testing, Tokenization } from 'cdktf';
import type { Construct, IConstruct } from 'constructs';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped

/** Synthesizes whatever `build` adds to a fresh stack and returns the Terraform JSON. */
export function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build)) as Json;
}

/** Creates a stack in a fresh test app (with `appOptions`) and returns it with its synthesized Terraform JSON. */
export function synthStack<S extends TerraformStack>(
  create: (app: App) => S,
  appOptions?: Parameters<typeof Testing.app>[0],
): { stack: S; json: Json } {
  const stack = create(Testing.app(appOptions));
  return { stack, json: JSON.parse(Testing.synth(stack)) as Json };
}

/** Renders a token the way it lands in Terraform JSON. */
export function resolve(scope: IConstruct, value: unknown): string {
  return String(Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()), preparing: false }));
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

/** The only resource of a type whose construct id contains `part` (any id when `part` is omitted). */
export function named(json: Json, type: string, part?: string): Json {
  const entries = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([id]) => !part || id.includes(part));
  if (entries.length !== 1) throw new Error(`expected one ${type} matching ${part ?? '*'}, found ${entries.length}`);
  return entries[0][1];
}
