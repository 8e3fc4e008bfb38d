/**
 * Live control-plane check: the baseline installed on a real Kubernetes API server, with
 * Kyverno admitting it for real (issue 14).
 *
 *   export PATH="$(bash .ci/live-tools.sh):$(bash .ci/tools.sh):$PATH"
 *   npm run synth && npm run verify:live
 *   node --import tsx scripts/verify-live.ts [--outdir cdktf.out] [--stack aws-dev-baseline ...] [--gitops-root .] [--keep]
 *
 * Per stack (default: the dev baseline stack of each cloud), on a fresh control plane:
 *   1. etcd and kube-apiserver on 127.0.0.1 (scripts/lib/live-cluster.ts): self-signed serving
 *      certificate, static admin token, RBAC, service-account keys.
 *   2. The stack applied the way Terraform applies it, in its dependency order: the kubernetes_*
 *      resources (namespaces, ConfigMaps, Secrets, bindings) and each helm_release with
 *      `helm upgrade --install` from the same chart sources and values the render check uses
 *      (scripts/verify-baseline.ts chartSource, scripts/lib/baseline-stack.ts), no --wait, a
 *      failed CRD mapping retried after the CRDs report Established.
 *   3. Right after the kyverno release: Kyverno's admission and background controllers started
 *      outside the cluster with the chart Deployment's own flags and environment, under the
 *      chart's service accounts (tokens from the TokenRequest API), registering their webhooks by
 *      URL (--serverIP=127.0.0.1:<port>). Every later release is admitted by them.
 *   4. The Argo CD-synced content, as Argo CD renders it from the Applications the stack created
 *      (directory include globs, Helm valuesObject), applied server-side.
 *   5. Admission for real: every pod template of the installed platform workloads (and the pods
 *      the Prometheus operator creates) as a server-side dry-run Pod in its namespace must be
 *      admitted (policy exceptions apply as in production); a planted set of violating Pods and
 *      controllers must each be denied by the Kyverno webhook naming the expected policy; the
 *      generate policy must create its NetworkPolicies in a new workload namespace.
 *
 * What no kubelet can give is not claimed: no pod runs, no image is pulled, no cloud load
 * balancer or identity exists. Webhooks of other charts (cert-manager, istiod ...) have no pod to
 * answer; they are set to failurePolicy Ignore and listed. verify-image-signatures needs the
 * mirror registry holding the signed images: it is applied last, after the platform pods are
 * judged against every other policy, and proven on an unsigned image in a local registry.
 *
 * Exit: 0 all pass; 1 a failure (listed); 2 nothing could be checked (tools or stacks missing).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify as toYaml } from 'yaml';
import { loadFleetFromDirectory } from '../src/config';
import { stackName } from '../src/stacks/common';
import type { CloudProvider } from '../src/constructs/contract';
import { CSI_SNAPSHOT_DRIVERS, VOLUME_SNAPSHOT_CLASS } from '../src/constructs/baseline/velero';
import { VAULT_SECRET_STORE } from '../src/constructs/baseline/external-secrets';
import { DATABASE_CREDENTIALS_ROLE, DATABASE_SECRETS_MOUNT } from '../src/constructs/vault/database-secrets';
import { isObject, readBaselineStack, type BaselineStack, type Json, type JsonObject, type StackRelease } from './lib/baseline-stack';
import {
  aggregatedClusterRoles,
  appliedNames,
  applyOrder,
  argoSources,
  controllerFromDeployment,
  deniedBy,
  directoryFiles,
  freePort,
  kubeconfigFor,
  Processes,
  projectRefusal,
  reportLine,
  run,
  startControlPlane,
  statefulSetClaimVolumes,
  terraformObjectManifest,
  waitFor,
  type ArgoSource,
  type ControlPlane,
  type LiveCounts,
} from './lib/live-cluster';
import { asPod, operatorPods, parseManifests, podTemplates, withoutNulls, type Manifest, type PodTemplate } from './lib/manifests';
import { chartSource, SIGNATURE_POLICY } from './verify-baseline';

const repoRoot = resolve(__dirname, '..');
const log = (message: string): void => console.log(`[verify-live] ${message}`);

/** Releases installed at once within a dependency level (Terraform's default parallelism is 10; 2 cores here). */
const RELEASE_JOBS = Math.max(1, Number(process.env.VERIFY_LIVE_JOBS ?? 3));

/** The namespace created for the planted workloads and the generate rule. */
const WORKLOAD_NAMESPACE = 'live-workloads';

interface Failure {
  readonly where: string;
  readonly message: string;
}

interface StackOutcome extends LiveCounts {
  readonly stack: string;
  readonly failures: Failure[];
  readonly notes: string[];
  readonly seconds: number;
}

const yaml11 = (value: unknown): string => toYaml(value, { version: '1.1' });
const oneLine = (text: string, max = 400): string => text.replace(/\s+/g, ' ').trim().slice(0, max);

// ---------------------------------------------------------------------------------------------
// kubectl and helm against the live cluster

class Cluster {
  constructor(
    readonly cp: ControlPlane,
    private readonly work: string,
  ) {}

  private file(name: string, content: string): string {
    const path = join(this.work, name);
    writeFileSync(path, content);
    return path;
  }

  kubectl(args: readonly string[], input?: string): ReturnType<typeof run> {
    return run('kubectl', args, { env: this.cp.env, input, timeoutMs: 120_000 });
  }

  helm(args: readonly string[]): ReturnType<typeof run> {
    return run('helm', args, { env: this.cp.env, timeoutMs: 300_000 });
  }

  /** Server-side apply of documents; returns the names applied and one failure per error line. */
  async apply(documents: readonly JsonObject[], fieldManager: string, namespace?: string): Promise<{ applied: string[]; errors: string[] }> {
    if (documents.length === 0) return { applied: [], errors: [] };
    const args = ['apply', '--server-side', '--force-conflicts', `--field-manager=${fieldManager}`, '-o', 'name', '-f', '-'];
    if (namespace) args.push('-n', namespace);
    const result = await this.kubectl(args, documents.map((d) => yaml11(withoutNulls(d))).join('---\n'));
    const errors = result.stderr
      .split('\n')
      .filter((l) => /^(error|Error)/.test(l))
      .map((l) => oneLine(l));
    if (result.code !== 0 && errors.length === 0) errors.push(oneLine(result.stderr || `kubectl apply exited ${result.code}`));
    return { applied: appliedNames(result.stdout), errors };
  }

  /** A server-side dry-run create: '' when admitted, else the API server's message. `as`: impersonate that user. */
  async dryRun(document: JsonObject, as?: string): Promise<string> {
    const args = ['create', '--dry-run=server', '-o', 'name', '-f', '-'];
    if (as !== undefined) args.push(`--as=${as}`);
    const result = await this.kubectl(args, yaml11(withoutNulls(document)));
    // kubectl prints the API server's deprecation warnings first; the denial is what matters.
    const stderr = result.stderr
      .split('\n')
      .filter((l) => !l.startsWith('Warning: '))
      .join('\n');
    return result.code === 0 ? '' : oneLine(stderr, 1200) || `kubectl exited ${result.code}`;
  }

