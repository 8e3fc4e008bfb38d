/**
 * The plan bundle: what the plan job writes and the deploy job applies, so that
 * what is applied is exactly the plan that was reviewed (scripts/bundle.ts is the
 * command line; docs: the deploy runbook).
 *
 * A bundle is a flat folder: the synthesized cdk.tf.json, the .terraform.lock.hcl
 * that `terraform init` wrote at plan time, the stack's assets/ (local Helm charts
 * the plan references by relative path), the saved plan (plan.tfplan) with its JSON
 * and text renderings, the stack's compliance reports, summary.json and
 * manifest.json, which holds the sha256 of every other file. The manifest itself is
 * pinned from outside: its sha256 is printed by `plan` and in the job summary and
 * passed to the deploy job (`--manifest-sha256`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { isObject } from './baseline-stack';

export const MANIFEST_FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const SUMMARY_FILE = 'summary.json';
export const PLAN_FILE = 'plan.tfplan';
export const LOCK_FILE = '.terraform.lock.hcl';
/** A week: a reviewed plan older than this has most likely been overtaken by other changes. */
export const DEFAULT_MAX_AGE_HOURS = 168;
/** Tolerated clock skew between the plan runner and the deploy runner. */
const FUTURE_SKEW_MS = 5 * 60 * 1000;

/** Files every bundle holds; a manifest that lists fewer is not a bundle. */
export const REQUIRED_FILES = [
  'cdk.tf.json',
  // required_version beside cdk.tf.json (src/stacks/common.ts, TERRAFORM_VERSIONS_FILE).
  'versions.tf.json',
  LOCK_FILE,
  PLAN_FILE,
  'plan.json',
  'plan.txt',
  'compliance-report.json',
  'compliance-report.md',
  SUMMARY_FILE,
] as const;

export type ComplianceStatus = 'compliant' | 'suppressed' | 'non-compliant';

export interface ChangeCounts {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly replace: number;
}

export interface BundleSummary extends ChangeCounts {
  readonly stack: string;
  readonly commit: string;
  readonly complianceStatus: ComplianceStatus;
  readonly terraformVersion: string;
  readonly createdAt: string;
}

export interface Manifest {
  readonly formatVersion: number;
  readonly stack: string;
  readonly commit: string;
  readonly createdAt: string;
  readonly terraformVersion: string;
  /** Relative POSIX path -> lowercase hex sha256. */
  readonly files: Readonly<Record<string, string>>;
}

/** Where the command writes: the CLI passes stdout/stderr, the spec collects. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_DID_NOT_RUN = 2;

/** A problem the user must fix: exit 1, one line each. */
export class BundleProblem extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

/** Nothing was checked or applied (terraform missing, bad arguments): exit 2. */
export class DidNotRun extends Error {}

// ---------------------------------------------------------------------------------------------
// pure parts


export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Counts resource changes from `terraform show -json` the way reviewers read them:
 * a replacement is its own column (not one add plus one destroy, as Terraform's
 * "Plan:" line counts it); no-op and read are not changes. An action list this
 * code does not know fails rather than being left out of the review numbers.
 */
export function countChanges(planJson: unknown): ChangeCounts {
  if (!isObject(planJson)) throw new BundleProblem(['plan.json: not a JSON object']);
  const changes = planJson.resource_changes ?? [];
  if (!Array.isArray(changes)) throw new BundleProblem(['plan.json: resource_changes is not a list']);
  const counts = { add: 0, change: 0, destroy: 0, replace: 0 };
  const unknown: string[] = [];
  for (const rc of changes) {
    const actions: unknown = isObject(rc) && isObject(rc.change) ? rc.change.actions : undefined;
    const address = isObject(rc) && typeof rc.address === 'string' ? rc.address : '?';
    const key = Array.isArray(actions) ? actions.join(',') : String(actions);
    switch (key) {
      case 'create':
        counts.add += 1;
        break;
      case 'update':
        counts.change += 1;
        break;
      case 'delete':
        counts.destroy += 1;
        break;
      case 'delete,create':
      case 'create,delete':
        counts.replace += 1;
        break;
      case 'no-op':
      case 'read':
        break;
      default:
        unknown.push(`plan.json: ${address}: unrecognised actions [${key}]; the bundle tool cannot count this change`);
    }
  }
  if (unknown.length > 0) throw new BundleProblem(unknown);
  return counts;
}

