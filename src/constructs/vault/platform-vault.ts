/**
 * Vault configured as code (docs/secrets.md, "Vault as code"): what the
 * platform's ClusterSecretStore needs and nothing a person configures by hand.
 *
 * - an audit device on from the first apply: every request and response,
 *   HMAC'd, to Vault's standard output, i.e. the container log the cluster's
 *   log pipeline ships to Loki (PCI-DSS 4.0 10.2.1, 10.2.2);
 * - the Kubernetes auth method bound to the cluster Vault runs in (Vault
 *   reviews tokens with its own service account, in-cluster CA);
 * - a KV version 2 engine `platform-kv` (bounded history);
 * - one policy, templated on the namespace of the service account that logs
 *   in, and one role that grants it to the `vault-secrets` identity of the
 *   store's namespaces with a 10-minute token: a namespace reads only
 *   `platform-kv/<its name>/*`.
 *
 * The names are the constants the store uses (VAULT_SECRET_STORE), so the two
 * sides cannot drift apart.
 */
import { Construct } from 'constructs';
import { Audit } from '@cdktf/provider-vault/lib/audit';
import { AuthBackend } from '@cdktf/provider-vault/lib/auth-backend';
import { KubernetesAuthBackendConfig } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-config';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { KvSecretBackendV2 } from '@cdktf/provider-vault/lib/kv-secret-backend-v2';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VAULT_SECRET_STORE } from '../baseline/external-secrets';

/** Lifetime of the tokens External Secrets gets: one sync, then the next login. */
export const EXTERNAL_SECRETS_TOKEN_TTL_SECONDS = 600;
/** Versions of a secret KV keeps (rollback after a bad rotation; older versions are destroyed). */
export const KV_MAX_VERSIONS = 10;
/** Name of the templated read policy. */
export const NAMESPACE_READ_POLICY = 'external-secrets-namespace-read';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface PlatformVaultConfigProps {
  /** Namespaces whose `vault-secrets` service account may log in (the ClusterSecretStore's namespaces, `secretStoreNamespaces`). */
  readonly namespaces: readonly string[];
}

/** The policy text: read (and list the metadata of) the secrets under the caller's own namespace, nothing else. */
export function namespaceReadPolicy(authAccessor: string): string {
  const ns = `{{identity.entity.aliases.${authAccessor}.metadata.service_account_namespace}}`;
  const mount = VAULT_SECRET_STORE.kvMount;
  return [
    `# The namespace of the Kubernetes service account that logged in (Vault's identity, not a claim of the caller).`,
    `path "${mount}/data/${ns}/*" {`,
    '  capabilities = ["read"]',
    '}',
    `path "${mount}/metadata/${ns}/*" {`,
    '  capabilities = ["read", "list"]',
    '}',
    '',
  ].join('\n');
}

/** Audit device, Kubernetes auth, KV v2 and the per-namespace read policy and role of the platform's Vault. */
export class PlatformVaultConfig extends Construct {
  readonly audit: Audit;
  readonly kubernetesAuth: AuthBackend;
  readonly kv: Mount;
  readonly policy: Policy;
  readonly role: KubernetesAuthBackendRole;

  constructor(scope: Construct, id: string, props: PlatformVaultConfigProps) {
    super(scope, id);
    if (props.namespaces.length === 0) throw new Error('vault config: namespaces must name at least one namespace whose vault-secrets identity may log in');
    for (const ns of props.namespaces) {
      if (!NAMESPACE.test(ns)) throw new Error(`vault config: namespaces must be Kubernetes namespace names, got ${JSON.stringify(ns)}`);
    }
    const duplicate = props.namespaces.find((ns, i) => props.namespaces.indexOf(ns) !== i);
    if (duplicate) throw new Error(`vault config: namespaces must not repeat a namespace, got ${JSON.stringify(duplicate)} twice`);

    // Audit first: everything below is then recorded. Vault refuses requests it cannot audit.
    this.audit = new Audit(this, 'audit', {
      type: 'file',
      path: 'stdout',
      description: 'Every request and response (HMAC of secret values) to the container log, shipped to Loki',
      options: { file_path: 'stdout', log_raw: 'false', hmac_accessor: 'true', format: 'json' },
    });

    this.kubernetesAuth = new AuthBackend(this, 'kubernetes', {
      type: 'kubernetes',
      path: VAULT_SECRET_STORE.authMount,
      description: 'Service accounts of this cluster (External Secrets logs in as each namespace)',
      dependsOn: [this.audit],
    });
    // Vault runs in the cluster: it reviews tokens with its own service account and the in-cluster CA,
    // so no reviewer JWT or CA is stored in this configuration or its state.
    new KubernetesAuthBackendConfig(this, 'kubernetes-config', {
      backend: this.kubernetesAuth.path,
      kubernetesHost: 'https://kubernetes.default.svc',
      disableLocalCaJwt: false,
    });

    this.kv = new Mount(this, 'kv', {
      path: VAULT_SECRET_STORE.kvMount,
      type: 'kv',
      options: { version: '2' },
      description: 'Application secrets, one folder per namespace (platform-kv/<namespace>/...)',
      dependsOn: [this.audit],
    });
    new KvSecretBackendV2(this, 'kv-config', { mount: this.kv.path, maxVersions: KV_MAX_VERSIONS, casRequired: false });

    this.policy = new Policy(this, 'namespace-read', { name: NAMESPACE_READ_POLICY, policy: namespaceReadPolicy(this.kubernetesAuth.accessor) });

    this.role = new KubernetesAuthBackendRole(this, 'external-secrets', {
      backend: this.kubernetesAuth.path,
      roleName: VAULT_SECRET_STORE.role,
      boundServiceAccountNames: [VAULT_SECRET_STORE.serviceAccount],
      boundServiceAccountNamespaces: [...props.namespaces],
      // Only tokens requested for Vault (the store asks for this audience); the Kubernetes API refuses them in turn.
      audience: VAULT_SECRET_STORE.audience,
      tokenPolicies: [this.policy.name],
      tokenTtl: EXTERNAL_SECRETS_TOKEN_TTL_SECONDS,
      tokenMaxTtl: EXTERNAL_SECRETS_TOKEN_TTL_SECONDS,
      tokenType: 'service',
    });
  }
}
