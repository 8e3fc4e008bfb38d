/**
 * The repository whose workflow (.github/workflows/platform.yml) plans and
 * deploys every environment (reference value: replace it with your
 * organisation's `owner/name`, exactly as GitHub spells it). The state
 * bootstrap stacks' CI identities trust only this repository's jobs.
 */
export const PIPELINE_REPOSITORY = 'example-org/regulated-k8s-platform';
