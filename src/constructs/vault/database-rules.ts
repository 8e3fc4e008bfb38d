/**
 * The shape of the databases Vault issues dynamic credentials for (docs/secrets.md, "Database
 * credentials"), shared by the environment schema (src/config/schema.ts), the config validation
 * (src/config/validate.ts, which adds the prod-tier rules) and the construct's own checks for
 * library users (database-secrets.ts). Only node:crypto and the namespace lists: the config layer
 * loads it without cdktf.
 */
import { X509Certificate } from 'node:crypto';
import { BASELINE_NAMESPACES, KUBERNETES_SYSTEM_NAMESPACES, PLATFORM_APPLICATION_NAMESPACES } from '../baseline/namespaces';

/** Database plugins the platform configures (Vault's postgresql-database-plugin). */
export const DATABASE_PLUGINS = ['postgresql'] as const;
export type DatabasePlugin = (typeof DATABASE_PLUGINS)[number];

/**
 * libpq sslmode values Vault may connect with. `verify-full` checks the certificate chain and the
 * host name; `verify-ca` the chain only; `require` encrypts without checking who answers. The
 * modes that can fall back to plaintext (`disable`, `allow`, `prefer`) are not offered.
 */
export const DATABASE_SSL_MODES = ['verify-full', 'verify-ca', 'require'] as const;
export type DatabaseSslMode = (typeof DATABASE_SSL_MODES)[number];

/** TTL bounds of a credential (seconds): a leaked one expires on its own within the hour by default. */
export const DATABASE_TTL_SECONDS = { min: 300, max: 3600 } as const;
/** Upper bound of a credential's maximum TTL (renewals included), and the prod tier's tighter one. */
export const DATABASE_MAX_TTL_SECONDS = { max: 86_400, prodMax: 14_400 } as const;

/** The defaults of every optional field: the hardened choice. */
export const DATABASE_DEFAULTS = {
  plugin: 'postgresql',
  port: 5432,
  sslMode: 'verify-full',
  username: 'vault',
  bootstrapPasswordVersion: 1,
  ttlSeconds: 900,
  maxTtlSeconds: 3600,
} as const satisfies Partial<DatabaseConnection>;

/** One database Vault issues credentials for, as written (config or a library user's props). */
export interface DatabaseConnectionInput {
  /** DNS label naming the connection (`platform-db/config/<name>`) and the roles (`<namespace>_<name>`). */
  readonly name: string;
  /** The database plugin. @default 'postgresql' */
  readonly plugin?: DatabasePlugin;
  /** DNS name (as the server's certificate names it) or IPv4 address of the database server. */
  readonly host: string;
  /** TCP port of the server. @default 5432 */
  readonly port?: number;
  /** The database the credentials are for. */
  readonly database: string;
  /** How Vault's connection checks the server. @default 'verify-full' */
  readonly sslMode?: DatabaseSslMode;
  /** PEM CA certificate(s) the server's certificate chains to; required with verify-ca and verify-full. @default - none (only with sslMode require) */
  readonly caCertificate?: string;
  /** Vault's own login role in the database (CREATEROLE, not a superuser). @default 'vault' */
  readonly username?: string;
  /** Bump to send the bootstrap password (Terraform variable vault_db_bootstrap_passwords) again. @default 1 */
  readonly bootstrapPasswordVersion?: number;
  /** Application namespaces whose workloads may get credentials (roles `<namespace>_<name>`). */
  readonly namespaces: readonly string[];
  /** Default lifetime of a credential, in seconds. @default 900 */
  readonly ttlSeconds?: number;
  /** Longest lifetime of a credential, renewals included, in seconds. @default 3600 */
  readonly maxTtlSeconds?: number;
}

/** A database with every default applied. */
export type DatabaseConnection = Required<Omit<DatabaseConnectionInput, 'caCertificate'>> & Pick<DatabaseConnectionInput, 'caCertificate'>;

/** The defaults applied to one input. */
export function resolveDatabase(input: DatabaseConnectionInput): DatabaseConnection {
  return {
    ...input,
    plugin: input.plugin ?? DATABASE_DEFAULTS.plugin,
    port: input.port ?? DATABASE_DEFAULTS.port,
    sslMode: input.sslMode ?? DATABASE_DEFAULTS.sslMode,
    username: input.username ?? DATABASE_DEFAULTS.username,
    bootstrapPasswordVersion: input.bootstrapPasswordVersion ?? DATABASE_DEFAULTS.bootstrapPasswordVersion,
    ttlSeconds: input.ttlSeconds ?? DATABASE_DEFAULTS.ttlSeconds,
    maxTtlSeconds: input.maxTtlSeconds ?? DATABASE_DEFAULTS.maxTtlSeconds,
  };
}

