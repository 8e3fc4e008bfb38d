/**
 * The evidence report an auditor receives: per stack, every control with the
 * resources that satisfy or violate it, every suppression with its reason, and
 * the project version, the git commit the synth came from and whether the
 * working tree held uncommitted changes. Pure: builds the report model and
 * renders JSON and Markdown; `readProjectInfo` (project-info.ts) gathers the
 * project facts, `main.ts` writes the files to
 * `cdktf.out/stacks/<stack>/compliance-report.{json,md}`.
 */
import type { CompliancePack } from './pack';
import type { Finding, FindingStatus, PackName, Severity } from './types';

/**
 * Whether the synth ran on exactly the recorded commit: `clean` (no
 * uncommitted changes outside the synth output), `dirty` (the evidence does
 * not describe a committed revision) or `unknown` (git unavailable, not a
 * repository): only `clean` evidence is reproducible from the commit.
 */
export type WorkingTreeState = 'clean' | 'dirty' | 'unknown';

export interface ProjectInfo {
  readonly name: string;
  readonly version: string;
  /** Full git commit hash, or `unknown`. */
  readonly commit: string;
  /** The state of the working tree the synth ran in, next to {@link ProjectInfo.commit}. */
  readonly workingTree: WorkingTreeState;
}

export interface ReportResource {
  readonly path: string;
  readonly address?: string;
  readonly status: FindingStatus;
  /** Stack-scope rules: the resources that satisfy (or lack) the control. */
  readonly resources?: readonly string[];
  readonly suppressionReason?: string;
}

export interface ReportRule {
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly explanation: string;
  readonly fix: string;
  readonly resources: readonly ReportResource[];
}

export interface ReportControl {
  readonly pack: PackName;
  readonly control: string;
  /** Worst status over its rules: non-compliant > suppressed > compliant. */
  readonly status: FindingStatus;
  readonly rules: readonly ReportRule[];
}

export interface ReportSuppression {
  readonly ruleId: string;
  readonly control: string;
  readonly path: string;
  readonly address?: string;
  readonly reason: string;
}

export interface StackReport {
  readonly stack: string;
  readonly project: ProjectInfo;
  readonly packs: readonly { readonly name: PackName; readonly title: string; readonly rules: number }[];
  readonly summary: Readonly<Record<FindingStatus, number>>;
  readonly controls: readonly ReportControl[];
  readonly suppressions: readonly ReportSuppression[];
}

const RANK: Record<FindingStatus, number> = { compliant: 0, suppressed: 1, 'non-compliant': 2 };

function worst(statuses: readonly FindingStatus[]): FindingStatus {
  return statuses.reduce<FindingStatus>((w, s) => (RANK[s] > RANK[w] ? s : w), 'compliant');
}

