/**
 * A compliance pack: a cdktf Aspect that evaluates the pack's rules against
 * the synthesized configuration of every resource (and the backend) of a
 * stack, then the stack-scope rules once per stack.
 *
 * - evaluation happens in the stack's validation, which cdktf runs after
 *   every Aspect and before the stack's cdk.tf.json is written; error
 *   findings make `app.synth()` throw there, listing the rule id, control,
 *   Terraform address, resource path, explanation and fix of every error;
 * - warnings become construct warnings (Annotations) and are reported;
 * - suppressed findings are recorded in the resource's (or stack's) `//`
 *   block of the synthesized JSON and in the report.
 *
 * cdktf invokes Aspects per stack (an Aspect on the App is not inherited), so
 * `applyCompliancePacks` adds the packs to every stack.
 */
import {
  Annotations,
  Aspects,
  DefaultTokenResolver,
  StringConcat,
  Tokenization,
  TerraformBackend,
  TerraformResource,
  TerraformStack,
  type IAspect,
  type TerraformElement,
} from 'cdktf';
import type { IConstruct } from 'constructs';
import { ALL_RULES } from './rules';
import { suppressionsFor, type AppliedSuppression } from './suppressions';
import type {
  Finding,
  FindingStatus,
  PackName,
  ResourceRule,
  Rule,
  RuleStatus,
  StackResource,
  StackRule,
  TfAttributes,
} from './types';

export interface PackRule {
  /** Stable id: `PCI-DSS-4-<requirement>-<rule>` or `CIS-<EKS|AKS|GKE>-<item>-<rule>`. */
  readonly id: string;
  /** The control as cited in reports: `PCI-DSS v4.0 1.4.1`, `CIS EKS 5.4.2`. */
  readonly control: string;
  readonly rule: Rule;
}

export interface PackDefinition {
  readonly name: PackName;
  readonly title: string;
  readonly rules: readonly PackRule[];
}

const PACK_TITLES: Record<PackName, string> = {
  'pci-dss-4': 'PCI-DSS v4.0',
  'cis-kubernetes-managed': 'CIS Benchmarks for managed Kubernetes (EKS, AKS, GKE)',
};

/** The rule id of `rule` in pack `pack`, or undefined when the rule is not in the pack. */
export function packRule(pack: PackName, rule: Rule): PackRule | undefined {
  const control = rule.controls[pack];
  if (control === undefined) return undefined;
  if (pack === 'pci-dss-4') {
    return { id: `PCI-DSS-4-${control}-${rule.name}`, control: `PCI-DSS v4.0 ${control}`, rule };
  }
  const [benchmark, item] = control.split(' ');
  return { id: `CIS-${benchmark}-${item}-${rule.name}`, control: `CIS ${benchmark} ${item}`, rule };
}

export function packDefinition(name: PackName, rules: readonly Rule[] = ALL_RULES): PackDefinition {
  return {
    name,
    title: PACK_TITLES[name],
    rules: rules.map((r) => packRule(name, r)).filter((r): r is PackRule => r !== undefined),
  };
}

const TOKEN_RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Resolves tokens exactly as synth does (references become `${type.name.attr}`). */
function resolve(stack: TerraformStack, value: unknown): unknown {
  return Tokenization.resolve(value, { scope: stack, preparing: false, resolver: TOKEN_RESOLVER });
}

/** Synthesized attributes of one resource, resolved once and shared by every pack. */
const resolvedCache = new WeakMap<IConstruct, StackResource>();

function resourceView(stack: TerraformStack, element: TerraformResource): StackResource {
  const cached = resolvedCache.get(element);
  if (cached) return cached;
  // toTerraform() keys the resource by friendlyUniqueId, so the name needs no resolving.
  const name = element.friendlyUniqueId;
  let attrs: TfAttributes | undefined;
  const view: StackResource = {
    type: element.terraformResourceType,
    name,
    path: element.node.path,
    // Resolved on first read: synth resolves every resource again, and most are of types no rule reads.
    get attrs(): TfAttributes {
      if (attrs === undefined) {
        const json = resolve(stack, element.toTerraform()) as { resource?: Record<string, Record<string, TfAttributes>> };
        attrs = json.resource?.[element.terraformResourceType]?.[name] ?? {};
      }
      return attrs;
    },
  };
  resolvedCache.set(element, view);
  return view;
}

