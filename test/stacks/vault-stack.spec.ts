/**
 * `<cloud>-<env>-vault` (issue 11, item 3): Vault configured as code, reached through a
 * port-forward with the job's OIDC token, never a Vault token; the audit device, Kubernetes auth,
 * KV v2 and the per-namespace policy and role the ClusterSecretStore relies on, for dev and prod
 * tiers; the database credentials (platform-db) of the environments with vault.databases; every
 * bad input of the construct; and the connection script's commands.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { VAULT_SECRET_STORE } from '../../src/constructs/baseline/external-secrets';
import { databaseCredentialsPolicy } from '../../src/constructs/vault/database-secrets';
import { PlatformVaultConfig, namespaceReadPolicy } from '../../src/constructs/vault/platform-vault';
import { VaultStack } from '../../src/stacks/vault-stack';
import { kubeconfigCommand, vaultCommands } from '../../scripts/vault-connect';
import { REFERENCE_FLEET } from '../helpers/environments';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const env = (cloud: string, name: string) => REFERENCE_FLEET.environments.find((e) => e.cloud === cloud && e.name === name)!;

function synth(cloud: string, name: string): Json {
  const app = Testing.app();
  const stack = new VaultStack(app, `${cloud}-${name}-vault`, { config: env(cloud, name) });
  return JSON.parse(Testing.synth(stack)) as Json;
}

const only = (json: Json, type: string): Json => {
  const all = Object.values((json.resource?.[type] ?? {}) as Json) as Json[];
  expect([type, all.length]).toEqual([type, 1]);
  return all[0];
};
const all = (json: Json, type: string): Json[] => Object.values((json.resource?.[type] ?? {}) as Json) as Json[];
/** The one resource of `type` whose `key` is `value`. */
const named = (json: Json, type: string, key: string, value: string): Json => {
  const found = all(json, type).filter((r) => r[key] === value);
  expect([type, value, found.length]).toEqual([type, value, 1]);
  return found[0];
};
/** Every [key, value] pair of a JSON tree. */
const pairs = (node: unknown): Array<[string, unknown]> =>
  node !== null && typeof node === 'object' ? Object.entries(node).flatMap(([k, v]) => [[k, v] as [string, unknown], ...pairs(v)]) : [];

describe('the vault stack', () => {
  const prod = synth('aws', 'prod');
  const dev = synth('gcp', 'dev');

  it('reaches Vault through the port-forward, verifies its certificate name and logs in with the CI OIDC token; no token in the configuration', () => {
    expect(prod.provider.vault).toEqual([
      { address: 'https://127.0.0.1:8200', tls_server_name: 'vault.vault.svc', auth_login_jwt: [{ mount: 'jwt-ci', role: '${var.vault_ci_role}' }], skip_child_token: false, max_lease_ttl_seconds: 1200 },
    ]);
    expect(JSON.stringify(prod)).not.toMatch(/"token"|root_token|skip_tls_verify/);
    expect(prod.terraform.required_providers.vault).toEqual({ source: 'hashicorp/vault', version: '5.6.0' });
    expect(prod.terraform.backend.s3.key).toBe('aws/prod/aws-prod-vault.tfstate');
  });

  it('turns the audit device on first: every request and response (HMAC) to the container log', () => {
    const audit = only(prod, 'vault_audit');
    expect(audit).toMatchObject({ type: 'file', path: 'stdout', options: { file_path: 'stdout', log_raw: 'false', format: 'json' } });
    const auth = only(prod, 'vault_auth_backend');
    expect(auth.depends_on.some((d: string) => d.startsWith('vault_audit.'))).toBe(true);
    for (const mount of all(prod, 'vault_mount')) expect([mount.path, mount.depends_on.some((d: string) => d.startsWith('vault_audit.'))]).toEqual([mount.path, true]);
  });

  it('binds the Kubernetes auth method to the cluster Vault runs in, with no reviewer token or CA in state', () => {
    expect(only(prod, 'vault_auth_backend')).toMatchObject({ type: 'kubernetes', path: VAULT_SECRET_STORE.authMount });
    const config = only(prod, 'vault_kubernetes_auth_backend_config');
    expect(config).toMatchObject({ kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: false });
    expect(config.token_reviewer_jwt).toBeUndefined();
    expect(config.kubernetes_ca_cert).toBeUndefined();
  });

  it('mounts KV version 2 at the store path with bounded history', () => {
    expect(named(prod, 'vault_mount', 'path', 'platform-kv')).toMatchObject({ type: 'kv', options: { version: '2' } });
    expect(only(prod, 'vault_kv_secret_backend_v2')).toMatchObject({ max_versions: 10 });
  });

  it('grants each namespace only its own path, by the namespace Vault verified', () => {
    const policy = named(prod, 'vault_policy', 'name', 'external-secrets-namespace-read');
    const accessor = '${vault_auth_backend.' + Object.keys(prod.resource.vault_auth_backend)[0] + '.accessor}';
    expect(policy.policy).toBe(namespaceReadPolicy(accessor));
    expect(policy.policy).toContain(`path "platform-kv/data/{{identity.entity.aliases.${accessor}.metadata.service_account_namespace}}/*" {\n  capabilities = ["read"]\n}`);
    expect(policy.policy).not.toMatch(/create|update|delete|sudo|"\*"/);
  });

  it('lets the vault-secrets identity of the store namespaces log in for 10 minutes, audience vault (prod: the consoles too)', () => {
    expect(named(prod, 'vault_kubernetes_auth_backend_role', 'role_name', 'external-secrets')).toMatchObject({
      bound_service_account_names: ['vault-secrets'],
      bound_service_account_namespaces: ['payments', 'payments-batch', 'argocd', 'monitoring'],
      audience: 'vault',
      token_ttl: 600,
      token_max_ttl: 600,
      token_type: 'service',
    });
    // dev has no SSO: no console namespace may log in.
    expect(named(dev, 'vault_kubernetes_auth_backend_role', 'role_name', 'external-secrets').bound_service_account_namespaces).toEqual(['payments', 'payments-batch']);
    expect(dev.variable.vault_ci_role.validation[0].condition).toBe('${contains(["ci-gcp-dev-plan","ci-gcp-dev"], var.vault_ci_role)}');
  });
});

