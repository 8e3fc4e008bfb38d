/**
 * `vault.databases` (issue 11, item 3): the databases Vault issues short-lived credentials for. The
 * defaults are the hardened choice; every bad input is refused with one message naming the field,
 * the bad value and what is allowed, for any tier and for the prod tier's stricter rules.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { awsDev, awsProd, gcpDev } from '../helpers/environments';
import { formatProblem, validateEnvironment } from '../../src/config';

const problemsOf = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);
const withDatabases = (base: object, databases: unknown[]): Record<string, unknown> => ({ ...structuredClone(base), vault: { databases } });

/** The reference CA of the aws/prod example (environments/aws/prod.yaml): a certificate, public by nature. */
const CA = awsProd.vault.databases[0].caCertificate!;
const SERVER_CERT = readFileSync(join(__dirname, '..', 'fixtures', 'database-ca', 'server-not-ca.pem'), 'utf8');
const DB = { name: 'ledger', host: 'ledger-db.internal.example.com', database: 'ledger', namespaces: ['payments'], caCertificate: CA };

/** The one problem a database entry causes in `base` (asserting it is the only one). */
function only(base: object, database: Record<string, unknown>): string {
  const problems = problemsOf(withDatabases(base, [database]));
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe('vault.databases in the environment config', () => {
  it('defaults to none, and fills every optional field with the hardened default', () => {
    const without = structuredClone(awsDev) as unknown as Record<string, unknown>;
    delete without.vault;
    expect(validateEnvironment(without).config?.vault).toEqual({ databases: [] });
    expect(validateEnvironment(withDatabases(awsDev, [DB])).config?.vault.databases).toEqual([
      { ...DB, plugin: 'postgresql', port: 5432, sslMode: 'verify-full', username: 'vault', bootstrapPasswordVersion: 1, ttlSeconds: 900, maxTtlSeconds: 3600 },
    ]);
  });

  it('keeps the reference examples: aws/prod with the defaults, gcp/dev with shorter TTLs', () => {
    expect(awsProd.vault.databases.map((d) => [d.name, d.sslMode, d.namespaces, d.ttlSeconds, d.maxTtlSeconds])).toEqual([['payments', 'verify-full', ['payments', 'payments-batch'], 900, 3600]]);
    expect(gcpDev.vault.databases.map((d) => [d.name, d.sslMode, d.namespaces, d.ttlSeconds, d.maxTtlSeconds])).toEqual([['payments', 'verify-full', ['payments'], 300, 1800]]);
  });

  it('accepts a CA bundle (several certificates), an IPv4 host and the relaxed modes outside prod', () => {
    expect(problemsOf(withDatabases(awsDev, [{ ...DB, caCertificate: `${CA}${gcpDev.vault.databases[0].caCertificate}` }]))).toEqual([]);
    expect(problemsOf(withDatabases(awsDev, [{ ...DB, host: '10.20.30.40', sslMode: 'verify-ca' }]))).toEqual([]);
    const noCa: Record<string, unknown> = { ...DB, sslMode: 'require' };
    delete noCa.caCertificate;
    expect(problemsOf(withDatabases(awsDev, [noCa]))).toEqual([]);
  });

  it.each([
    ['a name that is not a DNS label', { ...DB, name: 'Ledger_DB' }, 'vault.databases[0].name: got "Ledger_DB"; allowed: a DNS label of 1-30 lowercase letters, digits and -, starting with a letter'],
    ['another plugin', { ...DB, plugin: 'mysql' }, 'vault.databases[0].plugin: got "mysql"; allowed: one of "postgresql"'],
    ['a URL as host', { ...DB, host: 'postgres://ledger-db.example.com' }, 'vault.databases[0].host: got "postgres://ledger-db.example.com"; allowed: the database server\'s DNS name as its certificate names it (lowercase; no scheme, port, path or wildcard) or an IPv4 address'],
    ['a host with a port', { ...DB, host: 'ledger-db.example.com:5432' }, 'vault.databases[0].host: got "ledger-db.example.com:5432"; allowed: the database server\'s DNS name'],
    ['a wildcard host', { ...DB, host: '*.example.com' }, 'vault.databases[0].host: got "*.example.com"; allowed: the database server\'s DNS name'],
    ['a port out of range', { ...DB, port: 70000 }, 'vault.databases[0].port: got 70000; allowed: a TCP port from 1 to 65535'],
    ['a fractional port', { ...DB, port: 5432.5 }, 'vault.databases[0].port: got 5432.5; allowed: a TCP port from 1 to 65535'],
    ['a database name with spaces', { ...DB, database: 'led ger' }, 'vault.databases[0].database: got "led ger"; allowed: a PostgreSQL database name: 1-63 lowercase letters, digits, _ and -, starting with a letter or _'],
    ['sslMode disable', { ...DB, sslMode: 'disable' }, 'vault.databases[0].sslMode: got "disable"; allowed: one of verify-full, verify-ca, require (verify-ca and require outside the prod tier only); never disable, allow or prefer: the root and the issued credentials would cross the network unencrypted'],
    ['sslMode prefer', { ...DB, sslMode: 'prefer' }, 'vault.databases[0].sslMode: got "prefer"; allowed: one of verify-full, verify-ca, require'],
    ['verify-full without a CA', { ...DB, caCertificate: undefined }, "vault.databases[0].caCertificate: got (missing); allowed: the PEM CA certificate(s) the server's certificate chains to: sslMode verify-full verifies the server against them"],
    ['verify-ca without a CA', { ...DB, sslMode: 'verify-ca', caCertificate: undefined }, "vault.databases[0].caCertificate: got (missing); allowed: the PEM CA certificate(s) the server's certificate chains to: sslMode verify-ca verifies the server against them"],
    ['a CA with require, which checks nothing', { ...DB, sslMode: 'require' }, 'allowed: no caCertificate with sslMode require, which checks nothing: use verify-full (or verify-ca outside prod) to verify the server against it'],
    ['a CA that is not PEM', { ...DB, caCertificate: 'ledger-ca.pem' }, 'vault.databases[0].caCertificate: got "ledger-ca.pem"; allowed: one or more PEM blocks -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE----- and nothing else'],
    ['a CA with text around it', { ...DB, caCertificate: `subject=ledger\n${CA}` }, 'vault.databases[0].caCertificate: got "subject=ledger\\n-----BEGIN CERTIFICATE-----'],
    ['a CERTIFICATE block that does not parse', { ...DB, caCertificate: '-----BEGIN CERTIFICATE-----\nTm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n' }, 'allowed: PEM certificates that parse (block 1: '],
    ["the server's own certificate instead of its CA", { ...DB, caCertificate: SERVER_CERT }, 'allowed: CA certificates (block 1, "CN=payments-db.example.internal", is not a CA: pin the CA the server\'s certificate chains to, not the server\'s own)'],
    ['the superuser as Vault\'s login role', { ...DB, username: 'postgres' }, 'vault.databases[0].username: got "postgres"; allowed: a PostgreSQL role name (1-63 lowercase letters, digits and _, starting with a letter or _) of a dedicated login role with CREATEROLE, not a superuser (postgres, rdsadmin, rds_superuser, azure_superuser, azure_pg_admin, cloudsqlsuperuser)'],
    ['a role name needing quotes', { ...DB, username: 'Vault-Admin' }, 'vault.databases[0].username: got "Vault-Admin"; allowed: a PostgreSQL role name'],
    ['bootstrapPasswordVersion 0', { ...DB, bootstrapPasswordVersion: 0 }, 'vault.databases[0].bootstrapPasswordVersion: got 0; allowed: a whole number of at least 1; bump it to send the bootstrap password again'],
    ['a fractional bootstrapPasswordVersion', { ...DB, bootstrapPasswordVersion: 1.5 }, 'vault.databases[0].bootstrapPasswordVersion: got 1.5; allowed: a whole number of at least 1'],
    ['no namespace', { ...DB, namespaces: [] }, 'vault.databases[0].namespaces: got []; allowed: at least one application namespace whose workloads may get credentials'],
    ['a platform namespace', { ...DB, namespaces: ['vault'] }, 'vault.databases[0].namespaces[0]: got "vault"; allowed: an application namespace (payments, payments-batch); platform and system namespaces never get database credentials ("vault" is a platform namespace)'],
    ['a console namespace', { ...DB, namespaces: ['payments', 'monitoring'] }, 'vault.databases[0].namespaces[1]: got "monitoring"; allowed: an application namespace (payments, payments-batch); platform and system namespaces never get database credentials ("monitoring" is a platform namespace)'],
    ['a system namespace', { ...DB, namespaces: ['kube-system'] }, '("kube-system" is a platform namespace)'],
    ['a namespace the platform does not create', { ...DB, namespaces: ['ledger'] }, 'vault.databases[0].namespaces[0]: got "ledger"; allowed: an application namespace (payments, payments-batch); platform and system namespaces never get database credentials'],
    ['a namespace twice', { ...DB, namespaces: ['payments', 'payments'] }, 'vault.databases[0].namespaces[1]: got "payments"; allowed: each namespace once'],
    ['a TTL under 5 minutes', { ...DB, ttlSeconds: 60 }, 'vault.databases[0].ttlSeconds: got 60; allowed: whole seconds from 300 to 3600 (5 minutes to 1 hour): a leaked credential expires on its own soon'],
    ['a TTL over an hour', { ...DB, ttlSeconds: 7200, maxTtlSeconds: 7200 }, 'vault.databases[0].ttlSeconds: got 7200; allowed: whole seconds from 300 to 3600'],
    ['a maximum TTL under the TTL', { ...DB, ttlSeconds: 1800, maxTtlSeconds: 900 }, 'vault.databases[0].maxTtlSeconds: got 900; allowed: at least ttlSeconds (1800): a credential cannot live shorter than its default lifetime'],
    ['a maximum TTL over a day', { ...DB, maxTtlSeconds: 90000 }, 'vault.databases[0].maxTtlSeconds: got 90000; allowed: whole seconds of at least ttlSeconds and at most 86400 (24 hours)'],
    ['a password in the config', { ...DB, password: 'x' }, 'vault.databases[0].password: got "x"; allowed: no unknown fields: remove "password"'],
  ])('rejects %s', (_what, database, message) => {
    const line = only(awsDev, database as Record<string, unknown>);
    expect(line).toMatch(/^config error: \[aws\/dev\] vault\.databases\[0\]\./);
    expect(line).toContain(message);
  });

  it('rejects a private key pasted as CA without echoing it', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256', privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    const message = only(awsDev, { ...DB, caCertificate: `${CA}${privateKey}` });
    expect(message).toBe('config error: [aws/dev] vault.databases[0].caCertificate: got "(a PEM text holding a private key, not shown)"; allowed: CA certificates only: a private key must never be in the configuration (remove it and rotate it)');
    expect(message).not.toContain(privateKey.split('\n')[1]);
  });

  it('rejects a name used twice, naming the first', () => {
    const problems = problemsOf(withDatabases(awsDev, [DB, { ...DB, host: 'ledger-replica.example.com' }]));
    expect(problems).toEqual(['config error: [aws/dev] vault.databases[1].name: got "ledger"; allowed: a name used once (databases[0] has it)']);
  });

  it('holds the prod tier to verify-full and credentials of at most 4 hours', () => {
    expect(only(awsProd, { ...DB, sslMode: 'verify-ca' })).toBe(
      'config error: [aws/prod] vault.databases[0].sslMode: got "verify-ca"; allowed: verify-full in the prod tier: Vault checks the certificate chain and that it names the host, so nobody in the path can collect the root or the issued credentials',
    );
    const noCa: Record<string, unknown> = { ...DB, sslMode: 'require' };
    delete noCa.caCertificate;
    expect(only(awsProd, noCa)).toContain('[aws/prod] vault.databases[0].sslMode: got "require"; allowed: verify-full in the prod tier');
    expect(only(awsProd, { ...DB, maxTtlSeconds: 20000 })).toBe(
      'config error: [aws/prod] vault.databases[0].maxTtlSeconds: got 20000; allowed: at most 14400 seconds (4 hours) in the prod tier: a credential, renewed or not, expires within a shift',
    );
    // The same values are fine in dev.
    expect(problemsOf(withDatabases(gcpDev, [{ ...DB, sslMode: 'verify-ca', maxTtlSeconds: 20000 }]))).toEqual([]);
  });
});
