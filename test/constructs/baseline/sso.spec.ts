/**
 * Console SSO (issue 11, item 5): Argo CD and Grafana sign in through the organisation's OIDC
 * identity provider, with group -> role mappings from config, read-only Argo CD by default, no
 * Grafana login form, basic auth or anonymous access, and client secrets only from Vault (the
 * ExternalSecrets of charts/platform-baseline). Bad input stops synth (config and construct).
 */
import { Testing } from 'cdktf';
import { validateEnvironment } from '../../../src/config/validate';
import { platformChartValues } from '../../../src/constructs/baseline/policies';
import { SecurityBaseline, type ConsoleSsoProps } from '../../../src/constructs/baseline/security-baseline';
import { argoCdPolicyCsv, grafanaRoleAttributePath } from '../../../src/constructs/baseline/sso';
import { loadFleetFromDirectory } from '../../../src/config';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const SSO: ConsoleSsoProps = {
  issuerUrl: 'https://login.example.com/oauth2/platform',
  argoCd: {
    url: 'https://argocd.aws-prod.example.com',
    clientId: 'argocd-aws-prod',
    groups: [
      { group: 'platform-admins', role: 'admin' },
      { group: 'payments-release', role: 'sync', projects: ['payments', 'platform'] },
      { group: 'auditors', role: 'readonly' },
    ],
  },
  grafana: {
    url: 'https://grafana.aws-prod.example.com',
    clientId: 'grafana-aws-prod',
    authUrl: 'https://login.example.com/oauth2/platform/v1/authorize',
    tokenUrl: 'https://login.example.com/oauth2/platform/v1/token',
    apiUrl: 'https://login.example.com/oauth2/platform/v1/userinfo',
    adminGroups: ['platform-admins'],
    editorGroups: ['sre'],
    viewerGroups: ['auditors'],
  },
};

function synth(sso?: ConsoleSsoProps): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', { cluster: fakeContract('aws'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART, sso });
    }),
  ).resource as Json;
}

function values(resources: Json, name: string): Json {
  const release = Object.values(resources.helm_release as Json).find((r: Json) => r.name === name) as Json;
  return JSON.parse(release.values[0]) as Json;
}

describe('Argo CD with SSO', () => {
  const argo = values(synth(SSO), 'argo-cd');

  it('signs in through the identity provider directly (no Dex, no local admin), the client secret by reference', () => {
    expect(argo.configs.cm).toMatchObject({ url: 'https://argocd.aws-prod.example.com', 'admin.enabled': false, 'exec.enabled': false });
    expect(JSON.parse(argo.configs.cm['oidc.config'])).toEqual({
      name: 'SSO',
      issuer: 'https://login.example.com/oauth2/platform',
      clientID: 'argocd-aws-prod',
      clientSecret: '$argocd-oidc:clientSecret',
      requestedScopes: ['openid', 'profile', 'email', 'groups'],
      requestedIDTokenClaims: { groups: { essential: true } },
      enablePKCEAuthentication: true,
    });
    expect(argo.dex).toEqual({ enabled: false });
  });

  it('is read-only by default; sync per group and project; admin per group', () => {
    expect(argo.configs.rbac['policy.default']).toBe('role:readonly');
    expect(argo.configs.rbac.scopes).toBe('[groups]');
    expect(argo.configs.rbac['policy.csv']).toBe(
      [
        'g, platform-admins, role:admin',
        'p, role:sync-payments, applications, get, payments/*, allow',
        'p, role:sync-payments, applications, sync, payments/*, allow',
        'g, payments-release, role:sync-payments',
        'p, role:sync-platform, applications, get, platform/*, allow',
        'p, role:sync-platform, applications, sync, platform/*, allow',
        'g, payments-release, role:sync-platform',
        'g, auditors, role:readonly',
        '',
      ].join('\n'),
    );
  });

  it('without SSO nobody can sign in and a signed-in user would see nothing', () => {
    const plain = values(synth(), 'argo-cd');
    expect(plain.configs.rbac).toEqual({ 'policy.default': '' });
    expect(plain.configs.cm['oidc.config']).toBeUndefined();
  });

  it('defines one sync role per project even when several groups sync it', () => {
    const csv = argoCdPolicyCsv({ ...SSO, argoCd: { ...SSO.argoCd, groups: [{ group: 'a', role: 'sync', projects: ['p'] }, { group: 'b', role: 'sync', projects: ['p'] }] } });
    expect(csv.match(/^p, role:sync-p, applications, sync/gm)).toHaveLength(1);
    expect(csv).toContain('g, a, role:sync-p');
    expect(csv).toContain('g, b, role:sync-p');
  });
});

