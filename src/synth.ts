/**
 * Synthesizing an app with its evidence: what `src/main.ts` runs, exported so an app of one's own
 * (extra stacks, other environments, rules of its own) gets the same output: every stack's
 * Terraform, the Terraform version constraint beside it, and the compliance reports an auditor
 * receives (cdktf.out/stacks/<stack>/compliance-report.{json,md}).
 *
 * Nothing here reads the process environment or exits: callers decide (src/main.ts does both).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Aspects, TerraformStack } from 'cdktf';
import { buildApp, type PlatformApp } from './app';
import { buildStackReports, readProjectInfo, renderJson, renderMarkdown, type CompliancePack, type ProjectInfo, type StackReport } from './compliance';
import { ConfigError, configErrorReport, DEFAULT_ENVIRONMENTS_DIR, loadFleet, readEnvironmentFiles, selectEnvironments, type Selection } from './config';
import { writeTerraformVersions } from './stacks/common';

/**
 * Writes the evidence reports of every stack the packs evaluated into `<outdir>/stacks/<stack>/`.
 * Returns the reports written.
 */
export function writeComplianceReports(outdir: string, packs: readonly CompliancePack[], project: ProjectInfo = readProjectInfo()): StackReport[] {
  const reports = buildStackReports(packs, project);
  for (const report of reports) {
    const dir = join(outdir, 'stacks', report.stack);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compliance-report.json'), renderJson(report));
    writeFileSync(join(dir, 'compliance-report.md'), renderMarkdown(report));
  }
  return reports;
}

/**
 * cdktf 0.21 captures and formats a full stack trace for every lazy token it creates, only to
 * decorate token-resolution errors: about a third of synth time and ~80 MB of peak memory for the
 * reference fleet. The library is archived and pinned, so its module layout is fixed. Call it before
 * creating constructs; `keep: true` (src/main.ts: CDKTF_TOKEN_STACK_TRACES=1) leaves the traces on.
 */
export function disableTokenStackTraces(keep = false): void {
  if (keep) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}

/**
 * For an app's entry point: prints a configuration error (every problem) or a compliance failure
 * (the findings) without a stack trace and exits 1; anything else is rethrown.
 */
export function exitOnSynthError(error: unknown): never {
  if (error instanceof ConfigError) {
    process.stderr.write(configErrorReport(error));
    process.exit(1);
  }
  // Compliance errors surface as cdktf validation failures.
  if (error instanceof Error && error.message.includes('Validation failed')) {
    process.stderr.write(`${error.message}\nsynth failed: fix or suppress (with a reason) the findings above.\n`);
    process.exit(1);
  }
  throw error;
}

export interface SynthesizeOptions {
  /** The evidence's project facts. @default readProjectInfo(): package.json, the git commit and working-tree state */
  readonly project?: ProjectInfo;
}

/**
 * Synthesizes `app` and writes, per stack, the Terraform version constraint and the compliance
 * reports of `packs` (from `buildApp`, or `applyCompliancePacks(app)` for an app of one's own).
 * Every stack of the app is evaluated by every pack, including stacks added after the packs were
 * applied, so no stack goes without evidence. Throws what `app.synth()` throws: an error finding of
 * a pack fails it ("Validation failed").
 */
export function synthesize(app: App, packs: readonly CompliancePack[], options: SynthesizeOptions = {}): StackReport[] {
  for (const stack of app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c))) {
    const aspects = Aspects.of(stack);
    for (const pack of packs) if (!aspects.all.includes(pack)) aspects.add(pack);
  }
  app.synth();
  writeTerraformVersions(app.outdir);
  return writeComplianceReports(app.outdir, packs, options.project);
}

export interface SynthesizeFleetOptions extends SynthesizeOptions {
  /** The environments directory. @default DEFAULT_ENVIRONMENTS_DIR (./environments) */
  readonly environmentsDir?: string;
  /** Which environments to build; the whole fleet is validated whatever it is. @default everything */
  readonly selection?: Selection;
  /**
   * Creates the app to build into (its outdir is where files go), called only once the fleet is
   * valid: an App creates its outdir when constructed. @default () => new App()
   */
  readonly app?: () => App;
  /** The compliance packs (rules of one's own included). @default - the PCI-DSS and CIS packs */
  readonly packs?: readonly CompliancePack[];
  /** Called with the built app before synthesis: add stacks of one's own, or aspects. */
  readonly extend?: (built: PlatformApp, app: App) => void;
}

/**
 * The whole of `cdktf synth` for a fleet directory: reads and validates the fleet (a ConfigError
 * names every problem, before any construct exists or any file is written), builds the selected
 * environments with their state bootstrap and HCP Terraform stacks, and synthesizes with evidence.
 */
export function synthesizeFleet(options: SynthesizeFleetOptions = {}): { readonly app: App; readonly built: PlatformApp; readonly reports: StackReport[] } {
  const fleet = loadFleet(readEnvironmentFiles(options.environmentsDir ?? DEFAULT_ENVIRONMENTS_DIR));
  const configs = selectEnvironments(fleet.environments, options.selection);
  const app = options.app ? options.app() : new App();
  // Bootstrap and workspaces stacks carry every environment they serve, selected or not.
  const built = buildApp(app, configs, { stateBackends: fleet.stateBackends, hcpOrganizations: fleet.hcpOrganizations, packs: options.packs });
  options.extend?.(built, app);
  const reports = synthesize(app, built.packs, options);
  return { app, built, reports };
}
