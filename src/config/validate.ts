/**
 * Validates one environment definition and reports every problem at once, one
 * line each, naming the file, cloud and environment, field, bad value and what
 * is allowed. The rules across environments (unique names, non-overlapping
 * networks, shared state backends) live in `fleet.ts`.
 */
import { createPublicKey } from 'node:crypto';
import type { z } from 'zod';
import { LOG_RETENTION_MIN_DAYS } from '../compliance/rules/aws/log-group-protection';
import { SECURITY_POOL_PLACEMENT } from '../constructs/contract';
import { egressDestinationProblems } from '../constructs/baseline/egress-rules';
import { DATABASE_MAX_TTL_SECONDS, databaseProblems } from '../constructs/vault/database-rules';
import { contains, containsAddress, coversEverything, isAnyAddress, isPrivate, overlaps, parseAddress, parseCidr, type Ipv4Cidr } from './cidr';
import { closestRegions, isKnownRegion, levenshtein, REGIONS_REVIEWED } from './regions';
import {
  BACKUP_TIER_DEFAULTS,
  BOOTSTRAP_STATE_PREFIX,
  CLOUDS,
  backupSettings,
  STATE_LOG_BUCKET_SUFFIX,
  SUPPORTED_KUBERNETES_VERSIONS,
  environmentSchema,
  type AwsEnvironmentConfig,
  type AzureEnvironmentConfig,
  type CloudName,
  type EnvironmentConfig,
  type GcpEnvironmentConfig,
  type NodePoolConfig,
  NODE_POOL_NAME,
  additionalNodePools,
  awsEnvironmentSchema,
  azureEnvironmentSchema,
  gcpEnvironmentSchema,
} from './schema';

export interface ConfigProblem {
  /** The file the environment was read from (relative to the environments directory's parent), when it came from one. */
  readonly file?: string;
  /** The environment's name. */
  readonly environment: string;
  readonly cloud: string;
  /** Dotted path of the field, e.g. `network.vpcCidr`. */
  readonly field: string;
  readonly value: unknown;
  /** What would be accepted. */
  readonly allowed: string;
}

export function formatProblem(p: ConfigProblem): string {
  const file = p.file ? `${p.file}: ` : '';
  const which = p.cloud || p.environment ? `[${p.cloud || '?'}/${p.environment || '?'}] ` : '';
  return `config error: ${file}${which}${p.field}: got ${formatValue(p.value)}; allowed: ${p.allowed}`;
}

const SOURCE_FILES = new WeakMap<object, string>();

/** Remembers the file a validated config was read from, for fleet-level messages. */
export function recordSourceFile(config: EnvironmentConfig, file: string | undefined): void {
  if (file) SOURCE_FILES.set(config, file);
}

/** The file a validated config was read from, if any. */
export function sourceFile(config: EnvironmentConfig): string | undefined {
  return SOURCE_FILES.get(config);
}

/** The problems in a stable order (file, then as found), each once. */
export function uniqueProblems(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const line = formatProblem(p);
    if (seen.has(line)) return false;
    seen.add(line);
    return true;
  });
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Thrown when configuration is invalid; carries every problem found, each once. */
export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const unique = uniqueProblems(problems);
    super(unique.map(formatProblem).join('\n'));
    this.problems = unique;
    this.name = 'ConfigError';
  }
}

/** What a command prints for a ConfigError: one line per problem, then the count and that nothing was written. */
export function configErrorReport(error: ConfigError): string {
  return `${error.message}\n${error.problems.length} configuration problem(s); nothing was synthesized.\n`;
}

class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(
    private readonly environment: string,
    private readonly cloud: string,
    private readonly file: string | undefined,
  ) {}

  add(field: string, value: unknown, allowed: string): void {
    this.list.push({ ...(this.file ? { file: this.file } : {}), environment: this.environment, cloud: this.cloud, field, value, allowed });
  }

  /** Parses a CIDR, recording a problem and returning undefined when it is malformed. */
  cidr(field: string, text: string): Ipv4Cidr | undefined {
    const parsed = parseCidr(text);
    if (typeof parsed === 'string') {
      this.add(field, text, `a canonical IPv4 CIDR (${parsed})`);
      return undefined;
    }
    return parsed;
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function allowedFor(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_type':
      // A missing field: say it is required rather than zod's default "received undefined" (a schema's own message stays).
      if (issue.input === undefined && issue.message.startsWith('Invalid input')) return `${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected} (required)`;
      return issue.message;
    default:
      return issue.message;
  }
}

const CLOUD_SCHEMAS: Record<CloudName, z.ZodType> = { aws: awsEnvironmentSchema, azure: azureEnvironmentSchema, gcp: gcpEnvironmentSchema };

