/**
 * cert-manager: issues and renews the platform's TLS certificates inside the
 * cluster (Vault's listener certificate first, see pki.ts and docs/baseline.md#cert-manager-and-the-platform-pki), so
 * no certificate has to be created by hand before an apply. Its webhook is on
 * the admission path of every cert-manager object, so the controller and the
 * webhook run highly available on the security pool.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, securityPoolPlacement, type HelmValues } from './helm-defaults';
import { mirrorRepositoryValues } from './images';
import { containerResources, type ContainerName } from './resources';
import { BASELINE_NAMESPACES, type BaselineSettings } from './settings';

/** Release name: the chart names its Deployments cert-manager, cert-manager-webhook and cert-manager-cainjector. */
export const CERT_MANAGER_RELEASE = 'cert-manager';
/** Replicas of the controller, the webhook and the CA injector: one survives a node drain. */
export const CERT_MANAGER_REPLICAS = 2;

export function certManagerValues(settings: BaselineSettings): HelmValues {
  const placement = securityPoolPlacement(settings.cluster.securityNodePool);
  const mirror = settings.imageMirror;
  const resources = (name: ContainerName): HelmValues => containerResources(settings.sizing, name);
  // Security pool: the component that holds the platform CA's key does not share nodes with tenants.
  const pod = { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations };
  const ha = { replicaCount: CERT_MANAGER_REPLICAS, podDisruptionBudget: { enabled: true, minAvailable: 1 } };
  return {
    // The CRDs come with the release (Terraform orders every Certificate after it); kept on
    // uninstall, because deleting a CRD deletes every Certificate and Issuer with it.
    crds: { enabled: true, keep: true },
    global: {
      // Leader election inside cert-manager's own namespace (upstream default: kube-system), so the
      // chart needs no Role in kube-system.
      leaderElection: { namespace: BASELINE_NAMESPACES.certManager },
      rbac: {
        create: true,
        // Namespace admins and editors do not get Certificate/Issuer rights through aggregation:
        // whoever can create a Certificate can have the platform CA sign any name (docs/baseline.md#cert-manager-and-the-platform-pki).
        aggregateClusterRoles: false,
      },
    },
    // Every image from the mirror; the chart's default tags are its git placeholder appVersion
    // (v0.0.0), so each tag is pinned (images.ts). The registry catches any image a future chart
    // version adds.
    imageRegistry: mirror,
    image: mirrorRepositoryValues(mirror, 'certManagerController'),
    // Passed to the controller (--acme-http01-solver-image) for ACME HTTP-01 challenges. None is
    // configured, but if one ever runs, its pod pulls from the mirror too.
    acmesolver: { image: mirrorRepositoryValues(mirror, 'certManagerAcmesolver') },
    ...ha,
    ...pod,
    resources: resources('certManagerController'),
    webhook: {
      ...ha,
      ...pod,
      image: mirrorRepositoryValues(mirror, 'certManagerWebhook'),
      resources: resources('certManagerWebhook'),
    },
    cainjector: {
      enabled: true,
      // Injects the webhook's CA into its webhook configurations and the CRDs' conversion webhook.
      ...ha,
      ...pod,
      image: mirrorRepositoryValues(mirror, 'certManagerCainjector'),
      resources: resources('certManagerCainjector'),
    },
    // Post-install hook Job that waits until the webhook accepts cert-manager objects. The release
    // waits for it, so the platform-pki release (the first Certificates) never races the webhook's
    // CA injection on a new cluster.
    startupapicheck: {
      enabled: true,
      ...pod,
      image: mirrorRepositoryValues(mirror, 'certManagerStartupapicheck'),
      resources: resources('certManagerStartupapicheck'),
    },
    // Scraped by kube-prometheus-stack (controller, webhook and CA injector metrics): failed
    // issuance and certificates close to expiry are visible (PCI-DSS 4.0 4.2.1.1 inventory of certificates).
    prometheus: { enabled: true, servicemonitor: { enabled: true } },
  };
}

export interface CertManagerProps {
  /** The resolved baseline settings: the image mirror, the sizing and the security pool placement (from the cluster contract). */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders a ServiceMonitor). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * cert-manager in a restricted namespace: controller, webhook and CA injector highly available on the security pool, images from
 * the mirror, CRDs kept on uninstall, and no aggregation of Certificate/Issuer rights to namespace admins and editors.
 */
export class CertManager extends Construct {
  readonly namespace: NamespaceV1;
  /** The cert-manager release: its CRDs and webhook are in place once it is applied. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: CertManagerProps) {
    super(scope, id);
    // The chart's security contexts are restricted already (non-root, seccomp, read-only root, no capabilities).
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.certManager, 'restricted');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.certManager,
      name: CERT_MANAGER_RELEASE,
      namespace: BASELINE_NAMESPACES.certManager,
      values: certManagerValues(props.settings),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
