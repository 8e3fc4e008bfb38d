/**
 * A live Kubernetes control plane on loopback for the live check (scripts/verify-live.ts):
 * etcd and kube-apiserver built from source (.ci/live-tools.sh), a self-signed serving
 * certificate, a static token, RBAC, service-account keys, and every process started here
 * stopped by its PID on any exit (normal, exception, SIGINT, SIGTERM).
 *
 * Also the pure pieces of the live check that unit tests cover without a cluster
 * (test/scripts/verify-live.spec.ts): Terraform kubernetes_* resources as manifests, the
 * install order, the Argo CD sources of Applications, the out-of-cluster Kyverno process
 * from the chart's Deployment, and the report line.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isObject, resolveStandIns, transitiveDependencies, type BaselineStack, type Json, type JsonObject, type StandIn } from './baseline-stack';

// ---------------------------------------------------------------------------------------------
// processes

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion (no shell), capturing its output. */
export function run(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => resolvePromise({ code: 127, stdout: '', stderr: String(e) }));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    // A command that exits before reading its input closes the pipe: not an error of ours.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The long-running processes of one run. Each is tracked by PID from the moment it is
 * spawned; stopAll() sends SIGTERM, then SIGKILL to any still alive after the grace period.
 * install() also kills them synchronously on process exit and stops them on SIGINT/SIGTERM,
 * so nothing outlives the check, whatever ends it.
 */
export class Processes {
  private readonly children = new Map<number, { name: string; child: ChildProcess }>();
  private installed = false;

  constructor(private readonly logDir: string) {}

  /** Starts `command` with its output in <logDir>/<name>.log. */
  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
    this.install();
    const log = openSync(join(this.logDir, `${name}.log`), 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', log, log] });
    closeSync(log);
    if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
    const pid = child.pid;
    this.children.set(pid, { name, child });
    child.on('exit', () => this.children.delete(pid));
    return child;
  }

  /** Names of processes that are still running. */
  running(): string[] {
    return [...this.children.values()].map((c) => c.name);
  }

  isRunning(name: string): boolean {
    return this.running().includes(name);
  }

  /** Stops every process by PID: SIGTERM, then SIGKILL after graceMs. */
  async stopAll(graceMs = 5000): Promise<void> {
    const alive = [...this.children.entries()];
    for (const [pid] of alive) signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (this.children.size > 0 && Date.now() < deadline) await sleep(100);
    for (const [pid] of this.children) signal(pid, 'SIGKILL');
    while (this.children.size > 0 && Date.now() < deadline + 2000) await sleep(50);
    this.children.clear();
  }

  /** Synchronous last resort (process 'exit' cannot wait): SIGKILL by PID. */
  killAllNow(): void {
    for (const [pid] of this.children) signal(pid, 'SIGKILL');
    this.children.clear();
  }

  private install(): void {
    if (this.installed) return;
    this.installed = true;
    process.on('exit', () => this.killAllNow());
    for (const [sig, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      process.once(sig, () => {
        console.error(`[verify-live] ${sig}: stopping ${this.running().join(', ') || 'nothing'}`);
        void this.stopAll(2000).finally(() => process.exit(code));
      });
    }
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free TCP port on 127.0.0.1 (the OS picks it; nothing else listens there afterwards until we do). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Polls `probe` until it returns true; throws `what` after timeoutMs. Never a blind sleep. */
export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, intervalMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(intervalMs);
  }
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------------
// control plane

export interface ControlPlane {
  readonly server: string;
  readonly kubeconfig: string;
  /** kubectl/helm environment: KUBECONFIG set to the admin kubeconfig. */
  readonly env: NodeJS.ProcessEnv;
  /** gitVersion the API server reports, e.g. v1.34.4. */
  readonly version: string;
  readonly caFile: string;
}

/** The admin identity of the static token file (system:masters). */
const ADMIN_USER = 'verify-live-admin';

/**
 * Starts etcd and kube-apiserver on 127.0.0.1 with their data, keys and logs in `work`:
 * a self-signed serving certificate for 127.0.0.1, a random static admin token, RBAC
 * authorization, service-account signing keys (so TokenRequest works), and
 * --allow-privileged so privileged Pods reach admission (as on EKS, AKS and GKE) and Kyverno,
 * not the API server's validation, is what denies them.
 */
export async function startControlPlane(processes: Processes, work: string, bin: (name: string) => string): Promise<ControlPlane> {
  mkdirSync(work, { recursive: true });
  const pki = join(work, 'pki');
  mkdirSync(pki, { recursive: true });
  const cert = join(pki, 'apiserver.crt');
  const key = join(pki, 'apiserver.key');
  const openssl = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=verify-live-apiserver', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { encoding: 'utf8' },
  );
  if (openssl.status !== 0) throw new Error(`openssl could not create the serving certificate: ${openssl.stderr}`);
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  writeFileSync(join(pki, 'sa.pub'), sa.publicKey);
  writeFileSync(join(pki, 'sa.key'), sa.privateKey, { mode: 0o600 });
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(pki, 'tokens.csv'), `${token},${ADMIN_USER},${randomUUID()},"system:masters"\n`, { mode: 0o600 });