/** The field names the schema accepts at `path` (objects inside optional/default wrappers, array elements). */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[], raw?: unknown): string[] {
  let current: unknown = schema;
  // A union (stateBackend) offers the keys of the option its `kind` names.
  const option = (node: { def?: { options?: unknown[] } }, at: readonly PropertyKey[]): unknown => {
    const options = node.def?.options ?? [];
    return options[unionOptionIndex(valueAt(raw, [...at, 'kind']), options.length)];
  };
  const unwrap = (node: unknown): unknown => {
    let n = node as { def?: { type?: string; innerType?: unknown; element?: unknown; valueType?: unknown } } | undefined;
    while (n?.def && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(n.def.type ?? '')) {
      n = n.def.innerType as typeof n;
    }
    return n;
  };
  for (const [depth, key] of path.entries()) {
    let node = unwrap(current) as { def?: { type?: string; element?: unknown; valueType?: unknown }; shape?: Record<string, unknown> } | undefined;
    if (node?.def?.type === 'union') node = unwrap(option(node as never, path.slice(0, depth))) as typeof node;
    if (!node?.def) return [];
    if (node.def.type === 'object' && node.shape) current = node.shape[String(key)];
    else if (node.def.type === 'array') current = node.def.element;
    else if (node.def.type === 'record') current = node.def.valueType;
    else return [];
  }
  let node = unwrap(current) as { def?: { type?: string }; shape?: Record<string, unknown> } | undefined;
  if (node?.def?.type === 'union') node = unwrap(option(node as never, path)) as typeof node;
  return node?.def?.type === 'object' && node.shape ? Object.keys(node.shape) : [];
}

/**
 * Which option of a stateBackend union a definition means: the HCP Terraform one (the last) when
 * its `kind` says so, else the cloud's own backend (the first), so messages speak of that option only.
 */
function unionOptionIndex(kind: unknown, options: number): number {
  return kind === 'hcp-terraform' ? options - 1 : 0;
}

/** Zod's issues with each stateBackend union replaced by the issues of the option the definition means. */
function expandUnionIssues(issues: readonly z.core.$ZodIssue[], raw: unknown): z.core.$ZodIssue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || fieldPath(issue.path) === 'cloud' || issue.errors.length === 0) return [issue];
    const kind = valueAt(raw, [...issue.path, 'kind']);
    const chosen = issue.errors[unionOptionIndex(kind, issue.errors.length)] ?? [];
    // A kind that names no option: that one problem, not every field of the option it fell back to.
    const kindIssue = chosen.find((inner) => inner.code === 'invalid_value' && fieldPath(inner.path) === 'kind');
    if (kind !== undefined && kindIssue?.code === 'invalid_value') {
      return [{ ...kindIssue, path: [...issue.path, 'kind'], values: [...kindIssue.values, 'hcp-terraform'] } as z.core.$ZodIssue];
    }
    return expandUnionIssues(
      chosen.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as z.core.$ZodIssue),
      raw,
    );
  });
}

/** `remove "vpcCdir" (did you mean "vpcCidr"?)`, or the list of fields accepted there. */
function unknownKeyHint(key: string, known: readonly string[]): string {
  const ranked = known
    .map((name) => ({ name, distance: levenshtein(key.toLowerCase(), name.toLowerCase()) }))
    .sort((a, b) => a.distance - b.distance);
  const best = ranked[0];
  if (best && best.distance <= Math.max(2, Math.floor(key.length / 3))) {
    return `no unknown fields: remove ${JSON.stringify(key)} (did you mean ${JSON.stringify(best.name)}?)`;
  }
  return `no unknown fields: remove ${JSON.stringify(key)}${known.length > 0 ? ` (fields here: ${known.join(', ')})` : ''}`;
}

/** Dotted field path with list indexes in brackets: `nodePools.app.minSize`, `adminCidrs[1]`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)), '');
}

/** What identifies a definition in messages when its own name/cloud fields are missing or bad. */
export interface DefinitionLabel {
  readonly file?: string;
  readonly environment?: string;
  readonly cloud?: string;
}

/**
 * Validates one raw definition on its own. Returns the typed config, or the
 * problems. `label` names the definition when its own name/cloud fields are bad.
 */
export function validateEnvironment(raw: unknown, label: DefinitionLabel = {}): { config?: EnvironmentConfig; problems: ConfigProblem[] } {
  const stringAt = (key: string): string | undefined => {
    const value = valueAt(raw, [key]);
    return typeof value === 'string' ? value : undefined;
  };
  const environment = stringAt('name') ?? label.environment ?? '';
  const cloud = stringAt('cloud') ?? label.cloud ?? '';
  const problems = new Problems(environment, cloud, label.file);

  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of expandUnionIssues(parsed.error.issues, raw)) {
      if (issue.code === 'invalid_union' && fieldPath(issue.path) === 'cloud') {
        problems.add('cloud', valueAt(raw, ['cloud']), `one of ${CLOUDS.join(', ')}`);
        continue;
      }
      if (issue.code === 'unrecognized_keys') {
        const schema = CLOUD_SCHEMAS[cloud as CloudName];
        const known = schema ? knownKeys(schema, issue.path, raw) : [];
        for (const key of issue.keys) {
          problems.add(fieldPath([...issue.path, key]), valueAt(raw, [...issue.path, key]), unknownKeyHint(key, known));
        }
        continue;
      }
      problems.add(fieldPath(issue.path) || '(root)', valueAt(raw, issue.path), allowedFor(issue));
    }
    return { problems: problems.list };
  }

  const config = parsed.data;
  checkCommon(config, problems);
  switch (config.cloud) {
    case 'aws':
      checkAws(config, problems);
      break;
    case 'azure':
      checkAzure(config, problems);
      break;
    case 'gcp':
      checkGcp(config, problems);
      break;
  }
  return problems.list.length === 0 ? { config, problems: [] } : { problems: problems.list };
}

