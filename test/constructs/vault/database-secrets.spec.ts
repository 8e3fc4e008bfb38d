/**
 * DatabaseSecrets on its own (library use): how each database input becomes a connection, a
 * rotate-root write and roles, how several databases share the mount, the policy and the auth role,
 * the opt-outs outside prod (verify-ca, require) and every bad input a library user can pass.
 */
import { Testing, TerraformStack } from 'cdktf';
import { awsProd } from '../../helpers/environments';
import { DatabaseSecrets, databaseConnectionUrl, databaseCredentialsPolicy, type DatabaseSecretsProps } from '../../../src/constructs/vault/database-secrets';
import type { DatabaseConnectionInput } from '../../../src/constructs/vault/database-rules';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CA = awsProd.vault.databases[0].caCertificate!;
const AUTH = { path: 'kubernetes', accessor: 'auth_kubernetes_0a1b2c3d' };
const LEDGER: DatabaseConnectionInput = { name: 'ledger', host: 'ledger-db.example.internal', database: 'ledger', namespaces: ['payments'], caCertificate: CA };
const CARDS: DatabaseConnectionInput = {
  name: 'cards',
  host: '10.40.0.12',
  port: 6432,
  database: 'cards_vault',
  username: 'vault_cards',
  sslMode: 'verify-ca',
  caCertificate: CA,
  namespaces: ['payments-batch', 'payments'],
  ttlSeconds: 1200,
  maxTtlSeconds: 7200,
  bootstrapPasswordVersion: 3,
};

function synth(props: Partial<DatabaseSecretsProps> = {}): Json {
  const stack = new TerraformStack(Testing.app(), 's');
  new DatabaseSecrets(stack, 'db', { databases: [LEDGER, CARDS], kubernetesAuth: AUTH, ...props });
  return JSON.parse(Testing.synth(stack)) as Json;
}
const all = (json: Json, type: string): Json[] => Object.values((json.resource?.[type] ?? {}) as Json) as Json[];
const byName = (json: Json, type: string, name: string): Json => all(json, type).find((r) => r.name === name)!;

describe('DatabaseSecrets with two databases', () => {
  let json: Json;
  beforeAll(() => {
    json = synth();
  });

  it('shares one mount whose lease bounds cover every role: the shortest TTL by default, the longest maximum', () => {
    expect(all(json, 'vault_mount')).toEqual([
      expect.objectContaining({ path: 'platform-db', type: 'database', default_lease_ttl_seconds: 900, max_lease_ttl_seconds: 7200 }),
    ]);
  });

  it('connects to each database with its own port, database, login role, sslmode and CA, and allows only its roles', () => {
    const cards = byName(json, 'vault_database_secret_backend_connection', 'cards');
    expect(cards.allowed_roles).toEqual(['payments-batch_cards', 'payments_cards']);
    expect(cards.verify_connection).toBe(true);
    expect(cards.postgresql).toMatchObject({
      connection_url: 'postgresql://{{username}}:{{password}}@10.40.0.12:6432/cards_vault?sslmode=verify-ca',
      username: 'vault_cards',
      tls_ca: CA,
      password_wo: '${lookup(var.vault_db_bootstrap_passwords, "cards", null)}',
      password_wo_version: 3,
      password_authentication: 'scram-sha-256',
    });
    expect(byName(json, 'vault_database_secret_backend_connection', 'ledger').postgresql.connection_url).toBe('postgresql://{{username}}:{{password}}@ledger-db.example.internal:5432/ledger?sslmode=verify-full');
  });

  it('rotates each root credential after its connection, again when its bootstrap password version changes', () => {
    const rotations = all(json, 'vault_generic_endpoint');
    expect(rotations).toHaveLength(2);
    for (const [id, connection] of Object.entries(json.resource.vault_database_secret_backend_connection as Json)) {
      const rotation = rotations.find((r) => String(r.path).endsWith(`/rotate-root/\${vault_database_secret_backend_connection.${id}.name}`))!;
      expect(rotation).toMatchObject({ data_json: '{}', disable_read: true, disable_delete: true });
      expect(rotation.lifecycle.replace_triggered_by).toEqual([`vault_database_secret_backend_connection.${id}.postgresql[0].password_wo_version`]);
      expect(connection.name).toMatch(/^(ledger|cards)$/);
    }
  });

  it('gives every namespace of every database its own role with that database\'s TTLs', () => {
    const roles = all(json, 'vault_database_secret_backend_role');
    expect(roles.map((r) => [r.name, r.default_ttl, r.max_ttl]).sort()).toEqual([
      ['payments-batch_cards', 1200, 7200],
      ['payments_cards', 1200, 7200],
      ['payments_ledger', 900, 3600],
    ]);
    expect(byName(json, 'vault_database_secret_backend_role', 'payments-batch_cards').creation_statements[1]).toBe('GRANT "payments-batch_app" TO "{{name}}";');
  });

  it('declares the bootstrap password variable once: sensitive, ephemeral, an empty map by default', () => {
    expect(json.variable).toEqual({
      vault_db_bootstrap_passwords: expect.objectContaining({ type: 'map(string)', sensitive: true, ephemeral: true, nullable: false, default: {} }),
    });
  });

  it('binds the database login role to the union of the namespaces, with a token that outlives the longest default TTL', () => {
    expect(all(json, 'vault_kubernetes_auth_backend_role')).toEqual([
      expect.objectContaining({ role_name: 'external-secrets-database', backend: 'kubernetes', bound_service_account_namespaces: ['payments', 'payments-batch'], token_ttl: 1200, token_max_ttl: 1200 }),
    ]);
    expect(all(json, 'vault_policy')).toEqual([{ name: 'external-secrets-database-creds', policy: databaseCredentialsPolicy(AUTH.accessor) }]);
  });
});

