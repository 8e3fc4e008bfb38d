/**
 * Render-and-admit check of the security baseline: does every baseline stack
 * install as synthesized?
 *
 *   npm run synth && npm run verify:baseline
 *   node --import tsx scripts/verify-baseline.ts [--outdir cdktf.out] [--stack aws-prod-baseline ...] [--self-test]
 *
 * For every `<cloud>-<env>-baseline` stack in the cdktf output, every helm_release
 * is rendered with `helm template` from the real upstream chart at its pinned
 * version, with exactly the values the stack synthesizes (cdk.tf.json; the
 * platform stack's remote-state outputs replaced by the stand-ins listed in
 * scripts/lib/baseline-stack.ts), in its namespace, with the environment's
 * Kubernetes version, and with the API versions of the CRDs that the releases it
 * depends on install (what Helm would see on the cluster at that point of the
 * Terraform apply). Then, per stack, it fails on:
 *   render     any render error (a template that breaks on a value);
 *   crd-order  an object whose kind no CRD installed before it serves (Terraform
 *              order: the CRD must come from this release's crds/ folder or a
 *              release it depends on);
 *   schema     any manifest kubectl-validate rejects (Kubernetes schemas of that
 *              version, the upstream CRDs in $UPSTREAM_DIR/crds and the CRDs the
 *              charts render; known validator false positives: KNOWN_VALIDATOR_ISSUES);
 *   policy     any own-policy failure of a platform workload: the project's policies
 *              and PolicyExceptions (policies/) run with the Kyverno CLI over every pod
 *              template (Pods, controllers, hook Jobs, and the pods the Prometheus
 *              operator creates from Prometheus/Alertmanager resources), with the
 *              ConfigMap values the stack writes. Signature verification needs the
 *              mirror registry and cannot succeed offline: it is reported separately;
 *   image      any image outside the environment's mirror;
 *   download   anything a pod fetches from outside the environment when it starts.
 *
 * Chart sources: $UPSTREAM_DIR/chart-sources/<chart>-<version>/ when present (whole
 * charts with their dependencies), else `helm pull` from the release's repository
 * into $HELM_CHART_CACHE; a chart with neither is reported as DID NOT RUN and fails.
 * `helm template --skip-tests`: Terraform never runs `helm test` pods.
 *
 * --self-test plants one defect of each kind into a copy of one stack and fails
 * unless the check catches every one (scripts prove they can fail).
 *
 * Exit: 0 all stacks pass; 1 a problem (one line each); 2 nothing could be checked.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { loadFleetFromDirectory } from '../src/config';
import { stackName } from '../src/stacks/common';
import { isObject, readBaselineStack, transitiveDependencies, type BaselineStack, type JsonObject, type StackRelease } from './lib/baseline-stack';
import { asPod, describe, imagesOf, inMirror, operatorPods, parseManifests, podTemplates, secretReaders, startupDownloads, withoutNulls, type Manifest, type PodTemplate } from './lib/manifests';

const repoRoot = resolve(__dirname, '..');

type Category = 'render' | 'crd-order' | 'schema' | 'policy' | 'image' | 'download' | 'credential' | 'source';

interface Problem {
  readonly stack: string;
  readonly category: Category;
  readonly where: string;
  readonly message: string;
}

/**
 * kubectl-validate findings that are the validator's, not the manifest's. Each
 * entry: what it matches and the upstream issue. Nothing else is skipped.
 */
export const KNOWN_VALIDATOR_ISSUES: ReadonlyArray<{ readonly issue: string; readonly applies: (m: Manifest, message: string) => boolean }> = [
  {
    // The API server validates RBAC object names as path segments (':' allowed, e.g.
    // system:*, kyverno:admission-controller); kubectl-validate applies the DNS-subdomain rule.
    issue: 'kubernetes-sigs/kubectl-validate#115 (RBAC names with ":" rejected)',
    applies: (m, message) =>
      ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'].includes(m.kind) &&
      m.apiVersion === 'rbac.authorization.k8s.io/v1' &&
      /^[^/%]+$/.test(m.name) &&
      m.name !== '.' &&
      m.name !== '..' &&
      // Only the name finding: any other error in the same object still fails.
      message.split('; ').every((part) => /metadata\.name: Invalid value: "[^"]*": a lowercase RFC 1123 subdomain/.test(part) && (part.match(/Invalid value/g) ?? []).length === 1),
  },
];

/** The policy whose result needs the registry: reported, not judged, offline. */
export const SIGNATURE_POLICY = 'verify-image-signatures';

// ---------------------------------------------------------------------------------------------
// processes

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => resolvePromise({ code: 127, stdout: '', stderr: String(e) }));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/** Runs tasks with at most `jobs` at a time. */
async function pool<T, R>(items: readonly T[], jobs: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

/**
 * YAML as the Go tools read it: kubectl-validate and Kyverno parse YAML 1.1, where
 * an unquoted `no` or `on` is a boolean, so strings like that must be written quoted.
 */
function yaml11(value: unknown): string {
  return toYaml(value, { version: '1.1' });
}

/** Validator findings skipped as KNOWN_VALIDATOR_ISSUES, by issue, reported in the summary. */
const knownIssues = new Map<string, number>();

function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 16);
}

// ---------------------------------------------------------------------------------------------
// chart sources

export interface ChartSource {
  readonly dir?: string;
  /** Where it came from (upstream folder, helm pull, local chart) or why it is missing. */
  readonly origin: string;
}