function checkCommon(config: EnvironmentConfig, problems: Problems): void {
  const supported = SUPPORTED_KUBERNETES_VERSIONS[config.cloud];
  if (!supported.includes(config.kubernetesVersion)) {
    problems.add('kubernetesVersion', config.kubernetesVersion, `one of ${supported.join(', ')} (in standard support)`);
  }

  for (const name of ['app', 'security'] as const) {
    checkNodePool(`nodePools.${name}`, config.nodePools[name], problems);
  }
  for (const [name, pool] of additionalNodePools(config)) {
    const field = `nodePools.${name}`;
    if (!NODE_POOL_NAME.test(name) || name === 'system') {
      problems.add(field, name, 'a pool name of 1-12 lowercase letters and digits starting with a letter, other than app, security and system (AKS allows no more)');
    }
    checkNodePool(field, pool, problems);
    // The platform labels the pool workload=<name>; the security pool's label and taint are the security pool's alone.
    if ('workload' in pool.labels) {
      problems.add(`${field}.labels.workload`, pool.labels.workload, `no workload label: the platform sets workload=${name}`);
    }
    if (pool.taint && pool.taint.key === SECURITY_POOL_PLACEMENT.taint.key && pool.taint.value === SECURITY_POOL_PLACEMENT.taint.value) {
      problems.add(`${field}.taint`, pool.taint, `a taint other than the security pool's ${SECURITY_POOL_PLACEMENT.taint.key}=${SECURITY_POOL_PLACEMENT.taint.value}: security agents would schedule onto this pool`);
    }
  }
  if (config.tier !== 'dev' && config.nodePools.security.minSize < 2) {
    problems.add('nodePools.security.minSize', config.nodePools.security.minSize, `at least 2 in the ${config.tier} tier, so security agents survive a node loss`);
  }

  checkAdminCidrs(config, problems);
  checkBackup(config, problems);

  const endpoint = config.publicApiEndpoint;
  if (endpoint.enabled && config.tier !== 'dev') {
    problems.add('publicApiEndpoint.enabled', true, `false in the ${config.tier} tier (private API endpoint only; a public endpoint is a dev-tier opt-in)`);
  }
  if (endpoint.enabled && endpoint.allowedCidrs.length === 0) {
    problems.add('publicApiEndpoint.allowedCidrs', [], 'a non-empty CIDR allow-list when the public endpoint is enabled');
  }
  const endpointRanges: Ipv4Cidr[] = [];
  endpoint.allowedCidrs.forEach((text, i) => {
    const parsed = problems.cidr(`publicApiEndpoint.allowedCidrs[${i}]`, text);
    if (parsed && isAnyAddress(parsed)) {
      problems.add(`publicApiEndpoint.allowedCidrs[${i}]`, text, 'a specific network range, never 0.0.0.0/0');
    } else if (parsed) endpointRanges.push(parsed);
  });
  if (endpointRanges.length > 1 && coversEverything(endpointRanges)) {
    problems.add('publicApiEndpoint.allowedCidrs', endpoint.allowedCidrs, 'ranges that together leave some of the internet out (these admit every address, like 0.0.0.0/0)');
  }

  config.allowedRegistries.forEach((registry, i) => {
    if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(registry)) {
      problems.add(`allowedRegistries[${i}]`, registry, 'a registry host with an optional path, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform');
    }
  });
  const mirror = config.platformImageMirror;
  if (!config.allowedRegistries.some((registry) => mirror === registry || mirror.startsWith(`${registry}/`))) {
    problems.add('platformImageMirror', mirror, `a path inside one of allowedRegistries (${config.allowedRegistries.join(', ')}), so Kyverno admits the platform's own images`);
  }
  if (config.tier === 'prod' && !isImmutableRevision(config.gitOps.targetRevision)) {
    problems.add(
      'gitOps.targetRevision',
      config.gitOps.targetRevision,
      'an immutable revision in the prod tier: a commit SHA (40 or 64 hex digits), a version tag such as v1.4.2, or refs/tags/<tag>; never a branch or HEAD, which move under the reviewed change',
    );
  }
  // PCI-DSS 4.0 6.3.3: a prod image must have been scanned recently, not only once when it was mirrored.
  if (config.tier === 'prod' && config.scanAttestationMaxAgeHours === undefined) {
    problems.add('scanAttestationMaxAgeHours', undefined, 'set in the prod tier (e.g. 168): Kyverno then requires a release-key-signed vulnerability-scan attestation no older than that');
  } else if (config.tier === 'prod' && config.scanAttestationMaxAgeHours !== undefined && config.scanAttestationMaxAgeHours > 168) {
    problems.add('scanAttestationMaxAgeHours', config.scanAttestationMaxAgeHours, 'at most 168 hours (7 days) in the prod tier: the mirror pipeline re-scans and re-attests at least weekly');
  }
  checkSso(config, problems);
  checkEgress(config, problems);
  checkVaultDatabases(config, problems);
  const keyProblem = cosignKeyProblem(config.cosignPublicKey);
  if (keyProblem) {
    problems.add('cosignPublicKey', config.cosignPublicKey, `a public key Cosign verifies with (ECDSA P-256/P-384/P-521, RSA of at least 2048 bits, or Ed25519); ${keyProblem}`);
  }
}

