/**
 * The CI's Vault policies and roles (src/stacks/vault-ci-policies.ts, scripts/vault-bootstrap.ts): the
 * deploy policy covers every resource the `<cloud>-<env>-vault` stack synthesizes, the plan policy is a
 * read-only view of the same paths, and each role is bound to one GitHub environment.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { CI_POLICY_PATHS, ciPolicy, ciPolicyProblems, ciRoleCommand, type CiPolicyPath } from '../../src/stacks/vault-ci-policies';
import { VaultStack } from '../../src/stacks/vault-stack';
import { bootstrapScript } from '../../scripts/vault-bootstrap';
import { REFERENCE_FLEET } from '../helpers/environments';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = (cloud: string, name: string) => REFERENCE_FLEET.environments.find((e) => e.cloud === cloud && e.name === name)!;

function synth(cloud: string, name: string): Json {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new VaultStack(app, `${cloud}-${name}-vault`, { config: env(cloud, name) }))) as Json;
}

/** Parses the generated HCL back into path -> capabilities. */
function parsePolicy(hcl: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of hcl.matchAll(/^path "([^"]+)" \{\n {2}capabilities = \[([^\]]*)\]\n\}$/gm)) {
    out.set(m[1], [...m[2].matchAll(/"([a-z]+)"/g)].map((c) => c[1]));
  }
  return out;
}

/** Vault's ACL matching for the forms the table uses: exact, or a trailing `*` as a prefix. */
function capabilitiesAt(policy: Map<string, string[]>, path: string): string[] {
  const exact = policy.get(path);
  if (exact) return exact;
  const prefixes = [...policy.keys()].filter((p) => p.endsWith('*') && path.startsWith(p.slice(0, -1))).sort((a, b) => b.length - a.length);
  return prefixes.length > 0 ? policy.get(prefixes[0])! : [];
}

/** Resolves `${<type>.<id>.<attribute>}` references to other resources of the stack (mount paths, connection names). */
function resolveRefs(stack: Json, value: string): string {
  return value.replace(/\$\{([a-z_]+)\.([^.}]+)\.([a-z_]+)\}/g, (_m, type: string, id: string, attribute: string) => {
    const target = (stack.resource[type] as Json | undefined)?.[id]?.[attribute];
    if (typeof target !== 'string') throw new Error(`unresolved reference ${type}.${id}.${attribute}`);
    return resolveRefs(stack, target);
  });
}

/** The Vault API path each synthesized resource is written at (the provider's create/read/update/delete). */
function apiPath(type: string, r: Json): string {
  switch (type) {
    case 'vault_audit':
      return `sys/audit/${r.path}`;
    case 'vault_auth_backend':
      return `sys/auth/${r.path}`;
    case 'vault_kubernetes_auth_backend_config':
      return 'auth/kubernetes/config';
    case 'vault_kubernetes_auth_backend_role':
      return `auth/kubernetes/role/${r.role_name}`;
    case 'vault_mount':
      return `sys/mounts/${r.path}`;
    case 'vault_kv_secret_backend_v2':
      return 'platform-kv/config';
    case 'vault_policy':
      return `sys/policies/acl/${r.name}`;
    case 'vault_database_secret_backend_connection':
      return `${r.backend}/config/${r.name}`;
    case 'vault_database_secret_backend_role':
      return `${r.backend}/roles/${r.name}`;
    case 'vault_generic_endpoint':
      return r.path;
    default:
      throw new Error(`no API path known for ${type}: add it here and to CI_POLICY_PATHS`);
  }
}

