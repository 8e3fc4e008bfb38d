/**
 * Offline check of the security baseline's Helm values against upstream.
 *
 *   UPSTREAM_DIR=/work/shared/upstream node --import tsx scripts/check-helm-values.ts
 *   node --import tsx scripts/check-helm-values.ts --helm      # helm show values/chart from the repositories
 *
 * For every chart the baseline installs (built from one sample environment per
 * cloud), it checks that
 *   1. the pinned version equals the upstream Chart.yaml `version` (read from
 *      $UPSTREAM_DIR/charts/<chart>/, else from the whole chart in
 *      chart-sources/<chart>-<version>/; the project's own charts from charts/).
 *      Istio's Chart.yaml says 1.0.0 and cert-manager's v0.0.0, placeholders
 *      replaced at release time: the version "published as" in the README, or
 *      the tag chart-sources/SOURCES.md records, is used instead;
 *   2. every key path the baseline sets exists in the upstream values.yaml, or
 *      lies under an open map (rules in `isOpen` below and docs/baseline.md);
 *   3. the upstream defaults merged with the baseline's values validate against
 *      values.schema.json where the chart has one.
 * Exit codes: 0 all verified charts pass, 1 a problem (one line each: chart,
 * key path, value), 2 nothing could be checked (never passes silently).
 * Charts with no upstream data are listed as "not verified (no upstream data)".
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadFleetFromDirectory } from '../src/config';
import { backupSettings, type EnvironmentConfig } from '../src/config/schema';
import { BASELINE_SERVICE_ACCOUNTS, SECURITY_POOL_PLACEMENT, type ClusterContract } from '../src/constructs/contract';
import { platformChartValues } from '../src/constructs/baseline/policies';
import { baselineChartValues, type SecurityBaselineProps } from '../src/constructs/baseline/security-baseline';
import { baselineProps } from '../src/stacks/baseline-stack';
import { clusterAdminGroups } from '../src/constructs/gcp/platform';
import { clusterName as environmentClusterName } from '../src/stacks/common';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type JsonSchema = { [key: string]: unknown };

export interface Problem {
  readonly chart: string;
  readonly path: string;
  readonly value: string;
  readonly message: string;
}

/** Upstream data of one chart. */
export interface UpstreamChart {
  readonly values: JsonObject;
  readonly schema?: JsonSchema;
  /** Published chart version; undefined when unknown. */
  readonly version?: string;
}

/** The values one release sets, for one chart. */
export interface ChartUnderTest {
  /** Label in messages, e.g. "kyverno 3.9.0 (aws)". */
  readonly label: string;
  readonly chart: string;
  readonly version?: string;
  readonly values: unknown;
}

/**
 * Free-form maps upstream documents but does not enumerate in values.yaml:
 * everything below these paths is passed verbatim into a config file or
 * ConfigMap. Keep this list short; each entry names its reason.
 */
export const OPEN_PATHS: Readonly<Record<string, ReadonlyArray<{ readonly path: readonly string[]; readonly reason: string }>>> = {
  istiod: [
    { path: ['meshConfig'], reason: 'MeshConfig API (istio.io/docs/reference/config/istio.mesh.v1alpha1)' },
    { path: ['resources'], reason: 'Kubernetes ResourceRequirements rendered verbatim into the istiod container (values.yaml shows only requests; limits render too)' },
  ],
  cni: [
    { path: ['resources'], reason: 'Kubernetes ResourceRequirements rendered verbatim into the install-cni container (values.yaml shows only requests; limits render too)' },
    {
      path: ['global', 'platform'],
      reason: 'read by the chart templates (zzz_profile.yaml, clusterrole.yaml: coalesce .Values.platform .Values.global.platform) to load files/profile-platform-<name>.yaml; values.yaml does not list it',
    },
  ],
  'argo-cd': [
    { path: ['configs', 'cm'], reason: 'rendered verbatim into argocd-cm' },
    { path: ['configs', 'params'], reason: 'rendered verbatim into argocd-cmd-params-cm ("customize parameters by adding parameters here")' },
    { path: ['configs', 'rbac'], reason: 'rendered verbatim into argocd-rbac-cm' },
  ],
  'kube-prometheus-stack': [
    { path: ['grafana', 'grafana.ini'], reason: 'grafana.ini sections, rendered verbatim into grafana.ini' },
    { path: ['grafana', 'containerSecurityContext'], reason: 'Kubernetes SecurityContext rendered verbatim (toYaml) into the grafana container; values.yaml shows only some of its fields' },
    { path: ['grafana', 'podAnnotations'], reason: 'annotations of the grafana pod template (templates/deployment.yaml: with .Values.podAnnotations); values.yaml lists it only as a comment' },
    { path: ['grafana', 'sidecar', 'securityContext'], reason: 'Kubernetes SecurityContext rendered verbatim (toYaml) into every grafana sidecar container; values.yaml shows only some of its fields' },
  ],
  tempo: [{ path: ['securityContext'], reason: 'Kubernetes PodSecurityContext rendered verbatim (toYaml) into the tempo pod; values.yaml shows only some of its fields' }],
};