/** Regions of one GCS multi-region, the only pairs a configurable dual-region bucket may span. */
export function gcsMultiRegion(region: string): 'EU' | 'US' | 'ASIA' | undefined {
  if (region.startsWith('europe-')) return 'EU';
  if (region.startsWith('us-')) return 'US';
  if (region.startsWith('asia-')) return 'ASIA';
  return undefined;
}

/**
 * Backups (docs/backups.md): the prod tier never keeps less, or protects less, than its defaults and
 * always has a second region; write-once protection never outlives the shortest-lived backup, or
 * Velero could not expire it.
 */
function checkBackup(config: EnvironmentConfig, problems: Problems): void {
  const backup = backupSettings(config);
  if (config.tier === 'prod') {
    const floor = BACKUP_TIER_DEFAULTS.prod;
    if (backup.dailyRetentionDays < floor.dailyRetentionDays) {
      problems.add('backup.dailyRetentionDays', backup.dailyRetentionDays, `at least ${floor.dailyRetentionDays} days in the prod tier (a month of daily restore points, PCI-DSS 12.10.1)`);
    }
    if (backup.restrictedRetentionHours < floor.restrictedRetentionHours) {
      problems.add('backup.restrictedRetentionHours', backup.restrictedRetentionHours, `at least ${floor.restrictedRetentionHours} hours in the prod tier (a week of hourly restore points of restricted data)`);
    }
    if (backup.immutabilityDays < floor.immutabilityDays) {
      problems.add('backup.immutabilityDays', backup.immutabilityDays, `at least ${floor.immutabilityDays} days in the prod tier (write-once backups: an attacker holding Velero's identity cannot destroy them)`);
    }
    if (config.cloud !== 'azure' && backup.secondaryRegion === undefined) {
      problems.add('backup.secondaryRegion', undefined, `a second ${config.cloud} region in the prod tier, so backups survive the loss of ${config.region}`);
    }
  }
  if (backup.immutabilityDays * 24 > backup.restrictedRetentionHours) {
    problems.add('backup.immutabilityDays', backup.immutabilityDays, `at most restrictedRetentionHours / 24 (${Math.floor(backup.restrictedRetentionHours / 24)}): a write-once object outliving its backup's TTL cannot be expired by Velero`);
  }
  if (backup.restrictedRetentionHours > backup.dailyRetentionDays * 24) {
    problems.add('backup.restrictedRetentionHours', backup.restrictedRetentionHours, `at most dailyRetentionDays * 24 (${backup.dailyRetentionDays * 24}): hourly restore points are never kept longer than daily ones`);
  }
  const secondary = backup.secondaryRegion;
  if (secondary === undefined) return;
  if (config.cloud === 'azure') {
    problems.add('backup.secondaryRegion', secondary, 'no value on azure: geo-redundant storage replicates to the location\'s paired region');
    return;
  }
  checkRegion(config.cloud, 'backup.secondaryRegion', secondary, problems);
  if (secondary === config.region) {
    problems.add('backup.secondaryRegion', secondary, `a region other than the cluster's (${config.region})`);
  }
  if (config.cloud === 'gcp' && (gcsMultiRegion(config.region) === undefined || gcsMultiRegion(secondary) !== gcsMultiRegion(config.region))) {
    problems.add('backup.secondaryRegion', secondary, `a region of the same Cloud Storage multi-region as ${config.region} (europe-*, us-* or asia-*): the backup bucket is a configurable dual-region`);
  }
}

/**
 * Console sign-in: every person is identified by the organisation's identity provider in the
 * prod tier (PCI-DSS 4.0 8.2.1, 8.2.2); group mappings are unambiguous.
 */