  async json(args: readonly string[]): Promise<JsonObject> {
    const result = await this.kubectl([...args, '-o', 'json']);
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${oneLine(result.stderr)}`);
    return JSON.parse(result.stdout) as JsonObject;
  }

  async items(args: readonly string[]): Promise<JsonObject[]> {
    const list = await this.json(args);
    return Array.isArray(list.items) ? list.items.filter(isObject) : [];
  }

  /** What the kube-controller-manager's service-account controller would create: `default` in the namespace. */
  async ensureDefaultServiceAccount(namespace: string): Promise<void> {
    await this.kubectl(['create', 'serviceaccount', 'default', '-n', namespace]);
  }

  /** Waits until every CRD reports Established (Helm maps kinds only then). */
  async crdsEstablished(timeoutSeconds = 60): Promise<boolean> {
    const crds = await this.kubectl(['get', 'crd', '-o', 'name']);
    if (crds.stdout.trim() === '') return true;
    return (await this.kubectl(['wait', '--for=condition=Established', 'crd', '--all', `--timeout=${timeoutSeconds}s`])).code === 0;
  }

  writeFile(name: string, content: string): string {
    return this.file(name, content);
  }
}

// ---------------------------------------------------------------------------------------------
// one stack

interface InstalledRelease {
  readonly release: StackRelease;
  readonly manifests: Manifest[];
}

interface StackContext {
  readonly stack: BaselineStack;
  readonly cluster: Cluster;
  readonly processes: Processes;
  readonly work: string;
  readonly mirror: string;
  readonly upstreamDir?: string;
  readonly cacheDir: string;
  /** Checkout of the gitops repository the Applications point at (default: this repository). */
  readonly gitopsRoot: string;
  readonly failures: Failure[];
  readonly notes: string[];
  objectsAccepted: number;
  readonly installed: InstalledRelease[];
  readonly ignoredWebhooks: Set<string>;
  kyvernoStarted: boolean;
  readonly started: number;
}

const elapsed = (ctx: StackContext): string => ((Date.now() - ctx.started) / 1000).toFixed(0);

function fail(ctx: StackContext, where: string, message: string): void {
  ctx.failures.push({ where, message });
  log(`  FAIL ${where}: ${message}`);
}

/** The hook events Helm runs on an install; other hooks (upgrade, delete, test) are not created by it. */
const INSTALL_HOOKS = new Set(['pre-install', 'post-install']);

function hookEvents(m: Manifest): string[] {
  const annotations = isObject(m.body.metadata) && isObject(m.body.metadata.annotations) ? m.body.metadata.annotations : {};
  return String(annotations['helm.sh/hook'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
}

const CRD_NOT_READY = /no matches for kind|ensure CRDs are installed first|could not find the requested resource|resource mapping not found/i;

async function installRelease(ctx: StackContext, release: StackRelease): Promise<void> {
  const where = `helm_release ${release.name} (${release.chart} ${release.version})`;
  const source = await chartSource(ctx.stack, release, ctx.upstreamDir, ctx.cacheDir);
  if (!source.dir) {
    fail(ctx, where, `DID NOT RUN: chart source missing: ${source.origin}`);
    return;
  }
  const values = ctx.cluster.writeFile(`values-${release.name}.json`, JSON.stringify(release.values));
  // --no-hooks: Helm would wait for hook Jobs to complete, which needs a kubelet. The install
  // hooks are applied below as plain objects, so they are admitted all the same.
  const args = ['upgrade', '--install', release.name, source.dir, '--namespace', release.namespace, '--values', values, '--no-hooks', '--timeout', '3m'];
  let result = await ctx.cluster.helm(args);
  for (let attempt = 1; result.code !== 0 && CRD_NOT_READY.test(result.stderr) && attempt <= 3; attempt++) {
    log(`  ${release.name}: CRDs not served yet, retrying after they report Established (attempt ${attempt})`);
    await ctx.cluster.crdsEstablished();
    result = await ctx.cluster.helm(args);
  }
  if (result.code !== 0) {
    fail(ctx, where, oneLine(result.stderr.split('\n').filter((l) => !/^(walk\.go|WARNING)/.test(l)).join(' '), 800));
    return;
  }
  const manifest = await ctx.cluster.helm(['get', 'manifest', release.name, '--namespace', release.namespace]);
  const hooks = await ctx.cluster.helm(['get', 'hooks', release.name, '--namespace', release.namespace]);
  const objects = parseManifests(manifest.stdout, release.namespace);
  const installHooks = parseManifests(hooks.stdout, release.namespace).filter((m) => hookEvents(m).some((h) => INSTALL_HOOKS.has(h)));
  let accepted = objects.length;
  if (installHooks.length > 0) {
    const applied = await ctx.cluster.apply(
      installHooks.map((m) => (m.namespace ? { ...m.body, metadata: { ...(m.body.metadata as JsonObject), namespace: m.namespace } } : m.body)),
      'helm',
    );
    accepted += applied.applied.length;
    for (const e of applied.errors) fail(ctx, `${where} hook`, e);
  }
  ctx.objectsAccepted += accepted;
  ctx.installed.push({ release, manifests: [...objects, ...installHooks] });
  log(`  installed ${release.name}: ${accepted} objects${installHooks.length ? ` (${installHooks.length} install hooks applied without waiting)` : ''} (+${elapsed(ctx)}s)`);
}

/**
 * The kube-controller-manager does not run here: its clusterrole-aggregation controller is
 * stood in for (charts such as Kyverno's grant their controllers' permissions through
 * aggregated ClusterRoles, which are empty until aggregated).
 */
async function aggregateClusterRoles(ctx: StackContext): Promise<void> {
  for (let pass = 0; pass < 3; pass++) {
    const changes = aggregatedClusterRoles(await ctx.cluster.items(['get', 'clusterroles']));
    if (changes.length === 0) return;
    for (const c of changes) {
      const result = await ctx.cluster.kubectl(['patch', 'clusterrole', c.name, '--type=merge', '-p', JSON.stringify({ rules: c.rules })]);
      if (result.code !== 0) fail(ctx, `clusterrole/${c.name}`, `aggregation: ${oneLine(result.stderr)}`);
    }
  }
}

/**
 * Webhooks served by a Service (cert-manager, istiod ...) have no pod behind them here: with
 * failurePolicy Fail every matching request would be refused for want of a kubelet, not for
 * what it is. They are set to Ignore and listed; Kyverno's (registered by URL) stay as they are.
 */
async function ignoreForeignWebhooks(ctx: StackContext): Promise<void> {
  for (const kind of ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations']) {
    for (const config of await ctx.cluster.items(['get', kind])) {
      const name = String((config.metadata as JsonObject).name);
      const webhooks = Array.isArray(config.webhooks) ? config.webhooks.filter(isObject) : [];
      const patch: JsonObject[] = [];
      webhooks.forEach((w, i) => {
        const client = isObject(w.clientConfig) ? w.clientConfig : {};
        if (client.service !== undefined && w.failurePolicy !== 'Ignore') patch.push({ op: 'replace', path: `/webhooks/${i}/failurePolicy`, value: 'Ignore' });
      });
      if (patch.length === 0) continue;
      const result = await ctx.cluster.kubectl(['patch', kind, name, '--type=json', '-p', JSON.stringify(patch)]);
      if (result.code !== 0) fail(ctx, `${kind}/${name}`, `could not set failurePolicy Ignore: ${oneLine(result.stderr)}`);
      else ctx.ignoredWebhooks.add(`${kind.replace('webhookconfigurations', '')}/${name}`);
    }
  }
}

/** Kyverno's admission and background controllers, as the chart runs them, outside the cluster. */
async function startKyverno(ctx: StackContext, objects: readonly Manifest[]): Promise<void> {
  const deployment = (component: string): Manifest | undefined =>
    objects.find((m) => m.kind === 'Deployment' && ((m.body.metadata as JsonObject).labels as JsonObject | undefined)?.['app.kubernetes.io/component'] === component);
  const admission = deployment('admission-controller');
  const background = deployment('background-controller');
  if (!admission || !background) {
    fail(ctx, 'kyverno', 'the kyverno release has no admission-controller or background-controller Deployment');
    return;
  }
  const sigstore = join(ctx.work, 'sigstore');
  mkdirSync(sigstore, { recursive: true });
  const webhookPort = await freePort();
  for (const [name, manifest, binary, extra] of [
    ['kyverno-admission-controller', admission, 'kyverno-controller', { serverIP: `127.0.0.1:${webhookPort}`, webhookServerHost: '127.0.0.1', webhookServerPort: String(webhookPort) }],
    ['kyverno-background-controller', background, 'kyverno-background-controller', {}],
  ] as const) {
    const base = controllerFromDeployment(manifest.body, {});
    const token = await ctx.cluster.kubectl(['create', 'token', base.serviceAccount, '-n', manifest.namespace ?? 'kyverno', '--duration=4h']);
    if (token.code !== 0) {
      fail(ctx, name, `no token for service account ${base.serviceAccount}: ${oneLine(token.stderr)}`);
      return;
    }
    const kubeconfig = ctx.cluster.writeFile(`${name}.kubeconfig`, kubeconfigFor(ctx.cluster.cp.server, readFileSync(ctx.cluster.cp.caFile, 'utf8'), base.serviceAccount, token.stdout.trim()));
    const controller = controllerFromDeployment(manifest.body, {
      ...extra,
      kubeconfig,
      // Every listener on loopback, on ports nothing else uses.
      metricsHost: '127.0.0.1',
      metricsPort: String(await freePort()),
      controllerRuntimeMetricsAddress: `127.0.0.1:${await freePort()}`,
    });
    const child = ctx.processes.start(name, binary, controller.args, { ...process.env, ...controller.env, TUF_ROOT: sigstore, HOME: ctx.work });
    log(`  started ${name} (pid ${child.pid}) as system:serviceaccount:${manifest.namespace}:${controller.serviceAccount}`);
  }
  try {
    await waitFor('Kyverno to register its webhooks by URL', 120_000, async () => {
      for (const name of ['kyverno-admission-controller', 'kyverno-background-controller']) {
        if (!ctx.processes.isRunning(name)) throw new Error(`${name} exited (log: ${join(ctx.work, `${name}.log`)})`);
      }
      const configs = await ctx.cluster.items(['get', 'validatingwebhookconfigurations']);
      return configs.some((c) => (Array.isArray(c.webhooks) ? c.webhooks : []).some((w) => isObject(w) && isObject(w.clientConfig) && String(w.clientConfig.url ?? '').includes(`127.0.0.1:${webhookPort}`)));
    }, 500);
    ctx.kyvernoStarted = true;
    log(`  Kyverno admission controller serving its webhooks at https://127.0.0.1:${webhookPort}`);
  } catch (error) {
    fail(ctx, 'kyverno', (error as Error).message);
  }
}

