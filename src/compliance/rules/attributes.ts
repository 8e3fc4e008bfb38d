/**
 * Readers for synthesized Terraform attributes. cdktf writes a single nested
 * block either as an object or as a one-element list depending on the
 * provider schema; these helpers accept both, so rules read intent, not shape.
 * Also the two stack-scope checks several rules share (`anyResource`,
 * `everyCovered`), so their verdicts name resources the same way.
 */
import type { StackResource, StackRuleResult, TfAttributes } from '../types';

/** The first (or only) instance of a nested block, if present. */
export function block(attrs: TfAttributes | undefined, key: string): TfAttributes | undefined {
  const value = attrs?.[key];
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return isObject(first) ? first : undefined;
  }
  return isObject(value) ? value : undefined;
}

/** Every instance of a repeated nested block. */
export function blocks(attrs: TfAttributes | undefined, key: string): TfAttributes[] {
  const value = attrs?.[key];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** Terraform accepts `true` and `"true"` for booleans. */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** A non-empty string (a literal or a `${...}` reference). */
export function isSet(value: unknown): boolean {
  return typeof value === 'string' && value.trim().length > 0;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether `value` is (or contains) a reference to the Terraform resource `<type>.<name>`. */
export function references(value: unknown, type: string, name: string): boolean {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return text.includes(`${type}.${name}.`) || text.includes(`${type}.${name}}`);
}

/**
 * A stack with an `anchorType` resource must contain some resource that
 * `satisfies` the control: compliant naming those resources, else
 * non-compliant about the stack itself. Not applicable without the anchor.
 */
export function anyResource(
  resources: readonly StackResource[],
  anchorType: string,
  satisfies: (r: StackResource) => boolean,
): StackRuleResult {
  if (!resources.some((r) => r.type === anchorType)) return { status: 'not-applicable' };
  const found = resources.filter(satisfies);
  return found.length > 0 ? { status: 'compliant', resources: found.map((r) => r.path) } : { status: 'non-compliant' };
}

/**
 * Every `targetType` resource must be referenced from `attribute` of some
 * resource that `covers` it (a flow log's vpc_id, a diagnostic setting's
 * target_resource_id): compliant naming targets and coverers, else
 * non-compliant naming the uncovered targets. Not applicable without targets.
 */
export function everyCovered(
  resources: readonly StackResource[],
  targetType: string,
  covers: (r: StackResource) => boolean,
  attribute: string,
): StackRuleResult {
  const targets = resources.filter((r) => r.type === targetType);
  if (targets.length === 0) return { status: 'not-applicable' };
  const coverers = resources.filter(covers);
  const uncovered = targets.filter((t) => !coverers.some((c) => references(c.attrs[attribute], t.type, t.name)));
  return uncovered.length === 0
    ? { status: 'compliant', resources: [...targets, ...coverers].map((r) => r.path) }
    : { status: 'non-compliant', resources: uncovered.map((r) => r.path) };
}

function isObject(value: unknown): value is TfAttributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
