/**
 * `regulated-k8s-platform/azure`: the constructs of AKS: cluster, node pools, network, Key Vault, disk encryption set, Application Gateway WAF, private link, registry, state storage and CI identities, with their props.
 * Importing has no side effects.
 */
export * from './constructs/azure/ci-identities';
export * from './constructs/azure/cluster';
export * from './constructs/azure/disk-encryption-set';
export * from './constructs/azure/flow-log';
export * from './constructs/azure/identity';
export * from './constructs/azure/key-vault';
export * from './constructs/azure/logging';
export * from './constructs/azure/network';
export * from './constructs/azure/node-pool';
export * from './constructs/azure/platform';
export * from './constructs/azure/private-link';
export * from './constructs/azure/registry';
export * from './constructs/azure/state-storage';
export * from './constructs/azure/waf';
