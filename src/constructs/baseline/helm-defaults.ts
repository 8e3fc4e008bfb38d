/**
 * Shared pieces of every baseline Helm release: the pinned chart catalogue,
 * the release defaults (atomic, wait, cleanup on failure), namespaces with
 * Pod Security Admission labels and the security-pool placement.
 */
import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { NodePoolPlacement } from '../contract';
import { BASELINE_NAMESPACES } from './settings';

/** A chart at an exact version in an exact repository (or shipped with the stack). */
export interface ChartRef {
  readonly chart: string;
  /** Chart repository; absent for a chart shipped with the stack (charts/<chart>, installed from its local path). */
  readonly repository?: string;
  /** Exact chart version: never a range (supply-chain: the rendered manifests are reproducible). */
  readonly version: string;
}

export const HELM_REPOSITORIES = {
  kyverno: 'https://kyverno.github.io/kyverno/',
  istio: 'https://istio-release.storage.googleapis.com/charts',
  hashicorp: 'https://helm.releases.hashicorp.com',
  falcosecurity: 'https://falcosecurity.github.io/charts',
  argo: 'https://argoproj.github.io/argo-helm',
  prometheusCommunity: 'https://prometheus-community.github.io/helm-charts',
  grafanaCommunity: 'https://grafana-community.github.io/helm-charts',
  eks: 'https://aws.github.io/eks-charts',
  jetstack: 'https://charts.jetstack.io',
  vmwareTanzu: 'https://vmware-tanzu.github.io/helm-charts',
  externalSecrets: 'https://charts.external-secrets.io',
} as const;

/**
 * Every chart the baseline installs, pinned. The versions with upstream data
 * in shared/upstream (README.md there) are checked by scripts/check-helm-values.ts.
 */
export const BASELINE_CHARTS = {
  kyverno: { chart: 'kyverno', repository: HELM_REPOSITORIES.kyverno, version: '3.9.0' },
  istioBase: { chart: 'base', repository: HELM_REPOSITORIES.istio, version: '1.30.3' },
  istioCni: { chart: 'cni', repository: HELM_REPOSITORIES.istio, version: '1.30.3' },
  istiod: { chart: 'istiod', repository: HELM_REPOSITORIES.istio, version: '1.30.3' },
  vault: { chart: 'vault', repository: HELM_REPOSITORIES.hashicorp, version: '0.34.1' },
  falco: { chart: 'falco', repository: HELM_REPOSITORIES.falcosecurity, version: '9.1.0' },
  argoCd: { chart: 'argo-cd', repository: HELM_REPOSITORIES.argo, version: '10.1.1' },
  // Applications/AppProjects as a chart, so Terraform needs no Argo CD CRD at plan time
  // (kubernetes_manifest would, and fails the first plan of a new cluster).
  argoCdApps: { chart: 'argocd-apps', repository: HELM_REPOSITORIES.argo, version: '2.0.2' },
  kubePrometheusStack: { chart: 'kube-prometheus-stack', repository: HELM_REPOSITORIES.prometheusCommunity, version: '88.5.3' },
  loki: { chart: 'loki', repository: HELM_REPOSITORIES.grafanaCommunity, version: '18.11.0' },
  tempo: { chart: 'tempo', repository: HELM_REPOSITORIES.grafanaCommunity, version: '2.2.4' },
  awsLoadBalancerController: { chart: 'aws-load-balancer-controller', repository: HELM_REPOSITORIES.eks, version: '1.14.0' },
  // The chart's version carries the leading v (published as cert-manager-v1.21.1.tgz).
  certManager: { chart: 'cert-manager', repository: HELM_REPOSITORIES.jetstack, version: 'v1.21.1' },
  externalSecrets: { chart: 'external-secrets', repository: HELM_REPOSITORIES.externalSecrets, version: '2.9.0' },
  // The project's own chart (charts/platform-pki), shipped with the stack as an asset: no repository.
  // Equal to its Chart.yaml version (a test asserts it).
  platformPki: { chart: 'platform-pki', version: '0.1.0' },
  // Velero 1.18.1: backups of every namespace and CSI volume snapshots (velero.ts, docs/backups.md).
  velero: { chart: 'velero', repository: HELM_REPOSITORIES.vmwareTanzu, version: '12.1.0' },
} as const satisfies Record<string, ChartRef>;

export type BaselineComponent = keyof typeof BASELINE_CHARTS;

/** Helm values: a JSON-serialisable tree. */
export type HelmValues = { readonly [key: string]: HelmValue };
export type HelmValue = string | number | boolean | null | readonly HelmValue[] | HelmValues;

/** Pod Security Admission level of a namespace. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** PSA version pinned so a cluster upgrade does not silently change what is enforced. */
export const POD_SECURITY_VERSION = 'v1.33';

/**
 * PSA labels (CIS-K8s 5.2.1, PCI-DSS 4.0 2.2.1). audit and warn default to the
 * enforced level; a namespace enforcing less than restricted still audits and
 * warns at restricted so every gap is visible.
 */
export function podSecurityLabels(level: PodSecurityLevel, auditLevel: PodSecurityLevel = level): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/enforce-version': POD_SECURITY_VERSION,
    'pod-security.kubernetes.io/audit': auditLevel,
    'pod-security.kubernetes.io/audit-version': POD_SECURITY_VERSION,
    'pod-security.kubernetes.io/warn': auditLevel,
    'pod-security.kubernetes.io/warn-version': POD_SECURITY_VERSION,
  };
}

