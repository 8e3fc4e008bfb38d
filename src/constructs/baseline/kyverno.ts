/**
 * Kyverno: the admission controller that enforces the policies in policies/
 * (registries, signatures, pod security beyond PSA). It is a security control
 * on the admission path, so it runs highly available on the security pool.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, securityPoolPlacement, type HelmValues } from './helm-defaults';
import { mirrorImageValues } from './images';
import { containerResources, type ContainerName } from './resources';
import { BASELINE_NAMESPACES, type BaselineSettings } from './settings';

/** Replicas of the admission controller: survives one node loss and a rolling update. */
export const KYVERNO_ADMISSION_REPLICAS = 3;

export function kyvernoValues(settings: BaselineSettings): HelmValues {
  const placement = securityPoolPlacement(settings.cluster.securityNodePool);
  // Memory limit only: a CPU limit throttles admission under load; memory bounds a leak (resources.ts).
  const resources = (name: ContainerName): HelmValues => containerResources(settings.sizing, name);
  const controller = (replicas: number): HelmValues => ({
    replicas,
    // Security pool: the policy engine does not share nodes with tenant workloads.
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    // Scraped by kube-prometheus-stack: a failing security control is detected (PCI-DSS 4.0 10.7.2).
    serviceMonitor: { enabled: true },
    podDisruptionBudget: { enabled: true, minAvailable: 1 },
  });
  const mirror = settings.imageMirror;
  return {
    // Every image from the mirror (scanned, re-signed): an image's own registry wins over
    // global.image.registry in this chart, so each image names the mirror; the global value
    // catches any image a future chart version adds.
    global: { image: { registry: mirror } },
    // CRD migration hook (post-upgrade).
    crds: { migration: { image: mirrorImageValues(mirror, 'kyvernoCli') } },
    // Pre-delete hook removing Kyverno's fail-closed webhooks, so an uninstall cannot block all admission.
    webhooksCleanup: { image: mirrorImageValues(mirror, 'kyvernoReadinessChecker') },
    // `helm test` pods (never run by Terraform): pinned instead of upstream's `latest`.
    test: { image: mirrorImageValues(mirror, 'kyvernoReadinessChecker') },
    admissionController: {
      ...controller(KYVERNO_ADMISSION_REPLICAS),
      // Kyverno also refuses a synchronized generate policy unless the admission controller may read
      // the generated kind (policies/generate-default-deny-authorizationpolicy; found by npm run verify:live).
      rbac: {
        clusterRole: {
          extraResources: [
            { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ['get', 'list'] },
            // policies/generate-velero-restricted-schedule generates Velero Schedules.
            { apiGroups: ['velero.io'], resources: ['schedules'], verbs: ['get', 'list'] },
          ],
        },
      },
      initContainer: { image: mirrorImageValues(mirror, 'kyvernoPre'), resources: resources('kyvernoAdmissionInit') },
      // Three replicas: admission survives a node loss during a rolling update.
      container: { image: mirrorImageValues(mirror, 'kyverno'), resources: resources('kyvernoAdmission') },
    },
    backgroundController: {
      ...controller(2),
      image: mirrorImageValues(mirror, 'kyvernoBackgroundController'),
      resources: resources('kyvernoBackground'),
      // policies/generate-default-deny-authorizationpolicy creates and keeps (synchronize) an Istio
      // AuthorizationPolicy in every new namespace; Kyverno refuses a generate policy whose
      // controller lacks these verbs on the generated kind (the chart grants NetworkPolicies only).
      rbac: {
        clusterRole: {
          extraResources: [
            { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
            // policies/generate-velero-restricted-schedule: one hourly Schedule per restricted namespace, in velero.
            { apiGroups: ['velero.io'], resources: ['schedules'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
          ],
        },
      },
    },
    cleanupController: { ...controller(2), image: mirrorImageValues(mirror, 'kyvernoCleanupController'), resources: resources('kyvernoCleanup') },
    reportsController: { ...controller(2), image: mirrorImageValues(mirror, 'kyvernoReportsController'), resources: resources('kyvernoReports') },
    features: {
      // Webhooks keep failurePolicy Fail: if Kyverno is down, admission is refused rather
      // than silently unpoliced (fail closed). A ClusterPolicy's own failurePolicy defaults to Fail;
      // the policies in policies/ do not override it.
      forceFailurePolicyIgnore: { enabled: false },
      // Kyverno's own resources cannot be changed around the policies.
      protectManagedResources: { enabled: true },
      // Exceptions only from one namespace that holds reviewed PolicyExceptions (owner, reason and
      // expiry enforced by require-policy-exception-metadata); nobody else can exempt a workload.
      policyExceptions: { enabled: true, namespace: BASELINE_NAMESPACES.policyExceptions },
    },
    config: {
      // Kyverno's own namespace stays out of its webhooks so it can always restart (no deadlock).
      excludeKyvernoNamespace: true,
    },
  };
}

export interface KyvernoProps {
  /** The resolved baseline settings: the image mirror, the sizing and the security pool placement (from the cluster contract). */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders ServiceMonitors). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * Kyverno in a restricted namespace on the security pool: three admission replicas with fail-closed webhooks, protected managed
 * resources, and PolicyExceptions honoured only from the reviewed `policy-exceptions` namespace, which it also creates.
 */
export class Kyverno extends Construct {
  readonly namespace: NamespaceV1;
  /** Holds the reviewed PolicyExceptions (synced by Argo CD from policies/exceptions). */
  readonly exceptionsNamespace: NamespaceV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: KyvernoProps) {
    super(scope, id);
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.kyverno, 'restricted');
    // No workloads run there: restricted, like every namespace that needs nothing more.
    this.exceptionsNamespace = baselineNamespace(this, 'exceptions-namespace', BASELINE_NAMESPACES.policyExceptions, 'restricted');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.kyverno,
      name: 'kyverno',
      namespace: BASELINE_NAMESPACES.kyverno,
      values: kyvernoValues(props.settings),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
