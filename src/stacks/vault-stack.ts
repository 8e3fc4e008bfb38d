/**
 * `<cloud>-<env>-vault`: Vault configured as code (PlatformVaultConfig), applied
 * after the baseline stack has installed Vault and a person has initialised it
 * (docs/runbooks.md, "Vault bootstrap"). The provider reaches Vault through
 * `kubectl port-forward` on the runner (Vault has no network path outside the
 * cluster) and logs in with the job's GitHub OIDC token (JWT auth method
 * `jwt-ci`): no Vault token, root or otherwise, is in the configuration, the
 * state or a CI secret. The role is an ephemeral variable: the plan job plans
 * with the environment's read-only role, the deploy job applies that saved plan
 * with the deploy role. With `vault.databases`, also the database secrets
 * engine (DatabaseSecrets), whose bootstrap passwords come from the ephemeral variable
 * `vault_db_bootstrap_passwords` (TF_VAR_, set by the jobs only when the environment has the secret).
 */
import { TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import type { EnvironmentConfig } from '../config/schema';
import { secretStoreNamespaces } from '../constructs/baseline/policies';
import { BASELINE_NAMESPACES, VAULT_RELEASE } from '../constructs/baseline/settings';
import { DatabaseSecrets } from '../constructs/vault/database-secrets';
import { PlatformVaultConfig } from '../constructs/vault/platform-vault';
import { configureBackend } from './common';
import { VAULT_CI_AUTH_MOUNT, vaultCiRoleName } from './vault-ci-policies';

/** Where the deploy job's port-forward listens (`kubectl -n vault port-forward svc/vault 8200:8200`). */
export const VAULT_PORT_FORWARD_ADDRESS = 'https://127.0.0.1:8200';
/** A DNS name of Vault's certificate (charts/platform-pki): verified although the connection goes to 127.0.0.1. */
export const VAULT_TLS_SERVER_NAME = `${VAULT_RELEASE}.${BASELINE_NAMESPACES.vault}.svc`;

/** The Vault role the environment's deploy job logs in with (bound to its baseline GitHub environment at bootstrap). */
export function vaultCiRole(config: Pick<EnvironmentConfig, 'cloud' | 'name'>): string {
  return vaultCiRoleName(config, 'deploy');
}

/** The read-only Vault role the environment's plan and drift jobs log in with (bound to its plan GitHub environment). */
export function vaultCiPlanRole(config: Pick<EnvironmentConfig, 'cloud' | 'name'>): string {
  return vaultCiRoleName(config, 'plan');
}

/**
 * Terraform variable naming the Vault role the provider logs in with. Ephemeral: Terraform keeps it out
 * of the saved plan and the state and asks for it again at apply, so the plan job plans with the read-only
 * role and the deploy job applies the same saved plan with the deploy role (TF_VAR_vault_ci_role).
 */
export const VAULT_CI_ROLE_VARIABLE = 'vault_ci_role';

export interface VaultStackProps {
  /** The validated configuration of the environment: its state backend and SSO (which namespaces the store serves). */
  readonly config: EnvironmentConfig;
}

/** `<cloud>-<env>-vault`: the platform's Vault configuration in its own state, applied with a short-lived CI identity. */
export class VaultStack extends TerraformStack {
  readonly vault: PlatformVaultConfig;
  /** The database secrets engine, when the environment lists `vault.databases`. */
  readonly databases?: DatabaseSecrets;

  constructor(scope: Construct, id: string, props: VaultStackProps) {
    super(scope, id);
    const { config } = props;
    configureBackend(this, config);
    const roles = [vaultCiPlanRole(config), vaultCiRole(config)];
    const role = new TerraformVariable(this, VAULT_CI_ROLE_VARIABLE, {
      type: 'string',
      nullable: false,
      description: `Vault role of the job: ${roles[0]} (plan, drift: read-only) or ${roles[1]} (deploy). Not stored in the plan; set again at apply.`,
      validation: [{ condition: `\${contains(${JSON.stringify(roles)}, var.${VAULT_CI_ROLE_VARIABLE})}`, errorMessage: `${VAULT_CI_ROLE_VARIABLE} must be ${roles[0]} or ${roles[1]} (this environment's Vault roles).` }],
    });
    role.overrideLogicalId(VAULT_CI_ROLE_VARIABLE);
    role.addOverride('ephemeral', true);
    new VaultProvider(this, 'vault', {
      address: VAULT_PORT_FORWARD_ADDRESS,
      tlsServerName: VAULT_TLS_SERVER_NAME,
      // The CA of Vault's certificate comes from VAULT_CACERT (ca.crt of vault/vault-server-tls, read by the job);
      // the GitHub OIDC token from TERRAFORM_VAULT_AUTH_JWT. Neither is written into the configuration.
      authLoginJwt: [{ mount: VAULT_CI_AUTH_MOUNT, role: role.stringValue }],
      // Terraform's child token lives only for the run.
      skipChildToken: false,
      maxLeaseTtlSeconds: 1200,
    });
    this.vault = new PlatformVaultConfig(this, 'vault-config', { namespaces: secretStoreNamespaces(config.sso) });
    if (config.vault.databases.length > 0) {
      this.databases = new DatabaseSecrets(this, 'database-secrets', {
        databases: config.vault.databases,
        kubernetesAuth: this.vault.kubernetesAuth,
        dependsOn: [this.vault.audit],
      });
    }
  }
}