/** Natural order for control ids (`1.4.1` < `10.2.1`). */
function compareControls(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** One report per stack from the findings of every pack. */
export function buildStackReports(packs: readonly CompliancePack[], project: ProjectInfo): StackReport[] {
  const findings = packs.flatMap((p) => p.findings);
  const stacks = [...new Set([...packs.flatMap((p) => p.stackNames.map((n) => n.split('/').pop() ?? n)), ...findings.map((f) => f.stack)])];
  return stacks.sort().map((stack) => buildStackReport(stack, packs, findings.filter((f) => f.stack === stack), project));
}

export function buildStackReport(
  stack: string,
  packs: readonly Pick<CompliancePack, 'definition'>[],
  findings: readonly Finding[],
  project: ProjectInfo,
): StackReport {
  const byControl = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.pack}\u0000${f.control}`;
    byControl.set(key, [...(byControl.get(key) ?? []), f]);
  }
  const controls: ReportControl[] = [...byControl.values()]
    .map((group) => {
      const byRule = new Map<string, Finding[]>();
      for (const f of group) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
      const rules: ReportRule[] = [...byRule.values()].map((rf) => ({
        id: rf[0].ruleId,
        name: rf[0].ruleName,
        severity: rf[0].severity,
        explanation: rf[0].explanation,
        fix: rf[0].fix,
        resources: rf
          .map((f) => ({
            path: f.path,
            ...(f.address ? { address: f.address } : {}),
            status: f.status,
            ...(f.resources ? { resources: f.resources } : {}),
            ...(f.suppressionReason ? { suppressionReason: f.suppressionReason } : {}),
          }))
          .sort((a, b) => a.path.localeCompare(b.path)),
      }));
      rules.sort((a, b) => a.id.localeCompare(b.id));
      return { pack: group[0].pack, control: group[0].control, status: worst(group.map((f) => f.status)), rules };
    })
    .sort((a, b) => a.pack.localeCompare(b.pack) || compareControls(a.control, b.control));

  const summary: Record<FindingStatus, number> = { compliant: 0, 'non-compliant': 0, suppressed: 0 };
  for (const f of findings) summary[f.status] += 1;

  const suppressions: ReportSuppression[] = findings
    .filter((f) => f.status === 'suppressed')
    .map((f) => ({
      ruleId: f.ruleId,
      control: f.control,
      path: f.path,
      ...(f.address ? { address: f.address } : {}),
      reason: f.suppressionReason ?? '',
    }))
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId) || a.path.localeCompare(b.path));

  return {
    stack,
    // Fixed key order in the JSON (workingTree right after commit), whatever object the caller built.
    project: { name: project.name, version: project.version, commit: project.commit, workingTree: project.workingTree },
    packs: packs.map((p) => ({ name: p.definition.name, title: p.definition.title, rules: p.definition.rules.length })),
    summary,
    controls,
    suppressions,
  };
}

export function renderJson(report: StackReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const STATUS_LABEL: Record<FindingStatus, string> = {
  compliant: 'compliant',
  'non-compliant': '**NON-COMPLIANT**',
  suppressed: 'suppressed',
};

/** What the Markdown says about the working tree: anything but `clean` (a missing state, too) is flagged. */
const WORKING_TREE_NOTE: Record<WorkingTreeState, string> = {
  clean: 'working tree: clean',
  dirty: 'working tree: **dirty** — evidence not from a committed revision',
  unknown: 'working tree: **unknown** — not verified that the evidence comes from a committed revision',
};

function workingTreeNote(state: WorkingTreeState | undefined): string {
  return state === 'clean' || state === 'dirty' ? WORKING_TREE_NOTE[state] : WORKING_TREE_NOTE.unknown;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A stack-scope finding: the construct paths it is about, shortened. */
function stackCell(paths: readonly string[]): string {
  if (paths.length === 0) return 'stack';
  const shown = paths.slice(0, 3).map((p) => `\`${p.split('/').slice(1).join('/') || p}\``);
  return `stack: ${shown.join(', ')}${paths.length > 3 ? ` +${paths.length - 3} more` : ''}`;
}

export function renderMarkdown(report: StackReport): string {
  const tree = report.project.workingTree;
  const lines: string[] = [
    `# Compliance report: ${report.stack}`,
    '',
    ...(tree === 'clean'
      ? []
      : [
          `> **Warning:** the working tree was ${tree === 'dirty' ? 'dirty' : 'not verified clean'} at synth time: this evidence may not match commit \`${report.project.commit}\`.`,
          '',
        ]),
    `- Project: ${report.project.name} ${report.project.version}`,
    `- Commit: \`${report.project.commit}\` (${workingTreeNote(tree)})`,
    `- Packs: ${report.packs.map((p) => `${p.name} (${p.title}, ${p.rules} rules)`).join('; ')}`,
    `- Findings: ${report.summary.compliant} compliant, ${report.summary['non-compliant']} non-compliant, ${report.summary.suppressed} suppressed`,
    '',
    '## Controls',
    '',
    '| Control | Status | Rule | Severity | Resource | Result |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of report.controls) {
    for (const r of c.rules) {
      for (const res of r.resources) {
        const what = res.address ? `\`${res.address}\`` : stackCell(res.resources ?? []);
        lines.push(
          `| ${cell(c.control)} | ${STATUS_LABEL[c.status]} | \`${r.id}\` | ${r.severity} | ${cell(what)} | ${STATUS_LABEL[res.status]} |`,
        );
      }
    }
  }
  lines.push('', '## Suppressions', '');
  if (report.suppressions.length === 0) {
    lines.push('None.');
  } else {
    lines.push('| Rule | Control | Resource | Reason |', '| --- | --- | --- | --- |');
    for (const s of report.suppressions) {
      lines.push(`| \`${s.ruleId}\` | ${cell(s.control)} | \`${cell(s.address ?? s.path)}\` | ${cell(s.reason)} |`);
    }
  }
  lines.push('', '## Rules', '');
  const seen = new Set<string>();
  for (const c of report.controls) {
    for (const r of c.rules) {
      if (seen.has(r.id)) continue;
      seen.add(r.id);
      lines.push(`- \`${r.id}\` (${c.control}, ${r.severity}): ${r.explanation} Fix: ${r.fix}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}
