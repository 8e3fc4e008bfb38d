/**
 * policies/restrict-secret-generators names the vault stack's constants (Vault's address, the
 * Kubernetes auth mount, the database role, the namespace identity, the database mount) and the
 * External Secrets generator kinds the pinned chart installs: both are held to their sources here,
 * so a rename on either side fails this spec instead of the first VaultDynamicSecret on a cluster.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { VAULT_SECRET_STORE } from '../../src/constructs/baseline/external-secrets';
import { DATABASE_CREDENTIALS_ROLE, DATABASE_SECRETS_MOUNT } from '../../src/constructs/vault/database-secrets';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const REPO = join(__dirname, '..', '..');
const UPSTREAM_DIR = process.env.UPSTREAM_DIR || join(REPO, '..', 'shared', 'upstream');
const policy = parse(readFileSync(join(REPO, 'policies/restrict-secret-generators/policy.yaml'), 'utf8')) as Json;
const rule = (name: string): Json => (policy.spec.rules as Json[]).find((r) => r.name === name)!;

/** Generators that generate locally (allowed), the one the platform pins, and the controller's own state. */
const ALLOWED = ['GeneratorState', 'Password', 'SSHKey', 'UUID', 'VaultDynamicSecret'];

describe('restrict-secret-generators', () => {
  it("pins a VaultDynamicSecret to the platform's Vault, auth mount, database role, identity and mount", () => {
    const spec = rule('vault-dynamic-secret-platform-vault').validate.pattern.spec;
    expect(spec.provider.server).toBe(VAULT_SECRET_STORE.server);
    expect(spec.provider.auth.kubernetes).toEqual({
      mountPath: VAULT_SECRET_STORE.authMount,
      role: DATABASE_CREDENTIALS_ROLE,
      serviceAccountRef: { name: VAULT_SECRET_STORE.serviceAccount },
      'X(secretRef)': 'null',
    });
    expect(spec.path).toBe(`${DATABASE_SECRETS_MOUNT}/creds/{{ request.object.metadata.namespace }}_?*`);
  });

  it('refuses every namespaced generator kind of the pinned External Secrets chart but the allowed ones', () => {
    const dir = join(UPSTREAM_DIR, 'crds', 'generators.external-secrets.io');
    if (!existsSync(dir)) throw new Error(`this spec needs the upstream CRDs and did not run: ${dir} is missing (set UPSTREAM_DIR)`);
    const namespaced = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parse(readFileSync(join(dir, f), 'utf8')) as Json)
      .filter((crd) => crd.spec.scope === 'Namespaced')
      .map((crd) => String(crd.spec.names.kind))
      .sort();
    const refused = (rule('allowed-generator-kinds').match.any[0].resources.kinds as string[]).map((k) => k.replace('generators.external-secrets.io/*/', '')).sort();
    expect(refused).toEqual(namespaced.filter((k) => !ALLOWED.includes(k)));
    expect(namespaced).toEqual(expect.arrayContaining(ALLOWED));
  });
});