/** Every provider the plan names (resources, data sources, provider blocks). */
export function plannedProviders(planJson: unknown): string[] {
  const found = new Set<string>();
  if (!isObject(planJson)) return [];
  for (const rc of Array.isArray(planJson.resource_changes) ? planJson.resource_changes : []) {
    if (isObject(rc) && typeof rc.provider_name === 'string') found.add(rc.provider_name);
  }
  const config = isObject(planJson.configuration) && isObject(planJson.configuration.provider_config) ? planJson.configuration.provider_config : {};
  for (const p of Object.values(config)) {
    if (isObject(p) && typeof p.full_name === 'string') found.add(p.full_name);
  }
  return [...found].sort();
}

/** The stack's overall result, worst first as in the report: non-compliant > suppressed > compliant. */
export function complianceStatusOf(report: unknown, stack: string, commit: string): ComplianceStatus {
  const where = 'compliance-report.json';
  if (!isObject(report) || !isObject(report.summary) || !isObject(report.project)) {
    throw new BundleProblem([`${where}: not a compliance report (expected stack, project and summary)`]);
  }
  const problems: string[] = [];
  if (report.stack !== stack) problems.push(`${where}: written for stack ${JSON.stringify(report.stack)}, not ${stack}`);
  // The report is audit evidence for the plan: it must describe the commit that is planned.
  if (report.project.commit !== commit) {
    problems.push(`${where}: written for commit ${JSON.stringify(report.project.commit)}, not ${commit}: synthesize and plan the same commit (GIT_COMMIT)`);
  }
  const count = (k: string): number => {
    const v = (report.summary as Record<string, unknown>)[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      problems.push(`${where}: summary.${k} is ${JSON.stringify(v)}, not a count`);
      return 0;
    }
    return v;
  };
  const nonCompliant = count('non-compliant');
  const suppressed = count('suppressed');
  count('compliant');
  if (problems.length > 0) throw new BundleProblem(problems);
  return nonCompliant > 0 ? 'non-compliant' : suppressed > 0 ? 'suppressed' : 'compliant';
}

function validPath(p: string): boolean {
  return p !== '' && !p.startsWith('/') && !p.includes('\\') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Parses manifest.json; every problem is one line. */
export function parseManifest(text: string): Manifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new BundleProblem([`${MANIFEST_FILE}: malformed: not JSON (${(e as Error).message})`]);
  }
  if (!isObject(raw)) throw new BundleProblem([`${MANIFEST_FILE}: malformed: not a JSON object`]);
  const problems: string[] = [];
  if (raw.formatVersion !== MANIFEST_FORMAT_VERSION) problems.push(`${MANIFEST_FILE}: malformed: formatVersion is ${JSON.stringify(raw.formatVersion)}, expected ${MANIFEST_FORMAT_VERSION}`);
  for (const k of ['stack', 'commit', 'createdAt', 'terraformVersion']) {
    if (typeof raw[k] !== 'string' || raw[k] === '') problems.push(`${MANIFEST_FILE}: malformed: ${k} is ${JSON.stringify(raw[k])}, expected a non-empty string`);
  }
  if (typeof raw.createdAt === 'string' && Number.isNaN(Date.parse(raw.createdAt))) problems.push(`${MANIFEST_FILE}: malformed: createdAt ${JSON.stringify(raw.createdAt)} is not a date`);
  if (!isObject(raw.files)) {
    problems.push(`${MANIFEST_FILE}: malformed: files is not an object of path -> sha256`);
  } else {
    for (const [p, h] of Object.entries(raw.files)) {
      if (!validPath(p) || p === MANIFEST_FILE) problems.push(`${MANIFEST_FILE}: malformed: file path ${JSON.stringify(p)} is not a relative path inside the bundle`);
      if (typeof h !== 'string' || !/^[0-9a-f]{64}$/.test(h)) problems.push(`${MANIFEST_FILE}: malformed: ${p}: ${JSON.stringify(h)} is not a sha256`);
    }
    for (const required of REQUIRED_FILES) {
      if (!(required in raw.files)) problems.push(`${MANIFEST_FILE}: malformed: lists no ${required}`);
    }
  }
  if (problems.length > 0) throw new BundleProblem(problems);
  return raw as unknown as Manifest;
}

