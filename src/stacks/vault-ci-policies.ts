/**
 * The Vault policies and JWT roles the pipeline logs in with (docs/runbooks.md, "Vault bootstrap"):
 * written once per environment by the custodians with the initial root token, never by the pipeline,
 * so the deploy role cannot widen its own policy. `npm run vault:bootstrap -- --env <cloud>/<name>
 * --repo <owner>/<repo> --out <dir>` writes them for review (scripts/vault-bootstrap.ts).
 *
 * - `platform-vault-config` (deploy role `ci-<cloud>-<name>`, GitHub environment `<cloud>-<name>-baseline`):
 *   exactly the paths the `<cloud>-<name>-vault` stack manages;
 * - `platform-vault-plan` (plan role `ci-<cloud>-<name>-plan`, GitHub environment `<cloud>-<name>-plan`, also
 *   the drift job): the same paths, read and list only (plus `sudo` where Vault requires it to read).
 */
import type { EnvironmentConfig } from '../config/schema';
import { VAULT_SECRET_STORE } from '../constructs/baseline/external-secrets';
import { NAMESPACE_READ_POLICY } from '../constructs/vault/platform-vault';
import { DATABASE_CREDENTIALS_POLICY, DATABASE_SECRETS_MOUNT } from '../constructs/vault/database-secrets';

/** JWT auth method for the CI's GitHub OIDC tokens (created at bootstrap). */
export const VAULT_CI_AUTH_MOUNT = 'jwt-ci';
/** Policy of the deploy role. */
export const VAULT_CI_DEPLOY_POLICY = 'platform-vault-config';
/** Policy of the plan (and drift) role. */
export const VAULT_CI_PLAN_POLICY = 'platform-vault-plan';

export type CiRoleKind = 'deploy' | 'plan';

/** The policy each kind of CI role gets (written at bootstrap, named in the role). */
const CI_POLICY_NAMES: Readonly<Record<CiRoleKind, string>> = { deploy: VAULT_CI_DEPLOY_POLICY, plan: VAULT_CI_PLAN_POLICY };
/** Lifetime of a CI login: one plan or apply (the provider's child token is shorter: max_lease_ttl_seconds). */
export const VAULT_CI_TOKEN_TTL = '20m';

export type Capability = 'create' | 'read' | 'update' | 'delete' | 'list' | 'sudo';

export interface CiPolicyPath {
  readonly path: string;
  readonly deploy: readonly Capability[];
  readonly plan: readonly Capability[];
  /** What the stack does there (a comment in the policy). */
  readonly reason: string;
}

const KV = VAULT_SECRET_STORE.kvMount;
const K8S = VAULT_SECRET_STORE.authMount;
const DB = DATABASE_SECRETS_MOUNT;

/** Every path the `<cloud>-<name>-vault` stack touches, with what deploy and plan may do there. */
export const CI_POLICY_PATHS: readonly CiPolicyPath[] = [
  { path: 'sys/audit', deploy: ['read', 'sudo'], plan: ['read', 'sudo'], reason: 'list audit devices (Vault requires sudo to read them)' },
  { path: 'sys/audit/*', deploy: ['create', 'read', 'update', 'delete', 'sudo'], plan: [], reason: 'the stdout audit device (enabling one requires sudo)' },
  { path: 'sys/auth', deploy: ['read'], plan: ['read'], reason: 'list auth methods' },
  { path: `sys/auth/${K8S}`, deploy: ['create', 'read', 'update', 'delete', 'sudo'], plan: ['read', 'sudo'], reason: 'the Kubernetes auth method (enabling and reading one requires sudo)' },
  { path: `sys/auth/${K8S}/tune`, deploy: ['read', 'update'], plan: ['read'], reason: "the auth method's tuning" },
  { path: `sys/mounts/auth/${K8S}/tune`, deploy: ['read', 'update'], plan: ['read'], reason: "the auth method's tuning (mounts API)" },
  { path: `auth/${K8S}/config`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'Kubernetes auth bound to the cluster Vault runs in' },
  { path: `auth/${K8S}/role/*`, deploy: ['create', 'read', 'update', 'delete', 'list'], plan: ['read', 'list'], reason: 'the External Secrets login roles' },
  { path: 'sys/mounts', deploy: ['read'], plan: ['read'], reason: 'list secrets engines' },
  { path: `sys/mounts/${KV}`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'the KV v2 engine' },
  { path: `sys/mounts/${KV}/tune`, deploy: ['read', 'update'], plan: ['read'], reason: "the KV engine's tuning" },
  { path: `${KV}/config`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'KV v2 settings (versions kept)' },
  { path: `sys/policies/acl/${NAMESPACE_READ_POLICY}`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'the per-namespace read policy' },
  // The database secrets engine (vault.databases): connections, roles and the root rotation; never creds/*, so the
  // pipeline cannot get a database credential.
  { path: `sys/mounts/${DB}`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'the database secrets engine (vault.databases)' },
  { path: `sys/mounts/${DB}/tune`, deploy: ['read', 'update'], plan: ['read'], reason: "the database engine's tuning" },
  { path: `${DB}/config/*`, deploy: ['create', 'read', 'update', 'delete', 'list'], plan: ['read', 'list'], reason: 'the database connections (TLS, CA, verify_connection)' },
  { path: `${DB}/roles/*`, deploy: ['create', 'read', 'update', 'delete', 'list'], plan: ['read', 'list'], reason: 'the <namespace>_<database> roles and their TTLs' },
  { path: `${DB}/rotate-root/*`, deploy: ['update'], plan: [], reason: 'Vault replaces the bootstrap password with one only it knows (write only)' },
  { path: `sys/policies/acl/${DATABASE_CREDENTIALS_POLICY}`, deploy: ['create', 'read', 'update', 'delete'], plan: ['read'], reason: 'the per-namespace database credentials policy' },
  { path: 'auth/token/create', deploy: ['create', 'update'], plan: ['create', 'update'], reason: "Terraform's child token for the run (inherits this policy)" },
  { path: 'auth/token/lookup-self', deploy: ['read'], plan: ['read'], reason: 'the provider looks up its own token' },
  { path: 'auth/token/revoke-self', deploy: ['update'], plan: ['update'], reason: 'the child token is revoked at the end of the run' },
];

