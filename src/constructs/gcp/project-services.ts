/**
 * The Google APIs the platform's resources call, enabled in the project with
 * `google_project_service` before anything that needs them. A fresh project
 * has almost none of them on, and the first apply would otherwise fail
 * (e.g. the Binary Authorization policy with "API has not been used in
 * project ... or it is disabled"). Every resource that needs an API takes
 * `dependsOn: services.enabled`, so the ordering is explicit in the plan.
 *
 * The APIs are never switched off by Terraform: see `ProjectServices`.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';

/**
 * Exactly the APIs the resources in src/constructs/gcp call (and the services
 * GKE itself calls on the project's behalf), each with the resources that
 * need it. Nothing speculative: an enabled API is attack and billing surface.
 */
export const PLATFORM_SERVICES = [
  // GKE: google_container_cluster, google_container_node_pool; its enablement also creates the
  // container-engine-robot service agent that the etcd key grant names.
  'container.googleapis.com',
  // VPC, subnets, router, Cloud NAT, firewalls, Cloud Armor security policy and SSL policy; the node
  // VMs and disks GKE creates; its enablement creates the compute-system agent of the boot-disk key grant.
  'compute.googleapis.com',
  // google_kms_key_ring, google_kms_crypto_key and their IAM members (etcd, boot disks, Vault unseal).
  'cloudkms.googleapis.com',
  // google_service_account (node and Vault identities) and google_service_account_iam_member (Workload Identity).
  'iam.googleapis.com',
  // Workload Identity: GKE's metadata server mints the Vault identity's access tokens through
  // generateAccessToken (IAM Service Account Credentials API) when vault/vault impersonates it.
  'iamcredentials.googleapis.com',
  // google_project_iam_member (node roles, admins' clusterViewer) and the google_project data source.
  'cloudresourcemanager.googleapis.com',
  // google_binary_authorization_policy and the cluster's PROJECT_SINGLETON_POLICY_ENFORCE admission checks.
  'binaryauthorization.googleapis.com',
  // CIS GKE 5.7.1 / PCI-DSS 10.2: cluster logging_config, VPC flow logs, firewall and NAT logs, Cloud Armor logs.
  'logging.googleapis.com',
  // Cluster monitoring_config, managed Prometheus and Dataplane V2 observability metrics.
  'monitoring.googleapis.com',
  // google_artifact_registry_repository (the image mirror) and its IAM member; the nodes pull from it.
  'artifactregistry.googleapis.com',
] as const;

/** `<name>.googleapis.com`: the form `google_project_service` accepts. */
const SERVICE_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*\.googleapis\.com$/;

export interface ProjectServicesProps {
  /** Project whose APIs are enabled (the platform's project). */
  readonly project: string;
  /**
   * APIs to enable, e.g. `container.googleapis.com`. Each becomes one
   * `google_project_service` whose construct id is the name before
   * `.googleapis.com`, so reordering the list replaces nothing.
   */
  readonly services: readonly string[];
}

/**
 * The project's API enablements, one `google_project_service` each, never disabled on destroy or cascaded to dependent APIs,
 * so removing the platform cannot switch off services other workloads in the project rely on.
 */
export class ProjectServices extends Construct {
  /** One `google_project_service` per API, keyed by the full service name. */
  readonly services: Readonly<Record<string, ProjectService>>;
  /** Every enablement, for `dependsOn` of the resources that call the APIs. */
  readonly enabled: readonly ProjectService[];

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    if (props.services.length === 0) {
      throw new Error('project services: services must list at least one api such as container.googleapis.com, got none');
    }
    const services: Record<string, ProjectService> = {};
    for (const service of props.services) {
      if (Token.isUnresolved(service)) {
        throw new Error('project services: services entries must be literal api names (they become construct ids), got a token');
      }
      if (!SERVICE_NAME.test(service)) {
        throw new Error(`project services: services entries must be api names such as container.googleapis.com, got "${service}"`);
      }
      if (services[service]) {
        throw new Error(`project services: services must not repeat an api, got "${service}" twice`);
      }
      services[service] = new ProjectService(this, service.slice(0, -'.googleapis.com'.length), {
        project: props.project,
        service,
        // Never switched off by Terraform: APIs are project-wide. Disabling one on destroy (or a
        // replacement) would break every other workload in the project that calls it, and
        // GKE/Compute would leave clusters, VMs and disks orphaned and unmanageable behind it.
        disableOnDestroy: false,
        // Likewise never cascade to the APIs that depend on this one (compute -> container, ...):
        // that would switch off services this configuration does not even manage.
        disableDependentServices: false,
      });
    }
    this.services = services;
    this.enabled = Object.values(services);
  }
}
