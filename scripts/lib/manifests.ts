/**
 * What the render-and-admit check reads out of rendered Kubernetes manifests:
 * the objects (with the template each came from), the pod templates of every
 * workload, the pods operators create from custom resources, the images they
 * run and anything they fetch from outside the cluster when they start.
 */
import { parseAllDocuments } from 'yaml';
import { isObject, type Json, type JsonObject } from './baseline-stack';

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace, or the release namespace for a namespaced object without one (as Helm installs it). */
  readonly namespace?: string;
  /** The `# Source:` template path helm printed, e.g. vault/templates/server-statefulset.yaml. */
  readonly source: string;
  readonly body: JsonObject;
}

/** Kinds without a namespace (built-in); CRD-defined kinds are looked up in the CRDs' scope. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'PriorityClass',
  'StorageClass',
  'CSIDriver',
  'PersistentVolume',
  'APIService',
  'IngressClass',
  'RuntimeClass',
  'FlowSchema',
  'PriorityLevelConfiguration',
]);


/** Parses `helm template` output. Empty documents are dropped; a YAML error throws. */
export function parseManifests(text: string, releaseNamespace: string, clusterScopedKinds: ReadonlySet<string> = new Set()): Manifest[] {
  const out: Manifest[] = [];
  // helm prints `---\n# Source: <path>` before every document.
  const chunks = text.split(/^---\s*$/m);
  for (const chunk of chunks) {
    const source = /^# Source: (.+)$/m.exec(chunk)?.[1]?.trim() ?? '';
    for (const doc of parseAllDocuments(chunk, { version: '1.1' })) {
      if (doc.errors.length > 0) throw new Error(`${source || 'manifest'}: ${doc.errors[0].message}`);
      const json = doc.toJSON() as Json;
      if (!isObject(json)) continue;
      // Helm flattens a `kind: List` into its items when it applies them.
      const bodies = json.kind === 'List' && Array.isArray(json.items) ? json.items.filter(isObject) : [json];
      for (const body of bodies) {
        const metadata = isObject(body.metadata) ? body.metadata : {};
        const kind = String(body.kind ?? '');
        const clusterScoped = CLUSTER_SCOPED.has(kind) || clusterScopedKinds.has(kind);
        const namespace = clusterScoped ? undefined : typeof metadata.namespace === 'string' ? metadata.namespace : releaseNamespace;
        out.push({ apiVersion: String(body.apiVersion ?? ''), kind, name: String(metadata.name ?? ''), namespace, source, body });
      }
    }
  }
  return out;
}

/** The pod template of a workload, or the pod itself. */
export interface PodTemplate {
  readonly owner: string;
  /** metadata.name of the owning object: the pods a controller creates start with it. */
  readonly ownerName: string;
  readonly namespace: string;
  readonly metadata: JsonObject;
  readonly spec: JsonObject;
}