describe('DatabaseSecrets outside prod', () => {
  it('connects with sslmode=require and no CA when asked', () => {
    const noCa: DatabaseConnectionInput = { ...LEDGER, sslMode: 'require', caCertificate: undefined };
    const connection = all(synth({ databases: [noCa] }), 'vault_database_secret_backend_connection')[0];
    expect(connection.postgresql.connection_url).toMatch(/\?sslmode=require$/);
    expect(connection.postgresql.tls_ca).toBeUndefined();
  });

  it('builds the URL from the validated parts only', () => {
    expect(databaseConnectionUrl({ host: 'db.example.com', port: 5432, database: 'app', sslMode: 'verify-full' })).toBe('postgresql://{{username}}:{{password}}@db.example.com:5432/app?sslmode=verify-full');
  });
});

describe('DatabaseSecrets input', () => {
  const build = (databases: DatabaseConnectionInput[]) => () => new DatabaseSecrets(new TerraformStack(Testing.app(), 's'), 'db', { databases, kubernetesAuth: AUTH });

  it('refuses no database, a duplicate, and each bad field with the field, what is allowed and the value', () => {
    expect(build([])).toThrow('database secrets: databases must name at least one database');
    expect(build([LEDGER, LEDGER])).toThrow('database secrets: databases[1].name must be a name used once (databases[0] has it), got "ledger"');
    // The host lands in the connection URL: nothing can ride along with it.
    expect(build([{ ...LEDGER, host: 'ledger-db.example.internal/postgres?sslmode=disable' }])).toThrow('database secrets: databases[0].host must be the database server\'s DNS name as its certificate names it');
    expect(build([{ ...LEDGER, sslMode: 'disable' as never }])).toThrow('database secrets: databases[0].sslMode must be one of verify-full, verify-ca, require');
    expect(build([{ ...LEDGER, caCertificate: undefined }])).toThrow("database secrets: databases[0].caCertificate must be the PEM CA certificate(s) the server's certificate chains to");
    expect(build([{ ...LEDGER, namespaces: ['external-secrets'] }])).toThrow('("external-secrets" is a platform namespace), got "external-secrets"');
    expect(build([{ ...LEDGER, ttlSeconds: 30 }])).toThrow('database secrets: databases[0].ttlSeconds must be whole seconds from 300 to 3600');
  });
});