describe('the database credentials of the vault stack (vault.databases: payments in aws/prod and gcp/dev)', () => {
  const prod = synth('aws', 'prod');
  const dev = synth('gcp', 'dev');
  const prodDb = env('aws', 'prod').vault.databases[0];
  const devDb = env('gcp', 'dev').vault.databases[0];
  const accessor = (json: Json) => '${vault_auth_backend.' + Object.keys(json.resource.vault_auth_backend)[0] + '.accessor}';
  const mountPath = (json: Json) => '${vault_mount.' + Object.entries(json.resource.vault_mount as Json).find(([, m]) => (m as Json).path === 'platform-db')![0] + '.path}';

  it('mounts the database secrets engine at platform-db after the audit device, leases bounded by the configured TTLs', () => {
    expect(named(prod, 'vault_mount', 'path', 'platform-db')).toMatchObject({ type: 'database', default_lease_ttl_seconds: 900, max_lease_ttl_seconds: 3600 });
    expect(named(prod, 'vault_mount', 'path', 'platform-db').depends_on).toEqual([expect.stringMatching(/^vault_audit\./)]);
    expect(named(dev, 'vault_mount', 'path', 'platform-db')).toMatchObject({ default_lease_ttl_seconds: 300, max_lease_ttl_seconds: 1800 });
  });

  it('connects over TLS verify-full against the pinned CA, checks the connection on write and hashes passwords with SCRAM-SHA-256', () => {
    const connection = only(prod, 'vault_database_secret_backend_connection');
    expect(connection).toMatchObject({ backend: mountPath(prod), name: 'payments', plugin_name: 'postgresql-database-plugin', verify_connection: true, allowed_roles: ['payments_payments', 'payments-batch_payments'] });
    expect(connection.postgresql).toMatchObject({
      connection_url: 'postgresql://{{username}}:{{password}}@payments-db.cluster-c0ffee000001.eu-west-1.rds.amazonaws.com:5432/payments?sslmode=verify-full',
      username: 'vault',
      tls_ca: prodDb.caCertificate,
      password_authentication: 'scram-sha-256',
    });
    expect(connection.postgresql.tls_ca).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
    const devConnection = only(dev, 'vault_database_secret_backend_connection');
    expect(devConnection.postgresql).toMatchObject({ connection_url: 'postgresql://{{username}}:{{password}}@payments-db.dev.finplat.internal:5432/payments?sslmode=verify-full', tls_ca: devDb.caCertificate });
    expect(devConnection.allowed_roles).toEqual(['payments_payments']);
  });

  it('sends the bootstrap password write-only from the sensitive, ephemeral variable; no password is anywhere in the JSON', () => {
    const connection = only(prod, 'vault_database_secret_backend_connection');
    expect(connection.postgresql.password_wo).toBe('${lookup(var.vault_db_bootstrap_passwords, "payments", null)}');
    expect(connection.postgresql.password_wo_version).toBe(1);
    expect(connection.postgresql.password).toBeUndefined();
    expect(Object.keys(prod.variable).sort()).toEqual(['vault_ci_role', 'vault_db_bootstrap_passwords']);
    expect({ vault_db_bootstrap_passwords: prod.variable.vault_db_bootstrap_passwords }).toEqual({
      vault_db_bootstrap_passwords: { type: 'map(string)', sensitive: true, ephemeral: true, nullable: false, default: {}, description: expect.stringContaining('docs/runbooks.md') },
    });
    for (const json of [prod, dev]) {
      // Only these keys mention a password (the variable's name and the connection's arguments), and the write-only one holds nothing but the variable lookup.
      const keys = new Set(pairs(json).map(([k]) => k).filter((k) => /password/i.test(k)));
      expect([...keys].sort()).toEqual(['password_authentication', 'password_wo', 'password_wo_version', 'vault_db_bootstrap_passwords']);
      // Every PASSWORD in a statement or URL is Vault's own template, filled in by Vault at run time.
      const text = JSON.stringify(json);
      expect(text.match(/PASSWORD '[^']*'/g)).toEqual(expect.arrayContaining(["PASSWORD '{{password}}'"]));
      expect(text.match(/PASSWORD '[^']*'/g)!.every((m) => m === "PASSWORD '{{password}}'")).toBe(true);
      expect(text.match(/:\/\/[^"]*@/g)).toEqual(['://{{username}}:{{password}}@']);
    }
  });

  it("rotates the root credential through platform-db/rotate-root/<name> after the connection, and again on a version bump", () => {
    const [connectionId] = Object.keys(prod.resource.vault_database_secret_backend_connection);
    expect(only(prod, 'vault_generic_endpoint')).toEqual({
      path: `${mountPath(prod)}/rotate-root/\${vault_database_secret_backend_connection.${connectionId}.name}`,
      data_json: '{}',
      disable_read: true,
      disable_delete: true,
      lifecycle: { replace_triggered_by: [`vault_database_secret_backend_connection.${connectionId}.postgresql[0].password_wo_version`] },
    });
  });

  it('creates a login role per namespace that expires with its lease, borrows <namespace>_app and is dropped at revocation', () => {
    const [connectionId] = Object.keys(prod.resource.vault_database_secret_backend_connection);
    expect(named(prod, 'vault_database_secret_backend_role', 'name', 'payments_payments')).toEqual({
      backend: mountPath(prod),
      name: 'payments_payments',
      db_name: `\${vault_database_secret_backend_connection.${connectionId}.name}`,
      creation_statements: [
        `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;`,
        'GRANT "payments_app" TO "{{name}}";',
        `ALTER ROLE "{{name}}" SET role = 'payments_app';`,
      ],
      renew_statements: [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`],
      revocation_statements: ['REVOKE "payments_app" FROM "{{name}}";', 'DROP ROLE IF EXISTS "{{name}}";'],
      default_ttl: 900,
      max_ttl: 3600,
    });
    expect(named(prod, 'vault_database_secret_backend_role', 'name', 'payments-batch_payments').revocation_statements[0]).toBe('REVOKE "payments-batch_app" FROM "{{name}}";');
    expect(all(dev, 'vault_database_secret_backend_role').map((r) => [r.name, r.default_ttl, r.max_ttl])).toEqual([['payments_payments', 300, 1800]]);
  });

  it("lets a namespace read only its own roles' credentials, by the namespace Vault verified", () => {
    const policy = named(prod, 'vault_policy', 'name', 'external-secrets-database-creds').policy as string;
    expect(policy).toBe(databaseCredentialsPolicy(accessor(prod)));
    expect(policy).toContain(`path "platform-db/creds/{{identity.entity.aliases.${accessor(prod)}.metadata.service_account_namespace}}_*" {\n  capabilities = ["read"]\n}`);
    expect(policy.match(/^path /gm)).toHaveLength(1);
    // One path, under creds/ (not config/, roles/ or rotate-root/), with read alone.
    expect(policy.match(/^path "[^"]*"/gm)).toEqual([expect.stringMatching(/^path "platform-db\/creds\/\{\{[^"]*\}\}_\*"$/)]);
    expect(policy.match(/capabilities = \[[^\]]*\]/g)).toEqual(['capabilities = ["read"]']);
  });

  it('lets the vault-secrets identity of the namespaces with databases log in as external-secrets-database, for as long as a credential lives', () => {
    expect(named(prod, 'vault_kubernetes_auth_backend_role', 'role_name', 'external-secrets-database')).toEqual({
      backend: '${vault_auth_backend.' + Object.keys(prod.resource.vault_auth_backend)[0] + '.path}',
      role_name: 'external-secrets-database',
      bound_service_account_names: ['vault-secrets'],
      bound_service_account_namespaces: ['payments', 'payments-batch'],
      audience: 'vault',
      token_policies: ['${vault_policy.' + Object.entries(prod.resource.vault_policy as Json).find(([, p]) => (p as Json).name === 'external-secrets-database-creds')![0] + '.name}'],
      token_ttl: 900,
      token_max_ttl: 900,
      token_type: 'service',
    });
    expect(named(dev, 'vault_kubernetes_auth_backend_role', 'role_name', 'external-secrets-database')).toMatchObject({ bound_service_account_namespaces: ['payments'], token_ttl: 300, token_max_ttl: 300 });
  });

  it('adds nothing of it to an environment without vault.databases', () => {
    const plain = synth('aws', 'dev');
    expect(env('aws', 'dev').vault.databases).toEqual([]);
    // Only the job's Vault role: no bootstrap passwords.
    expect(Object.keys(plain.variable)).toEqual(['vault_ci_role']);
    expect(all(plain, 'vault_mount').map((m) => m.path)).toEqual(['platform-kv']);
    for (const type of ['vault_database_secret_backend_connection', 'vault_database_secret_backend_role', 'vault_generic_endpoint']) expect(plain.resource[type]).toBeUndefined();
    expect(all(plain, 'vault_kubernetes_auth_backend_role').map((r) => r.role_name)).toEqual(['external-secrets']);
  });
});

describe('PlatformVaultConfig input', () => {
  const build = (namespaces: string[]) => () => new PlatformVaultConfig(new TerraformStack(Testing.app(), 's'), 'v', { namespaces });
  it('refuses no namespace, a bad name and a duplicate', () => {
    expect(build([])).toThrow('vault config: namespaces must name at least one namespace whose vault-secrets identity may log in');
    expect(build(['Payments'])).toThrow('vault config: namespaces must be Kubernetes namespace names, got "Payments"');
    expect(build(['payments', 'payments'])).toThrow('vault config: namespaces must not repeat a namespace, got "payments" twice');
  });
});

describe('scripts/vault-connect.ts', () => {
  it('gets the kubeconfig from each cloud CLI with the job identity', () => {
    expect(kubeconfigCommand(env('aws', 'prod'))).toEqual(['aws', 'eks', 'update-kubeconfig', '--name', 'finplat-prod', '--region', 'eu-west-1']);
    expect(kubeconfigCommand(env('azure', 'prod'))).toEqual(['az', 'aks', 'get-credentials', '--resource-group', 'rg-finplat-prod', '--name', 'finplat-prod', '--format', 'exec', '--overwrite-existing']);
    expect(kubeconfigCommand(env('gcp', 'prod')).slice(0, 5)).toEqual(['gcloud', 'container', 'clusters', 'get-credentials', 'finplat-prod']);
    expect(kubeconfigCommand(env('gcp', 'prod'))).toContain('--internal-ip');
  });

  it('reads Vault CA from its TLS secret and forwards the Vault service port', () => {
    expect(vaultCommands()).toEqual({
      ca: ['kubectl', '-n', 'vault', 'get', 'secret', 'vault-server-tls', '-o', 'jsonpath={.data.ca\\.crt}'],
      portForward: ['kubectl', '-n', 'vault', 'port-forward', 'svc/vault', '8200:8200'],
    });
  });

  it('prints the commands for an environment, and exits 2 for an unknown one', () => {
    const script = join(__dirname, '..', '..', 'scripts', 'vault-connect.ts');
    const ok = spawnSync(process.execPath, ['--import', 'tsx', script, '--env', 'aws/dev', '--print-commands'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim().split('\n')).toEqual([
      'aws eks update-kubeconfig --name finplat-dev --region eu-west-1',
      'kubectl -n vault get secret vault-server-tls -o jsonpath={.data.ca\\.crt}',
      'kubectl -n vault port-forward svc/vault 8200:8200',
    ]);
    const bad = spawnSync(process.execPath, ['--import', 'tsx', script, '--env', 'aws/nope', '--print-commands'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--env must name an environment as <cloud>/<name>, got "aws/nope"');
  }, 60_000);
});
