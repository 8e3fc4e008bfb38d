/**
 * The state backends the environments keep their Terraform state in, grouped
 * the way the state bootstrap stacks create them: one group per AWS account,
 * Azure subscription or GCP project that holds state. Every environment of a
 * group must name the same backend (one bucket / storage account per account),
 * because the group's bootstrap stack creates exactly one, with one key, and the
 * CI identities of every environment in the group.
 */
import {
  isHcpState,
  isNativeState,
  type AwsEnvironmentConfig,
  type AzureEnvironmentConfig,
  type CloudName,
  type EnvironmentConfig,
  type GcpEnvironmentConfig,
  type HcpStateConfig,
  type NativeStateConfig,
} from './schema';
import { ConfigError, sourceFile, type ConfigProblem } from './validate';

type NonEmpty<T> = readonly [T, ...T[]];

export type StateBackendGroup =
  | { readonly cloud: 'aws'; /** AWS account id. */ readonly scopeId: string; readonly environments: NonEmpty<NativeStateConfig<AwsEnvironmentConfig>> }
  | { readonly cloud: 'azure'; /** Subscription id (lowercase). */ readonly scopeId: string; readonly environments: NonEmpty<NativeStateConfig<AzureEnvironmentConfig>> }
  | { readonly cloud: 'gcp'; /** Project id. */ readonly scopeId: string; readonly environments: NonEmpty<NativeStateConfig<GcpEnvironmentConfig>> };

/**
 * The environments whose state lives in one HCP Terraform / Terraform Enterprise organization:
 * its `hcp-terraform-<organization>` stack creates their workspaces.
 */
export interface HcpOrganizationGroup {
  readonly hostname: string;
  readonly organization: string;
  readonly environments: NonEmpty<HcpStateConfig>;
}

interface Shape {
  /** The account / subscription / project that holds the backend. */
  readonly scopeId: string;
  /** What names the backend globally (bucket, storage account). */
  readonly backendField: string;
  readonly backend: string;
  /** The key prefix of the environment inside the backend. */
  readonly prefixField: string;
  readonly prefix: string;
  /** Fields every environment of the group must agree on. */
  readonly shared: Readonly<Record<string, string>>;
}

const SCOPE_NAMES: Record<CloudName, string> = { aws: 'account', azure: 'subscription', gcp: 'project' };

function shapeOf(config: NativeStateConfig): Shape {
  switch (config.cloud) {
    case 'aws': {
      const s = config.stateBackend;
      return {
        scopeId: config.accountId,
        backendField: 'stateBackend.bucket',
        backend: s.bucket,
        prefixField: 'stateBackend.key',
        prefix: s.key,
        shared: { 'stateBackend.bucket': s.bucket, 'stateBackend.region': s.region, 'stateBackend.kmsKeyId': s.kmsKeyId, 'stateBackend.bootstrapState': s.bootstrapState },
      };
    }
    case 'azure': {
      const s = config.stateBackend;
      return {
        scopeId: config.subscriptionId.toLowerCase(),
        backendField: 'stateBackend.storageAccountName',
        backend: s.storageAccountName,
        prefixField: 'stateBackend.key',
        prefix: s.key,
        shared: {
          tenantId: config.tenantId.toLowerCase(),
          location: config.location,
          'stateBackend.resourceGroupName': s.resourceGroupName,
          'stateBackend.storageAccountName': s.storageAccountName,
          'stateBackend.containerName': s.containerName,
          'stateBackend.vnetCidr': s.vnetCidr,
          'stateBackend.bootstrapState': s.bootstrapState,
        },
      };
    }
    case 'gcp': {
      const s = config.stateBackend;
      return {
        scopeId: config.projectId,
        backendField: 'stateBackend.bucket',
        backend: s.bucket,
        prefixField: 'stateBackend.prefix',
        prefix: s.prefix,
        shared: { region: config.region, 'stateBackend.bucket': s.bucket, 'stateBackend.kmsEncryptionKey': s.kmsEncryptionKey, 'stateBackend.bootstrapState': s.bootstrapState },
      };
    }
  }
}

const label = (config: EnvironmentConfig): string => `${config.cloud}/${config.name}`;

/** The AWS account, Azure subscription (lowercase) or GCP project of an environment. */
export function scopeIdOf(config: EnvironmentConfig): string {
  switch (config.cloud) {
    case 'aws':
      return config.accountId;
    case 'azure':
      return config.subscriptionId.toLowerCase();
    case 'gcp':
      return config.projectId;
  }
}

/**
 * Where a stack keeps its state: the backend (`s3://<bucket>`, `azurerm://<account>/<container>`,
 * `gs://<bucket>`) and the object key, derived from the stack name under the environment's prefix,
 * so two stacks never share one.
 */
export function stateObject(config: EnvironmentConfig, stack: string): { readonly backend: string; readonly key: string } {
  // HCP Terraform: one workspace per stack, named after it; workspace names are unique per organization.
  if (isHcpState(config)) return { backend: `hcp-terraform://${config.stateBackend.hostname}/${config.stateBackend.organization}`, key: stack };
  if (!isNativeState(config)) throw new Error('unreachable');
  switch (config.cloud) {
    case 'aws':
      return { backend: `s3://${config.stateBackend.bucket}`, key: `${config.stateBackend.key}/${stack}.tfstate` };
    case 'azure':
      return { backend: `azurerm://${config.stateBackend.storageAccountName}/${config.stateBackend.containerName}`, key: `${config.stateBackend.key}/${stack}.tfstate` };
    case 'gcp':
      // The GCS backend writes <prefix>/<workspace>.tfstate under the prefix it is given.
      return { backend: `gs://${config.stateBackend.bucket}`, key: `${config.stateBackend.prefix}/${stack}` };
  }
}

