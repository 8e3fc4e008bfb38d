/**
 * The vocabulary of the compliance rule packs (shaped after cdk-nag).
 *
 * A rule is a small pure function of one resource's synthesized Terraform
 * configuration (snake_case attributes, exactly what Terraform receives) that
 * answers compliant / non-compliant / not-applicable. A rule names the
 * controls it implements per pack; a pack (an Aspect) picks the rules that
 * carry one of its controls, so one rule file serves PCI-DSS and CIS alike.
 */

export type Cloud = 'aws' | 'azure' | 'gcp';

export type RuleStatus = 'compliant' | 'non-compliant' | 'not-applicable';

/** error: fails synth unless suppressed with a reason; warning: reported only. */
export type Severity = 'error' | 'warning';

/** The packs this project ships. */
export type PackName = 'pci-dss-4' | 'cis-kubernetes-managed';

/** Synthesized Terraform attributes of one block (snake_case keys, tokens as `${...}`). */
export type TfAttributes = Readonly<Record<string, unknown>>;

/**
 * The controls a rule implements, per pack. A rule without an entry for a
 * pack is not part of that pack.
 *  - `pci-dss-4`: a PCI-DSS v4.0 requirement number, e.g. `1.4.1`.
 *  - `cis-kubernetes-managed`: benchmark and item, e.g. `EKS 5.4.2`, `AKS 5.3.1`, `GKE 5.6.4`.
 */
export type RuleControls = Readonly<Partial<Record<PackName, string>>>;

interface RuleBase {
  /** Stable, kebab-case, prefixed by the service (`eks-private-endpoint`). Part of every rule id. */
  readonly name: string;
  readonly cloud: Cloud;
  readonly severity: Severity;
  readonly controls: RuleControls;
  /** What the rule requires and why (the threat), in one or two sentences. */
  readonly explanation: string;
  /** How to fix a non-compliant resource, in the project's terms. */
  readonly fix: string;
}

/** Evaluated once for every resource of one of `resourceTypes`. */
export interface ResourceRule extends RuleBase {
  readonly scope: 'resource';
  /**
   * Terraform resource types, or `backend:<type>` for the stack's backend
   * (`backend:s3`, `backend:azurerm`, `backend:gcs`).
   */
  readonly resourceTypes: readonly string[];
  readonly evaluate: (attrs: TfAttributes, resourceType: string) => RuleStatus;
}

/** One resource of a stack as a stack-scope rule sees it. */
export interface StackResource {
  readonly type: string;
  /** Terraform name (the `<name>` in `<type>.<name>`). */
  readonly name: string;
  readonly path: string;
  readonly attrs: TfAttributes;
}

/**
 * Evaluated once per stack after every resource was visited: existence
 * checks across a stack (a WAF with logging exists, each VPC has a flow log).
 */
export interface StackRule extends RuleBase {
  readonly scope: 'stack';
  /** Returns the status and the resources that satisfy (or, when non-compliant, that lack) the control. */
  readonly evaluate: (resources: readonly StackResource[]) => StackRuleResult;
}

export interface StackRuleResult {
  readonly status: RuleStatus;
  /** Construct paths of the resources the verdict is about. Empty: the stack itself. */
  readonly resources?: readonly string[];
}

export type Rule = ResourceRule | StackRule;

/** The outcome recorded for one rule and one resource (or stack). */
export type FindingStatus = 'compliant' | 'non-compliant' | 'suppressed';

export interface Finding {
  readonly pack: PackName;
  /** Stable rule id, e.g. `PCI-DSS-4-1.4.1-eks-private-endpoint`, `CIS-EKS-5.4.2-eks-private-endpoint`. */
  readonly ruleId: string;
  readonly ruleName: string;
  readonly control: string;
  readonly severity: Severity;
  readonly status: FindingStatus;
  readonly stack: string;
  /** Construct path of the resource, or of the stack for stack-scope rules. */
  readonly path: string;
  /** `<type>.<name>` in the synthesized configuration, where there is one. */
  readonly address?: string;
  /** For stack-scope rules: the resources that satisfy (or lack) the control. */
  readonly resources?: readonly string[];
  readonly explanation: string;
  readonly fix: string;
  /** The reason of the suppression that turned a violation into `suppressed`. */
  readonly suppressionReason?: string;
}