/** Subchart values: kube-prometheus-stack's `grafana` block is the grafana chart's values. */
export const SUBCHARTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'kube-prometheus-stack': { grafana: 'grafana', 'kube-state-metrics': 'kube-state-metrics' },
};

/** Istio charts keep their defaults under this key and read user values from the top level. */
const ISTIO_DEFAULTS_KEY = '_internal_defaults_do_not_set';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function formatPath(path: readonly string[]): string {
  return path.map((p, i) => (/^[A-Za-z0-9_-]+$/.test(p) ? (i === 0 ? p : `.${p}`) : `[${JSON.stringify(p)}]`)).join('');
}

function formatValue(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => p === path[i]);
}

/** Deep merge as Helm does for values: maps merge, everything else replaces. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (isObject(base) && isObject(override)) {
    const out: JsonObject = { ...base };
    for (const [k, v] of Object.entries(override)) out[k] = mergeValues(base[k], v) as Json;
    return out;
  }
  return override === undefined ? base : override;
}

/** Istio: the defaults block merged with the top level is what a user may set. */
export function effectiveUpstreamValues(values: JsonObject): JsonObject {
  if (!isObject(values[ISTIO_DEFAULTS_KEY])) return values;
  const { [ISTIO_DEFAULTS_KEY]: defaults, ...rest } = values;
  return mergeValues(defaults, rest) as JsonObject;
}

// ---------------------------------------------------------------- JSON schema (the subset charts use)

