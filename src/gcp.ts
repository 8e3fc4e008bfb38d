/**
 * `regulated-k8s-platform/gcp`: the constructs of GKE: cluster, node pools, network, KMS, Cloud Armor, Binary Authorization, registry, state bucket and CI federation, with their props.
 * Importing has no side effects.
 */
export * from './constructs/gcp/binary-authorization';
export * from './constructs/gcp/ci-federation';
export * from './constructs/gcp/cloud-armor';
export * from './constructs/gcp/cluster';
export * from './constructs/gcp/identity';
export * from './constructs/gcp/kms';
export * from './constructs/gcp/network';
export * from './constructs/gcp/node-pool';
export * from './constructs/gcp/platform';
export * from './constructs/gcp/project-services';
export * from './constructs/gcp/registry';
export * from './constructs/gcp/state-bucket';
export * from './constructs/gcp/validation';
