/**
 * `npm run fleet:matrix`: the GitHub Actions matrix of the fleet, so the workflows plan (and check
 * for drift) exactly the environments defined under environments/, never a hard-coded list.
 *
 *   node --import tsx scripts/fleet-matrix.ts [--roles]
 *
 * Reads and validates the whole fleet from PLATFORM_ENVIRONMENTS_DIR (default <repo>/environments),
 * narrows it with PLATFORM_CLOUDS, PLATFORM_ENVIRONMENTS (names or globs) and PLATFORM_TIERS
 * (comma-separated, the same selection as src/main.ts) and prints one line of JSON on stdout:
 *
 *   {"include":[{"cloud":"aws","environment":"prod-eu-west-1","tier":"prod","runnerKey":"AWS_PROD_EU_WEST_1"}, ...]}
 *
 * in fleet order, without the environments of `stateBackend.kind: hcp-terraform` (HCP Terraform runs
 * those; they are named on stderr). `--roles` gives one entry per stack (`"role":"platform"` and `"role":"baseline"`
 * of each environment), for the drift workflow. Exit 1 on a configuration problem (one line each on
 * stderr) and on an empty selection: an empty matrix would make GitHub skip the jobs silently, so it
 * is never printed. Exit 2 on a bad argument.
 */
import { resolve } from 'node:path';
import { ConfigError, ENVIRONMENT_STACK_ROLES, isHcpState, loadFleetFromDirectory, selectEnvironments, selectionFromEnv, type EnvironmentConfig } from '../src/config';

export type StackRole = (typeof ENVIRONMENT_STACK_ROLES)[number];

export interface MatrixEntry {
  readonly cloud: EnvironmentConfig['cloud'];
  /** The environment's name: stacks `<cloud>-<name>-<role>`, GitHub environments `<cloud>-<name>[-plan|-baseline]`. */
  readonly environment: string;
  readonly tier: EnvironmentConfig['tier'];
  /**
   * `<CLOUD>_<NAME>` in upper case with `-` as `_`: the suffix of the runner variable
   * `BASELINE_RUNNER_<runnerKey>` (GitHub variable names allow only letters, digits and `_`).
   */
  readonly runnerKey: string;
  /** Only with `roles`. */
  readonly role?: StackRole;
}

export interface FleetMatrix {
  readonly include: MatrixEntry[];
}

export interface MatrixOptions {
  /** One entry per stack role of each environment instead of one per environment. @default false */
  readonly roles?: boolean;
}

/** The matrix of these environments, in their order (with roles: platform, then baseline, per environment). */
export function fleetMatrix(environments: readonly EnvironmentConfig[], options: MatrixOptions = {}): FleetMatrix {
  const include = environments.flatMap((config): MatrixEntry[] => {
    const entry: MatrixEntry = { cloud: config.cloud, environment: config.name, tier: config.tier, runnerKey: runnerKey(config) };
    return options.roles ? ENVIRONMENT_STACK_ROLES.map((role) => ({ ...entry, role })) : [entry];
  });
  return { include };
}

/** The runner variable suffix of an environment: `aws`/`prod-eu-west-1` is `AWS_PROD_EU_WEST_1`. */
export function runnerKey(config: Pick<EnvironmentConfig, 'cloud' | 'name'>): string {
  return `${config.cloud}_${config.name}`.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
}


/** The selection's description for messages: `PLATFORM_CLOUDS=aws PLATFORM_TIERS=prod`, or `the whole fleet`. */
function describeSelection(env: NodeJS.ProcessEnv): string {
  const set = (['PLATFORM_CLOUDS', 'PLATFORM_ENVIRONMENTS', 'PLATFORM_TIERS'] as const).filter((k) => (env[k] ?? '').replace(/[\s,]/g, '') !== '').map((k) => `${k}=${env[k]}`);
  return set.length > 0 ? set.join(' ') : 'the whole fleet';
}

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

/** The command line; returns the exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string, io: Io = processIo): number {
  let roles = false;
  for (const arg of argv) {
    if (arg === '--roles') roles = true;
    else {
      io.err(`unknown argument ${JSON.stringify(arg)}\nusage: node --import tsx scripts/fleet-matrix.ts [--roles]\n`);
      return 2;
    }
  }
  const dir = env.PLATFORM_ENVIRONMENTS_DIR || resolve(repoRoot, 'environments');
  let selected: EnvironmentConfig[];
  try {
    const fleet = loadFleetFromDirectory(dir);
    selected = selectEnvironments(fleet.environments, selectionFromEnv(env));
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(`${error.message}\n${error.problems.length} configuration problem(s); no matrix was printed.\n`);
      return 1;
    }
    throw error;
  }
  // HCP Terraform environments are planned and applied in HCP Terraform, not by these workflows (ADR 0004).
  const remote = selected.filter((config) => isHcpState(config));
  if (remote.length > 0) {
    io.err(`${remote.length} selected environment(s) run in HCP Terraform and are not in the matrix: ${remote.map((c) => `${c.cloud}/${c.name}`).join(', ')}\n`);
    selected = selected.filter((config) => !isHcpState(config));
  }
  if (selected.length === 0) {
    io.err(`no environment selected (${describeSelection(env)}, environments directory ${dir}): no matrix was printed, so no job would run.\n`);
    return 1;
  }
  io.out(`${JSON.stringify(fleetMatrix(selected, { roles }))}\n`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2), process.env, resolve(__dirname, '..')));