const chartSources = new Map<string, Promise<ChartSource>>();

/**
 * Charts whose git source (what $UPSTREAM_DIR/chart-sources holds) lacks the CRDs that the
 * release build generates into the published package (shared/upstream SOURCES.md, Notes). For
 * those, the CRDs of the same commit, as plain YAML in $UPSTREAM_DIR/crds, are added to a copy
 * of the source as a crds/ folder, so the render, the CRD order and the live install see the
 * kinds the published chart installs. Only the CRDs the release's values ask for: the
 * published templates are gated by `installCRDs` and one `crds.create<Kind>` flag per optional
 * kind. A chart pulled from its repository is used as it is.
 */
const GENERATED_CRDS: Readonly<Record<string, { readonly groups: readonly string[]; readonly gate: string; readonly optional: Readonly<Record<string, string>> }>> = {
  'external-secrets 2.9.0': {
    groups: ['external-secrets.io', 'generators.external-secrets.io'],
    gate: 'installCRDs',
    optional: {
      ClusterExternalSecret: 'createClusterExternalSecret',
      ClusterSecretStore: 'createClusterSecretStore',
      SecretStore: 'createSecretStore',
      ClusterGenerator: 'createClusterGenerator',
      ClusterPushSecret: 'createClusterPushSecret',
      PushSecret: 'createPushSecret',
    },
  },
};

/** The git source plus the generated CRDs the values select (GENERATED_CRDS), assembled once per selection. */
function withGeneratedCrds(source: ChartSource, release: StackRelease, upstreamDir: string, cacheDir: string): ChartSource {
  const spec = GENERATED_CRDS[`${release.chart} ${release.version}`];
  if (!spec || !source.dir) return source;
  const values = release.values as JsonObject;
  if (values[spec.gate] === false) return source;
  const flags = (values.crds ?? {}) as JsonObject;
  const files: string[] = [];
  for (const group of spec.groups) {
    const dir = join(upstreamDir, 'crds', group);
    if (!existsSync(dir)) return { origin: `${source.origin}: its CRDs are not in the chart source and $UPSTREAM_DIR/crds/${group} is missing` };
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
      const kind = /\n {4}kind: (\w+)\n/.exec(readFileSync(join(dir, file), 'utf8'))?.[1];
      const flag = kind ? spec.optional[kind] : undefined;
      if (flag !== undefined && flags[flag] === false) continue;
      files.push(join(dir, file));
    }
  }
  const target = join(cacheDir, 'assembled', `${release.chart}-${release.version}-${hash(...files)}`);
  if (!existsSync(join(target, 'Chart.yaml'))) {
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(source.dir, tmp, { recursive: true });
    mkdirSync(join(tmp, 'crds'), { recursive: true });
    for (const file of files) cpSync(file, join(tmp, 'crds', file.split('/').pop()!));
    rmSync(target, { recursive: true, force: true });
    cpSync(tmp, target, { recursive: true });
    rmSync(tmp, { recursive: true, force: true });
  }
  return { dir: target, origin: `${source.origin} + ${files.length} CRDs from $UPSTREAM_DIR/crds (generated at packaging, not in git)` };
}

export function chartSource(stack: BaselineStack, release: StackRelease, upstreamDir: string | undefined, cacheDir: string): Promise<ChartSource> {
  if (release.repository === undefined) {
    // A chart shipped with the stack (cdktf asset): its path is relative to the stack directory.
    const dir = resolve(stack.dir, release.chart);
    return Promise.resolve(existsSync(join(dir, 'Chart.yaml')) ? { dir, origin: `local chart ${release.chart}` } : { origin: `local chart ${dir} has no Chart.yaml` });
  }
  // The generated-CRD selection depends on the values: part of the key for those charts.
  const generated = GENERATED_CRDS[`${release.chart} ${release.version}`] ? JSON.stringify([(release.values as JsonObject).installCRDs, (release.values as JsonObject).crds]) : '';
  const key = `${release.repository} ${release.chart} ${release.version} ${generated}`;
  let source = chartSources.get(key);
  if (!source) {
    source = (async (): Promise<ChartSource> => {
      const folder = `${release.chart}-${release.version}`;
      if (upstreamDir) {
        const dir = join(upstreamDir, 'chart-sources', folder);
        if (existsSync(join(dir, 'Chart.yaml'))) return withGeneratedCrds({ dir, origin: `$UPSTREAM_DIR/chart-sources/${folder}` }, release, upstreamDir, cacheDir);
      }
      const pulled = join(cacheDir, folder);
      if (existsSync(join(pulled, release.chart, 'Chart.yaml'))) return { dir: join(pulled, release.chart), origin: `helm pull (cached in ${pulled})` };
      const tmp = mkdtempSync(join(cacheDir, `.pull-${folder}-`));
      const result = await run('helm', ['pull', release.chart, '--repo', release.repository!, '--version', release.version, '--untar', '--untardir', tmp]);
      if (result.code !== 0 || !existsSync(join(tmp, release.chart, 'Chart.yaml'))) {
        rmSync(tmp, { recursive: true, force: true });
        const reason = (result.stderr.trim().split('\n').pop() ?? '').slice(0, 200);
        return { origin: `not in ${upstreamDir ? '$UPSTREAM_DIR/chart-sources' : '(no UPSTREAM_DIR)'} and helm pull from ${release.repository} failed: ${reason}` };
      }
      rmSync(pulled, { recursive: true, force: true });
      cpSync(tmp, pulled, { recursive: true });
      rmSync(tmp, { recursive: true, force: true });
      return { dir: join(pulled, release.chart), origin: `helm pull ${release.repository}` };
    })();
    chartSources.set(key, source);
  }
  return source;
}