const READ_ONLY: ReadonlySet<Capability> = new Set(['read', 'list', 'sudo']);
const TOKEN_PATHS = new Set(['auth/token/create', 'auth/token/lookup-self', 'auth/token/revoke-self']);

/** Problems in a path table (the plan side read-only, never more than deploy); used by the tests and the script. */
export function ciPolicyProblems(paths: readonly CiPolicyPath[] = CI_POLICY_PATHS): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    if (seen.has(p.path)) problems.push(`${p.path}: listed twice`);
    seen.add(p.path);
    for (const c of p.plan) {
      if (!p.deploy.includes(c)) problems.push(`${p.path}: plan has ${c}, deploy does not`);
      if (!READ_ONLY.has(c) && !TOKEN_PATHS.has(p.path)) problems.push(`${p.path}: plan has ${c} (plan is read and list only)`);
    }
    if (p.plan.includes('sudo') && !p.plan.includes('read')) problems.push(`${p.path}: plan has sudo without read`);
  }
  return problems;
}

/** The HCL of the deploy or plan policy. */
export function ciPolicy(kind: CiRoleKind, paths: readonly CiPolicyPath[] = CI_POLICY_PATHS): string {
  const lines = [
    `# ${CI_POLICY_NAMES[kind]}: ${kind === 'deploy' ? 'what the <cloud>-<name>-vault stack manages' : 'read-only view of the same paths, for plan and drift'}.`,
    '# Written at bootstrap by the custodians (docs/runbooks.md, "Vault bootstrap"); generated by npm run vault:bootstrap.',
  ];
  for (const p of paths) {
    const caps = kind === 'deploy' ? p.deploy : p.plan;
    if (caps.length === 0) continue;
    lines.push('', `# ${p.reason}`, `path "${p.path}" {`, `  capabilities = [${caps.map((c) => `"${c}"`).join(', ')}]`, '}');
  }
  return `${lines.join('\n')}\n`;
}

/** The Vault role a job logs in with. */
export function vaultCiRoleName(config: Pick<EnvironmentConfig, 'cloud' | 'name'>, kind: CiRoleKind): string {
  return kind === 'deploy' ? `ci-${config.cloud}-${config.name}` : `ci-${config.cloud}-${config.name}-plan`;
}

/** The GitHub environment whose jobs may log in as the role (the OIDC token's `sub` names it). */
export function ciGithubEnvironment(config: Pick<EnvironmentConfig, 'cloud' | 'name'>, kind: CiRoleKind): string {
  return kind === 'deploy' ? `${config.cloud}-${config.name}-baseline` : `${config.cloud}-${config.name}-plan`;
}

const REPO = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** `vault write` arguments creating the role: bound to one GitHub environment of one repository, audience vault. */
export function ciRoleCommand(config: Pick<EnvironmentConfig, 'cloud' | 'name'>, kind: CiRoleKind, repo: string): string[] {
  if (!REPO.test(repo)) throw new Error(`repo must be <owner>/<repository>, got ${JSON.stringify(repo)}`);
  return [
    'vault',
    'write',
    `auth/${VAULT_CI_AUTH_MOUNT}/role/${vaultCiRoleName(config, kind)}`,
    'role_type=jwt',
    'user_claim=sub',
    'bound_audiences=vault',
    // GitHub's OIDC subject of a job in a GitHub environment: repo:<owner>/<repo>:environment:<name>.
    `bound_subject=repo:${repo}:environment:${ciGithubEnvironment(config, kind)}`,
    `token_policies=${CI_POLICY_NAMES[kind]}`,
    `token_ttl=${VAULT_CI_TOKEN_TTL}`,
    `token_max_ttl=${VAULT_CI_TOKEN_TTL}`,
    'token_no_default_policy=true',
  ];
}
