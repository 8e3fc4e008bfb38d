/**
 * Configuration: the schema, the environment files and the fleet rules.
 * `readEnvironmentFiles` reads `environments/` (or another directory),
 * `loadFleet` validates every environment on its own and as a fleet, and
 * `selectEnvironments` picks what one synth builds.
 */
export * from './schema';
export { ConfigError, configErrorReport, cosignKeyProblem, fieldPath, formatProblem, isImmutableRevision, sourceFile, uniqueProblems, validateEnvironment, type ConfigProblem, type DefinitionLabel } from './validate';
export { ENVIRONMENT_STACK_ROLES, fleetProblems, loadEnvironments, loadFleet, routingDomainOf, selectEnvironments, selectionFromEnv, type EnvironmentDefinition, type Fleet, type Selection } from './fleet';
export { DEFAULT_ENVIRONMENTS_DIR, EXTENDS_KEY, deepMerge, loadFleetFromDirectory, readEnvironmentFiles, type ReadOptions } from './files';
export { hcpOrganizationGroups, hcpStackName, scopeIdOf, selectHcpOrganizations, selectStateBackends, stateBackendGroups, stateObject, type HcpOrganizationGroup, type StateBackendGroup } from './state-backends';
export { AWS_REGIONS, AZURE_LOCATIONS, GCP_REGIONS, REGIONS_REVIEWED, isKnownRegion } from './regions';