// ---------------------------------------------------------------------------------------------
// rendering

interface Crd {
  readonly group: string;
  readonly kind: string;
  readonly versions: readonly string[];
  readonly clusterScoped: boolean;
  readonly body: JsonObject;
}

interface Rendered {
  readonly release: StackRelease;
  readonly manifests: Manifest[];
  /** CRDs the release installs, and whether Helm installs them before its templates (a crds/ folder). */
  readonly crds: ReadonlyArray<Crd & { readonly fromCrdsFolder: boolean }>;
  readonly chartOrigin: string;
}

const renderCache = new Map<string, Promise<{ code: number; stdout: string; stderr: string }>>();

/**
 * True for a CRD from a chart's crds/ folder (not templates/crds/): `helm template
 * --include-crds` prints those without a `# Source:` line; a path is checked too.
 */
function inCrdsFolder(source: string): boolean {
  if (source === '') return true;
  const parts = source.split('/');
  return parts.some((p, i) => p === 'crds' && i > 0 && parts[i - 1] !== 'templates' && (i === 1 || parts[i - 2] === 'charts'));
}

function crdOf(m: Manifest): Crd | undefined {
  if (m.kind !== 'CustomResourceDefinition') return undefined;
  const spec = (m.body.spec ?? {}) as JsonObject;
  const names = (spec.names ?? {}) as JsonObject;
  const versions = Array.isArray(spec.versions) ? spec.versions.map((v) => String((v as JsonObject).name)) : [];
  return { group: String(spec.group), kind: String(names.kind), versions, clusterScoped: spec.scope === 'Cluster', body: m.body };
}

async function render(stack: BaselineStack, release: StackRelease, source: ChartSource, apiVersions: readonly string[], work: string): Promise<Rendered | Problem> {
  const where = `${release.name} (${release.chart} ${release.version})`;
  if (!source.dir) return { stack: stack.stack, category: 'source', where, message: `DID NOT RUN: chart source missing: ${source.origin}` };
  const values = JSON.stringify(release.values);
  const key = hash(source.dir, release.name, release.namespace, stack.kubeVersion, values, apiVersions.join(','));
  let result = renderCache.get(key);
  if (!result) {
    const valuesFile = join(work, `values-${key}.json`);
    writeFileSync(valuesFile, values);
    const args = ['template', release.name, source.dir, '--namespace', release.namespace, '--kube-version', `v${stack.kubeVersion}.0`, '--values', valuesFile, '--include-crds', '--skip-tests'];
    for (const v of apiVersions) args.push('--api-versions', v);
    result = run('helm', args);
    renderCache.set(key, result);
  }
  const { code, stdout, stderr } = await result;
  if (code !== 0) {
    const message = stderr.trim().split('\n').filter((l) => !/^(walk\.go|WARNING)/.test(l)).join(' ').slice(0, 600);
    return { stack: stack.stack, category: 'render', where, message: message || `helm template exited ${code}` };
  }
  let manifests: Manifest[];
  try {
    manifests = parseManifests(stdout, release.namespace);
  } catch (error) {
    return { stack: stack.stack, category: 'render', where, message: `rendered output is not valid YAML: ${(error as Error).message}` };
  }
  const crds = manifests.flatMap((m) => {
    const crd = crdOf(m);
    return crd ? [{ ...crd, fromCrdsFolder: inCrdsFolder(m.source) }] : [];
  });
  // Second pass: kinds of the CRDs rendered here are namespaced or not as their CRD says.
  const clusterScoped = new Set(crds.filter((c) => c.clusterScoped).map((c) => c.kind));
  if (clusterScoped.size > 0) manifests = parseManifests(stdout, release.namespace, clusterScoped);
  return { release, manifests, crds, chartOrigin: source.origin };
}

/** Built-in API groups of Kubernetes (the apiserver serves them without CRDs). */
const BUILT_IN_GROUPS = new Set([
  '',
  'apps',
  'batch',
  'policy',
  'autoscaling',
  'rbac.authorization.k8s.io',
  'networking.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'certificates.k8s.io',
  'node.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'resource.k8s.io',
  'events.k8s.io',
]);

function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

// ---------------------------------------------------------------------------------------------
// one stack

interface StackOutcome {
  readonly stack: string;
  readonly problems: Problem[];
  readonly releases: number;
  readonly rendered: number;
  readonly objects: number;
  readonly workloads: number;
  readonly admitted: number;
  /** Distinct images the judged pods run (each needs the release signature). */
  readonly signatureImages: readonly string[];
}

interface CheckOptions {
  readonly upstreamDir?: string;
  readonly cacheDir: string;
  readonly work: string;
  readonly mirror: string;
  /** Restrict policy/image/download judgement to these release names (self-test). */
  readonly onlyReleases?: ReadonlySet<string>;
}

