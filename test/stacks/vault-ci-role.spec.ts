/**
 * The Vault role of the `<cloud>-<env>-vault` stack is an ephemeral Terraform variable, so the plan job
 * plans with the environment's read-only role and the deploy job applies that same saved plan with the
 * deploy role. Proven with the real Terraform binary on the synthesized variable block: the stack's
 * provider needs the pinned Vault provider (not on this machine), so the variable is exercised where
 * Terraform allows an ephemeral value outside a provider block, a local-exec provisioner that writes the
 * value the apply sees. The spec fails, and does not skip, when terraform is missing.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { VAULT_CI_ROLE_VARIABLE, VaultStack, vaultCiPlanRole, vaultCiRole } from '../../src/stacks/vault-stack';
import { REFERENCE_FLEET } from '../helpers/environments';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

jest.setTimeout(60_000);

const prodConfig = REFERENCE_FLEET.environments.find((e) => e.cloud === 'aws' && e.name === 'prod')!;

function synth(): Json {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new VaultStack(app, 'aws-prod-vault', { config: prodConfig }))) as Json;
}

describe('the vault stack logs in with the role of the job', () => {
  const stack = synth();

  it('takes the provider role from the ephemeral variable, limited to the environment\'s two roles', () => {
    expect([vaultCiPlanRole(prodConfig), vaultCiRole(prodConfig)]).toEqual(['ci-aws-prod-plan', 'ci-aws-prod']);
    expect(stack.provider.vault[0].auth_login_jwt).toEqual([{ mount: 'jwt-ci', role: `\${var.${VAULT_CI_ROLE_VARIABLE}}` }]);
    const variable = stack.variable[VAULT_CI_ROLE_VARIABLE];
    expect(variable).toMatchObject({ type: 'string', ephemeral: true, nullable: false });
    expect(variable.default).toBeUndefined();
    expect(variable.validation).toEqual([
      { condition: '${contains(["ci-aws-prod-plan","ci-aws-prod"], var.vault_ci_role)}', error_message: "vault_ci_role must be ci-aws-prod-plan or ci-aws-prod (this environment's Vault roles)." },
    ]);
  });

  describe('with real terraform', () => {
    let dir: string;
    const tf = (args: string[], role?: string) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: join(dir, 'terraformrc') };
      delete env.TF_VAR_vault_ci_role;
      if (role !== undefined) env.TF_VAR_vault_ci_role = role;
      const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8' });
      if (r.error) throw new Error(`terraform is required for this spec and did not run: ${String(r.error)}`);
      return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'vault-ci-role-'));
      writeFileSync(join(dir, 'terraformrc'), '');
      const config = {
        variable: stack.variable,
        resource: {
          terraform_data: {
            login: { input: 'login', provisioner: [{ 'local-exec': { command: `printf %s "\${var.${VAULT_CI_ROLE_VARIABLE}}" > role.txt` } }] },
          },
        },
      };
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify(config));
      expect(tf(['init', '-input=false', '-no-color']).code).toBe(0);
    });

    afterAll(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("refuses another environment's role and no role at all", () => {
      const other = tf(['plan', '-input=false', '-no-color'], 'ci-gcp-dev');
      expect(other.code).toBe(1);
      expect(other.out).toContain("vault_ci_role must be ci-aws-prod-plan or ci-aws-prod (this environment's Vault roles).");
      const none = tf(['plan', '-input=false', '-no-color']);
      expect(none.code).toBe(1);
      expect(none.out).toContain('No value for required variable');
    });

    it('keeps the plan role out of the saved plan, asks for the role again at apply and applies with the deploy role', () => {
      expect(tf(['plan', '-input=false', '-no-color', '-out=plan.tfplan'], 'ci-aws-prod-plan').code).toBe(0);
      const shown = JSON.parse(tf(['show', '-json', 'plan.tfplan']).out) as Json;
      expect(shown.variables?.[VAULT_CI_ROLE_VARIABLE]).toBeUndefined();
      const unset = tf(['apply', '-input=false', '-no-color', 'plan.tfplan']);
      expect(unset.code).toBe(1);
      expect(unset.out).toContain('must also be set during the apply phase');
      const applied = tf(['apply', '-input=false', '-no-color', 'plan.tfplan'], 'ci-aws-prod');
      expect(applied.code).toBe(0);
      expect(readFileSync(join(dir, 'role.txt'), 'utf8')).toBe('ci-aws-prod');
      expect(readFileSync(join(dir, 'terraform.tfstate'), 'utf8')).not.toContain('ci-aws-prod');
    });
  });
});
