/**
 * Dynamic database credentials from Vault (docs/secrets.md, "Database credentials"; PCI-DSS 4.0
 * 8.3.2, 8.6.1-8.6.3): no application holds a long-lived database password.
 *
 * - a database secrets engine at `platform-db`;
 * - per database one connection: TLS (`sslmode=verify-full` by default, the server checked
 *   against the pinned CA), `verify_connection`, SCRAM-SHA-256 (Vault hashes every password it
 *   sets before it reaches PostgreSQL), only the roles below allowed;
 * - the bootstrap password of Vault's login role passed write-only (`password_wo`, sent only when
 *   `password_wo_version` changes) from the sensitive, ephemeral Terraform variable
 *   `vault_db_bootstrap_passwords`, so it is in neither the plan nor the state; then Vault rotates
 *   that root credential (`platform-db/rotate-root/<name>`, a `vault_generic_endpoint` write: the
 *   pinned provider has no rotate-root resource), again whenever the version is bumped, so after
 *   the first apply only Vault knows it;
 * - per namespace and database a role `<namespace>_<database>`: a PostgreSQL login role valid until
 *   the lease expires, member of the pre-created group role `<namespace>_app` (a DBA prerequisite),
 *   dropped at revocation; short default and maximum TTLs;
 * - one policy, templated on the namespace of the Kubernetes service account that logs in (as the
 *   KV policy of PlatformVaultConfig): `read` on `platform-db/creds/<its namespace>_*` only;
 * - a Kubernetes auth role `external-secrets-database` for the `vault-secrets` identity of the
 *   namespaces that have databases, used by External Secrets' VaultDynamicSecret generator.
 */
import { Construct } from 'constructs';
import { TerraformVariable, type ITerraformDependable } from 'cdktf';
import { DatabaseSecretBackendConnection } from '@cdktf/provider-vault/lib/database-secret-backend-connection';
import { DatabaseSecretBackendRole } from '@cdktf/provider-vault/lib/database-secret-backend-role';
import { GenericEndpoint } from '@cdktf/provider-vault/lib/generic-endpoint';
import { KubernetesAuthBackendRole } from '@cdktf/provider-vault/lib/kubernetes-auth-backend-role';
import { Mount } from '@cdktf/provider-vault/lib/mount';
import { Policy } from '@cdktf/provider-vault/lib/policy';
import { VAULT_SECRET_STORE } from '../baseline/external-secrets';
import { databaseGroupRole, databaseProblems, databaseRoleName, resolveDatabase, type DatabaseConnection, type DatabaseConnectionInput } from './database-rules';

/** Path of the database secrets engine. */
export const DATABASE_SECRETS_MOUNT = 'platform-db';
/** The Kubernetes auth role a VaultDynamicSecret generator logs in with. */
export const DATABASE_CREDENTIALS_ROLE = 'external-secrets-database';
/** Name of the templated policy: read the credentials of the caller's own namespace. */
export const DATABASE_CREDENTIALS_POLICY = 'external-secrets-database-creds';
/** The Terraform variable (map of bootstrap password by database name; TF_VAR_vault_db_bootstrap_passwords). */
export const DATABASE_BOOTSTRAP_PASSWORDS_VARIABLE = 'vault_db_bootstrap_passwords';

/** The auth method the identities log in through: what the templated policy names (its accessor). */
export interface VaultAuthMountRef {
  /** Mount path of the auth method. */
  readonly path: string;
  /** Its accessor (`identity.entity.aliases.<accessor>` in policy templates). */
  readonly accessor: string;
}

export interface DatabaseSecretsProps {
  /** The databases Vault issues credentials for (at least one). */
  readonly databases: readonly DatabaseConnectionInput[];
  /** The Kubernetes auth method of the cluster (PlatformVaultConfig.kubernetesAuth). */
  readonly kubernetesAuth: VaultAuthMountRef;
  /**
   * Created before the secrets engine, e.g. the audit device, so every request is audited.
   * @default - none
   */
  readonly dependsOn?: ITerraformDependable[];
}

