/**
 * The fleet: every environment definition validated on its own and then as a
 * whole, every problem at once, before any construct exists. The rules across
 * environments: unique stack names and state objects, unique cluster names per
 * account and region, no overlapping address ranges inside a routing domain, and
 * the shared state backends of `state-backends.ts`. A selection (clouds, names
 * or globs, tiers) then picks what one synth builds; the whole fleet is always
 * validated, so a broken environment is found whatever is selected.
 */
import { overlaps, parseCidr, type Ipv4Cidr } from './cidr';
import { CLOUDS, TIERS, type EnvironmentConfig } from './schema';
import { hcpOrganizationGroups, hcpStackName, stateBackendGroups, stateObject, scopeIdOf, type HcpOrganizationGroup, type StateBackendGroup } from './state-backends';
import { ConfigError, recordSourceFile, sourceFile, validateEnvironment, type ConfigProblem } from './validate';

/** One environment as written (a YAML file or a TypeScript object), before validation. */
export interface EnvironmentDefinition {
  /** Where it was read from, for messages (`environments/aws/prod.yaml`). @default - no file: messages name cloud and environment only */
  readonly file?: string;
  readonly config: unknown;
}

/** What one synth builds. Every list is "all" when empty. */
export interface Selection {
  /** Cloud names (`aws`, `azure`, `gcp`). */
  readonly clouds?: readonly string[];
  /** Environment names or globs (`prod-*`, `*-eu-west-1`). */
  readonly environments?: readonly string[];
  /** Tiers (`dev`, `staging`, `prod`). */
  readonly tiers?: readonly string[];
}

export interface Fleet {
  /** Every environment, validated, in definition order. */
  readonly environments: readonly EnvironmentConfig[];
  /** The state backends, each with every environment keeping its state there. */
  readonly stateBackends: readonly StateBackendGroup[];
  /** The HCP Terraform organizations, each with every environment whose workspaces it holds. */
  readonly hcpOrganizations: readonly HcpOrganizationGroup[];
}

/** The stack roles of an environment; stacks are `<cloud>-<name>-<role>`. */
export const ENVIRONMENT_STACK_ROLES = ['platform', 'baseline', 'vault'] as const;

function problemFor(config: EnvironmentConfig, field: string, value: unknown, allowed: string): ConfigProblem {
  const file = sourceFile(config);
  return { ...(file ? { file } : {}), environment: config.name, cloud: config.cloud, field, value, allowed };
}

const where = (config: EnvironmentConfig): string => sourceFile(config) ?? `${config.cloud}/${config.name}`;

/** The cluster's region: AWS/GCP region, Azure location. */
function regionOf(config: EnvironmentConfig): string {
  return config.cloud === 'azure' ? config.location : config.region;
}

/** The address ranges another network of the routing domain could route to. */
function routedRanges(config: EnvironmentConfig): Array<[string, Ipv4Cidr]> {
  const fields: Array<[string, string]> =
    config.cloud === 'aws'
      ? [['network.vpcCidr', config.network.vpcCidr]]
      : config.cloud === 'azure'
        ? [['network.vnetCidr', config.network.vnetCidr]]
        : (['nodesCidr', 'podsCidr', 'servicesCidr', 'masterCidr', 'proxyOnlyCidr'] as const).map((k): [string, string] => [`network.${k}`, config.network[k]]);
  return fields.flatMap(([field, text]) => {
    const parsed = parseCidr(text);
    return typeof parsed === 'string' ? [] : [[field, parsed] as [string, Ipv4Cidr]];
  });
}

/** `network.routingDomain`, else the account / subscription / project. */
export function routingDomainOf(config: EnvironmentConfig): string {
  return config.network.routingDomain ?? `${config.cloud}:${scopeIdOf(config)}`;
}

