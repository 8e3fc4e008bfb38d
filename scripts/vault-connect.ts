/**
 * Opens the path the `<cloud>-<env>-vault` stack's provider uses (src/stacks/vault-stack.ts):
 * Vault has no address outside the cluster, so the job reaches it through the Kubernetes API.
 *
 *   node --import tsx scripts/vault-connect.ts --env <cloud>/<name> [--dir DIR] [--print-commands]
 *
 * 1. kubeconfig from the cloud CLI, with the job's short-lived cloud identity (aws eks
 *    update-kubeconfig, az aks get-credentials + kubelogin, gcloud container clusters get-credentials);
 * 2. Vault's CA: ca.crt of the Secret cert-manager writes (vault/<vaultTlsSecretName>) into DIR/vault-ca.pem;
 * 3. `kubectl -n vault port-forward svc/vault 8200:8200` in the background (its pid in DIR/port-forward.pid),
 *    waited for until the port answers.
 * Then prints the environment for the provider: VAULT_CACERT=<DIR>/vault-ca.pem (GitHub: append to
 * $GITHUB_ENV). The provider verifies Vault's certificate for vault.vault.svc although it connects to
 * 127.0.0.1, and logs in with TERRAFORM_VAULT_AUTH_JWT (the job's GitHub OIDC token), never a Vault token.
 *
 * --print-commands prints the commands of step 1-3 and does nothing (what the tests check).
 * Exit: 0 connected; 1 a step failed (named); 2 usage.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { loadFleetFromDirectory, type EnvironmentConfig } from '../src/config';
import { BASELINE_NAMESPACES, VAULT_RELEASE } from '../src/constructs/baseline/settings';
import { clusterName } from '../src/stacks/common';

export const VAULT_LOCAL_PORT = 8200;

/** The command that writes the kubeconfig of the environment's cluster (cloud CLI, the job's identity). */
export function kubeconfigCommand(config: EnvironmentConfig): string[] {
  const cluster = clusterName(config);
  switch (config.cloud) {
    case 'aws':
      return ['aws', 'eks', 'update-kubeconfig', '--name', cluster, '--region', config.region];
    case 'azure':
      // AKS with Entra ID only (no local accounts): kubelogin turns the az CLI login into tokens.
      return ['az', 'aks', 'get-credentials', '--resource-group', `rg-${cluster}`, '--name', cluster, '--format', 'exec', '--overwrite-existing'];
    case 'gcp':
      // Private endpoint only: the runner is on an authorized network.
      return ['gcloud', 'container', 'clusters', 'get-credentials', cluster, '--region', config.region, '--project', config.projectId, '--internal-ip'];
  }
}

/** kubectl arguments: Vault's CA, then the port-forward. */
export function vaultCommands(vaultTlsSecretName = 'vault-server-tls'): { ca: string[]; portForward: string[] } {
  const ns = BASELINE_NAMESPACES.vault;
  return {
    ca: ['kubectl', '-n', ns, 'get', 'secret', vaultTlsSecretName, '-o', 'jsonpath={.data.ca\\.crt}'],
    portForward: ['kubectl', '-n', ns, 'port-forward', `svc/${VAULT_RELEASE}`, `${VAULT_LOCAL_PORT}:${VAULT_LOCAL_PORT}`],
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      done(true);
    });
    socket.on('error', () => done(false));
  });
}

function fail(message: string): never {
  console.error(`vault-connect: ${message}`);
  process.exit(1);
}

async function main(argv: readonly string[]): Promise<void> {
  let target: string | undefined;
  let dir = resolve('.vault-session');
  let printOnly = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--env') target = argv[++i];
    else if (argv[i] === '--dir') dir = resolve(argv[++i] ?? '');
    else if (argv[i] === '--print-commands') printOnly = true;
    else {
      console.error(`vault-connect: unknown argument ${JSON.stringify(argv[i])}\nusage: node --import tsx scripts/vault-connect.ts --env <cloud>/<name> [--dir DIR] [--print-commands]`);
      process.exit(2);
    }
  }
  const [cloud, name] = (target ?? '').split('/');
  const config = loadFleetFromDirectory(process.env.PLATFORM_ENVIRONMENTS_DIR || join(__dirname, '..', 'environments')).environments.find((e) => e.cloud === cloud && e.name === name);
  if (!config) {
    console.error(`vault-connect: --env must name an environment as <cloud>/<name>, got ${JSON.stringify(target)}`);
    process.exit(2);
  }
  const kube = kubeconfigCommand(config);
  const vault = vaultCommands();
  if (printOnly) {
    for (const command of [kube, vault.ca, vault.portForward]) console.log(command.join(' '));
    return;
  }
  mkdirSync(dir, { recursive: true });
  const login = spawnSync(kube[0], kube.slice(1), { stdio: ['ignore', 'inherit', 'inherit'] });
  if (login.status !== 0) fail(`${kube.join(' ')} exited ${login.status ?? login.error?.message}`);
  const ca = spawnSync(vault.ca[0], vault.ca.slice(1), { encoding: 'utf8' });
  if (ca.status !== 0 || ca.stdout.trim() === '') fail(`could not read Vault's CA (${vault.ca.join(' ')}): ${ca.stderr.trim()}`);
  const caFile = join(dir, 'vault-ca.pem');
  writeFileSync(caFile, Buffer.from(ca.stdout.trim(), 'base64'));
  const forward = spawn(vault.portForward[0], vault.portForward.slice(1), { detached: true, stdio: 'ignore' });
  forward.unref();
  writeFileSync(join(dir, 'port-forward.pid'), `${forward.pid}\n`);
  for (let i = 0; i < 60 && !(await portOpen(VAULT_LOCAL_PORT)); i++) await new Promise((r) => setTimeout(r, 500));
  if (!(await portOpen(VAULT_LOCAL_PORT))) fail(`port-forward to svc/${VAULT_RELEASE} did not open 127.0.0.1:${VAULT_LOCAL_PORT} in 30 s`);
  console.log(`VAULT_CACERT=${caFile}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => fail((error as Error).message));
}