function resolveRef(root: JsonSchema, node: JsonSchema): JsonSchema {
  let current = node;
  for (let i = 0; i < 20 && typeof current.$ref === 'string'; i++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#/')) return {};
    let target: unknown = root;
    for (const part of ref.slice(2).split('/')) target = isObject(target) ? (target as JsonObject)[part.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    const siblings = { ...current };
    delete siblings.$ref;
    current = { ...(isObject(target) ? (target as JsonSchema) : {}), ...siblings };
  }
  return current;
}

/** The schema nodes that describe a child key (properties, patternProperties, additionalProperties, allOf). */
function childSchemas(root: JsonSchema, node: JsonSchema, key: string): { schemas: JsonSchema[]; open: boolean; declared: boolean } {
  const n = resolveRef(root, node);
  const schemas: JsonSchema[] = [];
  let declared = false;
  let open = false;
  const props = n.properties as Record<string, JsonSchema> | undefined;
  if (props && key in props) {
    schemas.push(props[key]);
    declared = true;
  }
  for (const [pattern, s] of Object.entries((n.patternProperties as Record<string, JsonSchema> | undefined) ?? {})) {
    if (new RegExp(pattern).test(key)) {
      schemas.push(s);
      declared = true;
    }
  }
  if (!declared) {
    if (n.additionalProperties === true || isObject(n.additionalProperties)) {
      open = true;
      if (isObject(n.additionalProperties)) schemas.push(n.additionalProperties as JsonSchema);
    }
    // A free-form object: typed object with no declared properties and no restriction.
    if (n.additionalProperties === undefined && !props && !n.patternProperties && !n.allOf && (n.type === 'object' || (Array.isArray(n.type) && n.type.includes('object')))) open = true;
  }
  for (const sub of (n.allOf as JsonSchema[] | undefined) ?? []) {
    const r = childSchemas(root, sub, key);
    schemas.push(...r.schemas);
    declared ||= r.declared;
    open ||= r.open;
  }
  return { schemas, open, declared };
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Validates `value` against `schema` (type, enum, const, required, properties, additionalProperties, items, $ref, allOf, anyOf, oneOf, pattern). */
export function validateSchema(root: JsonSchema, schema: JsonSchema, value: unknown, path: string[] = []): Array<{ path: string; message: string }> {
  const s = resolveRef(root, schema);
  const errors: Array<{ path: string; message: string }> = [];
  const at = formatPath(path) || '(root)';
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const t = typeOf(value);
    if (!types.includes(t) && !(t === 'integer' && types.includes('number'))) errors.push({ path: at, message: `must be ${types.join(' or ')}, is ${t}` });
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push({ path: at, message: `must be one of ${JSON.stringify(s.enum)}` });
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) errors.push({ path: at, message: `must be ${JSON.stringify(s.const)}` });
  if (typeof s.pattern === 'string' && typeof value === 'string' && !new RegExp(s.pattern).test(value)) {
    errors.push({ path: at, message: `must match ${s.pattern}` });
  }
  if (isObject(value)) {
    for (const req of (s.required as string[] | undefined) ?? []) if (!(req in value)) errors.push({ path: at, message: `must have property ${req}` });
    for (const [k, v] of Object.entries(value)) {
      const { schemas, declared } = childSchemas(root, s, k);
      const n = s;
      if (!declared && n.additionalProperties === false) errors.push({ path: formatPath([...path, k]), message: 'is not allowed (additionalProperties: false)' });
      for (const child of schemas) errors.push(...validateSchema(root, child, v, [...path, k]));
    }
  }
  if (Array.isArray(value) && isObject(s.items)) value.forEach((item, i) => errors.push(...validateSchema(root, s.items as JsonSchema, item, [...path, String(i)])));
  for (const sub of (s.allOf as JsonSchema[] | undefined) ?? []) errors.push(...validateSchema(root, sub, value, path));
  for (const [kw, need] of [['anyOf', 'any'], ['oneOf', 'one']] as const) {
    const subs = s[kw] as JsonSchema[] | undefined;
    if (!subs) continue;
    const passing = subs.filter((sub) => validateSchema(root, sub, value, path).length === 0).length;
    if (need === 'any' ? passing === 0 : passing !== 1) errors.push({ path: at, message: `must match ${need === 'any' ? 'at least one' : 'exactly one'} ${kw} schema` });
  }
  return errors;
}

// ---------------------------------------------------------------- key check

/**
 * A key missing from upstream values.yaml still counts as present when:
 *   (a) upstream's value at the parent path is an empty map `{}` or a list
 *       (`podAnnotations: {}`, `extraEnv: []`): the chart passes it through;
 *   (b) upstream's value at the key's parent is not a map at all (null, a
 *       string template): the chart takes whatever is given there;
 *   (c) the chart's values.schema.json allows the key there
 *       (additionalProperties true/a schema, patternProperties, or a typed
 *       object without declared properties), below the top level only (Loki's
 *       schema allows any top-level key, which would hide typos);
 *   (d) the parent path is listed in OPEN_PATHS with its reason.
 */
export function findUnknownKeys(chart: string, ours: unknown, upstream: UpstreamChart, path: string[] = []): Array<{ path: string; value: string }> {
  const found: Array<{ path: string; value: string }> = [];
  const walk = (value: unknown, up: unknown, schemaNodes: JsonSchema[], p: string[]): void => {
    if (!isObject(value)) return;
    // (a)/(b): upstream leaves this map open.
    if (p.length > 0 && (!isObject(up) || Object.keys(up).length === 0)) return;
    // (d)
    if ((OPEN_PATHS[chart] ?? []).some((o) => startsWith(p, o.path))) return;
    for (const [k, v] of Object.entries(value)) {
      const child = [...p, k];
      const inSchema = schemaNodes.map((n) => childSchemas(upstream.schema ?? {}, n, k));
      const nextSchemas = inSchema.flatMap((r) => r.schemas);
      if (isObject(up) && k in up) {
        walk(v, up[k], nextSchemas, child);
      } else if (inSchema.some((r) => r.declared)) {
        walk(v, undefined, nextSchemas, child);
      } else if (p.length > 0 && inSchema.some((r) => r.open)) {
        continue; // (c), never at the top level: a root-level additionalProperties would open everything
      } else if ((OPEN_PATHS[chart] ?? []).some((o) => startsWith(child, o.path))) {
        continue; // (d) for an open path upstream values.yaml does not show at all
      } else {
        found.push({ path: formatPath(child), value: formatValue(v) });
      }
    }
  };
  walk(ours, upstream.values, upstream.schema ? [upstream.schema] : [], path);
  return found;
}

export function checkChart(test: ChartUnderTest, upstream: UpstreamChart): Problem[] {
  const problems: Problem[] = [];
  if (test.version !== undefined && upstream.version !== undefined && test.version !== upstream.version) {
    problems.push({ chart: test.label, path: '(version)', value: test.version, message: `upstream chart version is ${upstream.version}` });
  }
  if (test.version !== undefined && upstream.version === undefined) {
    problems.push({ chart: test.label, path: '(version)', value: test.version, message: 'upstream chart version unknown' });
  }
  for (const u of findUnknownKeys(test.chart, test.values, upstream)) {
    problems.push({ chart: test.label, path: u.path, value: u.value, message: 'unknown key (not in upstream values.yaml or schema)' });
  }
  if (upstream.schema) {
    const merged = mergeValues(upstream.values, test.values);
    for (const e of validateSchema(upstream.schema, upstream.schema, merged)) {
      problems.push({ chart: test.label, path: e.path, value: formatValue(valueAt(merged, e.path)), message: `values.schema.json: ${e.message}` });
    }
  }
  return problems;
}

function valueAt(root: unknown, dotted: string): unknown {
  if (dotted === '(root)') return root;
  let v: unknown = root;
  for (const part of dotted.match(/\["(?:[^"\\]|\\.)*"\]|[^.[\]]+/g) ?? []) {
    const key = part.startsWith('[') ? (JSON.parse(part.slice(1, -1)) as string) : part;
    v = isObject(v) ? v[key] : Array.isArray(v) ? v[Number(key)] : undefined;
  }
  return v;
}

// ---------------------------------------------------------------- upstream sources

function readYaml(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}

/**
 * Reads charts/<chart>/ from UPSTREAM_DIR, else the whole chart at chart-sources/<chart>-<version>/
 * (given the version); undefined when the chart has no data in either.
 */
export function loadUpstreamDir(upstreamDir: string, chart: string, version?: string): UpstreamChart | undefined {
  let dir = join(upstreamDir, 'charts', chart);
  if (!existsSync(join(dir, 'values.yaml')) && version) dir = join(upstreamDir, 'chart-sources', `${chart}-${version}`);
  if (!existsSync(join(dir, 'values.yaml'))) return undefined;
  let values = effectiveUpstreamValues((readYaml(join(dir, 'values.yaml')) as JsonObject | null) ?? {});
  for (const [key, sub] of Object.entries(SUBCHARTS[chart] ?? {})) {
    // charts/<subchart>/, else the dependency inside the whole chart (chart-sources/<chart>-<version>/charts/<subchart>/).
    const candidates = [join(upstreamDir, 'charts', sub, 'values.yaml')];
    if (version) candidates.push(join(upstreamDir, 'chart-sources', `${chart}-${version}`, 'charts', sub, 'values.yaml'));
    const found = candidates.find((f) => existsSync(f));
    if (found) values = { ...values, [key]: mergeValues(readYaml(found), values[key]) as Json };
  }
  return readChartMeta(upstreamDir, dir, chart, values);
}

function readChartMeta(upstreamDir: string, dir: string, chart: string, values: JsonObject): UpstreamChart {
  const schemaFile = join(dir, 'values.schema.json');
  const schema = existsSync(schemaFile) ? (JSON.parse(readFileSync(schemaFile, 'utf8')) as JsonSchema) : undefined;
  let version: string | undefined;
  const chartFile = join(dir, 'Chart.yaml');
  if (existsSync(chartFile)) {
    version = String((readYaml(chartFile) as JsonObject).version);
    if (GIT_PLACEHOLDER_VERSIONS.includes(version)) version = publishedVersion(upstreamDir, chart) ?? sourcesTag(upstreamDir, basename(dir)) ?? version;
  }
  return { values, schema, version };
}

/** Chart.yaml versions that a chart's release build replaces (Istio: 1.0.0, cert-manager: v0.0.0). */
const GIT_PLACEHOLDER_VERSIONS: readonly string[] = ['1.0.0', 'v0.0.0'];

/**
 * For a chart under chart-sources/ whose Chart.yaml keeps a git placeholder: the tag SOURCES.md
 * records for that folder (columns: folder | Chart.yaml version | repository | path | tag | commit).
 */
export function sourcesTag(upstreamDir: string, folder: string): string | undefined {
  const file = join(upstreamDir, 'chart-sources', 'SOURCES.md');
  if (!existsSync(file)) return undefined;
  const row = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| ${folder} |`));
  const tag = row?.split('|')[5]?.trim();
  return tag && /^v?\d+\.\d+\.\d+$/.test(tag) ? tag : undefined;
}

/** Istio's Chart.yaml placeholder: the README records the version each chart is published as. */
export function publishedVersion(upstreamDir: string, chart: string): string | undefined {
  const readme = join(upstreamDir, 'README.md');
  if (!existsSync(readme)) return undefined;
  const row = readFileSync(readme, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| charts/${chart}/Chart.yaml |`));
  return row?.match(/published as (\d+\.\d+\.\d+)/)?.[1];
}