async function applyTerraformObject(ctx: StackContext, address: string): Promise<void> {
  const [type, id] = address.split('.');
  const doc = JSON.parse(readFileSync(join(ctx.stack.dir, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, Record<string, JsonObject>> };
  const manifest = terraformObjectManifest(type, doc.resource[type][id], `${ctx.stack.stack} ${address}`);
  const result = await ctx.cluster.kubectl(['create', '-o', 'name', '-f', '-'], yaml11(manifest));
  if (result.code !== 0) {
    fail(ctx, address, oneLine(result.stderr));
    return;
  }
  ctx.objectsAccepted++;
  if (manifest.kind === 'Namespace') await ctx.cluster.ensureDefaultServiceAccount(String((manifest.metadata as JsonObject).name));
}

// ---------------------------------------------------------------------------------------------
// Argo CD

/** Argo CD's apply order within a sync wave: namespaces and CRDs before what lives in them. */
const KIND_ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'Secret', 'ConfigMap', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'];

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const path = join(dir, f);
    return statSync(path).isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

async function renderArgoSource(ctx: StackContext, source: ArgoSource): Promise<JsonObject[] | undefined> {
  const dir = join(ctx.gitopsRoot, source.path);
  if (!existsSync(dir)) {
    // The environment's app-of-apps (clusters/<env>) lives in the gitops repository, not here.
    ctx.notes.push(`Application ${source.app}: path ${source.path} is not in the gitops checkout ${ctx.gitopsRoot} (the environment's app-of-apps lives in the gitops repository): not synced`);
    return undefined;
  }
  let text: string;
  if (source.type === 'directory') {
    const files = directoryFiles(walk(dir), source);
    text = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('\n---\n');
  } else {
    const values = ctx.cluster.writeFile(`argo-values-${source.app}.json`, JSON.stringify(source.values));
    const apiVersions = (await ctx.cluster.kubectl(['api-versions'])).stdout.split('\n').filter((v) => v !== '');
    const args = ['template', source.releaseName, dir, '--namespace', source.namespace, '--values', values, '--include-crds', '--kube-version', ctx.cluster.cp.version];
    for (const v of apiVersions) args.push('--api-versions', v);
    const result = await run('helm', args);
    if (result.code !== 0) {
      fail(ctx, `Application ${source.app}`, `helm template: ${oneLine(result.stderr)}`);
      return undefined;
    }
    text = result.stdout;
  }
  const docs: JsonObject[] = [];
  for (const d of parseAllDocuments(text, { version: '1.1' })) {
    const json = d.toJSON() as Json;
    if (isObject(json) && typeof json.kind === 'string') docs.push(json);
  }
  const rank = (d: JsonObject): number => {
    const i = KIND_ORDER.indexOf(String(d.kind));
    return i < 0 ? KIND_ORDER.length : i;
  };
  return docs.sort((a, b) => rank(a) - rank(b));
}

/**
 * Syncs the Applications the stack created, as Argo CD would: each source rendered from this
 * repository (the gitops repo the Applications point at), applied server-side into its
 * destination namespace. Objects `held` names are returned instead of applied.
 */
async function argoSync(ctx: StackContext, hold: (d: JsonObject) => boolean): Promise<JsonObject[]> {
  const held: JsonObject[] = [];
  const applications = await ctx.cluster.items(['get', 'applications.argoproj.io', '-A']).catch((error: unknown) => {
    fail(ctx, 'Argo CD', `no Applications: ${(error as Error).message}`);
    return [] as JsonObject[];
  });
  const sources = argoSources(applications);
  if (sources.length === 0) fail(ctx, 'Argo CD', 'the stack created no Application');
  const clusterScoped = await clusterScopedKinds(ctx);
  const projects = new Map((await ctx.cluster.items(['get', 'appprojects.argoproj.io', '-A'])).map((p) => [String((p.metadata as JsonObject).name), p]));
  for (const source of sources) {
    const docs = await renderArgoSource(ctx, source);
    if (!docs) continue;
    const project = projects.get(source.project);
    if (!project) fail(ctx, `Application ${source.app}`, `AppProject ${source.project} does not exist`);
    const allowed: JsonObject[] = [];
    for (const d of docs) {
      const apiVersion = String(d.apiVersion ?? '');
      const gk = { group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind: String(d.kind) };
      const scoped = clusterScoped.has(`${gk.group}/${gk.kind}`);
      const refusal = project ? projectRefusal(project, gk, scoped) : undefined;
      const metadata = { ...((d.metadata as JsonObject | undefined) ?? {}) };
      if (refusal) {
        fail(ctx, `Application ${source.app}: ${gk.kind} ${String(metadata.name)}`, `Argo CD would refuse it: ${refusal} (AppProject ${source.project})`);
        continue;
      }
      // Argo CD puts namespaced objects without a namespace into the destination namespace.
      if (!scoped && metadata.namespace === undefined) metadata.namespace = source.namespace;
      allowed.push({ ...d, metadata });
    }
    const now = allowed.filter((d) => !hold(d));
    held.push(...allowed.filter(hold));
    const result = await ctx.cluster.apply(now, 'argocd-controller');
    ctx.objectsAccepted += result.applied.length;
    for (const e of result.errors) fail(ctx, `Application ${source.app}`, e);
    log(`  Argo CD ${source.app} (${source.type} ${source.path}): ${result.applied.length}/${now.length} objects applied`);
  }
  return held;
}

/** `<group>/<Kind>` of every cluster-scoped kind the API server serves (built-in and CRDs). */
async function clusterScopedKinds(ctx: StackContext): Promise<Set<string>> {
  const out = new Set<string>();
  const result = await ctx.cluster.kubectl(['api-resources', '--namespaced=false', '--no-headers']);
  for (const line of result.stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 4) continue;
    const kind = cols[cols.length - 1];
    const apiVersion = cols[cols.length - 3];
    out.add(`${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${kind}`);
  }
  return out;
}

/** Waits until Kyverno reports every ClusterPolicy Ready (its webhooks then carry their rules). */
async function policiesReady(ctx: StackContext): Promise<void> {
  let notReady: string[] = [];
  try {
    await waitFor('every ClusterPolicy Ready', 90_000, async () => {
      const policies = await ctx.cluster.items(['get', 'clusterpolicies.kyverno.io']);
      notReady = policies
        .filter((p) => !(Array.isArray((p.status as JsonObject | undefined)?.conditions) ? ((p.status as JsonObject).conditions as JsonObject[]) : []).some((c) => c.type === 'Ready' && c.status === 'True'))
        .map((p) => String((p.metadata as JsonObject).name));
      return policies.length > 0 && notReady.length === 0;
    }, 500);
  } catch (error) {
    fail(ctx, 'Kyverno', `${(error as Error).message}: ${notReady.join(', ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// admission

/** Named like the pods the controller creates, as scripts/verify-baseline.ts names them, so exceptions that match by name see what admission sees. */
function podName(template: PodTemplate, i: number): string {
  return `${template.ownerName.slice(0, 50)}-p${i}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

async function pool<T, R>(items: readonly T[], jobs: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

async function admitPlatformPods(ctx: StackContext): Promise<{ admitted: number; total: number }> {
  const templates: Array<{ release: string; template: PodTemplate }> = [];
  for (const r of ctx.installed) {
    for (const m of r.manifests) {
      for (const t of podTemplates([m])) {
        // The StatefulSet controller adds a volume per volumeClaimTemplate to the pods it creates.
        const claims = m.kind === 'StatefulSet' ? statefulSetClaimVolumes(m.body) : [];
        const volumes = [...(Array.isArray(t.spec.volumes) ? t.spec.volumes : []), ...claims];
        templates.push({ release: r.release.name, template: claims.length > 0 ? { ...t, spec: { ...t.spec, volumes } } : t });
      }
    }
    for (const t of operatorPods(r.manifests)) templates.push({ release: r.release.name, template: t });
  }
  const results = await pool(templates, 3, async ({ release, template }, i) => {
    const message = await ctx.cluster.dryRun(asPod(template, podName(template, i)));
    if (message !== '') fail(ctx, `${release}: ${template.owner}`, message);
    return message === '';
  });
  return { admitted: results.filter(Boolean).length, total: templates.length };
}

interface Planted {
  readonly name: string;
  readonly policy: string;
  readonly object: JsonObject;
  /** What the denial must also say (the reason, not just the policy). */
  readonly reason?: RegExp;
}

/** A Pod every policy admits (the control): the planted violations each change one thing. */
function compliantPod(name: string, image: string): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: WORKLOAD_NAMESPACE, labels: { 'app.kubernetes.io/name': 'live-probe' } },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

function edit(pod: JsonObject, change: (spec: JsonObject, container: JsonObject) => void): JsonObject {
  const copy = JSON.parse(JSON.stringify(pod)) as JsonObject;
  const spec = copy.spec as JsonObject;
  change(spec, (spec.containers as JsonObject[])[0]);
  return copy;
}

/** The pod wrapped in a controller: Kyverno's autogen rules must deny the controller itself. */
function controller(kind: 'Deployment' | 'CronJob', pod: JsonObject): JsonObject {
  const metadata = pod.metadata as JsonObject;
  const template = { metadata: { labels: metadata.labels }, spec: pod.spec };
  const spec: JsonObject =
    kind === 'Deployment'
      ? { replicas: 1, selector: { matchLabels: metadata.labels }, template }
      : { schedule: '0 3 * * *', jobTemplate: { spec: { template: { ...template, spec: { ...(pod.spec as JsonObject), restartPolicy: 'Never' } } } } };
  return { apiVersion: kind === 'Deployment' ? 'apps/v1' : 'batch/v1', kind, metadata: { name: metadata.name, namespace: WORKLOAD_NAMESPACE }, spec };
}

function plantedViolations(image: string): Planted[] {
  const base = (name: string): JsonObject => compliantPod(name, image);
  return [
    {
      name: 'privileged container',
      policy: 'disallow-privileged-containers',
      // allowPrivilegeEscalation false with privileged true is refused by API validation itself.
      object: edit(base('planted-privileged'), (_, c) => {
        const sc = c.securityContext as JsonObject;
        delete sc.allowPrivilegeEscalation;
        sc.privileged = true;
      }),
    },
    {
      name: 'root user',
      policy: 'require-run-as-non-root',
      object: edit(base('planted-root'), (s, c) => {
        s.securityContext = { runAsNonRoot: false, runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
        (c.securityContext as JsonObject).runAsNonRoot = false;
      }),
    },
    {
      name: 'host namespaces',
      policy: 'disallow-host-access',
      object: edit(base('planted-host-namespaces'), (s) => {
        s.hostNetwork = true;
        s.hostPID = true;
        s.hostIPC = true;
      }),
    },
    { name: 'no limits', policy: 'require-requests-limits', object: edit(base('planted-no-limits'), (_, c) => delete c.resources) },
    { name: 'unapproved registry', policy: 'restrict-image-registries', object: edit(base('planted-unapproved-registry'), (_, c) => (c.image = 'docker.io/library/nginx:1.27.0')) },
    {
      name: 'privileged Deployment',
      policy: 'disallow-privileged-containers',
      object: controller(
        'Deployment',
        edit(base('planted-privileged-deployment'), (_, c) => {
          const sc = c.securityContext as JsonObject;
          delete sc.allowPrivilegeEscalation;
          sc.privileged = true;
        }),
      ),
    },
    { name: 'CronJob in the host PID namespace', policy: 'disallow-host-access', object: controller('CronJob', edit(base('planted-host-pid-cronjob'), (s) => (s.hostPID = true))) },
    // The workload namespace is restricted: no pod of it may land on the security pool, and its service authorization names callers.
    {
      name: 'security-pool toleration in a restricted namespace',
      policy: 'restrict-classified-workload-placement',
      object: edit(base('planted-security-toleration'), (s) => (s.tolerations = [{ key: 'workload', operator: 'Equal', value: 'security', effect: 'NoSchedule' }])),
    },
    {
      name: 'Deployment selecting the security pool in a restricted namespace',
      policy: 'restrict-classified-workload-placement',
      object: controller('Deployment', edit(base('planted-security-selector'), (s) => (s.nodeSelector = { workload: 'security' }))),
    },
    { name: 'nodeName in a restricted namespace', policy: 'restrict-classified-node-name', object: edit(base('planted-node-name'), (s) => (s.nodeName = 'node-1')) },
    {
      name: 'allow-all AuthorizationPolicy',
      policy: 'restrict-authorization-policy-sources',
      object: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'planted-allow-all', namespace: WORKLOAD_NAMESPACE }, spec: { rules: [{}] } },
    },
    {
      name: 'AuthorizationPolicy allowing principal *',
      policy: 'restrict-authorization-policy-sources',
      object: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'planted-star', namespace: WORKLOAD_NAMESPACE }, spec: { rules: [{ from: [{ source: { principals: ['*'] } }] }] } },
    },
    {
      name: 'Secret written by hand in a workload namespace',
      policy: 'restrict-secret-ownership',
      object: plantedSecret('planted-hand-made-secret'),
    },
    {
      name: "VaultDynamicSecret pointed at a Vault outside the cluster (the namespace's Vault token would go there)",
      policy: 'restrict-secret-generators',
      object: vaultDynamicSecret('planted-external-vault', 'https://vault.attacker.example.com:8200'),
    },
    {
      name: 'Webhook secret generator',
      policy: 'restrict-secret-generators',
      object: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', metadata: { name: 'planted-webhook', namespace: WORKLOAD_NAMESPACE }, spec: { url: 'https://collector.example.com/in', result: { jsonPath: '$.token' } } },
    },
    {
      name: 'PeerAuthentication without STRICT in a restricted namespace',
      policy: 'restrict-peer-authentication-mtls',
      object: { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'planted-unset', namespace: WORKLOAD_NAMESPACE }, spec: { mtls: { mode: 'UNSET' } } },
    },
  ];
}