describe('the CI policies', () => {
  const deploy = parsePolicy(ciPolicy('deploy'));
  const plan = parsePolicy(ciPolicy('plan'));

  it('has a consistent table: the plan side read-only and never more than deploy', () => {
    expect(ciPolicyProblems()).toEqual([]);
    expect(deploy.size).toBe(CI_POLICY_PATHS.length);
  });

  it.each([
    ['aws', 'prod'],
    ['gcp', 'dev'],
    ['azure', 'staging'],
  ])('lets deploy write and plan read every resource of the %s-%s vault stack', (cloud, name) => {
    const stack = synth(cloud, name);
    const paths: Array<[string, string]> = [];
    for (const [type, byId] of Object.entries(stack.resource as Json)) {
      for (const r of Object.values(byId as Json) as Json[]) paths.push([type, resolveRefs(stack, apiPath(type, r))]);
    }
    expect(paths.length).toBeGreaterThanOrEqual(7);
    for (const [type, path] of paths) {
      // rotate-root is written only (disable_read, disable_delete).
      const needed = type === 'vault_generic_endpoint' ? ['update'] : ['create', 'read', 'update', 'delete'];
      expect([path, capabilitiesAt(deploy, path)]).toEqual([path, expect.arrayContaining(needed)]);
      expect([path, capabilitiesAt(plan, path).filter((c) => !['read', 'list', 'sudo'].includes(c))]).toEqual([path, []]);
    }
    // Reads that need more than the resource's own path.
    for (const path of ['sys/auth/kubernetes', 'sys/mounts/platform-kv', 'sys/policies/acl/external-secrets-namespace-read', 'auth/kubernetes/config']) {
      expect([path, capabilitiesAt(plan, path)]).toEqual([path, expect.arrayContaining(['read'])]);
    }
    // The audit device is planned from the list (reading a single device is not an API).
    expect(capabilitiesAt(plan, 'sys/audit')).toEqual(['read', 'sudo']);
  });

  it('lets neither policy read a database credential (the pipeline never holds one)', () => {
    for (const policy of [deploy, plan]) expect(capabilitiesAt(policy, 'platform-db/creds/payments_payments')).toEqual([]);
    expect(capabilitiesAt(plan, 'platform-db/rotate-root/payments')).toEqual([]);
  });

  it('gives the plan policy no write anywhere but its own child token', () => {
    const writes = [...plan].filter(([, caps]) => caps.some((c) => ['create', 'update', 'delete'].includes(c))).map(([p]) => p);
    expect(writes.sort()).toEqual(['auth/token/create', 'auth/token/revoke-self']);
    expect(capabilitiesAt(plan, 'sys/audit/stdout')).toEqual([]);
    expect(capabilitiesAt(plan, 'sys/policies/acl/platform-vault-config')).toEqual([]);
  });

  it('grants neither policy a way to change its own or any other policy, nor the CI auth method', () => {
    for (const policy of [deploy, plan]) {
      for (const path of ['sys/policies/acl/platform-vault-config', 'sys/policies/acl/platform-vault-plan', 'sys/auth/jwt-ci', 'auth/jwt-ci/role/ci-aws-prod', 'sys/policy/root', 'platform-kv/data/payments/db']) {
        expect([path, capabilitiesAt(policy, path)]).toEqual([path, []]);
      }
    }
  });

  it.each<[string, CiPolicyPath, string]>([
    ['a write on the plan side', { path: 'sys/mounts/x', deploy: ['create', 'read'], plan: ['read', 'create'], reason: 'x' }, 'sys/mounts/x: plan has create (plan is read and list only)'],
    ['more on the plan side than deploy has', { path: 'sys/mounts/x', deploy: ['create'], plan: ['read'], reason: 'x' }, 'sys/mounts/x: plan has read, deploy does not'],
    ['sudo without read', { path: 'sys/audit', deploy: ['read', 'sudo'], plan: ['sudo'], reason: 'x' }, 'sys/audit: plan has sudo without read'],
  ])('reports %s', (_label, row, message) => {
    expect(ciPolicyProblems([...CI_POLICY_PATHS.filter((p) => p.path !== row.path), row])).toContain(message);
  });

  it('reports a path listed twice', () => {
    expect(ciPolicyProblems([CI_POLICY_PATHS[0], CI_POLICY_PATHS[0]])).toEqual([`${CI_POLICY_PATHS[0].path}: listed twice`]);
  });
});

describe('the CI roles', () => {
  const prod = env('aws', 'prod');

  it('binds the plan role to the plan environment with the plan policy, the deploy role to the baseline environment', () => {
    const planRole = ciRoleCommand(prod, 'plan', 'bank/platform');
    expect(planRole.slice(0, 3)).toEqual(['vault', 'write', 'auth/jwt-ci/role/ci-aws-prod-plan']);
    expect(planRole).toEqual(expect.arrayContaining(['bound_subject=repo:bank/platform:environment:aws-prod-plan', 'token_policies=platform-vault-plan', 'bound_audiences=vault', 'token_no_default_policy=true', 'token_ttl=20m', 'token_max_ttl=20m']));
    const deployRole = ciRoleCommand(prod, 'deploy', 'bank/platform');
    expect(deployRole[2]).toBe('auth/jwt-ci/role/ci-aws-prod');
    expect(deployRole).toEqual(expect.arrayContaining(['bound_subject=repo:bank/platform:environment:aws-prod-baseline', 'token_policies=platform-vault-config']));
  });

  it('refuses a repository that is not <owner>/<repository>', () => {
    expect(() => ciRoleCommand(prod, 'plan', 'bank/platform:environment:x')).toThrow('repo must be <owner>/<repository>, got "bank/platform:environment:x"');
  });

  it('writes a bootstrap script bash accepts, with the policies from files beside it', () => {
    const script = bootstrapScript(prod, 'bank/platform');
    expect(script).toContain('vault policy write platform-vault-plan "$here/platform-vault-plan.hcl"');
    expect(script).toContain('vault auth enable -path=jwt-ci jwt');
    expect(script.indexOf('auth/jwt-ci/role/ci-aws-prod-plan')).toBeGreaterThan(script.indexOf('vault policy write platform-vault-plan'));
    const check = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect([check.status, check.stderr]).toEqual([0, '']);
  });

  it('writes the two policies and the script with the CLI, and refuses usage errors with exit 2', () => {
    const out = mkdtempSync(join(tmpdir(), 'vault-bootstrap-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vault-bootstrap.ts', '--env', 'aws/prod', '--repo', 'bank/platform', '--out', out], { encoding: 'utf8', cwd: join(__dirname, '../..') });
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(readFileSync(join(out, 'platform-vault-plan.hcl'), 'utf8')).toBe(ciPolicy('plan'));
      expect(readFileSync(join(out, 'platform-vault-config.hcl'), 'utf8')).toBe(ciPolicy('deploy'));
      const bad = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/vault-bootstrap.ts', '--env', 'aws/nope', '--repo', 'bank/platform', '--out', out], { encoding: 'utf8', cwd: join(__dirname, '../..') });
      expect([bad.status, bad.stderr.trim()]).toEqual([2, 'vault-bootstrap: --env must name an environment as <cloud>/<name>, got "aws/nope"']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