describe('Grafana with SSO', () => {
  const grafana = values(synth(SSO), 'kube-prometheus-stack').grafana as Json;
  const ini = grafana['grafana.ini'] as Json;

  it('has no login form, no basic auth and no anonymous access; generic OAuth with PKCE', () => {
    expect(ini.auth).toEqual({ disable_login_form: true });
    expect(ini['auth.basic']).toEqual({ enabled: false });
    expect(ini['auth.anonymous']).toEqual({ enabled: false });
    expect(ini.server).toEqual({ root_url: 'https://grafana.aws-prod.example.com' });
    expect(ini['auth.generic_oauth']).toMatchObject({
      enabled: true,
      client_id: 'grafana-aws-prod',
      auth_url: 'https://login.example.com/oauth2/platform/v1/authorize',
      token_url: 'https://login.example.com/oauth2/platform/v1/token',
      api_url: 'https://login.example.com/oauth2/platform/v1/userinfo',
      use_pkce: true,
      role_attribute_strict: true,
      allow_assign_grafana_admin: false,
      tls_skip_verify_insecure: false,
    });
    expect(ini['auth.generic_oauth'].client_secret).toBeUndefined();
  });

  it('maps groups to Admin, Editor, Viewer in that order; a person in none cannot sign in', () => {
    expect(ini['auth.generic_oauth'].role_attribute_path).toBe(
      `contains("groups"[*], 'platform-admins') && 'Admin' || contains("groups"[*], 'sre') && 'Editor' || contains("groups"[*], 'auditors') && 'Viewer'`,
    );
    expect(grafanaRoleAttributePath({ ...SSO, groupsClaim: 'https://example.com/groups' })).toContain(`contains("https://example.com/groups"[*], 'platform-admins')`);
  });

  it('reads the client secret from the Secret External Secrets writes (optional, so Grafana starts before it syncs)', () => {
    expect(grafana.envValueFrom).toEqual({ GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: 'grafana-oidc', key: 'clientSecret', optional: true } } });
  });

  it('without SSO keeps only the break-glass admin (no OAuth section)', () => {
    const plain = values(synth(), 'kube-prometheus-stack').grafana as Json;
    expect(plain['grafana.ini']['auth.generic_oauth']).toBeUndefined();
    expect(plain.envValueFrom).toBeUndefined();
  });
});

describe('console client secrets in charts/platform-baseline', () => {
  it('turns both ExternalSecrets on with SSO, each under its own namespace path in Vault', () => {
    expect(platformChartValues('vault-server-tls', SSO).consoleSso).toEqual({
      argoCd: { enabled: true, namespace: 'argocd', secretName: 'argocd-oidc', secretKey: 'clientSecret', vaultKey: 'argocd/oidc' },
      grafana: { enabled: true, namespace: 'monitoring', secretName: 'grafana-oidc', secretKey: 'clientSecret', vaultKey: 'monitoring/grafana-oidc' },
    });
    expect((platformChartValues().consoleSso as Json).argoCd.enabled).toBe(false);
  });

  it('passes SSO from the baseline props to the Argo CD Application of the chart', () => {
    const apps = values(synth(SSO), 'platform-policies');
    expect(apps.applications['platform-baseline'].source.helm.valuesObject.consoleSso.grafana.enabled).toBe(true);
  });
});

describe('SSO configuration', () => {
  const fleet = loadFleetFromDirectory('environments');
  const prod = fleet.environments.find((e) => e.cloud === 'aws' && e.tier === 'prod')!;
  const { sso, ...withoutSso } = prod;

  it('is present for every prod-tier environment of the reference fleet', () => {
    expect(sso).toBeDefined();
    for (const env of fleet.environments.filter((e) => e.tier === 'prod')) expect(env.sso?.argoCd.groups.length).toBeGreaterThan(0);
  });

  it('is required in the prod tier, optional below', () => {
    const problems = validateEnvironment(withoutSso).problems;
    expect(problems.map((p) => `${p.field}: ${p.allowed}`)).toContain(
      "sso: an sso block in the prod tier: people sign in to Argo CD and Grafana through the organisation's identity provider (docs/identity.md)",
    );
    expect(validateEnvironment({ ...withoutSso, tier: 'staging', gitOps: { ...prod.gitOps, targetRevision: 'main' } }).problems.filter((p) => p.field === 'sso')).toEqual([]);
  });

  it('refuses plain http (a schema problem, reported before the rules below)', () => {
    const problems = validateEnvironment({ ...prod, sso: { ...sso!, issuerUrl: 'http://login.example.com' } }).problems;
    expect(problems.map((p) => `${p.field}: ${JSON.stringify(p.value)}: ${p.allowed}`)).toEqual(['sso.issuerUrl: "http://login.example.com": an https:// URL without query or fragment']);
  });

  it('refuses sync groups without projects, projects on other roles, duplicate groups and a group in two Grafana roles', () => {
    const bad = {
      ...prod,
      sso: {
        ...sso!,
        argoCd: { ...sso!.argoCd, groups: [{ group: 'ops', role: 'sync' }, { group: 'ops', role: 'admin', projects: ['platform'] }] },
        grafana: { ...sso!.grafana, adminGroups: ['ops'], viewerGroups: ['ops'] },
      },
    };
    const found = validateEnvironment(bad).problems.map((p) => `${p.field}: ${p.allowed}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'sso.argoCd.groups[0].projects: the AppProjects this sync group may sync (at least one)',
        'sso.argoCd.groups[1].projects: nothing for role admin (projects apply to sync groups only)',
        'sso.argoCd.groups[1].group: each group once (one role per group)',
        'sso.grafana.viewerGroups[0]: a group in one role list only (already in adminGroups)',
      ]),
    );
  });

  it('refuses group names that would break the RBAC CSV or the JMESPath expression', () => {
    const bad = { ...prod, sso: { ...sso!, grafana: { ...sso!.grafana, viewerGroups: ["auditors', 'x"] } } };
    expect(validateEnvironment(bad).problems.map((p) => p.field)).toContain('sso.grafana.viewerGroups[0]');
  });

  it('stops synth for library users with the same rules', () => {
    expect(() => synth({ ...SSO, issuerUrl: 'http://login.example.com' })).toThrow('sso.issuerUrl must be an https:// URL without query or fragment, got "http://login.example.com"');
    expect(() => synth({ ...SSO, argoCd: { ...SSO.argoCd, groups: [{ group: 'ops', role: 'sync' }] } })).toThrow('sso.argoCd.groups: sync group "ops" needs the projects it may sync');
    expect(() => synth({ ...SSO, grafana: { ...SSO.grafana, viewerGroups: ['a,b'] } })).toThrow('sso group names must not contain commas, quotes or leading/trailing spaces, got "a,b"');
  });
});