function topologicalLevels(stack: BaselineStack): StackRelease[][] {
  const byAddress = new Map(stack.releases.map((r) => [r.address, r]));
  const depth = new Map<string, number>();
  const depthOf = (r: StackRelease, trail: Set<string>): number => {
    const known = depth.get(r.address);
    if (known !== undefined) return known;
    if (trail.has(r.address)) throw new Error(`${stack.stack}: dependency cycle through ${r.address}`);
    trail.add(r.address);
    let d = 0;
    for (const a of transitiveDependencies(stack, r.address)) {
      const dep = byAddress.get(a);
      if (dep) d = Math.max(d, depthOf(dep, trail) + 1);
    }
    trail.delete(r.address);
    depth.set(r.address, d);
    return d;
  };
  const levels: StackRelease[][] = [];
  for (const r of stack.releases) {
    const d = depthOf(r, new Set());
    (levels[d] ??= []).push(r);
  }
  return levels.filter((l) => l !== undefined);
}

function apiVersionsOf(crds: readonly Crd[]): string[] {
  const out = new Set<string>();
  for (const c of crds) {
    for (const v of c.versions) {
      out.add(`${c.group}/${v}`);
      out.add(`${c.group}/${v}/${c.kind}`);
    }
  }
  return [...out].sort();
}

async function checkStack(stack: BaselineStack, options: CheckOptions, jobs: number): Promise<StackOutcome> {
  const problems: Problem[] = [];
  const work = join(options.work, stack.stack);
  mkdirSync(work, { recursive: true });
  const rendered = new Map<string, Rendered>();

  // Releases judged (all, or the self-test's planted ones) and what they depend on (their CRDs).
  const judgedNames = options.onlyReleases;
  const isJudged = (r: StackRelease): boolean => !judgedNames || judgedNames.has(r.name);
  const needed = new Set<string>();
  for (const r of stack.releases.filter(isJudged)) {
    needed.add(r.address);
    for (const d of transitiveDependencies(stack, r.address)) needed.add(d);
  }

  // 1. render, dependency level by level (a release sees the CRDs of what it depends on).
  for (const level of topologicalLevels(stack)) {
    const results = await pool(level.filter((r) => needed.has(r.address)), jobs, async (release) => {
      const deps = transitiveDependencies(stack, release.address);
      const depCrds = [...deps].flatMap((a) => rendered.get(a)?.crds ?? []);
      const source = await chartSource(stack, release, options.upstreamDir, options.cacheDir);
      return render(stack, release, source, apiVersionsOf(depCrds), options.work);
    });
    for (const r of results) {
      if ('category' in r) problems.push(r);
      else rendered.set(r.release.address, r);
    }
  }

  const judged = [...rendered.values()].filter((r) => isJudged(r.release));

  // 2. CRD order: each custom kind must be served when Helm applies it.
  for (const r of judged) {
    const deps = transitiveDependencies(stack, r.release.address);
    const before = [...deps].flatMap((a) => rendered.get(a)?.crds ?? []);
    const own = r.crds;
    for (const m of r.manifests) {
      const group = groupOf(m.apiVersion);
      if (BUILT_IN_GROUPS.has(group)) continue;
      const version = m.apiVersion.split('/')[1];
      const serves = (c: Crd): boolean => c.group === group && c.kind === m.kind && c.versions.includes(version);
      if (before.some(serves) || own.some((c) => c.fromCrdsFolder && serves(c))) continue;
      const template = own.find(serves);
      problems.push({
        stack: stack.stack,
        category: 'crd-order',
        where: `${r.release.name}: ${describe(m)}`,
        message: template
          ? `${m.apiVersion} ${m.kind} is served by a CRD this same release renders from a template; Helm cannot map the kind before the CRD exists (move the object to a release that depends on this one)`
          : `no CRD for ${m.apiVersion} ${m.kind} is installed before this release (add the release that installs it to depends_on)`,
      });
    }
  }

  // 3. schema: kubectl-validate over every rendered object.
  const allCrds = [...rendered.values()].flatMap((r) => r.crds);
  const crdDir = join(work, 'crds');
  rmSync(crdDir, { recursive: true, force: true });
  mkdirSync(crdDir, { recursive: true });
  for (const c of allCrds) {
    const name = String((c.body.metadata as JsonObject).name);
    writeFileSync(join(crdDir, `${name}.yaml`), yaml11(c.body));
  }
  const upstreamCrdDirs = options.upstreamDir && existsSync(join(options.upstreamDir, 'crds')) ? readdirSync(join(options.upstreamDir, 'crds')).map((d) => join(options.upstreamDir!, 'crds', d)) : [];
  const files: string[] = [];
  const fileOwner = new Map<string, { owner: string; manifest: Manifest }>();
  let objects = 0;
  for (const r of judged) {
    r.manifests.forEach((m, i) => {
      if (m.kind === 'CustomResourceDefinition') return;
      objects++;
      const file = join(work, `${r.release.name}-${String(i).padStart(3, '0')}.yaml`);
      const body = withoutNulls(m.namespace ? { ...m.body, metadata: { ...(m.body.metadata as JsonObject), namespace: m.namespace } } : m.body);
      writeFileSync(file, yaml11(body));
      files.push(file);
      fileOwner.set(file, { owner: `${r.release.name}: ${describe(m)} (${m.source})`, manifest: m });
    });
  }
  if (files.length > 0) {
    const validated = await run('kubectl-validate', ['--version', stack.kubeVersion, '--local-crds', [crdDir, ...upstreamCrdDirs].join(','), '--output', 'json', ...files]);
    // One entry per file: the status of each document in it.
    let report: Record<string, Array<{ status?: string; message?: string }>> = {};
    try {
      report = JSON.parse(validated.stdout) as typeof report;
    } catch {
      problems.push({ stack: stack.stack, category: 'schema', where: 'kubectl-validate', message: `no JSON report (exit ${validated.code}): ${validated.stderr.slice(0, 400)}` });
    }
    for (const [file, results] of Object.entries(report)) {
      const bad = (Array.isArray(results) ? results : [results]).filter((r) => r.status !== 'Success');
      if (bad.length === 0) continue;
      const message = bad.map((r) => String(r.message ?? JSON.stringify(r))).join('; ').replace(/\s+/g, ' ');
      const owner = fileOwner.get(file);
      const known = owner && KNOWN_VALIDATOR_ISSUES.find((k) => k.applies(owner.manifest, message));
      if (known) {
        knownIssues.set(known.issue, (knownIssues.get(known.issue) ?? 0) + 1);
        continue;
      }
      problems.push({ stack: stack.stack, category: 'schema', where: owner?.owner ?? file, message: message.slice(0, 500) });
    }
  }

  // 4. policies over every pod template of the judged releases.
  // The pod templates each release renders, once (steps 5 and 6 read them again).
  const releaseTemplates = new Map(judged.map((r) => [r, podTemplates(r.manifests)]));
  const templates: Array<{ release: string; template: PodTemplate }> = [];
  for (const r of judged) {
    for (const t of [...releaseTemplates.get(r)!, ...operatorPods(r.manifests)]) templates.push({ release: r.release.name, template: t });
  }
  const policyOutcome = await admit(stack, templates, work);
  problems.push(...policyOutcome.problems);

  // 5. images from the mirror, nothing fetched at start.
  const allImages = imagesOf(templates.map((t) => t.template));
  for (const i of allImages) {
    if (!inMirror(i.image, options.mirror)) {
      problems.push({ stack: stack.stack, category: 'image', where: `${i.owner} container ${i.container}`, message: `image ${i.image || '(none)'} is not in the environment's mirror ${options.mirror}` });
    }
  }
  for (const r of judged) {
    for (const d of startupDownloads(r.manifests, releaseTemplates.get(r)!, options.mirror)) {
      problems.push({ stack: stack.stack, category: 'download', where: `${r.release.name}: ${d.owner}`, message: d.what });
    }
  }

  // 6. Grafana's admin password reaches the Grafana server and one-shot init containers only: the
  // provisioning sidecars run for the pod's life and never need it (they make no reload calls).
  for (const r of judged.filter((j) => j.release.chart === 'kube-prometheus-stack')) {
    const grafana = isObject(r.release.values.grafana) ? r.release.values.grafana : {};
    const admin = isObject(grafana.admin) ? grafana.admin : {};
    const secret = typeof admin.existingSecret === 'string' ? admin.existingSecret : `${r.release.name}-grafana`;
    for (const reader of secretReaders(releaseTemplates.get(r)!, r.release.namespace, secret)) {
      if (reader.init || reader.container === 'grafana') continue;
      problems.push({ stack: stack.stack, category: 'credential', where: `${r.release.name}: ${reader.owner} container ${reader.container}`, message: `long-running container reads the Grafana admin Secret ${secret}: ${reader.how}` });
    }
  }

  return {
    stack: stack.stack,
    problems,
    releases: stack.releases.filter(isJudged).length,
    rendered: judged.length,
    objects,
    workloads: templates.length,
    admitted: templates.length - policyOutcome.rejected.size,
    signatureImages: [...new Set(allImages.map((i) => i.image))].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Kyverno

interface KyvernoResult {
  readonly policy: string;
  readonly rule: string;
  readonly result: string;
  readonly message: string;
  readonly resource: string;
}

function policyFiles(): string[] {
  return readdirSync(join(repoRoot, 'policies'))
    .filter((d) => d !== 'exceptions' && existsSync(join(repoRoot, 'policies', d, 'policy.yaml')))
    .sort()
    .map((d) => join(repoRoot, 'policies', d, 'policy.yaml'));
}

function exceptionFiles(): string[] {
  const dir = join(repoRoot, 'policies', 'exceptions');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f)) : [];
}