function checkSso(config: EnvironmentConfig, problems: Problems): void {
  const sso = config.sso;
  if (!sso) {
    if (config.tier === 'prod') problems.add('sso', undefined, "an sso block in the prod tier: people sign in to Argo CD and Grafana through the organisation's identity provider (docs/identity.md)");
    return;
  }
  const seen = new Set<string>();
  sso.argoCd.groups.forEach((g, i) => {
    if (g.role === 'sync' && !g.projects) problems.add(`sso.argoCd.groups[${i}].projects`, undefined, 'the AppProjects this sync group may sync (at least one)');
    if (g.role !== 'sync' && g.projects) problems.add(`sso.argoCd.groups[${i}].projects`, g.projects, `nothing for role ${g.role} (projects apply to sync groups only)`);
    if (seen.has(g.group)) problems.add(`sso.argoCd.groups[${i}].group`, g.group, 'each group once (one role per group)');
    seen.add(g.group);
  });
  const roles: Array<[string, readonly string[]]> = [['adminGroups', sso.grafana.adminGroups], ['editorGroups', sso.grafana.editorGroups], ['viewerGroups', sso.grafana.viewerGroups]];
  const grafanaSeen = new Map<string, string>();
  for (const [field, groups] of roles) {
    groups.forEach((group, i) => {
      const other = grafanaSeen.get(group);
      if (other) problems.add(`sso.grafana.${field}[${i}]`, group, `a group in one role list only (already in ${other})`);
      grafanaSeen.set(group, field);
    });
  }
}

/** The egress allow-list: the rules across destinations (the schema checked each field's shape). */
function checkEgress(config: EnvironmentConfig, problems: Problems): void {
  for (const p of egressDestinationProblems(config.egress.destinations)) problems.add(`egress.${p.field}`, p.value, p.allowed);
}

/**
 * The databases Vault issues credentials for: the rules across fields (database-rules.ts), then the
 * prod tier's: the server's certificate and name are always verified (PCI-DSS 4.0 4.2.1, 8.3.2), and
 * no credential outlives a shift.
 */
function checkVaultDatabases(config: EnvironmentConfig, problems: Problems): void {
  const databases = config.vault.databases;
  for (const p of databaseProblems(databases)) problems.add(`vault.databases${p.field}`, p.value, p.allowed);
  if (config.tier !== 'prod') return;
  databases.forEach((d, i) => {
    if (d.sslMode !== 'verify-full') {
      problems.add(`vault.databases[${i}].sslMode`, d.sslMode, 'verify-full in the prod tier: Vault checks the certificate chain and that it names the host, so nobody in the path can collect the root or the issued credentials');
    }
    if (d.maxTtlSeconds > DATABASE_MAX_TTL_SECONDS.prodMax) {
      problems.add(`vault.databases[${i}].maxTtlSeconds`, d.maxTtlSeconds, `at most ${DATABASE_MAX_TTL_SECONDS.prodMax} seconds (4 hours) in the prod tier: a credential, renewed or not, expires within a shift`);
    }
  });
}

/**
 * Admin ranges reach the private API endpoint: they come from the
 * organisation's private networks (VPN, bastion, runners). Public ranges are an
 * explicit opt-out (`allowPublicAdminCidrs`), never in the prod tier, and even
 * then each is a specific network, not a slice of the internet.
 */
function checkAdminCidrs(config: EnvironmentConfig, problems: Problems): void {
  if (config.allowPublicAdminCidrs && config.tier === 'prod') {
    problems.add('allowPublicAdminCidrs', true, 'false in the prod tier (admin access from private ranges only)');
  }
  const parsed: Ipv4Cidr[] = [];
  config.adminCidrs.forEach((text, i) => {
    const range = problems.cidr(`adminCidrs[${i}]`, text);
    if (!range) return;
    parsed.push(range);
    if (isAnyAddress(range)) {
      problems.add(`adminCidrs[${i}]`, text, 'a specific network range, never 0.0.0.0/0');
    } else if (!isPrivate(range) && !config.allowPublicAdminCidrs) {
      problems.add(
        `adminCidrs[${i}]`,
        text,
        'a private range (inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10); public admin ranges need the explicit opt-out allowPublicAdminCidrs: true, which the prod tier refuses',
      );
    } else if (!isPrivate(range) && range.prefixLength < 16) {
      problems.add(`adminCidrs[${i}]`, text, 'a public admin range of /16 or narrower (a specific network, not a slice of the internet)');
    }
  });
  if (parsed.length > 1 && coversEverything(parsed)) {
    problems.add('adminCidrs', config.adminCidrs, 'ranges that together leave some of the internet out (these admit every address, like 0.0.0.0/0)');
  }
}

/**
 * A revision that cannot move: a full commit SHA (SHA-1 or SHA-256), a
 * `refs/tags/` ref, or a version tag (`v1.4.2`, `1.4.2-rc.1`). Tags can be
 * re-pointed in Git, so the GitOps repository must protect tags (docs/configuration.md).
 */