/** Creation statements of a role: a login role that expires with its lease and acts as the namespace's group role. */
export function databaseCreationStatements(namespace: string): string[] {
  const group = databaseGroupRole(namespace);
  return [
    // VALID UNTIL: PostgreSQL itself refuses the login once the lease has expired, even if Vault cannot revoke it.
    `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;`,
    // The privileges belong to the group role the DBA manages; the credential only borrows them.
    `GRANT "${group}" TO "{{name}}";`,
    // Objects the application creates are owned by the group role, so the next credential can use them and revocation can drop this one.
    `ALTER ROLE "{{name}}" SET role = '${group}';`,
  ];
}

/** Renewal statements: PostgreSQL's validity follows the lease. */
export function databaseRenewStatements(): string[] {
  return [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
}

/** Revocation statements: the credential loses the group's privileges at once (open sessions included), then its role is dropped. */
export function databaseRevocationStatements(namespace: string): string[] {
  return [`REVOKE "${databaseGroupRole(namespace)}" FROM "{{name}}";`, `DROP ROLE IF EXISTS "{{name}}";`];
}

/** The connection URL Vault's plugin uses; Vault fills in its own username and password, and libpq's sslmode governs TLS. */
export function databaseConnectionUrl(d: Pick<DatabaseConnection, 'host' | 'port' | 'database' | 'sslMode'>): string {
  return `postgresql://{{username}}:{{password}}@${d.host}:${d.port}/${d.database}?sslmode=${d.sslMode}`;
}

/** The write-only password of one database: its key of the ephemeral variable, or null when the key is absent. */
export function bootstrapPasswordExpression(database: string): string {
  // A literal expression: cdktf renders Fn.lookup's null default as nothing, which Terraform cannot parse.
  return `\${lookup(var.${DATABASE_BOOTSTRAP_PASSWORDS_VARIABLE}, ${JSON.stringify(database)}, null)}`;
}

/** The policy text: read the credentials of the caller's own namespace's roles, nothing else. */
export function databaseCredentialsPolicy(authAccessor: string): string {
  const ns = `{{identity.entity.aliases.${authAccessor}.metadata.service_account_namespace}}`;
  return [
    `# The namespace of the Kubernetes service account that logged in (Vault's identity, not a claim of the caller);`,
    `# roles are <namespace>_<database> and "_" is never part of a namespace, so no other namespace's role matches.`,
    `path "${DATABASE_SECRETS_MOUNT}/creds/${ns}_*" {`,
    '  capabilities = ["read"]',
    '}',
    '',
  ].join('\n');
}

/** The platform-db secrets engine, its connections and roles, and the policy and auth role External Secrets uses for it. */
export class DatabaseSecrets extends Construct {
  readonly mount: Mount;
  /** `vault_db_bootstrap_passwords`: sensitive and ephemeral (never in plan or state); absent keys send nothing. */
  readonly bootstrapPasswords: TerraformVariable;
  /** Connection per database name. */
  readonly connections: Readonly<Record<string, DatabaseSecretBackendConnection>>;
  /** The Vault roles `<namespace>_<database>`. */
  readonly roles: readonly DatabaseSecretBackendRole[];
  readonly policy: Policy;
  /** The Kubernetes auth role `external-secrets-database`. */
  readonly role: KubernetesAuthBackendRole;

  constructor(scope: Construct, id: string, props: DatabaseSecretsProps) {
    super(scope, id);
    if (props.databases.length === 0) throw new Error('database secrets: databases must name at least one database');
    const problem = databaseProblems(props.databases)[0];
    if (problem) throw new Error(`database secrets: databases${problem.field} must be ${problem.allowed}, got ${JSON.stringify(problem.value)}`);
    const databases = props.databases.map(resolveDatabase);

    this.bootstrapPasswords = new TerraformVariable(this, 'bootstrap-passwords', {
      type: 'map(string)',
      description: "Bootstrap password of Vault's login role per database name (docs/runbooks.md, \"Vault bootstrap\"); sent only when a database's bootstrapPasswordVersion changes, then rotated by Vault",
      sensitive: true,
      nullable: false,
      default: {},
    });
    // The name TF_VAR_vault_db_bootstrap_passwords sets; ephemeral (Terraform >= 1.10): kept out of the saved plan and the state.
    this.bootstrapPasswords.overrideLogicalId(DATABASE_BOOTSTRAP_PASSWORDS_VARIABLE);
    this.bootstrapPasswords.addOverride('ephemeral', true);

    this.mount = new Mount(this, 'mount', {
      path: DATABASE_SECRETS_MOUNT,
      type: 'database',
      description: 'Short-lived PostgreSQL credentials, one role per application namespace and database (<namespace>_<database>)',
      // No lease outlives the longest maximum TTL configured, whatever a role says.
      defaultLeaseTtlSeconds: Math.min(...databases.map((d) => d.ttlSeconds)),
      maxLeaseTtlSeconds: Math.max(...databases.map((d) => d.maxTtlSeconds)),
      dependsOn: props.dependsOn,
    });

    const connections: Record<string, DatabaseSecretBackendConnection> = {};
    const roles: DatabaseSecretBackendRole[] = [];
    for (const d of databases) {
      const roleNames = d.namespaces.map((ns) => databaseRoleName(ns, d.name));
      const connection = new DatabaseSecretBackendConnection(this, `connection-${d.name}`, {
        backend: this.mount.path,
        name: d.name,
        pluginName: 'postgresql-database-plugin',
        // Vault connects when the configuration is written: a wrong host, CA or password fails the apply, not the first application.
        verifyConnection: true,
        allowedRoles: roleNames,
        postgresql: {
          connectionUrl: databaseConnectionUrl(d),
          username: d.username,
          // Write-only: read from the ephemeral variable at apply time, never stored. null (no key for this
          // database) sends nothing, so plans and drift checks run without the secret once Vault has rotated it.
          passwordWo: bootstrapPasswordExpression(d.name),
          passwordWoVersion: d.bootstrapPasswordVersion,
          passwordAuthentication: 'scram-sha-256',
          tlsCa: d.caCertificate,
        },
      });
      connections[d.name] = connection;

      // After the bootstrap password reached Vault, Vault replaces it with one only it knows; again on every version bump.
      new GenericEndpoint(this, `rotate-root-${d.name}`, {
        path: `${this.mount.path}/rotate-root/${connection.name}`,
        dataJson: '{}',
        // rotate-root can be written only: nothing to read back or delete.
        disableRead: true,
        disableDelete: true,
        lifecycle: { replaceTriggeredBy: [`${connection.terraformResourceType}.${connection.friendlyUniqueId}.postgresql[0].password_wo_version`] },
      });

      for (const ns of d.namespaces) {
        roles.push(
          new DatabaseSecretBackendRole(this, `role-${ns}-${d.name}`, {
            backend: this.mount.path,
            name: databaseRoleName(ns, d.name),
            dbName: connection.name,
            creationStatements: databaseCreationStatements(ns),
            renewStatements: databaseRenewStatements(),
            revocationStatements: databaseRevocationStatements(ns),
            defaultTtl: d.ttlSeconds,
            maxTtl: d.maxTtlSeconds,
          }),
        );
      }
    }
    this.connections = connections;
    this.roles = roles;

    this.policy = new Policy(this, 'creds-read', { name: DATABASE_CREDENTIALS_POLICY, policy: databaseCredentialsPolicy(props.kubernetesAuth.accessor) });

    const namespaces = [...new Set(databases.flatMap((d) => d.namespaces))];
    // A lease is revoked when the token that created it expires: the token lives as long as the longest default TTL,
    // so a credential is never cut short (External Secrets does not renew it).
    const tokenTtl = Math.max(...databases.map((d) => d.ttlSeconds));
    this.role = new KubernetesAuthBackendRole(this, 'external-secrets-database', {
      backend: props.kubernetesAuth.path,
      roleName: DATABASE_CREDENTIALS_ROLE,
      boundServiceAccountNames: [VAULT_SECRET_STORE.serviceAccount],
      boundServiceAccountNamespaces: namespaces,
      audience: VAULT_SECRET_STORE.audience,
      tokenPolicies: [this.policy.name],
      tokenTtl,
      tokenMaxTtl: tokenTtl,
      tokenType: 'service',
    });
  }
}