/** The rules across validated environments. */
export function fleetProblems(configs: readonly EnvironmentConfig[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, EnvironmentConfig>();
  const clusters = new Map<string, EnvironmentConfig>();
  const objects = new Map<string, { config: EnvironmentConfig; stack: string }>();
  const domains = new Map<string, EnvironmentConfig[]>();
  const mirrors = new Map<string, EnvironmentConfig>();
  for (const config of configs) {
    const stackPrefix = `${config.cloud}-${config.name}`;
    const twin = names.get(stackPrefix);
    if (twin) {
      problems.push(problemFor(config, 'name', config.name, `a name no other ${config.cloud} environment uses (${where(twin)} is already ${config.cloud}/${config.name}; stacks are ${stackPrefix}-<role>)`));
      continue;
    }
    names.set(stackPrefix, config);

    const cluster = `${config.namePrefix}-${config.name}`;
    const clusterKey = `${config.cloud}:${scopeIdOf(config)}:${regionOf(config)}:${cluster}`;
    const sameCluster = clusters.get(clusterKey);
    if (sameCluster) {
      problems.push(problemFor(config, 'namePrefix', config.namePrefix, `a namePrefix/name pair whose cluster name differs from ${where(sameCluster)}'s "${cluster}" in the same ${config.cloud === 'aws' ? 'account' : config.cloud === 'azure' ? 'subscription' : 'project'} and region`));
    }
    clusters.set(clusterKey, config);

    // Each platform stack creates its mirror (ECR repositories under the path, an ACR, an Artifact Registry repository).
    const mirrorOwner = mirrors.get(config.platformImageMirror);
    if (mirrorOwner) {
      problems.push(problemFor(config, 'platformImageMirror', config.platformImageMirror, `a mirror no other environment uses (${where(mirrorOwner)} creates it: each platform stack creates its own mirror registry)`));
    }
    mirrors.set(config.platformImageMirror, config);

    for (const role of ENVIRONMENT_STACK_ROLES) {
      const stack = `${stackPrefix}-${role}`;
      const object = stateObject(config, stack);
      const address = `${object.backend}/${object.key}`;
      const owner = objects.get(address);
      if (owner) {
        problems.push(problemFor(config, 'stateBackend', address, `a state object no other stack uses (${owner.stack} of ${where(owner.config)} keeps its state there)`));
      }
      objects.set(address, { config, stack });
    }

    const domain = routingDomainOf(config);
    const peers = domains.get(domain) ?? [];
    for (const [field, range] of routedRanges(config)) {
      for (const peer of peers) {
        const clash = routedRanges(peer).find(([, other]) => overlaps(range, other));
        if (clash) {
          problems.push(
            problemFor(config, field, range.text, `a range that does not overlap ${where(peer)}'s ${clash[0]} (${clash[1].text}): both are in routing domain ${domain} (set network.routingDomain for networks that are never connected)`),
          );
        }
      }
    }
    domains.set(domain, [...peers, config]);
  }
  return problems;
}

/**
 * Validates every definition on its own, then the fleet as a whole. Throws one
 * ConfigError with every problem found (each once); returns the fleet otherwise.
 */
/**
 * Each HCP Terraform organization gets one stack, `hcp-terraform-<organization>` (lowercase, `_` as
 * `-`): two organizations whose names differ only there (or the same name on two hosts) would share it.
 */
function hcpOrganizationProblems(groups: readonly HcpOrganizationGroup[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const owners = new Map<string, HcpOrganizationGroup>();
  for (const group of groups) {
    const stack = hcpStackName(group);
    const owner = owners.get(stack);
    if (!owner) {
      owners.set(stack, group);
      continue;
    }
    for (const config of group.environments) {
      problems.push(
        problemFor(
          config,
          'stateBackend.organization',
          group.organization,
          `an organization whose workspaces stack name ${stack} no other organization has (${owner.hostname}/${owner.organization} has it)`,
        ),
      );
    }
  }
  return problems;
}

export function loadFleet(definitions: readonly EnvironmentDefinition[]): Fleet {
  const problems: ConfigProblem[] = [];
  const environments: EnvironmentConfig[] = [];
  definitions.forEach((definition, index) => {
    const result = validateEnvironment(definition.config, { file: definition.file ?? `definitions[${index}]` });
    problems.push(...result.problems);
    if (result.config) {
      recordSourceFile(result.config, definition.file);
      environments.push(result.config);
    }
  });
  // The fleet rules run over every environment that is valid on its own, so one synth reports both kinds.
  problems.push(...fleetProblems(environments));
  let stateBackends: StateBackendGroup[] = [];
  try {
    stateBackends = stateBackendGroups(environments);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const hcpOrganizations = hcpOrganizationGroups(environments);
  problems.push(...hcpOrganizationProblems(hcpOrganizations));
  if (problems.length > 0) throw new ConfigError(problems);
  return { environments, stateBackends, hcpOrganizations };
}

/** A glob of `*` (any run of characters) and `?` (one character) as a whole-name pattern. */
function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * The environments a selection picks. Throws a ConfigError for an unknown cloud
 * or tier, and for a name or glob that matches no environment of the selected
 * clouds and tiers (a typo must not synthesize nothing and pass).
 */
/** A comma-separated list, blanks dropped. */
function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The selection the app and the workflow scripts read: PLATFORM_CLOUDS, PLATFORM_ENVIRONMENTS (names or globs) and PLATFORM_TIERS. */
export function selectionFromEnv(env: Readonly<Record<string, string | undefined>>): Selection {
  return { clouds: commaList(env.PLATFORM_CLOUDS), environments: commaList(env.PLATFORM_ENVIRONMENTS), tiers: commaList(env.PLATFORM_TIERS) };
}

export function selectEnvironments(environments: readonly EnvironmentConfig[], selection: Selection = {}): EnvironmentConfig[] {
  const problems: ConfigProblem[] = [];
  const clouds = selection.clouds ?? [];
  const tiers = selection.tiers ?? [];
  const patterns = selection.environments ?? [];
  for (const cloud of clouds) {
    if (!(CLOUDS as readonly string[]).includes(cloud)) {
      problems.push({ environment: '*', cloud, field: 'selection.cloud', value: cloud, allowed: `one of ${CLOUDS.join(', ')}` });
    }
  }
  for (const tier of tiers) {
    if (!(TIERS as readonly string[]).includes(tier)) {
      problems.push({ environment: '*', cloud: '*', field: 'selection.tier', value: tier, allowed: `one of ${TIERS.join(', ')}` });
    }
  }
  const candidates = environments.filter((c) => (clouds.length === 0 || clouds.includes(c.cloud)) && (tiers.length === 0 || tiers.includes(c.tier)));
  const matchers = patterns.map((pattern) => ({ pattern, regex: globPattern(pattern) }));
  for (const { pattern, regex } of matchers) {
    if (!candidates.some((c) => regex.test(c.name))) {
      const known = [...new Set(candidates.map((c) => c.name))];
      const shown = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ... (${known.length})` : known.join(', ');
      problems.push({
        environment: pattern,
        cloud: clouds.join(',') || '*',
        field: 'selection.environment',
        value: pattern,
        allowed: `a name or glob matching an environment of the selected clouds and tiers (${shown || 'none'})`,
      });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return candidates.filter((c) => matchers.length === 0 || matchers.some(({ regex }) => regex.test(c.name)));
}

/** Validates the whole fleet and returns the selected environments. */
export function loadEnvironments(definitions: readonly EnvironmentDefinition[], selection: Selection = {}): EnvironmentConfig[] {
  return selectEnvironments(loadFleet(definitions).environments, selection);
}