/** A VaultDynamicSecret of the workload namespace for its database credentials, as docs/secrets.md shows, at `server`. */
function vaultDynamicSecret(name: string, server: string): JsonObject {
  return {
    apiVersion: 'generators.external-secrets.io/v1alpha1',
    kind: 'VaultDynamicSecret',
    metadata: { name, namespace: WORKLOAD_NAMESPACE },
    spec: {
      path: `${DATABASE_SECRETS_MOUNT}/creds/${WORKLOAD_NAMESPACE}_orders`,
      method: 'GET',
      provider: {
        server,
        caProvider: { type: 'ConfigMap', name: 'vault-ca', key: 'ca.crt' },
        auth: { kubernetes: { mountPath: VAULT_SECRET_STORE.authMount, role: DATABASE_CREDENTIALS_ROLE, serviceAccountRef: { name: VAULT_SECRET_STORE.serviceAccount, audiences: [VAULT_SECRET_STORE.audience] } } },
      },
    },
  };
}

function plantedSecret(name: string): JsonObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: WORKLOAD_NAMESPACE }, type: 'Opaque', stringData: { password: 'not-a-real-password' } };
}

/** The writers restrict-secret-ownership trusts: the same Secret, written as them, is admitted. */
const TRUSTED_SECRET_WRITERS = ['system:serviceaccount:external-secrets:external-secrets', 'system:serviceaccount:cert-manager:cert-manager', 'system:serviceaccount:velero:velero'];