export function isImmutableRevision(revision: string): boolean {
  return /^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(revision) || /^refs\/tags\/[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(revision) || /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.test(revision);
}

const COSIGN_CURVES = new Set(['prime256v1', 'secp384r1', 'secp521r1']);

/** Why a PEM text is not a public key Cosign can verify signatures with; undefined when it is one. */
export function cosignKeyProblem(pem: string): string | undefined {
  let key;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    return `this does not parse as a public key (${(error as Error).message.replace(/^error:[0-9A-F]*:/, '').trim()})`;
  }
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return details.namedCurve && COSIGN_CURVES.has(details.namedCurve) ? undefined : `an EC key on curve ${details.namedCurve ?? 'unknown'}`;
    case 'rsa':
      return (details.modulusLength ?? 0) >= 2048 ? undefined : `an RSA key of ${details.modulusLength ?? 0} bits`;
    case 'ed25519':
      return undefined;
    default:
      return `a ${key.asymmetricKeyType ?? 'unknown'} key`;
  }
}

/** A region the cloud really has (pinned list, src/config/regions.ts), with a hint at the closest names. */
function checkRegion(cloud: CloudName, field: string, region: string, problems: Problems): void {
  if (isKnownRegion(cloud, region)) return;
  const close = closestRegions(cloud, region);
  problems.add(field, region, `a ${cloud === 'azure' ? 'location' : 'region'} of ${cloud} (list reviewed ${REGIONS_REVIEWED}, src/config/regions.ts)${close.length > 0 ? `; closest: ${close.join(', ')}` : ''}`);
}

function checkNodePool(field: string, pool: NodePoolConfig, problems: Problems): void {
  if (pool.minSize > pool.maxSize) {
    problems.add(`${field}.minSize`, pool.minSize, `at most maxSize (${pool.maxSize})`);
  }
  if (pool.desiredSize < pool.minSize || pool.desiredSize > pool.maxSize) {
    problems.add(`${field}.desiredSize`, pool.desiredSize, `between minSize and maxSize [${pool.minSize}, ${pool.maxSize}]`);
  }
}

/** Reports every pair of overlapping ranges among `ranges`. */
function checkDisjoint(ranges: ReadonlyArray<[string, Ipv4Cidr | undefined]>, problems: Problems): void {
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const [fieldA, a] = ranges[i];
      const [fieldB, b] = ranges[j];
      if (a && b && overlaps(a, b)) {
        problems.add(fieldB, b.text, `a range that does not overlap ${fieldA} (${a.text})`);
      }
    }
  }
}

function checkInside(outerField: string, outer: Ipv4Cidr | undefined, ranges: ReadonlyArray<[string, Ipv4Cidr | undefined]>, problems: Problems): void {
  if (!outer) return;
  for (const [field, range] of ranges) {
    if (range && !contains(outer, range)) {
      problems.add(field, range.text, `a range inside ${outerField} (${outer.text})`);
    }
  }
}

function checkAws(config: AwsEnvironmentConfig, problems: Problems): void {
  const net = config.network;
  const azCount = config.availabilityZones.length;
  checkRegion('aws', 'region', config.region, problems);
  if (config.stateBackend.kind !== 'hcp-terraform') checkRegion('aws', 'stateBackend.region', config.stateBackend.region, problems);
  const minAzs = config.tier === 'dev' ? 2 : 3;
  if (azCount < minAzs || azCount > 3) {
    problems.add('availabilityZones', config.availabilityZones, `${minAzs === 2 ? '2 or 3' : 'exactly 3'} zones in the ${config.tier} tier`);
  }
  config.availabilityZones.forEach((zone, i) => {
    if (!zone.startsWith(config.region)) {
      problems.add(`availabilityZones[${i}]`, zone, `a zone of region ${config.region}`);
    }
  });
  if (new Set(config.availabilityZones).size !== azCount) {
    problems.add('availabilityZones', config.availabilityZones, 'distinct zones');
  }

  const vpc = problems.cidr('network.vpcCidr', net.vpcCidr);
  const subnets: Array<[string, Ipv4Cidr | undefined]> = [];
  for (const kind of ['publicSubnetCidrs', 'privateSubnetCidrs', 'intraSubnetCidrs'] as const) {
    if (net[kind].length !== azCount) {
      problems.add(`network.${kind}`, net[kind], `one CIDR per availability zone (${azCount})`);
    }
    net[kind].forEach((text, i) => subnets.push([`network.${kind}[${i}]`, problems.cidr(`network.${kind}[${i}]`, text)]));
  }
  checkInside('network.vpcCidr', vpc, subnets, problems);
  checkDisjoint(subnets, problems);

  if (config.tier === 'prod' && net.natGateways !== 'one-per-az') {
    problems.add('network.natGateways', net.natGateways, '"one-per-az" in the prod tier, so losing a zone does not cut egress');
  }
  // The bound is the compliance pack's (aws-log-group-protection, PCI-DSS 10.5.1), in every tier: config never admits what synth then refuses.
  if (net.flowLogRetentionDays < LOG_RETENTION_MIN_DAYS) {
    problems.add('network.flowLogRetentionDays', net.flowLogRetentionDays, `at least ${LOG_RETENTION_MIN_DAYS} days (PCI-DSS 10.5.1: a year of audit history; the compliance pack requires it in every tier)`);
  }
  const trusted = new Set([config.accountId, ...config.trustedAccountIds]);
  config.adminPrincipals.forEach((arn, i) => {
    const match = /^arn:aws[a-z-]*:iam::(\d{12}):(role|user)\/[\w+=,.@/-]+$/.exec(arn);
    if (!match) {
      problems.add(`adminPrincipals[${i}]`, arn, 'an IAM role or user ARN');
    } else if (!trusted.has(match[1])) {
      problems.add(
        `adminPrincipals[${i}]`,
        arn,
        `a principal of this environment's account ${config.accountId}${config.trustedAccountIds.length > 0 ? ` or of trustedAccountIds (${config.trustedAccountIds.join(', ')})` : ''}; list another account in trustedAccountIds to trust it explicitly`,
      );
    }
  });

  // The state bootstrap stack (aws-state-<account>) creates the bucket, its access-log bucket and the key alias.
  const state = config.stateBackend;
  if (state.kind === 'hcp-terraform') return;
  const alias = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):alias\/([A-Za-z0-9/_-]+)$/.exec(state.kmsKeyId);
  if (!alias || alias[1] !== state.region || alias[2] !== config.accountId || alias[3].startsWith('aws/')) {
    problems.add(
      'stateBackend.kmsKeyId',
      state.kmsKeyId,
      `an alias ARN in this environment's account and state region, arn:aws:kms:${state.region}:${config.accountId}:alias/<name> (not aws/...): the state bootstrap stack creates that alias`,
    );
  }
  if (state.bucket.length > 63 - STATE_LOG_BUCKET_SUFFIX.length) {
    problems.add('stateBackend.bucket', state.bucket, `at most ${63 - STATE_LOG_BUCKET_SUFFIX.length} characters, so its access-log bucket "<bucket>${STATE_LOG_BUCKET_SUFFIX}" fits S3's 63`);
  }
  checkStatePrefix('stateBackend.key', state.key, problems);
}

