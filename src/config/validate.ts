/**
 * Validates environment definitions and reports every problem at once, one
 * line each, naming environment, cloud, field, bad value and what is allowed.
 */
import type { z } from 'zod';
import { contains, containsAddress, isAnyAddress, overlaps, parseAddress, parseCidr, type Ipv4Cidr } from './cidr';
import {
  BOOTSTRAP_STATE_PREFIX,
  CLOUDS,
  ENVIRONMENTS,
  STATE_LOG_BUCKET_SUFFIX,
  SUPPORTED_KUBERNETES_VERSIONS,
  environmentSchema,
  type AwsEnvironmentConfig,
  type AzureEnvironmentConfig,
  type EnvironmentConfig,
  type GcpEnvironmentConfig,
  type NodePoolConfig,
} from './schema';

export interface ConfigProblem {
  readonly environment: string;
  readonly cloud: string;
  /** Dotted path of the field, e.g. `network.vpcCidr`. */
  readonly field: string;
  readonly value: unknown;
  /** What would be accepted. */
  readonly allowed: string;
}

export function formatProblem(p: ConfigProblem): string {
  return `config error: [${p.cloud}/${p.environment}] ${p.field}: got ${formatValue(p.value)}; allowed: ${p.allowed}`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** Thrown when configuration is invalid; carries every problem found. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

class Problems {
  readonly list: ConfigProblem[] = [];
  constructor(
    private readonly environment: string,
    private readonly cloud: string,
  ) {}

  add(field: string, value: unknown, allowed: string): void {
    this.list.push({ environment: this.environment, cloud: this.cloud, field, value, allowed });
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
    case 'unrecognized_keys':
      return `no unknown fields (remove ${issue.keys.join(', ')})`;
    default:
      return issue.message;
  }
}

/**
 * Validates one raw definition. Returns the typed config, or the problems.
 * `label` names the definition when its own environment/cloud fields are bad.
 */
export function validateEnvironment(
  raw: unknown,
  label: { environment: string; cloud: string },
): { config?: EnvironmentConfig; problems: ConfigProblem[] } {
  const stringAt = (key: string): string | undefined => {
    const value = valueAt(raw, [key]);
    return typeof value === 'string' ? value : undefined;
  };
  const environment = stringAt('environment') ?? label.environment;
  const cloud = stringAt('cloud') ?? label.cloud;
  const problems = new Problems(environment, cloud);

  const parsed = environmentSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (issue.code === 'invalid_union' && path.join('.') === 'cloud') {
        problems.add('cloud', valueAt(raw, ['cloud']), `one of ${CLOUDS.join(', ')}`);
        continue;
      }
      problems.add(path.join('.') || '(root)', valueAt(raw, issue.path), allowedFor(issue));
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
  if (config.environment !== 'dev' && config.nodePools.security.minSize < 2) {
    problems.add('nodePools.security.minSize', config.nodePools.security.minSize, 'at least 2 outside dev, so security agents survive a node loss');
  }

  config.adminCidrs.forEach((text, i) => {
    const parsed = problems.cidr(`adminCidrs[${i}]`, text);
    if (parsed && isAnyAddress(parsed)) {
      problems.add(`adminCidrs[${i}]`, text, 'a specific network range, never 0.0.0.0/0');
    }
  });

  const endpoint = config.publicApiEndpoint;
  if (endpoint.enabled && config.environment !== 'dev') {
    problems.add('publicApiEndpoint.enabled', true, `false in ${config.environment} (private API endpoint only; a public endpoint is a dev-only opt-in)`);
  }
  if (endpoint.enabled && endpoint.allowedCidrs.length === 0) {
    problems.add('publicApiEndpoint.allowedCidrs', [], 'a non-empty CIDR allow-list when the public endpoint is enabled');
  }
  endpoint.allowedCidrs.forEach((text, i) => {
    const parsed = problems.cidr(`publicApiEndpoint.allowedCidrs[${i}]`, text);
    if (parsed && isAnyAddress(parsed)) {
      problems.add(`publicApiEndpoint.allowedCidrs[${i}]`, text, 'a specific network range, never 0.0.0.0/0');
    }
  });

  config.allowedRegistries.forEach((registry, i) => {
    if (!/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)*$/.test(registry)) {
      problems.add(`allowedRegistries[${i}]`, registry, 'a registry host with an optional path, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform');
    }
  });
  const mirror = config.platformImageMirror;
  if (!config.allowedRegistries.some((registry) => mirror === registry || mirror.startsWith(`${registry}/`))) {
    problems.add('platformImageMirror', mirror, `a path inside one of allowedRegistries (${config.allowedRegistries.join(', ')}), so Kyverno admits the platform's own images`);
  }
  if (config.gitOps.targetRevision === 'HEAD' && config.environment === 'prod') {
    problems.add('gitOps.targetRevision', 'HEAD', 'a pinned branch, tag or commit in prod, not HEAD');
  }
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
  const minAzs = config.environment === 'dev' ? 2 : 3;
  if (azCount < minAzs || azCount > 3) {
    problems.add('availabilityZones', config.availabilityZones, `${minAzs === 2 ? '2 or 3' : 'exactly 3'} zones in ${config.environment}`);
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

  if (config.environment === 'prod' && net.natGateways !== 'one-per-az') {
    problems.add('network.natGateways', net.natGateways, '"one-per-az" in prod, so losing a zone does not cut egress');
  }
  const minRetention = config.environment === 'prod' ? 365 : 30;
  if (net.flowLogRetentionDays < minRetention) {
    problems.add('network.flowLogRetentionDays', net.flowLogRetentionDays, `at least ${minRetention} days in ${config.environment}`);
  }
  config.adminPrincipals.forEach((arn, i) => {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn)) {
      problems.add(`adminPrincipals[${i}]`, arn, 'an IAM role or user ARN');
    }
  });

  // The state bootstrap stack (aws-state-<account>) creates the bucket, its access-log bucket and the key alias.
  const state = config.stateBackend;
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
  if (config.environment !== 'dev' && config.systemNodePool.minSize < 2) {
    problems.add('systemNodePool.minSize', config.systemNodePool.minSize, 'at least 2 outside dev, so CoreDNS and konnectivity survive a node loss');
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
  const stateVnet = problems.cidr('stateBackend.vnetCidr', config.stateBackend.vnetCidr);
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
  checkStatePrefix('stateBackend.key', config.stateBackend.key, problems);
}