  const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
  processes.start('etcd', bin('etcd'), [
    `--data-dir=${join(work, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
    '--log-level=warn',
    '--quota-backend-bytes=4294967296',
    '--unsafe-no-fsync',
  ]);
  await waitFor('etcd health', 30_000, async () => {
    if (!processes.isRunning('etcd')) throw new Error(`etcd exited (log: ${join(work, 'etcd.log')})`);
    return (await fetchStatus(`http://127.0.0.1:${etcdClient}/health`)) === 200;
  });

  const server = `https://127.0.0.1:${apiPort}`;
  processes.start('kube-apiserver', bin('kube-apiserver'), [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    `--tls-cert-file=${cert}`,
    `--tls-private-key-file=${key}`,
    `--cert-dir=${pki}`,
    `--token-auth-file=${join(pki, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    '--anonymous-auth=false',
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--api-audiences=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true',
    '--profiling=false',
    '--enable-priority-and-fairness=false',
    '--v=0',
  ]);
  const kubeconfig = join(work, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(server, readFileSync(cert, 'utf8'), ADMIN_USER, token), { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: kubeconfig };
  await waitFor('kube-apiserver /readyz', 60_000, async () => {
    if (!processes.isRunning('kube-apiserver')) throw new Error(`kube-apiserver exited (log: ${join(work, 'kube-apiserver.log')})`);
    return (await run(bin('kubectl'), ['get', '--raw=/readyz'], { env, timeoutMs: 10_000 })).code === 0;
  });
  const versionOut = await run(bin('kubectl'), ['version', '-o', 'json'], { env });
  const version = String(((JSON.parse(versionOut.stdout || '{}') as JsonObject).serverVersion as JsonObject | undefined)?.gitVersion ?? 'unknown');
  return { server, kubeconfig, env, version, caFile: cert };
}

async function fetchStatus(url: string): Promise<number> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return 0;
  }
}

/** A kubeconfig for one token identity against `server`, trusting `caPem`. */
export function kubeconfigFor(server: string, caPem: string, user: string, token: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'live', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'live', context: { cluster: 'live', user } }],
    'current-context': 'live',
  });
}

// ---------------------------------------------------------------------------------------------
// Terraform's kubernetes_* resources as the objects the provider creates

/** Stand-ins for Terraform functions in write-only data (a value Terraform generates at apply). */
export const FUNCTION_STANDINS: readonly StandIn[] = [{ pattern: /^uuid\(\)$/, value: randomUUID(), reason: 'uuid(): a random value Terraform generates at apply' }];

function first(value: Json | undefined): JsonObject {
  if (Array.isArray(value)) return isObject(value[0]) ? value[0] : {};
  return isObject(value) ? value : {};
}

/** snake_case Terraform attribute names of RBAC references to their Kubernetes field names. */
function rbacRef(ref: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(ref)) out[k === 'api_group' ? 'apiGroup' : k] = v;
  return out;
}

/**
 * The manifest the Kubernetes provider creates for a kubernetes_<kind>_v1 resource of the
 * stack (namespace, config map, secret with data or write-only data, cluster role binding).
 * `${...}` in values go through the documented stand-ins; anything else throws.
 */
export function terraformObjectManifest(type: string, resource: JsonObject, where: string): JsonObject {
  const m = first(resource.metadata);
  const metadata: JsonObject = { name: String(m.name ?? '') };
  if (typeof m.namespace === 'string') metadata.namespace = m.namespace;
  if (isObject(m.labels)) metadata.labels = m.labels;
  if (isObject(m.annotations)) metadata.annotations = m.annotations;
  const strings = (value: Json | undefined): JsonObject =>
    Object.fromEntries(Object.entries(isObject(value) ? value : {}).map(([k, v]) => [k, resolveStandIns(String(v), where, FUNCTION_STANDINS)]));
  switch (type) {
    case 'kubernetes_namespace_v1':
      return { apiVersion: 'v1', kind: 'Namespace', metadata };
    case 'kubernetes_config_map_v1':
      return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: strings(resource.data) };
    case 'kubernetes_secret_v1': {
      const out: JsonObject = { apiVersion: 'v1', kind: 'Secret', metadata, type: typeof resource.type === 'string' ? resource.type : 'Opaque' };
      out.stringData = { ...strings(resource.data), ...strings(resource.data_wo) };
      return out;
    }
    case 'kubernetes_cluster_role_binding_v1':
      return {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata,
        roleRef: rbacRef(first(resource.role_ref)),
        subjects: (Array.isArray(resource.subject) ? resource.subject : []).filter(isObject).map(rbacRef),
      };
    default:
      throw new Error(`${where}: ${type} is not installed by this check (add it to terraformObjectManifest)`);
  }
}

/** A step of the Terraform apply: a helm_release or a kubernetes_* resource, by address. */
export interface ApplyStep {
  readonly address: string;
  readonly kind: 'release' | 'object';
  /** Dependency depth: steps of one level depend on none of each other (Terraform applies them in parallel). */
  readonly level: number;
}

/**
 * The order Terraform applies the stack in: every resource after everything it depends on
 * (depends_on, transitively), levels in order, stable by address within a level.
 */
export function applyOrder(stack: BaselineStack): ApplyStep[] {
  const steps = [...stack.releases.map((r) => ({ address: r.address, kind: 'release' as const })), ...stack.objects.map((o) => ({ address: o.address, kind: 'object' as const }))];
  const known = new Set(steps.map((s) => s.address));
  const depth = new Map<string, number>();
  const depthOf = (address: string, trail: Set<string>): number => {
    const cached = depth.get(address);
    if (cached !== undefined) return cached;
    if (trail.has(address)) throw new Error(`${stack.stack}: dependency cycle through ${address}`);
    trail.add(address);
    let d = 0;
    for (const dep of transitiveDependencies(stack, address)) if (known.has(dep)) d = Math.max(d, depthOf(dep, trail) + 1);
    trail.delete(address);
    depth.set(address, d);
    return d;
  };
  return steps
    .map((s) => ({ ...s, level: depthOf(s.address, new Set()) }))
    .sort((a, b) => a.level - b.level || a.address.localeCompare(b.address));
}

// ---------------------------------------------------------------------------------------------
// Argo CD

/** What Argo CD renders for one Application source. */
export type ArgoSource =
  | { readonly app: string; readonly project: string; readonly type: 'directory'; readonly path: string; readonly recurse: boolean; readonly include: string; readonly exclude: string; readonly namespace: string }
  | { readonly app: string; readonly project: string; readonly type: 'helm'; readonly path: string; readonly releaseName: string; readonly values: JsonObject; readonly namespace: string };

/** The sources of Argo CD Application objects (kubectl get applications -o json items). */
export function argoSources(applications: readonly JsonObject[]): ArgoSource[] {
  const out: ArgoSource[] = [];
  for (const app of applications) {
    const name = String(first(app.metadata).name ?? '');
    const spec = first(app.spec);
    const source = first(spec.source);
    const namespace = String(first(spec.destination).namespace ?? 'default');
    const path = String(source.path ?? '');
    const project = String(spec.project ?? 'default');
    if (isObject(source.helm)) {
      const helm = source.helm;
      out.push({ app: name, project, type: 'helm', path, releaseName: String(helm.releaseName ?? name), values: isObject(helm.valuesObject) ? helm.valuesObject : {}, namespace });
    } else {
      const directory = first(source.directory);
      out.push({ app: name, project, type: 'directory', path, recurse: directory.recurse === true, include: String(directory.include ?? ''), exclude: String(directory.exclude ?? ''), namespace });
    }
  }
  return out;
}

/** Argo CD's directory include/exclude globs: `{a,b}` alternatives, `*` within a path segment. */
export function globMatches(glob: string, path: string): boolean {
  if (glob === '') return false;
  const alternatives = /^\{(.*)\}$/.exec(glob)?.[1].split(',') ?? [glob];
  return alternatives.some((g) => {
    const re = g
      .split('')
      .map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^$()|[\]\\{}]/.test(c) ? `\\${c}` : c))
      .join('');
    return new RegExp(`^${re}$`).test(path);
  });
}

/** The manifest files of a directory source, relative paths, as Argo CD selects them. */
export function directoryFiles(all: readonly string[], source: Extract<ArgoSource, { type: 'directory' }>): string[] {
  return all
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .filter((f) => source.recurse || !f.includes('/'))
    .filter((f) => source.include === '' || globMatches(source.include, f))
    .filter((f) => !globMatches(source.exclude, f))
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Kyverno outside the cluster

export interface ControllerProcess {
  readonly args: string[];
  readonly env: Record<string, string>;
  readonly serviceAccount: string;
}

/**
 * The command line and environment of a Kyverno controller as the chart's Deployment sets
 * them, with the overrides that run it outside the cluster (flags replaced by name, added
 * when absent). Downward-API env (metadata.name, metadata.namespace, spec.serviceAccountName)
 * is filled in as the kubelet would.
 */
export function controllerFromDeployment(deployment: JsonObject, overrides: Readonly<Record<string, string>>): ControllerProcess {
  const metadata = first(deployment.metadata);
  const podSpec = first(first(first(deployment.spec).template).spec);
  const container = first(podSpec.containers);
  const serviceAccount = String(podSpec.serviceAccountName ?? 'default');
  const namespace = String(metadata.namespace ?? 'default');
  const args: string[] = [];
  const seen = new Set<string>();
  for (const a of Array.isArray(container.args) ? container.args.map(String) : []) {
    const flag = /^--?([A-Za-z0-9-]+)(=|$)/.exec(a)?.[1];
    if (flag && flag in overrides) {
      seen.add(flag);
      args.push(`--${flag}=${overrides[flag]}`);
    } else args.push(a);
  }
  for (const [flag, value] of Object.entries(overrides)) if (!seen.has(flag)) args.push(`--${flag}=${value}`);
  const env: Record<string, string> = {};
  for (const e of Array.isArray(container.env) ? container.env.filter(isObject) : []) {
    const name = String(e.name);
    if (typeof e.value === 'string') env[name] = e.value;
    const field = String(first(first(e.valueFrom).fieldRef).fieldPath ?? '');
    if (field === 'metadata.name') env[name] = `${String(metadata.name)}-live`;
    else if (field === 'metadata.namespace') env[name] = namespace;
    else if (field === 'spec.serviceAccountName') env[name] = serviceAccount;
  }
  return { args, env, serviceAccount };
}

// ---------------------------------------------------------------------------------------------
// outcome

export interface LiveCounts {
  readonly releasesInstalled: number;
  readonly releases: number;
  readonly objectsAccepted: number;
  readonly templatesAdmitted: number;
  readonly templates: number;
  readonly plantedDenied: number;
  readonly planted: number;
}

/** The report line of issue 14, exactly. */
export function reportLine(c: LiveCounts): string {
  return (
    `live: ${c.releasesInstalled}/${c.releases} releases installed, ${c.objectsAccepted} objects accepted, ` +
    `${c.templatesAdmitted}/${c.templates} platform pod templates admitted, ${c.plantedDenied}/${c.planted} planted violations denied`
  );
}

/** True when an admission denial names `policy` (Kyverno prints `policy <ns>/<name> ...` or `<name>:`). */
export function deniedBy(message: string, policy: string): boolean {
  return new RegExp(`(^|[^a-z0-9-])${policy.replace(/[-]/g, '\\-')}([^a-z0-9-]|$)`).test(message);
}

/** Documents of a multi-document YAML/JSON stream that `kubectl apply -o name` names on success. */
export function appliedNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z0-9.-]+\/[^\s]+$/i.test(l));
}

// ---------------------------------------------------------------------------------------------
// what the kube-controller-manager would do (it does not run here)

function labelsMatch(labels: JsonObject, selector: JsonObject): boolean {
  const matchLabels = isObject(selector.matchLabels) ? selector.matchLabels : {};
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isObject) : []) {
    const value = labels[String(e.key)];
    const values = Array.isArray(e.values) ? e.values.map(String) : [];
    const ok =
      e.operator === 'In' ? values.includes(String(value)) : e.operator === 'NotIn' ? !values.includes(String(value)) : e.operator === 'Exists' ? value !== undefined : value === undefined;
    if (!ok) return false;
  }
  return true;
}

/**
 * The rules the clusterrole-aggregation controller writes into each ClusterRole with an
 * aggregationRule: the rules of every ClusterRole its selectors match, in name order, without
 * duplicates. Returns the roles whose rules would change, with their new rules.
 */
export function aggregatedClusterRoles(roles: readonly JsonObject[]): Array<{ name: string; rules: Json[] }> {
  const out: Array<{ name: string; rules: Json[] }> = [];
  const sorted = [...roles].sort((a, b) => String(first(a.metadata).name).localeCompare(String(first(b.metadata).name)));
  for (const role of sorted) {
    const rule = first(role.aggregationRule);
    const selectors = Array.isArray(rule.clusterRoleSelectors) ? rule.clusterRoleSelectors.filter(isObject) : [];
    if (selectors.length === 0) continue;
    const name = String(first(role.metadata).name);
    const rules: Json[] = [];
    const seen = new Set<string>();
    for (const other of sorted) {
      const otherName = String(first(other.metadata).name);
      const labels = first(first(other.metadata).labels);
      if (otherName === name || !selectors.some((s) => labelsMatch(labels, s))) continue;
      for (const r of Array.isArray(other.rules) ? other.rules : []) {
        const key = JSON.stringify(r);
        if (!seen.has(key)) {
          seen.add(key);
          rules.push(r);
        }
      }
    }
    if (JSON.stringify(rules) !== JSON.stringify(Array.isArray(role.rules) ? role.rules : [])) out.push({ name, rules });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Argo CD project restrictions

interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

function groupKindMatches(list: Json | undefined, gk: GroupKind): boolean {
  return (Array.isArray(list) ? list.filter(isObject) : []).some(
    (e) => (e.group === '*' || String(e.group ?? '') === gk.group) && (e.kind === '*' || String(e.kind ?? '') === gk.kind),
  );
}

/**
 * Why Argo CD would refuse to sync an object under an AppProject, or undefined: cluster-scoped
 * kinds must be in clusterResourceWhitelist (not in its blacklist); namespaced kinds must not be
 * in namespaceResourceBlacklist and, when a whitelist is set, must be in it.
 */
export function projectRefusal(project: JsonObject, gk: GroupKind, clusterScoped: boolean): string | undefined {
  const spec = first(project.spec);
  const what = `${gk.group || 'core'}/${gk.kind}`;
  if (clusterScoped) {
    if (!groupKindMatches(spec.clusterResourceWhitelist, gk)) return `cluster-scoped ${what} is not in the project's clusterResourceWhitelist`;
    if (groupKindMatches(spec.clusterResourceBlacklist, gk)) return `cluster-scoped ${what} is in the project's clusterResourceBlacklist`;
    return undefined;
  }
  if (groupKindMatches(spec.namespaceResourceBlacklist, gk)) return `${what} is in the project's namespaceResourceBlacklist`;
  if (spec.namespaceResourceWhitelist !== undefined && !groupKindMatches(spec.namespaceResourceWhitelist, gk)) return `${what} is not in the project's namespaceResourceWhitelist`;
  return undefined;
}

/** Volumes the StatefulSet controller adds to its pods: one PVC per volumeClaimTemplate (<template>-<set>-<ordinal>). */
export function statefulSetClaimVolumes(statefulSet: JsonObject): JsonObject[] {
  const name = String(first(statefulSet.metadata).name);
  const templates = first(statefulSet.spec).volumeClaimTemplates;
  return (Array.isArray(templates) ? templates.filter(isObject) : []).map((t) => {
    const claim = String(first(t.metadata).name);
    return { name: claim, persistentVolumeClaim: { claimName: `${claim}-${name}-0` } };
  });
}
