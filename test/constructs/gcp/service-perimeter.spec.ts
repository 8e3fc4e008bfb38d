/**
 * VPC Service Controls (ServicePerimeter, config vpcServiceControls): off by default; in dry-run the
 * perimeter is a dry-run spec, enforced it is the status; the five APIs restricted, VPC-accessible
 * services limited to them, only the environment's CI service accounts admitted from outside; a
 * project-scoped access policy or the organization's; every bad input with its message.
 */
import { Testing } from 'cdktf';
import { formatProblem, validateEnvironment, type GcpEnvironmentConfig } from '../../../src/config';
import { PERIMETER_RESTRICTED_SERVICES } from '../../../src/constructs/gcp/service-perimeter';
import { GcpPlatformStack } from '../../../src/stacks/gcp-platform-stack';
import { gcpDev, gcpProd } from '../../helpers/environments';
import { type Json, resources } from '../../helpers/terraform-json';

function valid(raw: unknown): GcpEnvironmentConfig {
  const { config, problems } = validateEnvironment(raw);
  if (!config) throw new Error(problems.map(formatProblem).join('\n'));
  return config as GcpEnvironmentConfig;
}
const synth = (config: GcpEnvironmentConfig): Json => JSON.parse(Testing.synth(new GcpPlatformStack(Testing.app(), `gcp-${config.name}-platform`, { config }))) as Json;
const problems = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);

describe('VPC Service Controls', () => {
  it('is off by default: no perimeter, no access policy', () => {
    expect(gcpProd.vpcServiceControls).toEqual({ mode: 'off' });
    const json = synth(gcpProd);
    expect(resources(json, 'google_access_context_manager_service_perimeter')).toEqual([]);
    expect(resources(json, 'google_access_context_manager_access_policy')).toEqual([]);
  });

  it('enforced: a regular perimeter around the project restricting the five APIs, admitting only the CI service accounts', () => {
    const json = synth(valid({ ...gcpProd, vpcServiceControls: { mode: 'enforced', accessPolicy: 'accessPolicies/123456789' } }));
    const [perimeter] = resources(json, 'google_access_context_manager_service_perimeter');
    expect(perimeter).toMatchObject({ parent: 'accessPolicies/123456789', name: 'accessPolicies/123456789/servicePerimeters/finplat_prod', perimeter_type: 'PERIMETER_REGULAR' });
    expect(perimeter.spec).toBeUndefined();
    const status = perimeter.status;
    expect(status.resources).toEqual([expect.stringMatching(/^projects\/\$\{data\.google_project\..*\.number\}$/)]);
    expect(status.restricted_services).toEqual([...PERIMETER_RESTRICTED_SERVICES]);
    expect(status.vpc_accessible_services).toEqual({ enable_restriction: true, allowed_services: ['RESTRICTED-SERVICES'] });
    expect(status.ingress_policies).toHaveLength(1);
    expect(status.ingress_policies[0].ingress_from.identities).toEqual([
      `serviceAccount:ci-prod-plan@${gcpProd.projectId}.iam.gserviceaccount.com`,
      `serviceAccount:ci-prod-deploy@${gcpProd.projectId}.iam.gserviceaccount.com`,
    ]);
    expect(status.ingress_policies[0].ingress_to.operations.map((o: Json) => o.service_name)).toEqual([...PERIMETER_RESTRICTED_SERVICES]);
    expect(resources(json, 'google_access_context_manager_access_policy')).toEqual([]);
  });

  it('dry-run: the same configuration as an explicit dry-run spec, in a project-scoped policy of the organization', () => {
    const json = synth(valid({ ...gcpDev, vpcServiceControls: { mode: 'dry-run', organizationId: '123456789012' } }));
    const [policy] = resources(json, 'google_access_context_manager_access_policy');
    expect(policy).toMatchObject({ parent: 'organizations/123456789012', scopes: [expect.stringMatching(/^projects\/\$\{data\.google_project\./)] });
    const [perimeter] = resources(json, 'google_access_context_manager_service_perimeter');
    expect(perimeter).toMatchObject({ use_explicit_dry_run_spec: true, parent: expect.stringMatching(/^accessPolicies\/\$\{google_access_context_manager_access_policy\./) });
    expect(perimeter.status).toBeUndefined();
    expect(perimeter.spec.restricted_services).toEqual([...PERIMETER_RESTRICTED_SERVICES]);
  });

  it('names each bad input', () => {
    expect(problems({ ...gcpProd, vpcServiceControls: { mode: 'enforced' } })).toEqual([
      'config error: [gcp/prod] vpcServiceControls: got {"mode":"enforced"}; allowed: an accessPolicy (the organization\'s, accessPolicies/<number>) or an organizationId to create a project-scoped one in',
    ]);
    expect(problems({ ...gcpProd, vpcServiceControls: { mode: 'dry-run', accessPolicy: 'accessPolicies/1', organizationId: '123456789012' } })).toEqual([
      'config error: [gcp/prod] vpcServiceControls.organizationId: got "123456789012"; allowed: no organizationId when an accessPolicy is named (the perimeter goes into that policy)',
    ]);
    expect(problems({ ...gcpProd, vpcServiceControls: { mode: 'on', accessPolicy: 'policy-1' } })).toEqual([
      'config error: [gcp/prod] vpcServiceControls.mode: got "on"; allowed: one of "off", "dry-run", "enforced"',
      'config error: [gcp/prod] vpcServiceControls.accessPolicy: got "policy-1"; allowed: an access policy name such as accessPolicies/123456789',
    ]);
  });
});
