/**
 * VPC Service Controls for the GKE platform (issue 12 item 6): a service perimeter around the
 * environment's project for the APIs that hold or move its data (GKE, Cloud KMS, Cloud Storage,
 * Artifact Registry, Cloud Logging). Inside, the project's workloads and Google's service agents work
 * as before; from outside, a stolen credential cannot read a bucket, a key or an image, and data
 * cannot be copied to a project outside the perimeter. The only identities admitted from outside are
 * the environment's CI service accounts (the pipeline plans and deploys from GitHub runners).
 *
 * Off by default (an organization-level control with an operational cost: docs/gcp.md); `dry-run`
 * records violations in the audit log without blocking, which is how a perimeter is introduced.
 */
import { Construct } from 'constructs';
import { AccessContextManagerAccessPolicy } from '@cdktf/provider-google/lib/access-context-manager-access-policy';
import { AccessContextManagerServicePerimeter, type AccessContextManagerServicePerimeterStatus } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';

/** The APIs the perimeter restricts. */
export const PERIMETER_RESTRICTED_SERVICES = [
  'container.googleapis.com',
  'cloudkms.googleapis.com',
  'storage.googleapis.com',
  'artifactregistry.googleapis.com',
  'logging.googleapis.com',
] as const;

/** Props of {@link ServicePerimeter}. */
export interface ServicePerimeterProps {
  /** The project inside the perimeter. */
  readonly project: string;
  /** Perimeter title and name stem (the cluster name); the perimeter name uses `_` for `-`. */
  readonly name: string;
  /** `dry-run` records what would be blocked; `enforced` blocks it. */
  readonly mode: 'dry-run' | 'enforced';
  /**
   * The organization's access policy (`accessPolicies/<number>`).
   * @default - a policy scoped to the project, created in `organizationId`
   */
  readonly accessPolicy?: string;
  /**
   * Organization (numeric id) that holds the project-scoped access policy; required without `accessPolicy`.
   * @default - none
   */
  readonly organizationId?: string;
  /** Identities admitted from outside the perimeter: the CI service accounts (`serviceAccount:<email>`). */
  readonly ingressIdentities: readonly string[];
}

/** An access policy (named or project-scoped) and a regular service perimeter around the project. */
export class ServicePerimeter extends Construct {
  /** The perimeter. */
  readonly perimeter: AccessContextManagerServicePerimeter;
  /** The access policy name (`accessPolicies/<number>`). */
  readonly accessPolicyName: string;

  constructor(scope: Construct, id: string, props: ServicePerimeterProps) {
    super(scope, id);
    if (!props.accessPolicy && !props.organizationId) throw new Error('ServicePerimeter: accessPolicy or organizationId is required');
    if (props.ingressIdentities.length === 0) throw new Error('ServicePerimeter: ingressIdentities must name the CI service accounts (an empty list locks the pipeline out)');
    const project = new DataGoogleProject(this, 'project', { projectId: props.project });
    const resource = `projects/${project.number}`;
    let policyName = props.accessPolicy;
    if (!policyName) {
      const policy = new AccessContextManagerAccessPolicy(this, 'policy', {
        parent: `organizations/${props.organizationId}`,
        title: `${props.name} (project-scoped)`,
        scopes: [resource],
      });
      policyName = `accessPolicies/${policy.name}`;
    }
    this.accessPolicyName = policyName;
    const config: AccessContextManagerServicePerimeterStatus = {
      resources: [resource],
      restrictedServices: [...PERIMETER_RESTRICTED_SERVICES],
      // Workloads inside reach only the restricted services through the perimeter's VPC, nothing else by accident.
      vpcAccessibleServices: { enableRestriction: true, allowedServices: ['RESTRICTED-SERVICES'] },
      ingressPolicies: [
        {
          title: 'CI service accounts plan and deploy from outside the perimeter',
          ingressFrom: { identities: [...props.ingressIdentities], sources: [{ accessLevel: '*' }] },
          ingressTo: { resources: ['*'], operations: PERIMETER_RESTRICTED_SERVICES.map((serviceName) => ({ serviceName, methodSelectors: [{ method: '*' }] })) },
        },
      ],
    };
    this.perimeter = new AccessContextManagerServicePerimeter(this, 'perimeter', {
      parent: policyName,
      name: `${policyName}/servicePerimeters/${props.name.replace(/-/g, '_')}`,
      title: props.name,
      description: 'Regulated platform perimeter: GKE, KMS, Storage, Artifact Registry and Logging (regulated-k8s-platform)',
      perimeterType: 'PERIMETER_REGULAR',
      ...(props.mode === 'enforced' ? { status: config } : { spec: config, useExplicitDryRunSpec: true }),
    });
  }
}
