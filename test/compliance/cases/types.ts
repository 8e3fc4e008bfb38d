import type { ResourceRule, StackResource, StackRule, TfAttributes } from '../../../src/compliance/types';

/** A resource rule against compliant and non-compliant synthesized attributes (snake_case, as Terraform sees them). */
export interface ResourceCase {
  readonly rule: ResourceRule;
  /** Resource type evaluated; defaults to the rule's first type. */
  readonly type?: string;
  readonly compliant: readonly TfAttributes[];
  readonly nonCompliant: readonly TfAttributes[];
  readonly notApplicable?: readonly TfAttributes[];
}

/** A stack rule against compliant and non-compliant sets of stack resources. */
export interface StackCase {
  readonly rule: StackRule;
  readonly compliant: readonly (readonly StackResource[])[];
  readonly nonCompliant: readonly (readonly StackResource[])[];
  readonly notApplicable?: readonly (readonly StackResource[])[];
}

export function res(type: string, name: string, attrs: TfAttributes = {}): StackResource {
  return { type, name, path: `stack/${name}`, attrs };
}

/** `${type.name.attr}` as a resolved cdktf reference appears in synthesized JSON. */
export function ref(type: string, name: string, attr = 'id'): string {
  return `\${${type}.${name}.${attr}}`;
}