function backendView(stack: TerraformStack, backend: TerraformBackend): StackResource | undefined {
  const cached = resolvedCache.get(backend);
  if (cached) return cached;
  const json = resolve(stack, backend.toTerraform()) as { terraform?: { backend?: Record<string, TfAttributes> } };
  const [type, attrs] = Object.entries(json.terraform?.backend ?? {})[0] ?? [];
  if (type === undefined) return undefined;
  // Stack-level overrides of the backend (e.g. use_lockfile) are part of what Terraform sees.
  const overrides = (stack as unknown as { rawOverrides?: { terraform?: { backend?: Record<string, TfAttributes> } } })
    .rawOverrides?.terraform?.backend?.[type];
  const view: StackResource = { type: `backend:${type}`, name: type, path: backend.node.path, attrs: { ...attrs, ...overrides } };
  resolvedCache.set(backend, view);
  return view;
}

/** Suppression notes already written into an element's `//` block, shared by every pack. */
const recorded = new WeakMap<IConstruct, { rule: string; reason: string; declared_at: string }[]>();

function recordSuppression(target: TerraformElement | TerraformStack, ruleId: string, s: AppliedSuppression): void {
  const list = recorded.get(target) ?? [];
  if (list.some((e) => e.rule === ruleId)) return;
  list.push({ rule: ruleId, reason: s.reason, declared_at: s.declaredAt });
  recorded.set(target, list);
  // `//` is Terraform JSON's comment key: ignored by Terraform, kept in cdk.tf.json for auditors.
  target.addOverride('//.compliance_suppressions', [...list]);
}

interface StackState {
  readonly stack: TerraformStack;
  /** Resources and the backend, in visit order; evaluated when the stack is validated. */
  readonly elements: (TerraformResource | TerraformBackend)[];
  readonly findings: Finding[];
  /** Error messages (the stack's validation result). */
  readonly errors: string[];
  finalized: boolean;
}

export class CompliancePack implements IAspect {
  readonly definition: PackDefinition;
  private readonly states = new Map<string, StackState>();
  private readonly visited = new WeakSet<IConstruct>();
  private readonly resourceRules: Map<string, PackRule[]>;
  private readonly stackRules: PackRule[];

  constructor(definition: PackDefinition) {
    this.definition = definition;
    this.resourceRules = new Map();
    for (const pr of definition.rules) {
      if (pr.rule.scope !== 'resource') continue;
      for (const type of pr.rule.resourceTypes) {
        this.resourceRules.set(type, [...(this.resourceRules.get(type) ?? []), pr]);
      }
    }
    this.stackRules = definition.rules.filter((pr) => pr.rule.scope === 'stack');
  }

  get name(): PackName {
    return this.definition.name;
  }

  /**
   * Collects the stack's resources. Evaluation waits for the stack's
   * validation, which cdktf runs after every Aspect (including ones that
   * mutate resources) and before the stack's cdk.tf.json is written.
   */
  visit(node: IConstruct): void {
    if (this.visited.has(node)) return;
    this.visited.add(node);
    if (TerraformStack.isStack(node)) {
      const state = this.state(node);
      node.node.addValidation({ validate: () => this.finalize(state) });
    } else if (TerraformResource.isTerraformResource(node) || TerraformBackend.isBackend(node)) {
      this.state(TerraformStack.of(node)).elements.push(node);
    }
  }

  /** Every finding (stacks not yet evaluated, e.g. synth without validation, are evaluated now). */
  get findings(): Finding[] {
    for (const state of this.states.values()) this.finalize(state);
    return [...this.states.values()].flatMap((s) => s.findings);
  }

  /** Stacks this pack visited, by construct path. */
  get stackNames(): string[] {
    return [...this.states.keys()];
  }

  private state(stack: TerraformStack): StackState {
    let state = this.states.get(stack.node.path);
    if (!state) {
      state = { stack, elements: [], findings: [], errors: [], finalized: false };
      this.states.set(stack.node.path, state);
    }
    return state;
  }