/** The state bootstrap stack keeps its own state under `bootstrap/` once migrated: no environment may write there. */
function checkStatePrefix(field: string, prefix: string, problems: Problems): void {
  if (prefix === BOOTSTRAP_STATE_PREFIX || prefix.startsWith(`${BOOTSTRAP_STATE_PREFIX}/`)) {
    problems.add(field, prefix, `a prefix outside ${BOOTSTRAP_STATE_PREFIX}/ (the state bootstrap stack's own state lives there)`);
  }
}

function checkAzure(config: AzureEnvironmentConfig, problems: Problems): void {
  checkNodePool('systemNodePool', config.systemNodePool, problems);
  checkRegion('azure', 'location', config.location, problems);
  if (config.tier !== 'dev' && config.systemNodePool.minSize < 2) {
    problems.add('systemNodePool.minSize', config.systemNodePool.minSize, `at least 2 in the ${config.tier} tier, so CoreDNS and konnectivity survive a node loss`);
  }
  const net = config.network;
  const vnet = problems.cidr('network.vnetCidr', net.vnetCidr);
  const subnets: Array<[string, Ipv4Cidr | undefined]> = (
    ['nodeSubnetCidr', 'apiServerSubnetCidr', 'appGatewaySubnetCidr', 'privateEndpointSubnetCidr'] as const
  ).map((k) => [`network.${k}`, problems.cidr(`network.${k}`, net[k])]);
  checkInside('network.vnetCidr', vnet, subnets, problems);
  checkDisjoint(subnets, problems);

  const pod = problems.cidr('network.podCidr', net.podCidr);
  const service = problems.cidr('network.serviceCidr', net.serviceCidr);
  checkDisjoint(
    [
      ['network.vnetCidr', vnet],
      ['network.podCidr', pod],
      ['network.serviceCidr', service],
    ],
    problems,
  );
  const apiServer = subnets[1][1];
  if (apiServer && apiServer.prefixLength > 28) {
    problems.add('network.apiServerSubnetCidr', apiServer.text, 'a /28 or larger');
  }
  const dnsIp = parseAddress(net.dnsServiceIp);
  if (service && dnsIp !== undefined && !containsAddress(service, dnsIp)) {
    problems.add('network.dnsServiceIp', net.dnsServiceIp, `an address inside network.serviceCidr (${service.text})`);
  }
  config.adminPrincipals.forEach((id, i) => {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      problems.add(`adminPrincipals[${i}]`, id, 'an Entra ID group object id (UUID)');
    }
  });

  // The state VNet is peered with the runners' network: it must not overlap it or the platform's ranges.
  const state = config.stateBackend;
  if (state.kind === 'hcp-terraform') return;
  const stateVnet = problems.cidr('stateBackend.vnetCidr', state.vnetCidr);
  if (stateVnet && (stateVnet.prefixLength < 24 || stateVnet.prefixLength > 28)) {
    problems.add('stateBackend.vnetCidr', stateVnet.text, 'a /24 to /28 (one subnet of private endpoints)');
  }
  if (stateVnet) {
    const others: Array<[string, Ipv4Cidr | undefined]> = [
      ['network.vnetCidr', vnet],
      ['network.podCidr', pod],
      ['network.serviceCidr', service],
      ...config.adminCidrs.map((text, i): [string, Ipv4Cidr | undefined] => [`adminCidrs[${i}]`, parseCidrQuietly(text)]),
    ];
    for (const [field, other] of others) {
      if (other && overlaps(stateVnet, other)) {
        problems.add('stateBackend.vnetCidr', stateVnet.text, `a range that does not overlap ${field} (${other.text})`);
      }
    }
  }
  checkStatePrefix('stateBackend.key', state.key, problems);
}

