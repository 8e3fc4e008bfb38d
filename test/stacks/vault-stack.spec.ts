/**
 * `<cloud>-<env>-vault` (issue 11, item 3): Vault configured as code, reached through a
 * port-forward with the job's OIDC token, never a Vault token; the audit device, Kubernetes auth,
 * KV v2 and the per-namespace policy and role the ClusterSecretStore relies on, for dev and prod
 * tiers; every bad input of the construct; and the connection script's commands.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Testing, TerraformStack } from 'cdktf';
import { VAULT_SECRET_STORE } from '../../src/constructs/baseline/external-secrets';
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
    expect(only(prod, 'vault_mount').depends_on.some((d: string) => d.startsWith('vault_audit.'))).toBe(true);
  });

  it('binds the Kubernetes auth method to the cluster Vault runs in, with no reviewer token or CA in state', () => {
    expect(only(prod, 'vault_auth_backend')).toMatchObject({ type: 'kubernetes', path: VAULT_SECRET_STORE.authMount });
    const config = only(prod, 'vault_kubernetes_auth_backend_config');
    expect(config).toMatchObject({ kubernetes_host: 'https://kubernetes.default.svc', disable_local_ca_jwt: false });
    expect(config.token_reviewer_jwt).toBeUndefined();
    expect(config.kubernetes_ca_cert).toBeUndefined();
  });

  it('mounts KV version 2 at the store path with bounded history', () => {
    expect(only(prod, 'vault_mount')).toMatchObject({ path: 'platform-kv', type: 'kv', options: { version: '2' } });
    expect(only(prod, 'vault_kv_secret_backend_v2')).toMatchObject({ max_versions: 10 });
  });

  it('grants each namespace only its own path, by the namespace Vault verified', () => {
    const policy = only(prod, 'vault_policy');
    expect(policy.name).toBe('external-secrets-namespace-read');
    const accessor = '${vault_auth_backend.' + Object.keys(prod.resource.vault_auth_backend)[0] + '.accessor}';
    expect(policy.policy).toBe(namespaceReadPolicy(accessor));
    expect(policy.policy).toContain(`path "platform-kv/data/{{identity.entity.aliases.${accessor}.metadata.service_account_namespace}}/*" {\n  capabilities = ["read"]\n}`);
    expect(policy.policy).not.toMatch(/create|update|delete|sudo|"\*"/);
  });

  it('lets the vault-secrets identity of the store namespaces log in for 10 minutes, audience vault (prod: the consoles too)', () => {
    expect(only(prod, 'vault_kubernetes_auth_backend_role')).toMatchObject({
      role_name: 'external-secrets',
      bound_service_account_names: ['vault-secrets'],
      bound_service_account_namespaces: ['payments', 'payments-batch', 'argocd', 'monitoring'],
      audience: 'vault',
      token_ttl: 600,
      token_max_ttl: 600,
      token_type: 'service',
    });
    // dev has no SSO: no console namespace may log in.
    expect(only(dev, 'vault_kubernetes_auth_backend_role').bound_service_account_namespaces).toEqual(['payments', 'payments-batch']);
    expect(dev.variable.vault_ci_role.validation[0].condition).toBe('${contains(["ci-gcp-dev-plan","ci-gcp-dev"], var.vault_ci_role)}');
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
