/**
 * `regulated-k8s-platform/aws`: the constructs of EKS: cluster, node pools, add-ons, network, KMS, WAFv2, mirror registry, state bucket and CI roles, with their props.
 * Importing has no side effects.
 */
export * from './constructs/aws/addons';
export * from './constructs/aws/ci-roles';
export * from './constructs/aws/cluster';
export * from './constructs/aws/iam';
export * from './constructs/aws/identity';
export * from './constructs/aws/kms';
export * from './constructs/aws/log-group';
export * from './constructs/aws/network';
export * from './constructs/aws/node-pool';
export * from './constructs/aws/platform';
export * from './constructs/aws/registry';
export * from './constructs/aws/state-bucket';
export * from './constructs/aws/waf';
