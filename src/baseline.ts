/**
 * `regulated-k8s-platform/baseline`: the constructs of the security baseline installed on every cluster through Helm: Kyverno and its policies, Istio, Vault, Falco, Argo CD, observability, PKI, with their props.
 * Importing has no side effects.
 */
export * from './constructs/baseline/admin-access';
export * from './constructs/baseline/argocd';
export * from './constructs/baseline/aws-load-balancer-controller';
export * from './constructs/baseline/cert-manager';
export * from './constructs/baseline/falco';
export * from './constructs/baseline/helm-defaults';
export * from './constructs/baseline/images';
export * from './constructs/baseline/istio';
export * from './constructs/baseline/kyverno';
export * from './constructs/baseline/observability';
export * from './constructs/baseline/pki';
export * from './constructs/baseline/policies';
export * from './constructs/baseline/resources';
export * from './constructs/baseline/security-baseline';
export * from './constructs/baseline/settings';
export * from './constructs/baseline/vault';
