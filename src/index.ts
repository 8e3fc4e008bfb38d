/**
 * `regulated-k8s-platform`: the library. Importing it has no side effects (the app entry point is
 * src/main.ts, which only `cdktf synth` runs).
 *
 * - configuration: the schema (`environmentSchema`, the per-cloud types), the fleet loader
 *   (`readEnvironmentFiles`, `loadFleet`, `loadFleetFromDirectory`, `selectEnvironments`), validation
 *   and its `ConfigError`;
 * - the app: `buildApp` / `buildEnvironment` (config -> stacks), `synthesize` / `synthesizeFleet`
 *   (synth with evidence), the stacks and the cloud-neutral `ClusterContract`;
 * - compliance: the packs, their rules, `suppress` and the evidence reports.
 *
 * The constructs are in the entry points `regulated-k8s-platform/aws`, `/azure`, `/gcp` and
 * `/baseline`. This entry point loads every provider the stacks use; an app that composes its own
 * stacks from one cloud's constructs imports that entry point (and `/config`) only.
 */
export * from './config';
export * from './compliance';
export * from './app';
export * from './synth';
export * from './constructs/contract';
export * from './stacks/common';
export * from './stacks/aws-platform-stack';
export * from './stacks/azure-platform-stack';
export * from './stacks/gcp-platform-stack';
export * from './stacks/baseline-stack';
export * from './stacks/vault-stack';
export * from './constructs/vault/platform-vault';
export * from './constructs/vault/database-secrets';
export * from './constructs/vault/database-rules';
export * from './stacks/state-bootstrap-stack';
export * from './stacks/hcp-terraform-stack';