/** Files under dir as relative POSIX paths; anything but a regular file or folder is a problem. */
function listFiles(dir: string, problems: string[], prefix = ''): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(dir, problems, rel));
    else if (entry.isFile()) files.push(rel);
    else problems.push(`${rel}: not a regular file (a bundle holds files and folders only)`);
  }
  return files.sort();
}

export interface VerifyOptions {
  readonly commit: string;
  readonly stack?: string;
  readonly maxAgeHours: number;
  readonly manifestSha256?: string;
  readonly now?: Date;
}

/** Checks a bundle folder against its manifest and the caller's expectations; returns the manifest. */
export function verifyBundle(dir: string, options: VerifyOptions): Manifest {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BundleProblem([`${dir}: no such bundle folder`]);
  if (!existsSync(manifestPath)) throw new BundleProblem([`${MANIFEST_FILE}: missing`]);
  const manifestBytes = readFileSync(manifestPath);
  const problems: string[] = [];
  const manifestHash = sha256(manifestBytes);
  if (options.manifestSha256 !== undefined && manifestHash !== options.manifestSha256.toLowerCase()) {
    problems.push(`${MANIFEST_FILE}: sha256 ${manifestHash} differs from the pinned ${options.manifestSha256.toLowerCase()} (--manifest-sha256): the manifest is not the one the plan job wrote`);
  }
  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestBytes.toString('utf8'));
  } catch (e) {
    if (e instanceof BundleProblem) throw new BundleProblem([...problems, ...e.problems]);
    throw e;
  }
  if (manifest.commit !== options.commit) problems.push(`commit: bundle was planned at ${manifest.commit}, expected ${options.commit}`);
  if (options.stack !== undefined && manifest.stack !== options.stack) problems.push(`stack: bundle is for ${manifest.stack}, expected ${options.stack}`);
  const now = (options.now ?? new Date()).getTime();
  const ageMs = now - Date.parse(manifest.createdAt);
  if (ageMs > options.maxAgeHours * 3_600_000) {
    problems.push(`age: bundle was planned ${(ageMs / 3_600_000).toFixed(1)} hours ago (${manifest.createdAt}), over the limit of ${options.maxAgeHours} hours (--max-age-hours): plan again`);
  } else if (ageMs < -FUTURE_SKEW_MS) {
    problems.push(`age: bundle createdAt ${manifest.createdAt} is in the future`);
  }

  const present = listFiles(dir, problems).filter((f) => f !== MANIFEST_FILE);
  const listed = new Set(Object.keys(manifest.files));
  for (const f of present) {
    if (!listed.has(f)) problems.push(`${f}: not in the manifest`);
    else if (sha256(readFileSync(join(dir, f))) !== manifest.files[f]) problems.push(`${f}: sha256 differs from the manifest`);
  }
  const presentSet = new Set(present);
  for (const f of [...listed].sort()) {
    if (!presentSet.has(f)) problems.push(`${f}: missing`);
  }
  if (presentSet.has(SUMMARY_FILE) && listed.has(SUMMARY_FILE)) {
    const summary = readJson(join(dir, SUMMARY_FILE), problems);
    if (isObject(summary) && (summary.stack !== manifest.stack || summary.commit !== manifest.commit)) {
      problems.push(`${SUMMARY_FILE}: stack/commit ${String(summary.stack)}/${String(summary.commit)} disagree with the manifest ${manifest.stack}/${manifest.commit}`);
    }
  }
  if (problems.length > 0) throw new BundleProblem(problems);
  return manifest;
}