/** One prefix equal to, or inside, the other: their state objects would collide. */
function nested(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/**
 * Groups validated environments by the account / subscription / project that
 * holds their state, in the order they are listed. Throws a ConfigError naming
 * every environment whose backend disagrees with its group, whose key prefix
 * collides with another environment's in the same backend, or whose backend
 * name another account also claims.
 */
export function stateBackendGroups(configs: readonly EnvironmentConfig[]): StateBackendGroup[] {
  const problems: ConfigProblem[] = [];
  const groups = new Map<string, NativeStateConfig[]>();
  const owners = new Map<string, NativeStateConfig>();
  for (const config of configs) {
    // HCP Terraform environments have no bucket to bootstrap (hcpOrganizationGroups).
    if (!isNativeState(config)) continue;
    const shape = shapeOf(config);
    const file = sourceFile(config);
    const problem = (field: string, value: unknown, allowed: string) =>
      problems.push({ ...(file ? { file } : {}), environment: config.name, cloud: config.cloud, field, value, allowed });

    // A globally named backend is created by exactly one bootstrap stack.
    const ownerKey = `${config.cloud}:${shape.backend}`;
    const owner = owners.get(ownerKey);
    if (owner && shapeOf(owner).scopeId !== shape.scopeId) {
      problem(
        shape.backendField,
        shape.backend,
        `a name no environment of another ${SCOPE_NAMES[config.cloud]} uses (${label(owner)} keeps its state there, in ${SCOPE_NAMES[config.cloud]} ${shapeOf(owner).scopeId})`,
      );
    }
    if (!owner) owners.set(ownerKey, config);

    const key = `${config.cloud}:${shape.scopeId}`;
    const members = groups.get(key);
    if (!members) {
      groups.set(key, [config]);
      continue;
    }
    const first = members[0];
    const firstShape = shapeOf(first);
    let agrees = true;
    for (const [field, value] of Object.entries(shape.shared)) {
      if (value !== firstShape.shared[field]) {
        agrees = false;
        problem(
          field,
          value,
          `${JSON.stringify(firstShape.shared[field])}, as ${label(first)}, which keeps its state in the same ${SCOPE_NAMES[config.cloud]} ${shape.scopeId} (one state backend per ${SCOPE_NAMES[config.cloud]}: its bootstrap stack creates exactly one)`,
        );
      }
    }
    const clash = members.find((m) => nested(shapeOf(m).prefix, shape.prefix));
    if (agrees && clash) {
      problem(shape.prefixField, shape.prefix, `a prefix that neither equals nor nests with ${label(clash)}'s ${JSON.stringify(shapeOf(clash).prefix)} in the same backend`);
    }
    members.push(config);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // Every member of a group shares its cloud (the group key starts with it).
  return [...groups.values()].map(
    (environments) => ({ cloud: environments[0].cloud, scopeId: shapeOf(environments[0]).scopeId, environments }) as unknown as StateBackendGroup,
  );
}

/**
 * The groups a synth of `selected` includes: those holding the state of at
 * least one selected environment. A group always carries all its environments,
 * whatever the selection, so its bootstrap stack synthesizes identically.
 */
export function selectStateBackends(groups: readonly StateBackendGroup[], selected: readonly EnvironmentConfig[]): StateBackendGroup[] {
  const wanted = new Set(selected.map(label));
  return groups.filter((group) => group.environments.some((config) => wanted.has(label(config))));
}

/** `hcp-terraform-<organization>`, lowercase, with `_` as `-` (stack names are DNS-safe). */
export function hcpStackName(group: Pick<HcpOrganizationGroup, 'organization'>): string {
  return `hcp-terraform-${group.organization.toLowerCase().replace(/_/g, '-')}`;
}

/** The HCP Terraform organizations of these environments, each with its environments, in the order listed. */
export function hcpOrganizationGroups(configs: readonly EnvironmentConfig[]): HcpOrganizationGroup[] {
  const groups = new Map<string, HcpStateConfig[]>();
  for (const config of configs) {
    if (!isHcpState(config)) continue;
    const key = `${config.stateBackend.hostname}/${config.stateBackend.organization}`;
    groups.set(key, [...(groups.get(key) ?? []), config]);
  }
  return [...groups.values()].map((environments) => ({
    hostname: environments[0].stateBackend.hostname,
    organization: environments[0].stateBackend.organization,
    environments: environments as unknown as NonEmpty<HcpStateConfig>,
  }));
}

/** The organizations a synth of `selected` includes (each with all its environments, as selectStateBackends). */
export function selectHcpOrganizations(groups: readonly HcpOrganizationGroup[], selected: readonly EnvironmentConfig[]): HcpOrganizationGroup[] {
  const wanted = new Set(selected.map(label));
  return groups.filter((group) => group.environments.some((config) => wanted.has(label(config))));
}
