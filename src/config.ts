/**
 * `regulated-k8s-platform/config`: the configuration schema, the fleet loader and validation,
 * without any construct or provider (cheap to import in tooling and tests).
 */
export * from './config/index';
