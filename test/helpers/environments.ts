/**
 * The project's reference fleet (environments/*.yaml), read and validated
 * once per test file the way the app reads it, and each environment typed for
 * its cloud so tests can derive variants (`{ ...awsProd, tier: 'staging' }`).
 */
import { join } from 'node:path';
import {
  loadFleet,
  readEnvironmentFiles,
  type AwsEnvironmentConfig,
  type AzureEnvironmentConfig,
  type EnvironmentConfig,
  type Fleet,
  type GcpEnvironmentConfig,
  type NativeStateConfig,
} from '../../src/config';

/** The reference environments keep their state in the cloud's own backend. */
type Native<C extends EnvironmentConfig> = NativeStateConfig<C>;

/** The repository's environments directory. */
export const REFERENCE_ENVIRONMENTS_DIR = join(__dirname, '..', '..', 'environments');

/** The reference definitions as read from their files (not yet validated). */
export const REFERENCE_DEFINITIONS = readEnvironmentFiles(REFERENCE_ENVIRONMENTS_DIR, { relativeTo: join(REFERENCE_ENVIRONMENTS_DIR, '..') });

export const REFERENCE_FLEET: Fleet = loadFleet(REFERENCE_DEFINITIONS);

function find<C extends EnvironmentConfig['cloud']>(cloud: C, name: string): Native<Extract<EnvironmentConfig, { cloud: C }>> {
  const config = REFERENCE_FLEET.environments.find((c) => c.cloud === cloud && c.name === name);
  if (!config) throw new Error(`reference environment ${cloud}/${name} not found in ${REFERENCE_ENVIRONMENTS_DIR}`);
  if (config.stateBackend.kind === 'hcp-terraform') throw new Error(`reference environment ${cloud}/${name} uses HCP Terraform; the helpers expect the cloud's own backend`);
  return config as Native<Extract<EnvironmentConfig, { cloud: C }>>;
}

export const awsDev: Native<AwsEnvironmentConfig> = find('aws', 'dev');
export const awsStaging: Native<AwsEnvironmentConfig> = find('aws', 'staging');
export const awsProd: Native<AwsEnvironmentConfig> = find('aws', 'prod');
export const azureDev: Native<AzureEnvironmentConfig> = find('azure', 'dev');
export const azureStaging: Native<AzureEnvironmentConfig> = find('azure', 'staging');
export const azureProd: Native<AzureEnvironmentConfig> = find('azure', 'prod');
export const gcpDev: Native<GcpEnvironmentConfig> = find('gcp', 'dev');
export const gcpStaging: Native<GcpEnvironmentConfig> = find('gcp', 'staging');
export const gcpProd: Native<GcpEnvironmentConfig> = find('gcp', 'prod');