function readJson(path: string, problems: string[]): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    problems.push(`${basename(path)}: malformed: ${(e as Error).message}`);
    return undefined;
  }
}

/** Markdown cell for a count reviewers must not miss. */
function loud(n: number): string {
  return n > 0 ? `**${n}**` : String(n);
}

/** The job-summary table; a destroy or a replacement (which destroys first or after) is bold. */
export function renderSummaryTable(rows: readonly { readonly summary: BundleSummary; readonly manifestSha256: string }[]): string {
  const lines = [
    '| stack | add | change | replace | destroy | compliance | manifest sha256 |',
    '| --- | ---: | ---: | ---: | ---: | --- | --- |',
    ...rows.map(({ summary: s, manifestSha256 }) =>
      [
        '',
        ` ${s.stack} `,
        ` ${s.add} `,
        ` ${s.change} `,
        ` ${loud(s.replace)} `,
        ` ${loud(s.destroy)} `,
        ` ${s.complianceStatus === 'non-compliant' ? '**non-compliant**' : s.complianceStatus} `,
        ` \`${manifestSha256}\` `,
        '',
      ].join('|'),
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function parseSummary(value: unknown): BundleSummary {
  const problems: string[] = [];
  if (!isObject(value)) throw new BundleProblem([`${SUMMARY_FILE}: not a JSON object`]);
  for (const k of ['stack', 'commit', 'terraformVersion', 'createdAt']) if (typeof value[k] !== 'string') problems.push(`${SUMMARY_FILE}: ${k} is not a string`);
  for (const k of ['add', 'change', 'destroy', 'replace']) if (typeof value[k] !== 'number' || !Number.isInteger(value[k]) || (value[k] as number) < 0) problems.push(`${SUMMARY_FILE}: ${k} is not a count`);
  if (!['compliant', 'suppressed', 'non-compliant'].includes(value.complianceStatus as string)) problems.push(`${SUMMARY_FILE}: complianceStatus ${JSON.stringify(value.complianceStatus)} is not a status`);
  if (problems.length > 0) throw new BundleProblem(problems);
  return value as unknown as BundleSummary;
}

// ---------------------------------------------------------------------------------------------
// terraform

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform; `tee` streams its output to the log as well. A missing binary is DID NOT RUN. */
function terraform(args: readonly string[], cwd: string, io: Io, tee: boolean): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('terraform', args, {
      cwd,
      // Output meant for logs: no "run terraform apply next" hints.
      env: { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out.push(d);
      if (tee) io.out(d.toString('utf8'));
    });
    child.stderr.on('data', (d: Buffer) => {
      err.push(d);
      if (tee) io.err(d.toString('utf8'));
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new DidNotRun('terraform not found on PATH: install the pinned Terraform (hashicorp/setup-terraform) and run again'));
      else reject(e);
    });
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

async function terraformOrFail(args: readonly string[], cwd: string, io: Io, what: string): Promise<RunResult> {
  const result = await terraform(args, cwd, io, true);
  if (result.code !== 0) throw new BundleProblem([`${what}: terraform ${args[0]} failed (exit ${result.code}); its output is above`]);
  return result;
}

async function terraformVersion(io: Io): Promise<string> {
  const result = await terraform(['version', '-json'], tmpdir(), io, false);
  let version: unknown;
  try {
    version = (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version;
  } catch {
    version = undefined;
  }
  if (result.code !== 0 || typeof version !== 'string') throw new DidNotRun(`terraform version -json failed (exit ${result.code}): ${result.stderr.trim()}`);
  return version;
}

// ---------------------------------------------------------------------------------------------
// commands

/** Written when the configuration needs no provider outside Terraform itself, so every bundle has a lock file. */
const BUILTIN_ONLY_LOCK = `# Written by scripts/bundle.ts: this configuration uses only Terraform's built-in
# provider (terraform.io/builtin/terraform), so terraform init locked no provider.
# apply runs terraform init -lockfile=readonly, which then refuses any provider.
`;

export interface PlanOptions {
  readonly stackDir: string;
  readonly out: string;
  readonly commit: string;
  /** A destroy plan (`terraform plan -destroy`): decommissioning, reviewed and applied like any other plan. */
  readonly destroy?: boolean;
  readonly now?: () => Date;
}

export async function planCommand(options: PlanOptions, io: Io): Promise<{ manifestSha256: string; summary: BundleSummary }> {
  const stackDir = resolve(options.stackDir);
  const stack = basename(stackDir);
  const out = resolve(options.out);
  const problems: string[] = [];
  if (!existsSync(join(stackDir, 'cdk.tf.json'))) problems.push(`${stackDir}: no cdk.tf.json (not a synthesized stack folder)`);
  if (!existsSync(join(stackDir, 'versions.tf.json'))) problems.push(`${stackDir}: no versions.tf.json (the stack's required_version; synthesize with npm run synth)`);
  for (const report of ['compliance-report.json', 'compliance-report.md']) {
    if (!existsSync(join(stackDir, report))) problems.push(`${stackDir}: no ${report} (the synth writes it; a bundle carries the compliance evidence)`);
  }
  if (existsSync(out) && readdirSync(out).length > 0) problems.push(`${out}: exists and is not empty (a bundle folder holds the bundle only)`);
  if (problems.length > 0) throw new BundleProblem(problems);
  const report = readJson(join(stackDir, 'compliance-report.json'), problems);
  if (problems.length > 0) throw new BundleProblem(problems);
  const complianceStatus = complianceStatusOf(report, stack, options.commit);

  const version = await terraformVersion(io);
  const work = mkdtempSync(join(tmpdir(), `bundle-plan-${stack}-`));
  try {
    // A copy: cdktf.out stays as synthesized, and nothing left there (.terraform, an old lock) leaks in.
    for (const f of ['cdk.tf.json', 'versions.tf.json']) cpSync(join(stackDir, f), join(work, f));
    const hasAssets = existsSync(join(stackDir, 'assets'));
    if (hasAssets) cpSync(join(stackDir, 'assets'), join(work, 'assets'), { recursive: true, dereference: true });

    io.out(`${stack}: terraform init (the lock file is created here and carried in the bundle)\n`);
    await terraformOrFail(['init', '-input=false', '-no-color'], work, io, stack);
    io.out(`${stack}: terraform plan\n`);
    // -lock=false: the plan identities are read-only, including the state lock (on Azure a lock is a
    // blob lease, which RBAC grants only with blob write). An unlocked plan may be overtaken by another
    // apply, but it is never applied stale: Terraform refuses a saved plan whose state changed.
    await terraformOrFail(['plan', '-input=false', '-lock=false', '-no-color', ...(options.destroy ? ['-destroy'] : []), `-out=${PLAN_FILE}`], work, io, stack);
    const showJson = await terraform(['show', '-json', PLAN_FILE], work, io, false);
    if (showJson.code !== 0) throw new BundleProblem([`${stack}: terraform show -json failed (exit ${showJson.code}): ${showJson.stderr.trim()}`]);
    const showText = await terraform(['show', '-no-color', PLAN_FILE], work, io, false);
    if (showText.code !== 0) throw new BundleProblem([`${stack}: terraform show failed (exit ${showText.code}): ${showText.stderr.trim()}`]);
    const planJson: unknown = JSON.parse(showJson.stdout);
    const counts = countChanges(planJson);
    const plannedVersion = isObject(planJson) && typeof planJson.terraform_version === 'string' ? planJson.terraform_version : version;

    if (!existsSync(join(work, LOCK_FILE))) {
      const providers = plannedProviders(planJson).filter((p) => !p.startsWith('terraform.io/builtin/'));
      if (providers.length > 0) throw new BundleProblem([`${stack}: terraform init wrote no ${LOCK_FILE} although the plan uses ${providers.join(', ')}`]);
      writeFileSync(join(work, LOCK_FILE), BUILTIN_ONLY_LOCK);
    }

    const createdAt = (options.now ?? (() => new Date()))().toISOString();
    const summary: BundleSummary = { stack, commit: options.commit, ...counts, complianceStatus, terraformVersion: plannedVersion, createdAt };

    mkdirSync(out, { recursive: true });
    for (const f of ['cdk.tf.json', 'versions.tf.json', LOCK_FILE, PLAN_FILE]) cpSync(join(work, f), join(out, f));
    if (hasAssets) cpSync(join(work, 'assets'), join(out, 'assets'), { recursive: true });
    writeFileSync(join(out, 'plan.json'), showJson.stdout);
    writeFileSync(join(out, 'plan.txt'), showText.stdout);
    for (const f of ['compliance-report.json', 'compliance-report.md']) cpSync(join(stackDir, f), join(out, f));
    writeFileSync(join(out, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);

    // Hash what is on disk, so the manifest covers exactly the folder the artifact uploads.
    const listProblems: string[] = [];
    const files: Record<string, string> = {};
    for (const f of listFiles(out, listProblems)) files[f] = sha256(readFileSync(join(out, f)));
    if (listProblems.length > 0) throw new BundleProblem(listProblems);
    const manifest: Manifest = { formatVersion: MANIFEST_FORMAT_VERSION, stack, commit: options.commit, createdAt, terraformVersion: plannedVersion, files };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    writeFileSync(join(out, MANIFEST_FILE), manifestText);
    const manifestSha256 = sha256(manifestText);
    io.out(
      `${stack}: bundle written to ${out}: ${counts.add} to add, ${counts.change} to change, ${counts.replace} to replace, ${counts.destroy} to destroy; compliance ${complianceStatus}\n` +
        `${stack}: manifest sha256 ${manifestSha256}\n`,
    );
    return { manifestSha256, summary };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function applyCommand(bundle: string, options: VerifyOptions, io: Io): Promise<void> {
  if (!existsSync(bundle) || !statSync(bundle).isDirectory()) throw new BundleProblem([`${bundle}: no such bundle folder`]);
  const work = mkdtempSync(join(tmpdir(), 'bundle-apply-'));
  let keep = false;
  try {
    // Verify the copy that is applied, not the folder it came from: nothing can change in between.
    cpSync(resolve(bundle), work, { recursive: true, verbatimSymlinks: true });
    const manifest = verifyBundle(work, options);
    const stack = manifest.stack;
    io.out(`${stack}: bundle verified (commit ${manifest.commit}, manifest sha256 ${sha256(readFileSync(join(work, MANIFEST_FILE)))})\n`);
    const version = await terraformVersion(io);
    if (version !== manifest.terraformVersion) {
      throw new BundleProblem([`${stack}: bundle was planned with Terraform ${manifest.terraformVersion}, this runner has ${version}: pin the same version in the plan and deploy jobs`]);
    }
    io.out(`${stack}: terraform init -lockfile=readonly (providers exactly as locked at plan time)\n`);
    await terraformOrFail(['init', '-input=false', '-lockfile=readonly', '-no-color'], work, io, stack);
    io.out(`${stack}: terraform apply ${PLAN_FILE} (the reviewed saved plan)\n`);
    const result = await terraform(['apply', '-input=false', '-lock-timeout=5m', '-no-color', PLAN_FILE], work, io, true);
    if (result.code !== 0) {
      const stale = /Saved plan is stale/.test(result.stderr + result.stdout);
      const errored = existsSync(join(work, 'errored.tfstate'));
      // A failed apply may have changed resources or left state it could not save: keep the folder.
      keep = !stale || errored;
      throw new BundleProblem([
        stale
          ? `${stack}: terraform refused the saved plan as stale (Saved plan is stale: the state changed after the plan was made); nothing was applied: plan again and review the new plan`
          : `${stack}: terraform apply failed (exit ${result.code}); its output is above; working folder kept at ${work}`,
        ...(errored ? [`${stack}: terraform could not save the state: it is in ${join(work, 'errored.tfstate')}; push it (terraform state push) before anything else`] : []),
      ]);
    }
    io.out(`${stack}: applied the reviewed plan of commit ${manifest.commit}\n`);
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The compliance gate on a plan: the bundle must be intact (every file as its manifest says, for the
 * commit it names), and its compliance report must have no non-compliant control. Each failed rule
 * is printed with its resource, severity and fix. Suppressed findings (with their reason in the
 * report) pass, and are counted.
 */
export function gateCommand(dir: string, io: Io): number {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new BundleProblem([`${dir}: no ${MANIFEST_FILE}`]);
  const manifest = parseManifest(readFileSync(manifestPath, 'utf8'));
  verifyBundle(dir, { commit: manifest.commit, stack: manifest.stack, maxAgeHours: DEFAULT_MAX_AGE_HOURS });
  const readProblems: string[] = [];
  const report = readJson(join(dir, 'compliance-report.json'), readProblems);
  if (readProblems.length > 0) throw new BundleProblem(readProblems);
  const status = complianceStatusOf(report, manifest.stack, manifest.commit);
  const failed: string[] = [];
  const controls = isObject(report) && Array.isArray(report.controls) ? report.controls : [];
  for (const control of controls) {
    if (!isObject(control) || !Array.isArray(control.rules)) continue;
    for (const rule of control.rules) {
      if (!isObject(rule) || !Array.isArray(rule.resources)) continue;
      for (const resource of rule.resources) {
        if (isObject(resource) && resource.status === 'non-compliant') {
          failed.push(`${manifest.stack}: ${String(control.control)} ${String(rule.id)} (${String(rule.severity)}): ${String(resource.address)}: ${String(rule.fix)}`);
        }
      }
    }
  }
  if (status === 'non-compliant' || failed.length > 0) {
    throw new BundleProblem([...failed, `${manifest.stack}: compliance gate FAILED: ${Math.max(failed.length, 1)} non-compliant finding(s); fix them or suppress each with its reason`]);
  }
  io.out(`${manifest.stack}: compliance gate passed (${status})\n`);
  return EXIT_OK;
}

export function summaryCommand(bundles: readonly string[], io: Io): number {
  const rows: { summary: BundleSummary; manifestSha256: string }[] = [];
  const problems: string[] = [];
  for (const dir of bundles) {
    try {
      const summaryPath = join(dir, SUMMARY_FILE);
      const manifestPath = join(dir, MANIFEST_FILE);
      if (!existsSync(summaryPath) || !existsSync(manifestPath)) throw new BundleProblem([`no ${SUMMARY_FILE} or ${MANIFEST_FILE}`]);
      const readProblems: string[] = [];
      const raw = readJson(summaryPath, readProblems);
      if (readProblems.length > 0) throw new BundleProblem(readProblems);
      const summary = parseSummary(raw);
      rows.push({ summary, manifestSha256: sha256(readFileSync(manifestPath)) });
    } catch (e) {
      if (!(e instanceof BundleProblem)) throw e;
      problems.push(...e.problems.map((p) => `${dir}: ${p}`));
    }
  }
  if (rows.length > 0) io.out(renderSummaryTable(rows));
  for (const p of problems) io.err(`${p}\n`);
  return problems.length > 0 ? EXIT_PROBLEM : EXIT_OK;
}

// ---------------------------------------------------------------------------------------------
// command line

export const USAGE = `usage:
  bundle plan    --stack-dir <cdktf.out/stacks/NAME> --out <bundle dir> --commit <sha> [--destroy]
  bundle verify  --bundle <dir> --commit <sha> [--stack <name>] [--max-age-hours N] [--manifest-sha256 <hex>]
  bundle apply   --bundle <dir> --commit <sha> [--stack <name>] [--max-age-hours N] [--manifest-sha256 <hex>]
  bundle gate    --bundle <dir>           (intact bundle, no non-compliant control in its report)
  bundle summary <bundle dir>...
exit: 0 ok; 1 a problem (one line each); 2 did not run (terraform missing, bad arguments)`;

function parseFlags(args: readonly string[], allowed: readonly string[], required: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    const value = args[i + 1];
    if (!name.startsWith('--') || !allowed.includes(name.slice(2))) throw new DidNotRun(`unknown argument ${name}\n${USAGE}`);
    if (value === undefined || value === '' || value.startsWith('--')) throw new DidNotRun(`${name} needs a value\n${USAGE}`);
    flags[name.slice(2)] = value;
  }
  for (const r of required) if (!(r in flags)) throw new DidNotRun(`--${r} is required\n${USAGE}`);
  if ('commit' in flags && !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(flags.commit)) throw new DidNotRun(`--commit ${flags.commit}: expected a full lowercase git commit hash`);
  if ('manifest-sha256' in flags && !/^[0-9a-fA-F]{64}$/.test(flags['manifest-sha256'])) throw new DidNotRun(`--manifest-sha256 ${flags['manifest-sha256']}: expected 64 hex digits`);
  if ('max-age-hours' in flags && !(Number(flags['max-age-hours']) >= 0)) throw new DidNotRun(`--max-age-hours ${flags['max-age-hours']}: expected a number of hours >= 0`);
  return flags;
}

function verifyOptions(flags: Record<string, string>): VerifyOptions {
  return {
    commit: flags.commit,
    ...(flags.stack !== undefined ? { stack: flags.stack } : {}),
    maxAgeHours: flags['max-age-hours'] !== undefined ? Number(flags['max-age-hours']) : DEFAULT_MAX_AGE_HOURS,
    ...(flags['manifest-sha256'] !== undefined ? { manifestSha256: flags['manifest-sha256'] } : {}),
  };
}

const VERIFY_FLAGS = ['bundle', 'commit', 'stack', 'max-age-hours', 'manifest-sha256'];

/** The command line: returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'plan': {
        const destroy = args.includes('--destroy');
        const flags = parseFlags(
          args.filter((a) => a !== '--destroy'),
          ['stack-dir', 'out', 'commit'],
          ['stack-dir', 'out', 'commit'],
        );
        await planCommand({ stackDir: flags['stack-dir'], out: flags.out, commit: flags.commit, destroy }, io);
        return EXIT_OK;
      }
      case 'verify': {
        const flags = parseFlags(args, VERIFY_FLAGS, ['bundle', 'commit']);
        const options = verifyOptions(flags);
        const manifest = verifyBundle(flags.bundle, options);
        io.out(`${manifest.stack}: bundle verified (commit ${manifest.commit}, ${Object.keys(manifest.files).length} files)\n`);
        if (options.manifestSha256 === undefined) io.err(`note: the manifest is not pinned (--manifest-sha256): a rewritten manifest would pass\n`);
        return EXIT_OK;
      }
      case 'apply': {
        const flags = parseFlags(args, VERIFY_FLAGS, ['bundle', 'commit']);
        const options = verifyOptions(flags);
        if (options.manifestSha256 === undefined) io.err(`note: the manifest is not pinned (--manifest-sha256): a rewritten manifest would pass\n`);
        await applyCommand(flags.bundle, options, io);
        return EXIT_OK;
      }
      case 'gate': {
        const flags = parseFlags(args, ['bundle'], ['bundle']);
        return gateCommand(flags.bundle, io);
      }
      case 'summary':
        if (args.length === 0) throw new DidNotRun(`summary needs at least one bundle folder\n${USAGE}`);
        return summaryCommand(args, io);
      default:
        throw new DidNotRun(`${command === undefined ? 'no command' : `unknown command ${command}`}\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof BundleProblem) {
      for (const p of e.problems) io.err(`${p}\n`);
      return EXIT_PROBLEM;
    }
    if (e instanceof DidNotRun) {
      io.err(`DID NOT RUN: ${e.message}\n`);
      return EXIT_DID_NOT_RUN;
    }
    throw e;
  }
}