/** The ConfigMap values the stack writes (kyverno/platform-policy-config), as CLI variables for every rule that reads them. */
function policyValues(stack: BaselineStack): JsonObject {
  const config = stack.objects.find((o) => o.kind === 'ConfigMap' && o.name === 'platform-policy-config');
  if (!config) throw new Error(`${stack.stack}: no ConfigMap platform-policy-config in the stack`);
  const values: JsonObject = {};
  for (const [key, value] of Object.entries(config.data)) values[`platformconfig.data.${key}`] = value;
  // The namespaces' labels (data-classification), so rules that select namespaces by label are judged
  // as on the cluster (the Kyverno CLI matches namespaceSelector against these entries).
  const namespaceSelector = stack.objects.filter((o) => o.kind === 'Namespace').map((o) => ({ name: o.name, labels: o.labels }));
  return { apiVersion: 'cli.kyverno.io/v1alpha1', kind: 'Values', globalValues: values, namespaceSelector } as unknown as JsonObject;
}

async function admit(stack: BaselineStack, templates: ReadonlyArray<{ release: string; template: PodTemplate }>, work: string): Promise<{ problems: Problem[]; rejected: Set<string> }> {
  const problems: Problem[] = [];
  const rejected = new Set<string>();
  if (templates.length === 0) return { problems, rejected };
  const names = new Map<string, string>();
  const pods = templates.map(({ release, template }, i) => {
    // Named like the pods the controller creates (<owner>-<suffix>), so exceptions that match
    // by name see what admission sees; the index keeps names unique within the namespace.
    const name = `${template.ownerName.slice(0, 50)}-p${i}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
    names.set(`${template.namespace}/${name}`, `${release}: ${template.owner}`);
    return yaml11(asPod(template, name));
  });
  const resources = join(work, 'pods.yaml');
  writeFileSync(resources, pods.join('---\n'));
  const values = join(work, 'policy-values.yaml');
  writeFileSync(values, yaml11(policyValues(stack)));
  const policies = policyFiles().filter((p) => !p.includes(`/${SIGNATURE_POLICY}/`));
  const args = ['apply', ...policies, '--resource', resources, '--values-file', values, '--policy-report', '--output-format', 'json', '--remove-color'];
  for (const e of exceptionFiles()) args.push('--exception', e);
  const result = await run('kyverno', args);
  const results = parsePolicyReport(result.stdout);
  if (results === undefined) {
    problems.push({ stack: stack.stack, category: 'policy', where: 'kyverno apply', message: `no policy report (exit ${result.code}): ${(result.stderr || result.stdout).slice(0, 600)}` });
    return { problems, rejected };
  }
  for (const r of results) {
    if (r.result !== 'fail' && r.result !== 'error') continue;
    rejected.add(r.resource);
    problems.push({ stack: stack.stack, category: 'policy', where: names.get(r.resource) ?? r.resource, message: `${r.policy}/${r.rule}: ${r.message.replace(/\s+/g, ' ').slice(0, 300)}` });
  }
  return { problems, rejected };
}

/** Results of `kyverno apply --policy-report --output-format json` (one merged ClusterReport). */
function parsePolicyReport(stdout: string): KyvernoResult[] | undefined {
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  let report: JsonObject;
  try {
    report = JSON.parse(stdout.slice(start)) as JsonObject;
  } catch {
    return undefined;
  }
  const out: KyvernoResult[] = [];
  for (const r of (Array.isArray(report.results) ? report.results : []) as JsonObject[]) {
    for (const res of (Array.isArray(r.resources) ? r.resources : []) as JsonObject[]) {
      out.push({
        policy: String(r.policy),
        rule: String(r.rule),
        result: String(r.result),
        message: String(r.message ?? ''),
        resource: `${String(res.namespace ?? '')}/${String(res.name)}`,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// main

function baselineStacks(outdir: string, wanted: readonly string[]): string[] {
  const dir = join(outdir, 'stacks');
  if (!existsSync(dir)) return [];
  const all = readdirSync(dir).filter((s) => s.endsWith('-baseline') && existsSync(join(dir, s, 'cdk.tf.json'))).sort();
  return wanted.length > 0 ? all.filter((s) => wanted.includes(s)) : all;
}

/** The image mirror of each environment, by baseline stack name (from the validated configuration). */
function mirrors(): Map<string, string> {
  return new Map(loadFleetFromDirectory(process.env.PLATFORM_ENVIRONMENTS_DIR || join(__dirname, '..', 'environments')).environments.map((c) => [stackName(c, 'baseline'), c.platformImageMirror]));
}

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const [tool, args] of [
    ['helm', ['version', '--short']],
    ['kubectl-validate', ['--help']],
    ['kyverno', ['version']],
  ] as const) {
    if ((await run(tool, args)).code !== 0) missing.push(tool);
  }
  return missing;
}

interface RunOptions {
  readonly outdir: string;
  readonly stacks: readonly string[];
  readonly upstreamDir?: string;
  readonly cacheDir: string;
  readonly jobs: number;
  readonly quiet?: boolean;
  readonly onlyReleases?: ReadonlySet<string>;
}

async function checkAll(options: RunOptions): Promise<StackOutcome[]> {
  const work = mkdtempSync(join(tmpdir(), 'verify-baseline-'));
  try {
    const mirrorOf = mirrors();
    const stacks = options.stacks.map((s) => readBaselineStack(options.outdir, s));
    // Stacks in parallel too: renders of one level are few, and most are shared through the cache.
    return await pool(stacks, Math.max(1, Math.ceil(options.jobs / 2)), async (stack) => {
      const mirror = mirrorOf.get(stack.stack);
      if (!mirror) throw new Error(`${stack.stack}: no environment in the configuration synthesizes this stack`);
      return checkStack(stack, { upstreamDir: options.upstreamDir, cacheDir: options.cacheDir, work, mirror, onlyReleases: options.onlyReleases }, options.jobs);
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function report(outcomes: readonly StackOutcome[]): number {
  let failed = 0;
  for (const o of outcomes) {
    const counts = new Map<Category, number>();
    for (const p of o.problems) counts.set(p.category, (counts.get(p.category) ?? 0) + 1);
    const status = o.problems.length === 0 ? 'PASS' : 'FAIL';
    console.log(
      `[verify-baseline] ${o.stack}: ${status}: ${o.rendered}/${o.releases} releases rendered, ${o.objects} objects schema-checked, ` +
        `${o.admitted}/${o.workloads} platform pod templates admitted, ${o.signatureImages.length} images from the mirror` +
        (o.problems.length > 0 ? ` (${[...counts].map(([c, n]) => `${n} ${c}`).join(', ')})` : ''),
    );
    for (const p of o.problems) console.log(`    ${p.category}: ${p.where}: ${p.message}`);
    failed += o.problems.length;
  }
  return failed;
}

const SIGNATURE_NOTE =
  `${SIGNATURE_POLICY} is not judged offline: it needs the mirror registry holding the signed images. ` +
  'Proven with a real signature in scripts/verify-policies.sh; at admission it blocks any image the mirror pipeline did not sign.';

async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const stacksWanted: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--stack' && argv[i + 1]) stacksWanted.push(argv[i + 1]);
  });
  const outdir = resolve(arg('--outdir') ?? join(repoRoot, 'cdktf.out'));
  const upstreamDir = process.env.UPSTREAM_DIR && existsSync(process.env.UPSTREAM_DIR) ? resolve(process.env.UPSTREAM_DIR) : undefined;
  const cacheDir = process.env.HELM_CHART_CACHE ?? join(process.env.PLATFORM_TOOLS_CACHE ?? join(homedir(), '.cache', 'platform-tools'), 'charts');
  mkdirSync(cacheDir, { recursive: true });
  const jobs = Math.max(1, Number(process.env.VERIFY_BASELINE_JOBS ?? 3));
  const started = Date.now();

  const missing = await missingTools();
  if (missing.length > 0) {
    console.error(`[verify-baseline] DID NOT RUN: ${missing.join(', ')} not on PATH (export PATH="$(bash .ci/tools.sh):$PATH")`);
    return 2;
  }
  if (!upstreamDir) console.log('[verify-baseline] UPSTREAM_DIR not set or missing: charts come from their repositories (helm pull), CRDs from the charts only');

  if (argv.includes('--self-test')) return selfTest({ outdir, stacks: [], upstreamDir, cacheDir, jobs });

  const stacks = baselineStacks(outdir, stacksWanted);
  if (stacks.length === 0) {
    console.error(`[verify-baseline] DID NOT RUN: no baseline stack in ${outdir} (run npm run synth first)`);
    return 2;
  }
  const outcomes = await checkAll({ outdir, stacks, upstreamDir, cacheDir, jobs });
  const failed = report(outcomes);
  for (const [issue, count] of knownIssues) console.log(`[verify-baseline] known validator issue skipped ${count} time(s): ${issue}`);
  const images = new Set(outcomes.flatMap((o) => o.signatureImages));
  console.log(`[verify-baseline] signatures: ${images.size} distinct mirrored images need the release signature. ${SIGNATURE_NOTE}`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const sum = (f: (o: StackOutcome) => number): number => outcomes.reduce((n, o) => n + f(o), 0);
  const line =
    `${outcomes.length} stacks, ${sum((o) => o.rendered)}/${sum((o) => o.releases)} releases rendered, ${sum((o) => o.objects)} objects valid, ` +
    `${sum((o) => o.admitted)}/${sum((o) => o.workloads)} platform pod templates admitted`;
  if (failed > 0) {
    console.log(`verify-baseline: FAIL (${failed} problem(s); ${line}; ${seconds}s)`);
    return 1;
  }
  console.log(`verify-baseline: PASS (${line}; ${seconds}s)`);
  return 0;
}

// ---------------------------------------------------------------------------------------------
// self-test: planted defects must be caught

interface PlantedDefect {
  readonly name: string;
  readonly expect: Category;
  /** What the new problem must say (a defect is caught only by a problem the clean stack does not have). */
  readonly pattern: RegExp;
  /** Release names whose workloads are judged (the planted one and what it needs). */
  readonly releases: readonly string[];
  readonly plant: (doc: { resource: Record<string, Record<string, JsonObject>> }) => void;
}

function releaseByName(doc: { resource: Record<string, Record<string, JsonObject>> }, name: string): JsonObject {
  const found = Object.values(doc.resource.helm_release).find((r) => r.name === name);
  if (!found) throw new Error(`self-test: no release ${name}`);
  return found;
}

function editValues(release: JsonObject, edit: (values: JsonObject) => void): void {
  const values = JSON.parse(String((release.values as string[])[0])) as JsonObject;
  edit(values);
  release.values = [JSON.stringify(values)];
}

const PLANTED: readonly PlantedDefect[] = [
  {
    name: "Grafana's admin password in a long-running sidecar (dashboards sidecar calling the reload API)",
    expect: 'credential',
    pattern: /long-running container reads the Grafana admin Secret .*env REQ_PASSWORD/,
    releases: ['kube-prometheus-stack'],
    plant: (doc) => editValues(releaseByName(doc, 'kube-prometheus-stack'), (v) => {
      (((v.grafana as JsonObject).sidecar as JsonObject).dashboards as JsonObject).skipReload = false;
    }),
  },
  {
    name: 'a container without resources (tempo)',
    expect: 'policy',
    pattern: /require-requests-limits\/require-requests-and-memory-limit/,
    releases: ['tempo'],
    plant: (doc) => editValues(releaseByName(doc, 'tempo'), (v) => {
      (v.tempo as JsonObject).resources = null;
      v.resources = null;
    }),
  },
  {
    name: 'an unquoted value that breaks a template (argocd-apps project description with ": ")',
    expect: 'render',
    pattern: /YAML parse error on argocd-apps\/templates\/projects\.yaml/,
    releases: ['platform-apps'],
    plant: (doc) => editValues(releaseByName(doc, 'platform-apps'), (v) => {
      ((v.projects as JsonObject).platform as JsonObject).description = 'Platform: policies and charts';
    }),
  },
  {
    name: 'an image outside the mirror (tempo from docker.io)',
    expect: 'image',
    pattern: /image docker\.io\/grafana\/tempo:[^ ]+ is not in the environment's mirror/,
    releases: ['tempo'],
    plant: (doc) => editValues(releaseByName(doc, 'tempo'), (v) => {
      (v.tempo as JsonObject).registry = 'docker.io';
      (v.global as JsonObject).imageRegistry = 'docker.io';
    }),
  },
  {
    name: 'an artifact downloaded from the internet at start (falcoctl install from the public index)',
    expect: 'download',
    pattern: /falcoctl index falcosecurity at https:\/\/falcosecurity\.github\.io/,
    releases: ['falco'],
    plant: (doc) => editValues(releaseByName(doc, 'falco'), (v) => {
      const falcoctl = v.falcoctl as JsonObject;
      falcoctl.artifact = { install: { enabled: true }, follow: { enabled: false } };
      falcoctl.image = { registry: 'docker.io', repository: 'falcosecurity/falcoctl', tag: '0.13.0' };
      falcoctl.config = { indexes: [{ name: 'falcosecurity', url: 'https://falcosecurity.github.io/falcoctl/index.yaml' }] };
    }),
  },
  {
    name: 'a wrongly typed field (istiod replicaCount "two")',
    expect: 'schema',
    pattern: /spec\.replicas in body must be of type integer/,
    releases: ['istiod'],
    plant: (doc) => editValues(releaseByName(doc, 'istiod'), (v) => {
      v.autoscaleEnabled = false;
      v.replicaCount = 'two';
    }),
  },
  {
    name: 'a ServiceMonitor before its CRD (falco no longer depends on kube-prometheus-stack)',
    expect: 'crd-order',
    pattern: /no CRD for monitoring\.coreos\.com\/v1 ServiceMonitor is installed before this release/,
    releases: ['falco'],
    plant: (doc) => {
      const falco = releaseByName(doc, 'falco');
      falco.depends_on = (falco.depends_on as string[]).filter((d) => !d.includes('kube-prometheus-stack'));
    },
  },
  {
    name: 'the External Secrets controller running as root (securityContext runAsUser 0)',
    expect: 'policy',
    pattern: /require-run-as-non-root\/run-as-user-not-zero/,
    releases: ['external-secrets'],
    plant: (doc) => editValues(releaseByName(doc, 'external-secrets'), (v) => {
      v.securityContext = { enabled: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
    }),
  },
  {
    name: "a Certificate before cert-manager's CRDs (platform-pki no longer depends on cert-manager)",
    expect: 'crd-order',
    pattern: /no CRD for cert-manager\.io\/v1 (Certificate|ClusterIssuer) is installed before this release/,
    releases: ['platform-pki'],
    plant: (doc) => {
      const pki = releaseByName(doc, 'platform-pki');
      pki.depends_on = (pki.depends_on as string[]).filter((d) => !d.includes('cert-manager_release'));
    },
  },
];

async function selfTest(options: RunOptions): Promise<number> {
  const stack = 'aws-dev-baseline';
  const source = join(options.outdir, 'stacks');
  if (!existsSync(join(source, stack, 'cdk.tf.json'))) {
    console.error(`[verify-baseline] self-test DID NOT RUN: ${stack} not synthesized in ${options.outdir}`);
    return 2;
  }
  const key = (p: Problem): string => `${p.category} ${p.where} ${p.message}`;
  const planted = new Set(PLANTED.flatMap((d) => d.releases));
  // The clean stack first: a defect counts as caught only by a problem this run does not have.
  const [clean] = await checkAll({ ...options, outdir: options.outdir, stacks: [stack], onlyReleases: planted });
  const before = new Set(clean.problems.map(key));
  let failures = 0;
  for (const defect of PLANTED) {
    const outdir = mkdtempSync(join(tmpdir(), 'verify-baseline-selftest-'));
    try {
      for (const s of [stack, stack.replace(/-baseline$/, '-platform')]) cpSync(join(source, s), join(outdir, 'stacks', s), { recursive: true });
      const file = join(outdir, 'stacks', stack, 'cdk.tf.json');
      const doc = JSON.parse(readFileSync(file, 'utf8')) as { resource: Record<string, Record<string, JsonObject>> };
      defect.plant(doc);
      writeFileSync(file, JSON.stringify(doc));
      const [outcome] = await checkAll({ ...options, outdir, stacks: [stack], onlyReleases: new Set(defect.releases) });
      const caught = outcome.problems.filter((p) => p.category === defect.expect && defect.pattern.test(p.message) && !before.has(key(p)));
      if (caught.length > 0) {
        console.log(`[verify-baseline] self-test: caught ${defect.name}: ${caught[0].category}: ${caught[0].where}: ${caught[0].message.slice(0, 160)}`);
      } else {
        failures++;
        console.log(`[verify-baseline] self-test: MISSED ${defect.name} (expected a ${defect.expect} problem; got ${outcome.problems.map((p) => p.category).join(', ') || 'none'})`);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  console.log(`verify-baseline self-test: ${failures === 0 ? 'PASS' : 'FAIL'} (${PLANTED.length - failures}/${PLANTED.length} planted defects caught)`);
  return failures === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[verify-baseline] error: ${(error as Error).stack ?? String(error)}`);
      process.exit(2);
    },
  );
}
