/** The environment table: every cloud/environment the app can synthesize. */
import { awsDev, awsProd, awsStaging } from './environments/aws';
import { azureDev, azureProd, azureStaging } from './environments/azure';
import { gcpDev, gcpProd, gcpStaging } from './environments/gcp';
import type { EnvironmentDefinition } from './validate';

export const ENVIRONMENT_DEFINITIONS: readonly EnvironmentDefinition[] = [awsDev, awsStaging, awsProd, azureDev, azureStaging, azureProd, gcpDev, gcpStaging, gcpProd].map(
  (config) => ({ cloud: config.cloud, environment: config.environment, config }),
);

export * from './schema';
export { ConfigError, formatProblem, loadEnvironments, validateEnvironment, type ConfigProblem, type EnvironmentDefinition, type Selection } from './validate';
export { selectStateBackends, stateBackendGroups, type StateBackendGroup } from './state-backends';