/** A CIDR already reported elsewhere when malformed: parse it without a second problem. */
function parseCidrQuietly(text: string): Ipv4Cidr | undefined {
  const parsed = parseCidr(text);
  return typeof parsed === 'string' ? undefined : parsed;
}

/** GCP resource names derive from the cluster name; service account ids allow 30 characters. */
const GCP_MAX_CLUSTER_NAME = 22;

function checkGcp(config: GcpEnvironmentConfig, problems: Problems): void {
  checkRegion('gcp', 'region', config.region, problems);
  const vpcsc = config.vpcServiceControls;
  if (vpcsc.mode !== 'off' && !vpcsc.accessPolicy && !vpcsc.organizationId) {
    problems.add('vpcServiceControls', vpcsc, 'an accessPolicy (the organization\'s, accessPolicies/<number>) or an organizationId to create a project-scoped one in');
  }
  if (vpcsc.accessPolicy && vpcsc.organizationId) {
    problems.add('vpcServiceControls.organizationId', vpcsc.organizationId, 'no organizationId when an accessPolicy is named (the perimeter goes into that policy)');
  }
  const cluster = `${config.namePrefix}-${config.name}`;
  if (cluster.length > GCP_MAX_CLUSTER_NAME) {
    problems.add('name', config.name, `a name that keeps the cluster name "<namePrefix>-<name>" within ${GCP_MAX_CLUSTER_NAME} characters (got "${cluster}", ${cluster.length}): GCP service account ids derived from it allow 30`);
  }
  const net = config.network;
  const ranges: Array<[string, Ipv4Cidr | undefined]> = (
    ['nodesCidr', 'podsCidr', 'servicesCidr', 'masterCidr', 'proxyOnlyCidr'] as const
  ).map((k) => [`network.${k}`, problems.cidr(`network.${k}`, net[k])]);
  checkDisjoint(ranges, problems);
  const master = ranges[3][1];
  if (master && master.prefixLength !== 28) {
    problems.add('network.masterCidr', master.text, 'exactly a /28 (GKE private control plane)');
  }
  const proxy = ranges[4][1];
  if (proxy && proxy.prefixLength > 26) {
    problems.add('network.proxyOnlyCidr', proxy.text, 'a /26 or larger');
  }
  const trusted = new Set([config.projectId, ...config.trustedProjectIds]);
  config.adminPrincipals.forEach((member, i) => {
    if (!/^(group|user|serviceAccount):[^@\s]+@[^@\s]+$/.test(member)) {
      problems.add(`adminPrincipals[${i}]`, member, 'an IAM member such as group:platform-admins@example.com');
      return;
    }
    // A service account names its project; people and groups belong to the organisation's directory.
    const project = /^serviceAccount:[^@]+@([a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/.exec(member)?.[1];
    if (member.startsWith('serviceAccount:') && (!project || !trusted.has(project))) {
      problems.add(
        `adminPrincipals[${i}]`,
        member,
        `a service account of this environment's project ${config.projectId}${config.trustedProjectIds.length > 0 ? ` or of trustedProjectIds (${config.trustedProjectIds.join(', ')})` : ''} (<id>@<project>.iam.gserviceaccount.com); list another project in trustedProjectIds to trust it explicitly`,
      );
    }
  });
  for (const [key, value] of Object.entries(config.tags)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(key) || !/^[a-z0-9_-]{0,63}$/.test(value)) {
      problems.add(`tags.${key}`, value, 'GCP labels: lowercase letters, digits, _ and -, keys starting with a letter');
    }
  }

  // The state bootstrap stack (gcp-state-<project>) creates the key next to the bucket, in this project and region.
  const state = config.stateBackend;
  if (state.kind === 'hcp-terraform') return;
  const [, keyProject, , keyLocation] = state.kmsEncryptionKey.split('/');
  if (keyProject !== config.projectId || keyLocation !== config.region) {
    problems.add(
      'stateBackend.kmsEncryptionKey',
      state.kmsEncryptionKey,
      `a key in this environment's project and region, projects/${config.projectId}/locations/${config.region}/keyRings/<ring>/cryptoKeys/<key>: the state bootstrap stack creates it next to the bucket`,
    );
  }
  checkStatePrefix('stateBackend.prefix', state.prefix, problems);
}
