/**
 * Readers for synthesized Terraform attributes. cdktf writes a single nested
 * block either as an object or as a one-element list depending on the
 * provider schema; these helpers accept both, so rules read intent, not shape.
 */
import type { TfAttributes } from '../types';

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

function isObject(value: unknown): value is TfAttributes {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