function loadFromHelm(repository: string, chart: string, version: string, env: Readonly<Record<string, string | undefined>>): UpstreamChart {
  const run = (what: 'values' | 'chart'): string =>
    execFileSync('helm', ['show', what, chart, '--repo', repository, '--version', version], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: { ...env },
    });
  const values = effectiveUpstreamValues((parseYaml(run('values')) as JsonObject | null) ?? {});
  const meta = parseYaml(run('chart')) as JsonObject;
  return { values, version: String(meta.version) };
}

// ---------------------------------------------------------------- sample environments

/** A plain-string cluster contract for one environment, shaped like each platform stack's. */
export function sampleClusterContract(config: EnvironmentConfig): ClusterContract {
  const clusterName = environmentClusterName(config);
  const identity = (annotations: Record<string, string>, podLabels: Record<string, string> = {}) => ({
    serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
    serviceAccountAnnotations: annotations,
    podLabels,
  });
  const base = {
    clusterName,
    access: { host: 'https://api.example.internal', clusterCaCertificate: 'PEM', exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'true', args: [] } },
    oidcIssuerUrl: 'https://oidc.example.internal',
    securityNodePool: SECURITY_POOL_PLACEMENT,
  };
  switch (config.cloud) {
    case 'aws':
      return {
        ...base,
        cloud: 'aws',
        region: config.region,
        networkId: 'vpc-sample',
        clusterAdminGroups: [],
        vaultUnseal: {
          seal: 'awskms',
          sealConfig: { region: config.region, kms_key_id: `arn:aws:kms:${config.region}:${config.accountId}:key/sample` },
          identity: identity({ 'eks.amazonaws.com/role-arn': `arn:aws:iam::${config.accountId}:role/${clusterName}-vault` }),
        },
        ingressWaf: { kind: 'aws-wafv2', id: 'arn:aws:wafv2:sample', ingressAnnotations: { 'alb.ingress.kubernetes.io/wafv2-acl-arn': 'arn:aws:wafv2:sample' } },
        controllerIdentities: {
          'aws-load-balancer-controller': {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.awsLoadBalancerController,
            serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': `arn:aws:iam::${config.accountId}:role/${clusterName}-lbc` },
            podLabels: {},
          },
        },        backup: {
          provider: 'aws',
          bucket: `${clusterName}-velero-${config.accountId}`,
          config: { region: config.region, kmsKeyId: `arn:aws:kms:${config.region}:${config.accountId}:key/backup` },
          immutabilityDays: backupSettings(config).immutabilityDays,
          secondaryRegion: backupSettings(config).secondaryRegion,
          identity: { serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero, serviceAccountAnnotations: {}, podLabels: {} },
        },
      };
    case 'azure':
      return {
        ...base,
        cloud: 'azure',
        region: config.location,
        networkId: '/subscriptions/sample/virtualNetworks/sample',
        clusterAdminGroups: [],
        vaultUnseal: {
          seal: 'azurekeyvault',
          sealConfig: { tenant_id: config.tenantId, vault_name: `kv-${clusterName}`, key_name: 'vault-unseal' },
          identity: identity({ 'azure.workload.identity/client-id': '00000000-0000-4000-8000-000000000000' }, { 'azure.workload.identity/use': 'true' }),
        },
        ingressWaf: { kind: 'azure-application-gateway-waf', id: '/subscriptions/sample/wafpolicy', ingressAnnotations: {} },
        controllerIdentities: {},        backup: {
          provider: 'azure',
          bucket: 'velero',
          config: { resourceGroup: `rg-${clusterName}`, storageAccount: 'stsamplebkp', subscriptionId: config.subscriptionId, useAAD: 'true' },
          immutabilityDays: backupSettings(config).immutabilityDays,
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
            serviceAccountAnnotations: { 'azure.workload.identity/client-id': '00000000-0000-4000-8000-000000000001' },
            podLabels: { 'azure.workload.identity/use': 'true' },
          },
        },
      };
    case 'gcp':
      return {
        ...base,
        cloud: 'gcp',
        region: config.region,
        networkId: 'projects/sample/global/networks/sample',
        clusterAdminGroups: clusterAdminGroups(config.adminPrincipals),
        vaultUnseal: {
          seal: 'gcpckms',
          sealConfig: { project: config.projectId, region: config.region, key_ring: `${clusterName}-vault`, crypto_key: 'unseal' },
          identity: identity({ 'iam.gke.io/gcp-service-account': `vault@${config.projectId}.iam.gserviceaccount.com` }),
        },
        ingressWaf: { kind: 'gcp-cloud-armor', id: `${clusterName}-waf`, ingressAnnotations: {} },
        controllerIdentities: {},        backup: {
          provider: 'gcp',
          bucket: `${clusterName}-velero-${config.projectId}`,
          config: { serviceAccount: `${clusterName}-velero@${config.projectId}.iam.gserviceaccount.com` },
          immutabilityDays: backupSettings(config).immutabilityDays,
          secondaryRegion: backupSettings(config).secondaryRegion,
          identity: {
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.velero,
            serviceAccountAnnotations: { 'iam.gke.io/gcp-service-account': `${clusterName}-velero@${config.projectId}.iam.gserviceaccount.com` },
            podLabels: {},
          },
        },
      };
  }
}