/** A DNS label starting with a letter, at most 30 characters (Vault role names `<namespace>_<name>` stay short). */
export const DATABASE_NAME = /^(?=.{1,30}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
/**
 * A DNS name (lowercase labels, the last one starting with a letter) or an IPv4 address: it lands in
 * the connection URL, so no scheme, user, port, path or wildcard can get through.
 */
export const DATABASE_HOST = /^(?:(?=.{1,253}$)(?:[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d))$/;
/** A PostgreSQL database name without quoting: lowercase letters, digits, _ and -, at most 63. */
export const DATABASE_DATABASE = /^[a-z_][a-z0-9_-]{0,62}$/;
/** A PostgreSQL role name without quoting: lowercase letters, digits and _, at most 63. */
export const DATABASE_USERNAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Superuser roles of PostgreSQL and the managed services: Vault's role is a CREATEROLE role of its own, never one of these. */
export const DATABASE_SUPERUSERS = ['postgres', 'rdsadmin', 'rds_superuser', 'azure_superuser', 'azure_pg_admin', 'cloudsqlsuperuser'];

/** The application namespaces: the only ones whose vault-secrets identity exists (the platform chart creates it). */
export const DATABASE_NAMESPACES: readonly string[] = PLATFORM_APPLICATION_NAMESPACES.map((ns) => ns.name);
const PLATFORM_NAMESPACES: readonly string[] = [...KUBERNETES_SYSTEM_NAMESPACES, ...Object.values(BASELINE_NAMESPACES)];

export const DATABASE_ALLOWED = {
  name: 'a DNS label of 1-30 lowercase letters, digits and -, starting with a letter (it names the Vault connection and the roles <namespace>_<name>)',
  plugin: `one of ${DATABASE_PLUGINS.join(', ')} (the only database plugin the platform configures so far)`,
  host: "the database server's DNS name as its certificate names it (lowercase; no scheme, port, path or wildcard) or an IPv4 address",
  port: 'a TCP port from 1 to 65535',
  database: 'a PostgreSQL database name: 1-63 lowercase letters, digits, _ and -, starting with a letter or _',
  sslMode: `one of ${DATABASE_SSL_MODES.join(', ')} (verify-ca and require outside the prod tier only); never disable, allow or prefer: the root and the issued credentials would cross the network unencrypted`,
  username: `a PostgreSQL role name (1-63 lowercase letters, digits and _, starting with a letter or _) of a dedicated login role with CREATEROLE, not a superuser (${DATABASE_SUPERUSERS.join(', ')})`,
  bootstrapPasswordVersion: 'a whole number of at least 1; bump it to send the bootstrap password again',
  namespaces: 'at least one application namespace whose workloads may get credentials',
  namespace: `an application namespace (${DATABASE_NAMESPACES.join(', ')}); platform and system namespaces never get database credentials`,
  ttlSeconds: `whole seconds from ${DATABASE_TTL_SECONDS.min} to ${DATABASE_TTL_SECONDS.max} (5 minutes to 1 hour): a leaked credential expires on its own soon`,
  maxTtlSeconds: `whole seconds of at least ttlSeconds and at most ${DATABASE_MAX_TTL_SECONDS.max} (24 hours)`,
} as const;

export interface DatabaseProblem {
  /** Field path below `vault.databases`, e.g. `[1].sslMode`. */
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

const PRIVATE_KEY = /PRIVATE KEY-----/;
const isWhole = (n: unknown, min: number, max: number): boolean => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;

/** Why a PEM text is not a CA certificate (bundle) the connection can verify the server with; undefined when it is one. */
export function caCertificateProblem(pem: string): string | undefined {
  if (PRIVATE_KEY.test(pem)) return 'CA certificates only: this text holds a private key, which must never be in the configuration';
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  const rest = pem.replace(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g, '').trim();
  if (blocks.length === 0 || rest !== '') return 'one or more PEM blocks -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- and nothing else';
  for (const [i, block] of blocks.entries()) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (error) {
      return `PEM certificates that parse (block ${i + 1}: ${(error as Error).message.replace(/^error:[0-9A-F]*:/, '').trim()})`;
    }
    if (!cert.ca) return `CA certificates (block ${i + 1}, ${JSON.stringify(cert.subject.replace(/\n/g, ', '))}, is not a CA: pin the CA the server's certificate chains to, not the server's own)`;
  }
  return undefined;
}

/**
 * Every problem of one database list, in order, for any tier (the prod-tier rules are in
 * validate.ts): the construct throws the first, the fleet validation reports them all.
 */
export function databaseProblems(databases: readonly DatabaseConnectionInput[]): DatabaseProblem[] {
  const problems: DatabaseProblem[] = [];
  const add = (field: string, value: unknown, allowed: string): void => void problems.push({ field, value, allowed });
  const names = new Map<string, number>();
  databases.forEach((input, i) => {
    const at = `[${i}]`;
    const d = resolveDatabase(input);
    if (typeof d.name !== 'string' || !DATABASE_NAME.test(d.name)) add(`${at}.name`, d.name, DATABASE_ALLOWED.name);
    else if (names.has(d.name)) add(`${at}.name`, d.name, `a name used once (databases[${names.get(d.name)}] has it)`);
    else names.set(d.name, i);
    if (!(DATABASE_PLUGINS as readonly string[]).includes(d.plugin)) add(`${at}.plugin`, d.plugin, DATABASE_ALLOWED.plugin);
    if (typeof d.host !== 'string' || !DATABASE_HOST.test(d.host)) add(`${at}.host`, d.host, DATABASE_ALLOWED.host);
    if (!isWhole(d.port, 1, 65535)) add(`${at}.port`, d.port, DATABASE_ALLOWED.port);
    if (typeof d.database !== 'string' || !DATABASE_DATABASE.test(d.database)) add(`${at}.database`, d.database, DATABASE_ALLOWED.database);
    if (!(DATABASE_SSL_MODES as readonly string[]).includes(d.sslMode)) add(`${at}.sslMode`, d.sslMode, DATABASE_ALLOWED.sslMode);
    const verifies = d.sslMode === 'verify-full' || d.sslMode === 'verify-ca';
    if (d.caCertificate === undefined) {
      if (verifies) add(`${at}.caCertificate`, undefined, `the PEM CA certificate(s) the server's certificate chains to: sslMode ${d.sslMode} verifies the server against them`);
    } else if (typeof d.caCertificate === 'string' && PRIVATE_KEY.test(d.caCertificate)) {
      // Never echoed: a message line goes to CI logs.
      add(`${at}.caCertificate`, '(a PEM text holding a private key, not shown)', 'CA certificates only: a private key must never be in the configuration (remove it and rotate it)');
    } else if (d.sslMode === 'require') {
      add(`${at}.caCertificate`, d.caCertificate, 'no caCertificate with sslMode require, which checks nothing: use verify-full (or verify-ca outside prod) to verify the server against it');
    } else {
      const problem = typeof d.caCertificate === 'string' ? caCertificateProblem(d.caCertificate) : 'a PEM text';
      if (problem) add(`${at}.caCertificate`, d.caCertificate, problem);
    }
    if (typeof d.username !== 'string' || !DATABASE_USERNAME.test(d.username) || DATABASE_SUPERUSERS.includes(d.username)) add(`${at}.username`, d.username, DATABASE_ALLOWED.username);
    if (!isWhole(d.bootstrapPasswordVersion, 1, 2_147_483_647)) add(`${at}.bootstrapPasswordVersion`, d.bootstrapPasswordVersion, DATABASE_ALLOWED.bootstrapPasswordVersion);
    const namespaces = Array.isArray(d.namespaces) ? d.namespaces : [];
    if (namespaces.length === 0) add(`${at}.namespaces`, d.namespaces, DATABASE_ALLOWED.namespaces);
    namespaces.forEach((ns, j) => {
      if (!DATABASE_NAMESPACES.includes(ns)) {
        const platform = PLATFORM_NAMESPACES.includes(ns) ? ` (${JSON.stringify(ns)} is a platform namespace)` : '';
        add(`${at}.namespaces[${j}]`, ns, `${DATABASE_ALLOWED.namespace}${platform}`);
      } else if (namespaces.indexOf(ns) !== j) add(`${at}.namespaces[${j}]`, ns, 'each namespace once');
    });
    const ttlOk = isWhole(d.ttlSeconds, DATABASE_TTL_SECONDS.min, DATABASE_TTL_SECONDS.max);
    if (!ttlOk) add(`${at}.ttlSeconds`, d.ttlSeconds, DATABASE_ALLOWED.ttlSeconds);
    if (!isWhole(d.maxTtlSeconds, DATABASE_TTL_SECONDS.min, DATABASE_MAX_TTL_SECONDS.max)) add(`${at}.maxTtlSeconds`, d.maxTtlSeconds, DATABASE_ALLOWED.maxTtlSeconds);
    else if (ttlOk && d.maxTtlSeconds < d.ttlSeconds) add(`${at}.maxTtlSeconds`, d.maxTtlSeconds, `at least ttlSeconds (${d.ttlSeconds}): a credential cannot live shorter than its default lifetime`);
  });
  return problems;
}

/** The Vault role (and the PostgreSQL group role's prefix) of one namespace's credentials for one database. */
export function databaseRoleName(namespace: string, database: string): string {
  // `_` cannot occur in a namespace or database name, so it separates them unambiguously: the
  // policy's `<namespace>_*` never matches another namespace's roles.
  return `${namespace}_${database}`;
}

/** The pre-created PostgreSQL group role whose privileges a namespace's credentials get (a DBA prerequisite). */
export function databaseGroupRole(namespace: string): string {
  // Quoted in every statement: a namespace may hold `-`.
  return `${namespace}_app`;
}