/** A CIDR already reported elsewhere when malformed: parse it without a second problem. */
function parseCidrQuietly(text: string): Ipv4Cidr | undefined {
  const parsed = parseCidr(text);
  return typeof parsed === 'string' ? undefined : parsed;
}

function checkGcp(config: GcpEnvironmentConfig, problems: Problems): void {
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
  config.adminPrincipals.forEach((member, i) => {
    if (!/^(group|user|serviceAccount):[^@\s]+@[^@\s]+$/.test(member)) {
      problems.add(`adminPrincipals[${i}]`, member, 'an IAM member such as group:platform-admins@example.com');
    }
  });
  for (const [key, value] of Object.entries(config.tags)) {
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(key) || !/^[a-z0-9_-]{0,63}$/.test(value)) {
      problems.add(`tags.${key}`, value, 'GCP labels: lowercase letters, digits, _ and -, keys starting with a letter');
    }
  }

  // The state bootstrap stack (gcp-state-<project>) creates the key next to the bucket, in this project and region.
  const state = config.stateBackend;
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

/** A definition as registered in the environment table, before validation. */
export interface EnvironmentDefinition {
  readonly cloud: string;
  readonly environment: string;
  readonly config: unknown;
}

export interface Selection {
  /** Clouds to synthesize; all when empty. */
  readonly clouds?: readonly string[];
  /** Environments to synthesize; all when empty. */
  readonly environments?: readonly string[];
}

/**
 * Validates the selection and every selected definition. Throws a
 * ConfigError listing all problems; returns the typed configs otherwise.
 */
export function loadEnvironments(definitions: readonly EnvironmentDefinition[], selection: Selection = {}): EnvironmentConfig[] {
  const problems: ConfigProblem[] = [];
  for (const cloud of selection.clouds ?? []) {
    if (!(CLOUDS as readonly string[]).includes(cloud)) {
      problems.push({ environment: '*', cloud, field: 'selection.cloud', value: cloud, allowed: `one of ${CLOUDS.join(', ')}` });
    }
  }
  for (const environment of selection.environments ?? []) {
    if (!(ENVIRONMENTS as readonly string[]).includes(environment)) {
      problems.push({ environment, cloud: '*', field: 'selection.environment', value: environment, allowed: `one of ${ENVIRONMENTS.join(', ')}` });
    }
  }

  const seen = new Set<string>();
  const configs: EnvironmentConfig[] = [];
  for (const definition of definitions) {
    const wantedCloud = !selection.clouds?.length || selection.clouds.includes(definition.cloud);
    const wantedEnvironment = !selection.environments?.length || selection.environments.includes(definition.environment);
    if (!wantedCloud || !wantedEnvironment) continue;

    const result = validateEnvironment(definition.config, definition);
    problems.push(...result.problems);
    if (!result.config) continue;
    if (result.config.cloud !== definition.cloud || result.config.environment !== definition.environment) {
      problems.push({
        environment: definition.environment,
        cloud: definition.cloud,
        field: 'cloud/environment',
        value: `${result.config.cloud}/${result.config.environment}`,
        allowed: `the key it is registered under (${definition.cloud}/${definition.environment})`,
      });
      continue;
    }
    const key = `${definition.cloud}/${definition.environment}`;
    if (seen.has(key)) {
      problems.push({ environment: definition.environment, cloud: definition.cloud, field: '(definition)', value: key, allowed: 'one definition per cloud and environment' });
    }
    seen.add(key);
    configs.push(result.config);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return configs;
}