/** The props the baseline stack builds for this environment, on the sample contract. */
export function sampleBaselineProps(config: EnvironmentConfig): SecurityBaselineProps {
  return baselineProps(config, sampleClusterContract(config));
}

/** Every chart the baseline installs for one sample environment per cloud, plus the platform chart's Argo CD values. */
/** The first prod-tier environment of each cloud in the repository's fleet: the hardened values users deploy. */
function prodTierPerCloud(): EnvironmentConfig[] {
  const fleet = loadFleetFromDirectory(join(__dirname, '..', 'environments'));
  return (['aws', 'azure', 'gcp'] as const).flatMap((cloud) => fleet.environments.filter((c) => c.cloud === cloud && c.tier === 'prod').slice(0, 1));
}

export function chartsUnderTest(configs: readonly EnvironmentConfig[] = prodTierPerCloud()): Array<ChartUnderTest & { repository?: string }> {
  const out: Array<ChartUnderTest & { repository?: string }> = [];
  for (const config of configs) {
    for (const c of baselineChartValues(sampleBaselineProps(config))) {
      out.push({ label: `${c.chart} ${c.version} (${config.cloud}, release ${c.releaseName})`, chart: c.chart, version: c.version, values: c.values, repository: c.repository });
    }
  }
  out.push({ label: 'platform-baseline (charts/platform-baseline, Argo CD valuesObject)', chart: 'platform-baseline', values: platformChartValues() });
  return out;
}