async function trustedSecretWriters(ctx: StackContext): Promise<void> {
  for (const writer of TRUSTED_SECRET_WRITERS) {
    const message = await ctx.cluster.dryRun(plantedSecret('synced-secret'), writer);
    if (message !== '') fail(ctx, `Secret written by ${writer}`, `denied; restrict-secret-ownership must admit it: ${message}`);
    else log(`  admitted a Secret in ${WORKLOAD_NAMESPACE} written by ${writer}`);
  }
}

const KYVERNO_DENIAL = /admission webhook "[a-z.-]*kyverno[a-z.-]*" denied the request/;

async function judgePlanted(ctx: StackContext, planted: readonly Planted[]): Promise<number> {
  let denied = 0;
  for (const p of planted) {
    const message = await ctx.cluster.dryRun(p.object);
    if (message === '') fail(ctx, `planted ${p.name}`, `admitted; expected a denial by ${p.policy}`);
    else if (!KYVERNO_DENIAL.test(message) || !deniedBy(message, p.policy)) fail(ctx, `planted ${p.name}`, `denied, but not by Kyverno's ${p.policy}: ${message}`);
    else if (p.reason && !p.reason.test(message)) fail(ctx, `planted ${p.name}`, `denied by ${p.policy}, but not for the planted reason (${String(p.reason)}): ${message}`);
    else {
      denied++;
      const webhook = KYVERNO_DENIAL.exec(message)?.[0].split('"')[1] ?? '';
      log(`  denied planted ${p.name} by ${webhook}: ${message.slice(message.indexOf(`${p.policy}:`)).slice(0, 200)}`);
    }
  }
  return denied;
}