/** Labels on the Kubernetes objects the baseline creates outside Helm (namespaces, the policy ConfigMap). */
export const BASELINE_OBJECT_LABELS: Readonly<Record<string, string>> = {
  'app.kubernetes.io/managed-by': 'terraform',
  'platform.regulated-k8s.io/baseline': 'true',
};

/** Classes of data a namespace's workloads hold (docs/policies.md, "Data classification"). */
export type DataClassification = 'public' | 'internal' | 'confidential' | 'restricted';

/**
 * The `data-classification` label of each baseline namespace: every namespace outside the
 * system ones must carry one (policies/require-data-classification). The class is the
 * highest class of data the namespace's components hold. vault, cert-manager and external-secrets run on the
 * security pool, falco on every node, by design: they are excluded by name from
 * policies/restrict-classified-workload-placement. A new namespace on the security pool with
 * class confidential or restricted needs the same exclusion.
 */
export const BASELINE_NAMESPACE_CLASSIFICATION: Readonly<Record<string, DataClassification>> = {
  // Admission requests carry every object written to the cluster, Secrets included.
  [BASELINE_NAMESPACES.kyverno]: 'confidential',
  // Reviewed exceptions only; no workloads.
  [BASELINE_NAMESPACES.policyExceptions]: 'internal',
  // istiod signs every workload certificate of the mesh.
  [BASELINE_NAMESPACES.istio]: 'restricted',
  // The CNI node agent holds no data.
  [BASELINE_NAMESPACES.istioCni]: 'internal',
  // The egress gateway forwards the applications' TLS without decrypting it: it holds its own workload
  // certificate only, and sees destinations (SNI) and volumes, not data.
  [BASELINE_NAMESPACES.istioEgress]: 'internal',
  // Every secret of the platform and its applications.
  [BASELINE_NAMESPACES.vault]: 'restricted',
  // The root CA key pair of the in-cluster CA.
  [BASELINE_NAMESPACES.certManager]: 'restricted',
  // Velero reads every object of the cluster, Secrets of restricted namespaces included, to back it up.
  [BASELINE_NAMESPACES.velero]: 'restricted',
  // Reads (and holds in its cache) every secret it syncs from Vault.
  [BASELINE_NAMESPACES.externalSecrets]: 'restricted',
  // Security events: command lines, file paths and connections of every workload.
  [BASELINE_NAMESPACES.falco]: 'confidential',
  // Repository credentials and every manifest the platform syncs.
  [BASELINE_NAMESPACES.argoCd]: 'confidential',
  // Logs, traces and metrics of every workload.
  [BASELINE_NAMESPACES.monitoring]: 'confidential',
};

/** A namespace owned by Terraform (not `create_namespace`), so it carries PSA and data-classification labels from the start. */
export function baselineNamespace(scope: Construct, id: string, name: string, level: PodSecurityLevel, auditLevel: PodSecurityLevel = level): NamespaceV1 {
  const dataClassification = BASELINE_NAMESPACE_CLASSIFICATION[name];
  if (dataClassification === undefined) {
    throw new Error(`baseline namespace "${name}" has no data classification: add it to BASELINE_NAMESPACE_CLASSIFICATION (src/constructs/baseline/helm-defaults.ts)`);
  }
  return new NamespaceV1(scope, id, {
    metadata: {
      name,
      labels: { ...podSecurityLabels(level, auditLevel), ...BASELINE_OBJECT_LABELS, 'data-classification': dataClassification },
    },
  });
}

export interface BaselineReleaseOptions {
  readonly chart: ChartRef;
  /** Helm release name. */
  readonly name: string;
  readonly namespace: string;
  readonly values: HelmValues;
  readonly dependsOn?: ITerraformDependable[];
  /** @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * Wait for readiness and roll back on failure (atomic). Only a component
   * whose pods cannot become ready without a human step turns this off.
   * @default true
   */
  readonly waitForReady?: boolean;
}

/**
 * A helm_release with the baseline defaults: atomic (a failed install or
 * upgrade rolls back, so no half-applied security control stays behind),
 * wait (Terraform reports success only when the pods are ready), cleanup on
 * failure, no namespace creation (namespaces carry PSA labels, see above) and
 * values as one JSON document (JSON is YAML; scripts/check-helm-values.ts
 * parses the same object).
 */
export function baselineRelease(scope: Construct, id: string, options: BaselineReleaseOptions): Release {
  return new Release(scope, id, {
    name: options.name,
    namespace: options.namespace,
    chart: options.chart.chart,
    repository: options.chart.repository,
    version: options.chart.version,
    createNamespace: false,
    atomic: options.waitForReady ?? true,
    wait: options.waitForReady ?? true,
    waitForJobs: options.waitForReady ?? true,
    cleanupOnFail: true,
    timeout: options.timeoutSeconds ?? 600,
    // Bounded history: old release secrets hold rendered values.
    maxHistory: 5,
    values: [JSON.stringify(options.values)],
    dependsOn: options.dependsOn,
  });
}

/** Pod placement on the tainted security node pool. */
export interface SecurityPlacementValues {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: HelmValues[];
}

export function securityPoolPlacement(pool: NodePoolPlacement): SecurityPlacementValues {
  return {
    nodeSelector: { ...pool.labels },
    tolerations: [{ key: pool.taint.key, operator: 'Equal', value: pool.taint.value, effect: pool.taint.effect }],
  };
}

/** Toleration of every taint: for node agents (Falco) that must see every node. */
export const TOLERATE_ALL: HelmValues = { operator: 'Exists' };