// ---------------------------------------------------------------- main

export interface RunResult {
  readonly exitCode: 0 | 1 | 2;
  readonly lines: string[];
}

export function run(args: readonly string[], env: Readonly<Record<string, string | undefined>>, repoRoot: string): RunResult {
  const upstreamDir = env.UPSTREAM_DIR;
  const useHelm = args.includes('--helm');
  if (!upstreamDir && !useHelm) {
    return { exitCode: 2, lines: ['helm values check DID NOT RUN: set UPSTREAM_DIR or pass --helm'] };
  }
  const lines: string[] = [];
  const problems: Problem[] = [];
  let verified = 0;
  for (const test of chartsUnderTest()) {
    let upstream: UpstreamChart | undefined;
    let source = '';
    if (test.chart === 'platform-baseline') {
      upstream = loadUpstreamDir(repoRoot, 'platform-baseline');
      source = 'charts/platform-baseline';
    } else if (!test.repository) {
      // A chart of the project's own, shipped with the stack (charts/<chart>): its values.yaml,
      // schema and Chart.yaml version are the reference.
      upstream = loadUpstreamDir(repoRoot, test.chart);
      source = `charts/${test.chart}`;
    } else if (upstreamDir) {
      upstream = loadUpstreamDir(upstreamDir, test.chart, test.version);
      source = 'UPSTREAM_DIR';
    }
    if (!upstream && useHelm && test.repository && test.version) {
      try {
        upstream = loadFromHelm(test.repository, test.chart, test.version, env);
        source = 'helm show (schema not checked)';
      } catch (e) {
        lines.push(`not verified (helm show failed: ${(e as Error).message.split('\n')[0]}): ${test.label}`);
        continue;
      }
    }
    if (!upstream) {
      lines.push(`not verified (no upstream data): ${test.label}`);
      continue;
    }
    // The platform chart is the project's own: no published version to compare.
    const found = checkChart(test.chart === 'platform-baseline' ? { ...test, version: undefined } : test, upstream);
    if (test.repository) verified++;
    problems.push(...found);
    lines.push(`${found.length === 0 ? 'ok' : 'FAIL'}: ${test.label} [${source}]`);
  }
  for (const p of problems) lines.push(`problem: ${p.chart}: ${p.path} = ${p.value}: ${p.message}`);
  if (verified === 0) {
    lines.push('helm values check DID NOT RUN: no upstream chart could be read');
    return { exitCode: 2, lines };
  }
  lines.push(problems.length === 0 ? `helm values check passed: ${verified} upstream chart releases and the platform chart verified` : `helm values check FAILED: ${problems.length} problem(s)`);
  return { exitCode: problems.length === 0 ? 0 : 1, lines };
}

if (require.main === module) {
  const result = run(process.argv.slice(2), process.env, join(__dirname, '..'));
  for (const line of result.lines) console.log(line);
  process.exit(result.exitCode);
}