  /** Evaluates the stack once: resource rules, then stack rules. Returns the error messages. */
  private finalize(state: StackState): string[] {
    if (state.finalized) return state.errors;
    state.finalized = true;
    const resources: StackResource[] = [];
    for (const element of state.elements) {
      const view = TerraformResource.isTerraformResource(element)
        ? resourceView(state.stack, element)
        : backendView(state.stack, element as TerraformBackend);
      if (view === undefined) continue;
      if (!view.type.startsWith('backend:')) resources.push(view);
      for (const pr of this.resourceRules.get(view.type) ?? []) {
        const status: RuleStatus = (pr.rule as ResourceRule).evaluate(view.attrs, view.type);
        if (status !== 'not-applicable') this.report(state, this.record(state, pr, status, element, view), element);
      }
    }
    for (const pr of this.stackRules) {
      const result = (pr.rule as StackRule).evaluate(resources);
      if (result.status === 'not-applicable') continue;
      this.report(state, this.record(state, pr, result.status, state.stack, undefined, result.resources), state.stack);
    }
    return state.errors;
  }

  /** Errors fail synth (stack validation); warnings become construct warnings. */
  private report(state: StackState, finding: Finding, target: IConstruct): void {
    if (finding.status !== 'non-compliant') return;
    if (finding.severity === 'error') state.errors.push(message(finding));
    else Annotations.of(target).addWarning(message(finding));
  }

  private record(
    state: StackState,
    pr: PackRule,
    status: Exclude<RuleStatus, 'not-applicable'>,
    target: TerraformElement | TerraformStack,
    view?: StackResource,
    related?: readonly string[],
  ): Finding {
    let findingStatus: FindingStatus = status;
    let suppressionReason: string | undefined;
    if (status === 'non-compliant') {
      const suppression = suppressionsFor(target).reverse().find((s) => s.id === pr.id);
      if (suppression) {
        findingStatus = 'suppressed';
        suppressionReason = `${suppression.reason} (declared at ${suppression.declaredAt})`;
        recordSuppression(target, pr.id, suppression);
      }
    }
    const finding: Finding = {
      pack: this.definition.name,
      ruleId: pr.id,
      ruleName: pr.rule.name,
      control: pr.control,
      severity: pr.rule.severity,
      status: findingStatus,
      stack: state.stack.node.id,
      path: target.node.path,
      ...(view && !view.type.startsWith('backend:') ? { address: `${view.type}.${view.name}` } : {}),
      ...(view?.type.startsWith('backend:') ? { address: `terraform.backend.${view.name}` } : {}),
      ...(related && related.length > 0 ? { resources: [...related] } : {}),
      explanation: pr.rule.explanation,
      fix: pr.rule.fix,
      ...(suppressionReason ? { suppressionReason } : {}),
    };
    state.findings.push(finding);
    return finding;
  }
}

/** One line an engineer can act on: rule, control, resource, why, fix. */
export function message(f: Finding): string {
  const where = f.address ? `${f.address} (${f.path})` : `stack ${f.stack}`;
  return `[${f.ruleId}] ${f.control} ${f.severity === 'error' ? 'violated' : 'not met (warning)'} by ${where}: ${f.explanation} Fix: ${f.fix} (or suppress ${f.ruleId} with a written reason).`;
}

/** The `pci-dss-4` pack: every rule with a PCI-DSS v4.0 requirement. */
export function pciDss4Pack(): CompliancePack {
  return new CompliancePack(packDefinition('pci-dss-4'));
}

/** The `cis-kubernetes-managed` pack: every rule with a CIS EKS / AKS / GKE benchmark item. */
export function cisKubernetesManagedPack(): CompliancePack {
  return new CompliancePack(packDefinition('cis-kubernetes-managed'));
}

/**
 * Adds the packs to every stack under `scope` (call after the stacks exist)
 * and returns them, so the caller can write the reports after synth.
 */
export function applyCompliancePacks(
  scope: IConstruct,
  packs: readonly CompliancePack[] = [pciDss4Pack(), cisKubernetesManagedPack()],
): readonly CompliancePack[] {
  const stacks = scope.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  for (const stack of stacks) for (const pack of packs) Aspects.of(stack).add(pack);
  return packs;
}
