/**
 * Single sign-on of the consoles (docs/identity.md): Argo CD and Grafana sign
 * people in through the organisation's OIDC identity provider and map its
 * groups to roles; neither has a shared local account. The OIDC client
 * secrets are read from Vault by External Secrets (ExternalSecrets rendered by
 * charts/platform-baseline, templates/console-sso.yaml) and never appear in
 * configuration, values or Terraform state.
 */
import type { HelmValues } from './helm-defaults';
import { BASELINE_NAMESPACES, type ConsoleSsoProps } from './settings';
import { DEFAULT_SSO_GROUPS_CLAIM } from './sso-rules';

/** The Secrets External Secrets writes for the consoles, and where in Vault their client secrets live (under the KV mount). */
export const CONSOLE_OIDC_SECRETS = {
  argoCd: { namespace: BASELINE_NAMESPACES.argoCd, secretName: 'argocd-oidc', secretKey: 'clientSecret', vaultKey: `${BASELINE_NAMESPACES.argoCd}/oidc` },
  grafana: { namespace: BASELINE_NAMESPACES.monitoring, secretName: 'grafana-oidc', secretKey: 'clientSecret', vaultKey: `${BASELINE_NAMESPACES.monitoring}/grafana-oidc` },
} as const;


/** Argo CD's RBAC policy lines: one role per synced project, groups bound to roles. */
export function argoCdPolicyCsv(sso: ConsoleSsoProps): string {
  const lines: string[] = [];
  const projectRoles = new Set<string>();
  for (const g of sso.argoCd.groups) {
    if (g.role === 'admin') lines.push(`g, ${g.group}, role:admin`);
    else if (g.role === 'readonly') lines.push(`g, ${g.group}, role:readonly`);
    else {
      for (const project of g.projects ?? []) {
        const role = `role:sync-${project}`;
        if (!projectRoles.has(role)) {
          projectRoles.add(role);
          // Read and sync the project's Applications; no create, update, delete or override.
          lines.push(`p, ${role}, applications, get, ${project}/*, allow`, `p, ${role}, applications, sync, ${project}/*, allow`);
        }
        lines.push(`g, ${g.group}, ${role}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Argo CD's `configs` additions for SSO: the external URL, the OIDC connector (no Dex: Argo CD
 * talks to the identity provider directly) and RBAC that is read-only by default.
 */
export function argoCdSsoConfigs(sso: ConsoleSsoProps): { cm: HelmValues; rbac: HelmValues } {
  const claim = sso.groupsClaim ?? DEFAULT_SSO_GROUPS_CLAIM;
  const secret = CONSOLE_OIDC_SECRETS.argoCd;
  // JSON is YAML: Argo CD parses oidc.config as YAML.
  const oidc = {
    name: 'SSO',
    issuer: sso.issuerUrl,
    clientID: sso.argoCd.clientId,
    // `$<secret>:<key>`: Argo CD reads it from that Secret (labelled part-of argocd) at sign-in.
    clientSecret: `$${secret.secretName}:${secret.secretKey}`,
    requestedScopes: ['openid', 'profile', 'email', 'groups'],
    requestedIDTokenClaims: { [claim]: { essential: true } },
    // Authorization code with PKCE.
    enablePKCEAuthentication: true,
  };
  return {
    cm: { url: sso.argoCd.url, 'oidc.config': JSON.stringify(oidc) },
    rbac: {
      // Every signed-in person can see, nobody changes anything without a group binding
      // (PCI-DSS 4.0 7.2.1, 7.2.2).
      'policy.default': 'role:readonly',
      'policy.csv': argoCdPolicyCsv(sso),
      // The claim that carries the groups the policy binds.
      scopes: `[${claim}]`,
    },
  };
}

/** Grafana's JMESPath role expression: Admin, then Editor, then Viewer; no match means no sign-in (strict). */
export function grafanaRoleAttributePath(sso: ConsoleSsoProps): string {
  const claim = JSON.stringify(sso.groupsClaim ?? DEFAULT_SSO_GROUPS_CLAIM);
  const terms: string[] = [];
  const add = (groups: readonly string[] | undefined, role: string): void => {
    for (const group of groups ?? []) terms.push(`contains(${claim}[*], '${group}') && '${role}'`);
  };
  add(sso.grafana.adminGroups, 'Admin');
  add(sso.grafana.editorGroups, 'Editor');
  add(sso.grafana.viewerGroups, 'Viewer');
  return terms.join(' || ');
}

/** Grafana's `grafana.ini` sections and environment for SSO: generic OAuth only, no login form, no basic auth. */
export function grafanaSsoValues(sso: ConsoleSsoProps): { ini: HelmValues; envValueFrom: HelmValues } {
  const claim = sso.groupsClaim ?? DEFAULT_SSO_GROUPS_CLAIM;
  const secret = CONSOLE_OIDC_SECRETS.grafana;
  return {
    ini: {
      server: { root_url: sso.grafana.url },
      // People sign in through the identity provider only (PCI-DSS 4.0 8.2.1, 8.3.1).
      auth: { disable_login_form: true },
      'auth.basic': { enabled: false },
      'auth.generic_oauth': {
        enabled: true,
        name: 'SSO',
        client_id: sso.grafana.clientId,
        scopes: 'openid profile email groups',
        auth_url: sso.grafana.authUrl,
        token_url: sso.grafana.tokenUrl,
        api_url: sso.grafana.apiUrl,
        use_pkce: true,
        use_refresh_token: true,
        groups_attribute_path: JSON.stringify(claim),
        role_attribute_path: grafanaRoleAttributePath(sso),
        // A person in none of the mapped groups cannot sign in (not even as Viewer).
        role_attribute_strict: true,
        // Grafana server administration stays with the break-glass admin, never a group.
        allow_assign_grafana_admin: false,
        // Accounts are created at first sign-in from the identity provider (the sign-up form stays off).
        allow_sign_up: true,
        tls_skip_verify_insecure: false,
      },
    },
    // The client secret from the Secret External Secrets writes; optional, so Grafana starts on a new
    // cluster before the ExternalSecret has synced (SSO works after the next restart, docs/identity.md).
    envValueFrom: {
      GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET: { secretKeyRef: { name: secret.secretName, key: secret.secretKey, optional: true } },
    },
  };
}

/** Values of charts/platform-baseline (templates/console-sso.yaml): the ExternalSecrets of the consoles' client secrets. */
export function consoleSsoChartValues(sso: ConsoleSsoProps | undefined): HelmValues {
  const enabled = sso !== undefined;
  const entry = (s: (typeof CONSOLE_OIDC_SECRETS)[keyof typeof CONSOLE_OIDC_SECRETS]): HelmValues => ({ enabled, namespace: s.namespace, secretName: s.secretName, secretKey: s.secretKey, vaultKey: s.vaultKey });
  return { argoCd: entry(CONSOLE_OIDC_SECRETS.argoCd), grafana: entry(CONSOLE_OIDC_SECRETS.grafana) };
}