/** A local registry with one unsigned image: what a pushed-but-unsigned image looks like to Kyverno. */
async function unsignedImage(ctx: StackContext): Promise<string> {
  const port = await freePort();
  ctx.processes.start('registry', 'registry', ['-port', String(port)]);
  const reg = `127.0.0.1:${port}`;
  await waitFor(`the local registry on ${reg}`, 20_000, async () => (await run('crane', ['catalog', reg, '--insecure'])).code === 0);
  const layerDir = join(ctx.work, 'layer');
  mkdirSync(layerDir, { recursive: true });
  writeFileSync(join(layerDir, 'probe'), 'live probe\n');
  const tar = join(ctx.work, 'layer.tar');
  const tarred = await run('tar', ['-cf', tar, '-C', layerDir, 'probe']);
  if (tarred.code !== 0) throw new Error(`tar: ${tarred.stderr}`);
  const image = `${reg}/live/unsigned:1.0.0`;
  const pushed = await run('crane', ['append', '-f', tar, '-t', image, '--insecure']);
  if (pushed.code !== 0) throw new Error(`crane append: ${oneLine(pushed.stderr)}`);
  return image;
}

/**
 * The NetworkPolicies Kyverno generates in a new namespace labelled for sidecar injection
 * (policies/generate-default-deny-networkpolicy): the default deny, DNS, and the mesh egress
 * (istiod, egress gateway), whose spec must equal the CLI suite's expected file exactly. The
 * offline CLI cannot prove this: it reports a rule that generated nothing as passing.
 */
async function generatedNetworkPolicies(ctx: StackContext): Promise<void> {
  const expected = ['default-deny-all', 'allow-dns-egress', 'allow-mesh-egress'];
  let found: string[] = [];
  try {
    await waitFor(`NetworkPolicies ${expected.join(', ')} generated in ${WORKLOAD_NAMESPACE}`, 90_000, async () => {
      found = (await ctx.cluster.items(['get', 'networkpolicies', '-n', WORKLOAD_NAMESPACE])).map((p) => String((p.metadata as JsonObject).name));
      return expected.every((e) => found.includes(e));
    }, 500);
    log(`  generate: ${expected.join(', ')} created by Kyverno in the new namespace ${WORKLOAD_NAMESPACE}`);
  } catch (error) {
    fail(ctx, 'generate-default-deny-networkpolicy', `${(error as Error).message} (found: ${found.join(', ') || 'none'})`);
    return;
  }
  const file = join(ctx.gitopsRoot, 'policies', 'generate-default-deny-networkpolicy', 'generated-allow-mesh-egress.yaml');
  const want = (parseAllDocuments(readFileSync(file, 'utf8'))[0].toJSON() as JsonObject).spec;
  const got = (await ctx.cluster.json(['get', 'networkpolicy', 'allow-mesh-egress', '-n', WORKLOAD_NAMESPACE])).spec;
  if (!isDeepStrictEqual(got, want)) fail(ctx, 'generate-default-deny-networkpolicy', `allow-mesh-egress generated with spec ${JSON.stringify(got)}; expected ${JSON.stringify(want)} (${relative(ctx.gitopsRoot, file)})`);
  else log('  generate: allow-mesh-egress equals the CLI suite\'s expected policy (istiod 15012, egress gateway outside 15000-15099)');
}

/**
 * The hourly Velero Schedule Kyverno generates for a restricted namespace (policies/generate-velero-restricted-schedule):
 * that namespace only, with the TTL the baseline wrote into platform-policy-config.
 */
async function generatedVeleroSchedule(ctx: StackContext): Promise<void> {
  const name = `restricted-${WORKLOAD_NAMESPACE}`;
  try {
    await waitFor(`Schedule velero/${name} generated for ${WORKLOAD_NAMESPACE}`, 90_000, async () =>
      (await ctx.cluster.items(['get', 'schedules.velero.io', '-n', 'velero'])).some((s) => (s.metadata as JsonObject).name === name), 500);
    const schedule = await ctx.cluster.json(['get', 'schedules.velero.io', name, '-n', 'velero']);
    const config = await ctx.cluster.json(['get', 'configmap', 'platform-policy-config', '-n', 'kyverno']);
    const template = ((schedule.spec ?? {}) as JsonObject).template as JsonObject | undefined;
    const ttl = ((config.data ?? {}) as JsonObject).backupRestrictedTtl;
    if (JSON.stringify(template?.includedNamespaces) !== JSON.stringify([WORKLOAD_NAMESPACE]) || template?.ttl !== ttl) {
      fail(ctx, 'generate-velero-restricted-schedule', `generated with template ${JSON.stringify(template)}; expected includedNamespaces [${WORKLOAD_NAMESPACE}] and ttl ${String(ttl)}`);
    } else log(`  generate: Schedule velero/${name} (hourly, ${WORKLOAD_NAMESPACE} only, ttl ${String(ttl)}) created by Kyverno`);
  } catch (error) {
    fail(ctx, 'generate-velero-restricted-schedule', (error as Error).message);
  }
}

/** The default-deny AuthorizationPolicy Kyverno generates in a new namespace, and an AuthorizationPolicy that names its callers admitted. */
async function generatedAuthorizationPolicy(ctx: StackContext): Promise<void> {
  try {
    await waitFor(`AuthorizationPolicy default-deny-all generated in ${WORKLOAD_NAMESPACE}`, 90_000, async () =>
      (await ctx.cluster.items(['get', 'authorizationpolicies.security.istio.io', '-n', WORKLOAD_NAMESPACE])).some((p) => (p.metadata as JsonObject).name === 'default-deny-all'), 500);
    const generated = await ctx.cluster.json(['get', 'authorizationpolicies.security.istio.io', 'default-deny-all', '-n', WORKLOAD_NAMESPACE]);
    const spec = (generated.spec ?? {}) as JsonObject;
    if (Object.keys(spec).length !== 0) fail(ctx, 'generate-default-deny-authorizationpolicy', `generated with spec ${JSON.stringify(spec)}; expected {} (allow nothing)`);
    else log(`  generate: AuthorizationPolicy default-deny-all (spec {}: allow nothing) created by Kyverno in ${WORKLOAD_NAMESPACE}`);
  } catch (error) {
    fail(ctx, 'generate-default-deny-authorizationpolicy', (error as Error).message);
  }
  const callers = await ctx.cluster.dryRun({
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: 'callers', namespace: WORKLOAD_NAMESPACE },
    spec: { rules: [{ from: [{ source: { principals: ['cluster.local/ns/checkout/sa/checkout-web'] } }] }] },
  });
  if (callers !== '') fail(ctx, 'AuthorizationPolicy naming its callers', `denied: ${callers}`);
  // The platform's VaultDynamicSecret shape is admitted (restrict-secret-generators denies the planted variants).
  const generator = await ctx.cluster.dryRun(vaultDynamicSecret('orders-db-creds', VAULT_SECRET_STORE.server));
  if (generator !== '') fail(ctx, "VaultDynamicSecret for the platform's Vault", `denied: ${generator}`);
}