export function describe(m: Pick<Manifest, 'kind' | 'name' | 'namespace'>): string {
  return `${m.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
}

/** Pod templates of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs. */
export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const m of manifests) {
    const spec = isObject(m.body.spec) ? m.body.spec : {};
    let template: Json | undefined;
    if (m.kind === 'Pod') template = m.body;
    else if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(m.kind)) template = spec.template;
    else if (m.kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) template = spec.jobTemplate.spec.template;
    else continue;
    if (!isObject(template)) continue;
    out.push({
      owner: describe(m),
      ownerName: m.name,
      namespace: m.namespace ?? 'default',
      metadata: isObject(template.metadata) ? template.metadata : {},
      spec: isObject(template.spec) ? template.spec : {},
    });
  }
  return out;
}

/** Every container of a pod spec (init, regular, ephemeral). */
export function containersOf(spec: JsonObject): JsonObject[] {
  const list = (key: string): JsonObject[] => (Array.isArray(spec[key]) ? (spec[key] as Json[]).filter(isObject) : []);
  return [...list('initContainers'), ...list('containers'), ...list('ephemeralContainers')];
}

/** Parses `--flag=value` container arguments. */
function flags(args: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of Array.isArray(args) ? args : []) {
    const match = typeof a === 'string' ? /^--?([a-z0-9-]+)=(.*)$/.exec(a) : null;
    if (match) out[match[1]] = match[2];
  }
  return out;
}

/** Merges containers by name, as the operators apply spec.containers/initContainers (strategic merge). */
function mergeContainers(generated: JsonObject[], overrides: Json | undefined): JsonObject[] {
  const out = generated.map((c) => ({ ...c }));
  for (const o of Array.isArray(overrides) ? overrides.filter(isObject) : []) {
    const i = out.findIndex((c) => c.name === o.name);
    if (i >= 0) out[i] = { ...out[i], ...o };
    else out.push(o);
  }
  return out;
}

/**
 * The pods the Prometheus operator creates from Prometheus and Alertmanager
 * custom resources, built from the CRs' pod-level fields (securityContext,
 * image, resources, containers, initContainers, automountServiceAccountToken,
 * nodeSelector, tolerations, volumes) and what the operator adds itself:
 * its generated containers carry allowPrivilegeEscalation false,
 * readOnlyRootFilesystem true and drop ALL (prometheus-operator
 * pkg/operator/config_reloader.go and the statefulset builders), and the
 * config-reloader's image and resources come from the operator's own flags
 * (--prometheus-config-reloader, --config-reloader-{cpu,memory}-{request,limit})
 * read from the rendered operator Deployment. A flag the chart does not set
 * leaves that resource unset here, so the policies see what is known, never a guess.
 */
export function operatorPods(manifests: readonly Manifest[]): PodTemplate[] {
  const operator = manifests.find(
    (m) => m.kind === 'Deployment' && containersOf(podTemplates([m])[0]?.spec ?? {}).some((c) => String(c.image ?? '').includes('prometheus-operator/prometheus-operator')),
  );
  const operatorFlags = operator ? flags(containersOf(podTemplates([operator])[0].spec).find((c) => String(c.image ?? '').includes('prometheus-operator/prometheus-operator'))?.args) : {};
  const reloaderResources: JsonObject = { requests: {}, limits: {} };
  for (const [flag, section, resource] of [
    ['config-reloader-cpu-request', 'requests', 'cpu'],
    ['config-reloader-memory-request', 'requests', 'memory'],
    ['config-reloader-cpu-limit', 'limits', 'cpu'],
    ['config-reloader-memory-limit', 'limits', 'memory'],
  ] as const) {
    const value = operatorFlags[flag];
    if (value !== undefined && value !== '0') (reloaderResources[section] as JsonObject)[resource] = value;
  }
  const generatedSecurityContext: JsonObject = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };
  const reloader = (name: string): JsonObject => ({
    name,
    image: operatorFlags['prometheus-config-reloader'] ?? '',
    resources: reloaderResources,
    securityContext: generatedSecurityContext,
  });

  const out: PodTemplate[] = [];
  for (const m of manifests) {
    if (!m.apiVersion.startsWith('monitoring.coreos.com/') || (m.kind !== 'Prometheus' && m.kind !== 'Alertmanager')) continue;
    const spec = isObject(m.body.spec) ? m.body.spec : {};
    const main = m.kind === 'Prometheus' ? 'prometheus' : 'alertmanager';
    const containers = mergeContainers(
      [
        { name: main, image: spec.image ?? '', resources: spec.resources ?? {}, securityContext: generatedSecurityContext },
        reloader('config-reloader'),
      ],
      spec.containers,
    );
    const initContainers = mergeContainers([reloader('init-config-reloader')], spec.initContainers);
    const podSpec: JsonObject = {
      containers,
      initContainers,
      // The operator's default for both kinds: the pods call the API (service discovery, secrets).
      automountServiceAccountToken: spec.automountServiceAccountToken ?? true,
    };
    for (const key of ['securityContext', 'nodeSelector', 'tolerations', 'volumes', 'hostNetwork', 'serviceAccountName']) {
      if (spec[key] !== undefined) podSpec[key] = spec[key];
    }
    const metadata: JsonObject = { namespace: m.namespace ?? 'default', labels: { 'app.kubernetes.io/managed-by': 'prometheus-operator' } };
    // The operator names the StatefulSet <kind>-<name> and its pods <kind>-<name>-<ordinal>.
    const ownerName = `${m.kind.toLowerCase()}-${m.name}`;
    out.push({ owner: `${describe(m)} (pod created by the operator)`, ownerName, namespace: m.namespace ?? 'default', metadata, spec: podSpec });
  }
  return out;
}

/**
 * The object as the API server stores it and hands it to admission webhooks:
 * a field set to null decodes as absent (a chart writing `securityContext: null`
 * sends no securityContext).
 */
export function withoutNulls<T extends Json>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v)) as T;
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out as T;
}

/** A pod template as a Pod manifest, for the Kyverno CLI. */
export function asPod(template: PodTemplate, name: string): JsonObject {
  return withoutNulls({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...template.metadata, name, namespace: template.namespace },
    spec: template.spec,
  });
}

/** Images of every container of these pod templates, with their owner. */
export function imagesOf(templates: readonly PodTemplate[]): Array<{ owner: string; container: string; image: string }> {
  const out: Array<{ owner: string; container: string; image: string }> = [];
  for (const t of templates) {
    for (const c of containersOf(t.spec)) out.push({ owner: t.owner, container: String(c.name ?? ''), image: String(c.image ?? '') });
  }
  return out;
}

/** True when the image reference lies inside the mirror (`<mirror>/...`). */
export function inMirror(image: string, mirror: string): boolean {
  return image.startsWith(`${mirror}/`);
}

/** Hosts a pod may reach without leaving the cluster or the environment's network. */
export function isInternalUrl(url: string, mirrorHost: string): boolean {
  const host = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]+\]|[^/:?#]+)/i.exec(url)?.[1]?.toLowerCase() ?? '';
  if (host === '' || host === mirrorHost.toLowerCase()) return true;
  if (host === 'localhost' || host.startsWith('127.') || host === '[::1]' || host === '0.0.0.0') return true;
  if (host.endsWith('.svc') || host.endsWith('.cluster.local') || !host.includes('.')) return true;
  if (host.startsWith('$(') || host.startsWith('{{')) return true;
  return false;
}

export interface Download {
  readonly owner: string;
  readonly what: string;
}

const URL_PATTERN = /\b(?:https?|oci):\/\/[^\s"',)]+/gi;

/**
 * What the pods fetch from outside the environment when they start: URLs in
 * container commands, args and env values, plugin installs (GF_INSTALL_PLUGINS),
 * and falcoctl artifacts (the Falco chart's falcoctl ConfigMap: indexes and
 * install/follow refs not inside the mirror).
 */
export function startupDownloads(manifests: readonly Manifest[], templates: readonly PodTemplate[], mirror: string): Download[] {
  const mirrorHost = mirror.split('/')[0];
  const out: Download[] = [];
  for (const t of templates) {
    for (const c of containersOf(t.spec)) {
      const texts: string[] = [];
      for (const key of ['command', 'args']) if (Array.isArray(c[key])) texts.push(...(c[key] as Json[]).map(String));
      for (const env of Array.isArray(c.env) ? c.env.filter(isObject) : []) {
        if (typeof env.value !== 'string') continue;
        if (env.name === 'GF_INSTALL_PLUGINS' && env.value.trim() !== '') out.push({ owner: t.owner, what: `container ${String(c.name)} installs Grafana plugins at start: ${env.value}` });
        texts.push(env.value);
      }
      for (const text of texts) {
        for (const url of text.match(URL_PATTERN) ?? []) {
          if (!isInternalUrl(url, mirrorHost)) out.push({ owner: t.owner, what: `container ${String(c.name)} reaches ${url}` });
        }
      }
    }
  }
  // The falcoctl configuration matters only where a falcoctl container runs (artifact install/follow).
  const falcoctlRuns = templates.some((t) => containersOf(t.spec).some((c) => /\/falcoctl(:|@|$)/.test(String(c.image ?? ''))));
  for (const m of manifests) {
    if (!falcoctlRuns || m.kind !== 'ConfigMap' || !isObject(m.body.data)) continue;
    const falcoctl = m.body.data['falcoctl.yaml'];
    if (typeof falcoctl !== 'string') continue;
    const config = parseAllDocuments(falcoctl)[0]?.toJSON() as JsonObject | undefined;
    const indexes = Array.isArray(config?.indexes) ? config.indexes.filter(isObject) : [];
    for (const index of indexes) {
      if (typeof index.url === 'string' && !isInternalUrl(index.url, mirrorHost)) out.push({ owner: describe(m), what: `falcoctl index ${String(index.name)} at ${index.url}` });
    }
    const artifact = isObject(config?.artifact) ? config.artifact : {};
    for (const phase of ['install', 'follow']) {
      const section = isObject(artifact[phase]) ? artifact[phase] : {};
      for (const ref of Array.isArray(section.refs) ? section.refs.map(String) : []) {
        if (!inMirror(ref, mirror)) out.push({ owner: describe(m), what: `falcoctl ${phase}s artifact ${ref} (not from the mirror ${mirror})` });
      }
    }
  }
  return out;
}

export interface SecretReader {
  readonly owner: string;
  readonly container: string;
  /** Init containers run to completion before the pod starts; the others hold the value for the pod's life. */
  readonly init: boolean;
  readonly how: string;
}

/** Every container that reads the Secret `secretName` of `namespace`: env secretKeyRef, envFrom secretRef, or a mounted secret volume. */
export function secretReaders(templates: readonly PodTemplate[], namespace: string, secretName: string): SecretReader[] {
  const out: SecretReader[] = [];
  for (const t of templates) {
    if (t.namespace !== namespace) continue;
    const volumes = Array.isArray(t.spec.volumes) ? t.spec.volumes.filter(isObject) : [];
    const secretVolumes = new Set(
      volumes
        .filter((v) => (isObject(v.secret) && v.secret.secretName === secretName) || (isObject(v.projected) && Array.isArray(v.projected.sources) && v.projected.sources.some((s) => isObject(s) && isObject(s.secret) && s.secret.name === secretName)))
        .map((v) => String(v.name)),
    );
    const inits = new Set((Array.isArray(t.spec.initContainers) ? t.spec.initContainers.filter(isObject) : []).map((c) => String(c.name)));
    for (const c of containersOf(t.spec)) {
      const name = String(c.name ?? '');
      const hows: string[] = [];
      for (const env of Array.isArray(c.env) ? c.env.filter(isObject) : []) {
        const ref = isObject(env.valueFrom) && isObject(env.valueFrom.secretKeyRef) ? env.valueFrom.secretKeyRef : undefined;
        if (ref?.name === secretName) hows.push(`env ${String(env.name)} (key ${String(ref.key)})`);
      }
      for (const from of Array.isArray(c.envFrom) ? c.envFrom.filter(isObject) : []) {
        if (isObject(from.secretRef) && from.secretRef.name === secretName) hows.push('envFrom');
      }
      for (const mount of Array.isArray(c.volumeMounts) ? c.volumeMounts.filter(isObject) : []) {
        if (secretVolumes.has(String(mount.name))) hows.push(`volume at ${String(mount.mountPath)}`);
      }
      if (hows.length > 0) out.push({ owner: t.owner, container: name, init: inits.has(name), how: hows.join(', ') });
    }
  }
  return out;
}
