/**
 * The cdktf app: config -> stacks. The only place that reads the process
 * environment. The environments are read from PLATFORM_ENVIRONMENTS_DIR
 * (default ./environments) and the whole fleet is validated before any
 * construct is created, so invalid input exits non-zero without writing (or
 * touching) cdktf.out.
 *
 * PLATFORM_CLOUDS, PLATFORM_ENVIRONMENTS (names or globs) and PLATFORM_TIERS
 * (comma-separated) narrow the synthesized set, e.g. PLATFORM_CLOUDS=aws
 * PLATFORM_ENVIRONMENTS='prod-*'. The state bootstrap stack of every backend
 * holding a selected environment's state comes with it, built from every
 * environment that uses that backend.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { buildApp } from './app';
import {
  buildStackReports,
  renderJson,
  renderMarkdown,
  readProjectInfo,
  type CompliancePack,
} from './compliance';
import { ConfigError, DEFAULT_ENVIRONMENTS_DIR, loadFleet, readEnvironmentFiles, selectEnvironments, type EnvironmentConfig, type HcpOrganizationGroup, type StateBackendGroup } from './config';
import { writeTerraformVersions } from './stacks/common';

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Evidence for auditors: cdktf.out/stacks/<stack>/compliance-report.{json,md}. */
function writeComplianceReports(outdir: string, packs: readonly CompliancePack[]): void {
  for (const report of buildStackReports(packs, readProjectInfo())) {
    const dir = join(outdir, 'stacks', report.stack);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'compliance-report.json'), renderJson(report));
    writeFileSync(join(dir, 'compliance-report.md'), renderMarkdown(report));
  }
}

/**
 * cdktf 0.21 captures and formats a full stack trace for every lazy token it
 * creates, only to decorate token-resolution errors. Across 18 stacks that is
 * about a third of synth time and ~80 MB of peak memory (npm run bench). The
 * library is archived and pinned, so its module layout is fixed; set
 * CDKTF_TOKEN_STACK_TRACES=1 to keep the traces when debugging a token error.
 */
function disableTokenStackTraces(): void {
  if (process.env.CDKTF_TOKEN_STACK_TRACES === '1') return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const stackTrace = require('cdktf/lib/tokens/private/stack-trace') as { captureStackTrace: () => string[] };
  stackTrace.captureStackTrace = () => [];
}

function main(): void {
  let configs: EnvironmentConfig[];
  let stateBackends: readonly StateBackendGroup[];
  let hcpOrganizations: readonly HcpOrganizationGroup[];
  try {
    const fleet = loadFleet(readEnvironmentFiles(process.env.PLATFORM_ENVIRONMENTS_DIR || DEFAULT_ENVIRONMENTS_DIR));
    configs = selectEnvironments(fleet.environments, {
      clouds: list(process.env.PLATFORM_CLOUDS),
      environments: list(process.env.PLATFORM_ENVIRONMENTS),
      tiers: list(process.env.PLATFORM_TIERS),
    });
    // The bootstrap stacks trust every environment that shares their backend, selected or not.
    stateBackends = fleet.stateBackends;
    hcpOrganizations = fleet.hcpOrganizations;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n${error.problems.length} configuration problem(s); nothing was synthesized.\n`);
      process.exit(1);
    }
    throw error;
  }
  disableTokenStackTraces();
  const app = new App();
  const { packs } = buildApp(app, configs, { stateBackends, hcpOrganizations });
  try {
    app.synth();
  } catch (error) {
    // Compliance errors surface as validation failures: print them without a stack trace.
    if (error instanceof Error && error.message.includes('Validation failed')) {
      process.stderr.write(`${error.message}\nsynth failed: fix or suppress (with a reason) the findings above.\n`);
      process.exit(1);
    }
    throw error;
  }
  writeComplianceReports(app.outdir, packs);
  writeTerraformVersions(app.outdir);
}

main();