/** The CRDs .ci/tools.sh fetched into the tools cache (crds/<group>/*.yaml): what every cloud's cluster has before the platform. */
function clusterProvidedCrds(): JsonObject[] {
  const root = join(process.env.PLATFORM_TOOLS_CACHE || join(homedir(), '.cache', 'platform-tools'), 'crds');
  const group = join(root, 'snapshot.storage.k8s.io');
  if (!existsSync(group)) throw new Error(`the cluster-provided CRDs are missing: ${group} (run bash .ci/tools.sh)`);
  const docs = readdirSync(group)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(readFileSync(join(group, f), 'utf8')).map((d) => d.toJSON() as JsonObject))
    .filter((d) => d?.kind === 'CustomResourceDefinition');
  if (docs.length === 0) throw new Error(`no CustomResourceDefinition in ${group}`);
  return docs;
}

async function checkStack(stack: BaselineStack, options: { mirror: string; upstreamDir?: string; cacheDir: string; gitopsRoot: string; keep: boolean }): Promise<StackOutcome> {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), `verify-live-${stack.stack}-`));
  const processes = new Processes(work);
  const failures: Failure[] = [];
  const notes: string[] = [];
  let counts: LiveCounts = { releasesInstalled: 0, releases: stack.releases.length, objectsAccepted: 0, templatesAdmitted: 0, templates: 0, plantedDenied: 0, planted: 0 };
  try {
    const cp = await startControlPlane(processes, work, (name) => name);
    const cluster = new Cluster(cp, work);
    const serverMinor = /^v(\d+\.\d+)/.exec(cp.version)?.[1];
    notes.push(
      serverMinor === stack.kubeVersion
        ? `kube-apiserver ${cp.version} = the environment's Kubernetes ${stack.kubeVersion}`
        : `kube-apiserver ${cp.version} used for an environment on Kubernetes ${stack.kubeVersion}: one API server build is cached (.ci/live-tools.sh KUBERNETES_VERSION); admission and API behaviour are those of ${cp.version}`,
    );
    log(`${stack.stack}: control plane up at ${cp.server} (${notes[0]})`);
    for (const ns of ['default', 'kube-system', 'kube-public']) await cluster.ensureDefaultServiceAccount(ns);
    // What the cloud's cluster provides before any stack of ours: the snapshot.storage.k8s.io CRDs (EKS
    // snapshot-controller add-on, AKS and GKE built in), for the platform chart's VolumeSnapshotClass.
    const clusterCrds = clusterProvidedCrds();
    const provided = await cluster.apply(clusterCrds, 'cloud-provider');
    if (provided.errors.length > 0) throw new Error(`cluster-provided CRDs: ${provided.errors.join('; ')}`);
    await cluster.crdsEstablished();
    notes.push(`${clusterCrds.length} cluster-provided CRDs (snapshot.storage.k8s.io, from .ci/tools.sh)`);

    const ctx: StackContext = {
      stack,
      cluster,
      processes,
      work,
      mirror: options.mirror,
      upstreamDir: options.upstreamDir,
      cacheDir: options.cacheDir,
      gitopsRoot: options.gitopsRoot,
      failures,
      notes,
      objectsAccepted: 0,
      installed: [],
      ignoredWebhooks: new Set(),
      kyvernoStarted: false,
      started,
    };

    // 1. Terraform's apply, in dependency order.
    // Level by level; the releases of one level in parallel, as Terraform applies independent
    // resources. After each level, what the cluster's own controllers would have done.
    const byAddress = new Map(stack.releases.map((r) => [r.address, r]));
    const steps = applyOrder(stack);
    for (const level of [...new Set(steps.map((s) => s.level))]) {
      const here = steps.filter((s) => s.level === level);
      for (const step of here.filter((s) => s.kind === 'object')) await applyTerraformObject(ctx, step.address);
      const releases = here.filter((s) => s.kind === 'release').map((s) => byAddress.get(s.address)!);
      await pool(releases, RELEASE_JOBS, (release) => installRelease(ctx, release));
      if (releases.length === 0) continue;
      await ctx.cluster.crdsEstablished();
      await aggregateClusterRoles(ctx);
      await ignoreForeignWebhooks(ctx);
      const kyverno = ctx.installed.find((r) => r.release.chart === 'kyverno' && releases.includes(r.release));
      if (kyverno) await startKyverno(ctx, kyverno.manifests);
    }
    if (!ctx.kyvernoStarted) throw new Error('Kyverno did not start: admission cannot be proven');
    log(`  Terraform apply done (+${elapsed(ctx)}s)`);

    // 2. Argo CD: everything but the signature policy now (see the header).
    const held = await argoSync(ctx, (d) => d.kind === 'ClusterPolicy' && (d.metadata as JsonObject | undefined)?.name === SIGNATURE_POLICY);
    await policiesReady(ctx);
    log(`  Argo CD sync done, policies Ready (+${elapsed(ctx)}s)`);
    // Velero finds the class for the cluster's CSI driver by its label: without it no volume data is backed up.
    const cloud = stack.stack.split('-')[0] as CloudProvider;
    const classes = await cluster.items(['get', 'volumesnapshotclasses.snapshot.storage.k8s.io', '-l', 'velero.io/csi-volumesnapshot-class=true']);
    const drivers = classes.map((c) => `${String((c.metadata as JsonObject).name)}:${String(c.driver)}:${String(c.deletionPolicy)}`);
    if (!isDeepStrictEqual(drivers, [`${VOLUME_SNAPSHOT_CLASS}:${CSI_SNAPSHOT_DRIVERS[cloud]}:Delete`])) {
      fail(ctx, 'VolumeSnapshotClass', `expected one class labelled for Velero, ${VOLUME_SNAPSHOT_CLASS} for ${CSI_SNAPSHOT_DRIVERS[cloud]} (Delete); got ${JSON.stringify(drivers)}`);
    }

    // 3. Admission: a compliant control, the platform's pods, the planted violations.
    const image = `${options.mirror}/live/probe:1.0.0`;
    // Every workload namespace carries its data class (policies/require-data-classification): one without is refused.
    const unclassified = await cluster.dryRun({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'live-unclassified' } });
    if (unclassified === '' || !deniedBy(unclassified, 'require-data-classification')) fail(ctx, 'namespace without data-classification', unclassified === '' ? 'admitted; expected a denial by require-data-classification' : `denied, but not by require-data-classification: ${unclassified}`);
    const created = await cluster.apply([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: WORKLOAD_NAMESPACE, labels: { 'data-classification': 'restricted', 'istio-injection': 'enabled' } } }], 'verify-live');
    for (const e of created.errors) fail(ctx, `namespace ${WORKLOAD_NAMESPACE}`, e);
    await cluster.ensureDefaultServiceAccount(WORKLOAD_NAMESPACE);
    const planted = plantedViolations(image);
    // Kyverno updates its webhook rules asynchronously after the policies turn Ready: wait for the
    // first planted violation to be denied (a probe, not a sleep).
    await waitFor('the Kyverno webhook to enforce the policies', 60_000, async () => (await cluster.dryRun(planted[0].object)) !== '', 1000).catch(() => undefined);
    const control = await cluster.dryRun(compliantPod('live-control', image));
    if (control !== '') fail(ctx, 'control Pod (complies with every policy)', `denied: ${control}`);
    const pods = await admitPlatformPods(ctx);
    log(`  platform pods judged (+${elapsed(ctx)}s)`);
    let denied = await judgePlanted(ctx, planted);
    await trustedSecretWriters(ctx);
    await generatedNetworkPolicies(ctx);
    await generatedAuthorizationPolicy(ctx);
    await generatedVeleroSchedule(ctx);
    log(`  planted and generate judged (+${elapsed(ctx)}s)`);

    // 4. The signature policy, proven on an unsigned image from a local registry.
    const signaturePlanted: Planted[] = [];
    if (held.length > 0) {
      const applied = await cluster.apply(held, 'argocd-controller');
      ctx.objectsAccepted += applied.applied.length;
      for (const e of applied.errors) fail(ctx, `Application platform-policies ${SIGNATURE_POLICY}`, e);
      await policiesReady(ctx);
      try {
        const unsigned = await unsignedImage(ctx);
        // The image exists and is fetched; what is missing is its signature.
        signaturePlanted.push({ name: 'missing signature', policy: SIGNATURE_POLICY, object: compliantPod('planted-unsigned', unsigned), reason: /no signatures found/ });
        await waitFor(`the Kyverno webhook to verify signatures`, 60_000, async () => (await cluster.dryRun(signaturePlanted[0].object)) !== '', 1000).catch(() => undefined);
        denied += await judgePlanted(ctx, signaturePlanted);
      } catch (error) {
        fail(ctx, 'planted missing signature', (error as Error).message);
      }
    } else fail(ctx, SIGNATURE_POLICY, 'not among the policies Argo CD syncs');
    if (ctx.ignoredWebhooks.size > 0) notes.push(`webhooks without a pod to answer, set to failurePolicy Ignore: ${[...ctx.ignoredWebhooks].sort().join(', ')}`);
    counts = {
      releasesInstalled: ctx.installed.length,
      releases: stack.releases.length,
      objectsAccepted: ctx.objectsAccepted,
      templatesAdmitted: pods.admitted,
      templates: pods.total,
      plantedDenied: denied,
      planted: planted.length + Math.max(1, signaturePlanted.length),
    };
  } catch (error) {
    failures.push({ where: stack.stack, message: `aborted: ${(error as Error).message}` });
  } finally {
    await processes.stopAll();
    if (failures.length > 0 || options.keep) notes.push(`logs and data kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  return { stack: stack.stack, ...counts, failures, notes, seconds: (Date.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// main

const TOOLS = ['etcd', 'kube-apiserver', 'kubectl', 'kyverno-controller', 'kyverno-background-controller', 'helm', 'registry', 'crane', 'openssl', 'tar'];

async function missingTools(): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of TOOLS) {
    if ((await run('sh', ['-c', `command -v "${tool}"`])).code !== 0) missing.push(tool);
  }
  return missing;
}

/** The dev baseline stack of each cloud: one environment per cloud, as the issue asks. */
function defaultStacks(outdir: string): string[] {
  const dir = join(outdir, 'stacks');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((s) => /^[a-z]+-dev-baseline$/.test(s) && existsSync(join(dir, s, 'cdk.tf.json')))
    .sort();
}

async function main(argv: readonly string[]): Promise<number> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const wanted = argv.flatMap((a, i) => (a === '--stack' && argv[i + 1] ? [argv[i + 1]] : []));
  const outdir = resolve(arg('--outdir') ?? join(repoRoot, 'cdktf.out'));
  const upstreamDir = process.env.UPSTREAM_DIR && existsSync(process.env.UPSTREAM_DIR) ? resolve(process.env.UPSTREAM_DIR) : undefined;
  const cacheDir = process.env.HELM_CHART_CACHE ?? join(process.env.PLATFORM_TOOLS_CACHE ?? join(homedir(), '.cache', 'platform-tools'), 'charts');
  mkdirSync(cacheDir, { recursive: true });
  const started = Date.now();

  const missing = await missingTools();
  if (missing.length > 0) {
    console.error(`[verify-live] DID NOT RUN: ${missing.join(', ')} not on PATH (export PATH="$(bash .ci/live-tools.sh):$(bash .ci/tools.sh):$PATH")`);
    return 2;
  }
  const stacks = wanted.length > 0 ? wanted : defaultStacks(outdir);
  if (stacks.length === 0) {
    console.error(`[verify-live] DID NOT RUN: no baseline stack in ${outdir} (run npm run synth first)`);
    return 2;
  }
  const mirrors = new Map(loadFleetFromDirectory(process.env.PLATFORM_ENVIRONMENTS_DIR || join(__dirname, '..', 'environments')).environments.map((c) => [stackName(c, 'baseline'), c.platformImageMirror]));
  const outcomes: StackOutcome[] = [];
  for (const name of stacks) {
    const mirror = mirrors.get(name);
    if (!mirror) throw new Error(`${name}: no environment in the configuration synthesizes this stack`);
    const stack = readBaselineStack(outdir, name);
    log(`${name}: ${stack.releases.length} releases, ${stack.objects.length} kubernetes_* objects, Kubernetes ${stack.kubeVersion}`);
    const outcome = await checkStack(stack, { mirror, upstreamDir, cacheDir, gitopsRoot: resolve(arg('--gitops-root') ?? repoRoot), keep: argv.includes('--keep') });
    outcomes.push(outcome);
    console.log(`[verify-live] ${name}: ${outcome.failures.length === 0 ? 'PASS' : 'FAIL'}: ${reportLine(outcome)} (${outcome.seconds.toFixed(0)}s)`);
    for (const n of outcome.notes) console.log(`    note: ${n}`);
    for (const f of outcome.failures) console.log(`    FAIL ${f.where}: ${f.message}`);
  }
  const sum = (f: (o: StackOutcome) => number): number => outcomes.reduce((n, o) => n + f(o), 0);
  const total: LiveCounts = {
    releasesInstalled: sum((o) => o.releasesInstalled),
    releases: sum((o) => o.releases),
    objectsAccepted: sum((o) => o.objectsAccepted),
    templatesAdmitted: sum((o) => o.templatesAdmitted),
    templates: sum((o) => o.templates),
    plantedDenied: sum((o) => o.plantedDenied),
    planted: sum((o) => o.planted),
  };
  const failed = sum((o) => o.failures.length);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`${reportLine(total)} (${outcomes.length} stacks, ${failed} failure(s), ${seconds}s)`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`[verify-live] error: ${(error as Error).stack ?? String(error)}`);
      process.exit(2);
    },
  );
}
