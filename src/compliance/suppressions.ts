/**
 * Suppressions: a written, reviewed exception to one rule for one construct
 * and everything below it. Each names the rule id and a reason of at least one
 * sentence; both are recorded in the synthesized Terraform JSON (`//` comment
 * block of the resource or stack) and listed in the compliance report, so an
 * auditor can read every exception next to what it excuses.
 */
import type { IConstruct } from 'constructs';

export interface Suppression {
  /** The pack rule id, e.g. `PCI-DSS-4-1.4.1-eks-private-endpoint`. */
  readonly id: string;
  /** Why the exception is acceptable and what compensates for it: at least one full sentence. */
  readonly reason: string;
}

/** Construct metadata type under which suppressions are stored. */
export const SUPPRESSIONS_METADATA = 'compliance:suppressions';

const RULE_ID = /^(PCI-DSS-4|CIS-(EKS|AKS|GKE))-[0-9.]+-[a-z0-9-]+$/;
/** A sentence: starts with a letter, at least 20 characters and 4 words, ends with a full stop. */
const MIN_REASON_CHARS = 20;
const MIN_REASON_WORDS = 4;

/** Throws unless `reason` is at least one sentence (see `MIN_REASON_*`, ends with `.`, `!` or `?`). */
export function validateSuppression(path: string, suppression: Suppression): void {
  const id = typeof suppression.id === 'string' ? suppression.id.trim() : '';
  if (!RULE_ID.test(id)) {
    throw new Error(
      `suppression at ${path}: rule id must look like PCI-DSS-4-<requirement>-<rule> or CIS-<EKS|AKS|GKE>-<item>-<rule>, got "${String(suppression.id)}"`,
    );
  }
  const reason = typeof suppression.reason === 'string' ? suppression.reason.trim() : '';
  const words = reason.split(/\s+/).filter((w) => w.length > 0).length;
  if (reason.length < MIN_REASON_CHARS || words < MIN_REASON_WORDS || !/^[A-Za-z]/.test(reason) || !/[.!?]$/.test(reason)) {
    throw new Error(
      `suppression of ${id} at ${path}: the reason must be at least one sentence (${MIN_REASON_CHARS}+ characters, ${MIN_REASON_WORDS}+ words, ending with a full stop) saying why the exception is acceptable, got "${reason}"`,
    );
  }
}

/**
 * Suppresses rules for `scope` and every construct below it. Rejects (throws)
 * a suppression without a real reason at the point it is declared.
 */
export function suppress(scope: IConstruct, suppressions: readonly Suppression[]): void {
  for (const s of suppressions) {
    validateSuppression(scope.node.path, s);
    scope.node.addMetadata(SUPPRESSIONS_METADATA, { id: s.id.trim(), reason: s.reason.trim() });
  }
}

/** A suppression as it applies to a construct: where it was declared. */
export interface AppliedSuppression extends Suppression {
  readonly declaredAt: string;
}

/** Suppressions declared on `construct` or any of its scopes, nearest last. */
export function suppressionsFor(construct: IConstruct): AppliedSuppression[] {
  const found: AppliedSuppression[] = [];
  for (const scope of construct.node.scopes) {
    for (const entry of scope.node.metadata) {
      if (entry.type !== SUPPRESSIONS_METADATA) continue;
      const data = entry.data as Suppression;
      found.push({ id: data.id, reason: data.reason, declaredAt: scope.node.path });
    }
  }
  return found;
}
