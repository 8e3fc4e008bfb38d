/**
 * The security baseline every cluster gets, identical on EKS, AKS and GKE:
 * Kyverno (admission policies), Istio (mTLS mesh, egress allow-list), Vault
 * (secrets, KMS auto-unseal), External Secrets (Vault secrets for applications), cert-manager and the platform PKI (Vault's
 * certificate), Falco (runtime detection), Argo CD (GitOps), Velero
 * (backups) and the observability stack, all as pinned Helm releases. It consumes only the
 * cloud-neutral ClusterContract; docs/baseline.md explains each control.
 */
import { dependable } from 'cdktf';
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import type { CloudProvider } from '../contract';
import { ClusterAdminAccess } from './admin-access';
import { ArgoCd, argoCdAppsValues, argoCdValues } from './argocd';
import { AwsLoadBalancerController, awsLoadBalancerControllerValues } from './aws-load-balancer-controller';
import { CERT_MANAGER_RELEASE, CertManager, certManagerValues } from './cert-manager';
import { EXTERNAL_SECRETS_RELEASE, ExternalSecrets, externalSecretsValues } from './external-secrets';
import { Falco, falcoValues } from './falco';
import { BASELINE_CHARTS, type BaselineComponent, type ChartRef, type HelmValues } from './helm-defaults';
import { imagesOf, type BaselineImage } from './images';
import { Istio, istioBaseValues, istioCniValues, istiodValues } from './istio';
import { Kyverno, kyvernoValues } from './kyverno';
import { Observability, kubePrometheusStackValues, lokiValues, tempoValues } from './observability';
import { PKI_RELEASE, platformPkiValues } from './pki';
import { Policies, policyApplicationsValues } from './policies';
import {
  BASELINE_NAMESPACES,
  KUBE_PROMETHEUS_RELEASE,
  resolveBaselineSettings,
  type BaselineSettings,
  type SecurityBaselineConstructProps,
  type SecurityBaselineProps,
} from './settings';
import { VAULT_RELEASE, Vault, vaultValues } from './vault';
import { VELERO_RELEASE, Velero, veleroValues } from './velero';

export type { SecurityBaselineProps, SecurityBaselineConstructProps, GitOpsSource, AwsLoadBalancerControllerProps, CertificateIssuerRef, BackupScheduleProps, ConsoleSsoProps, ArgoCdGroupRole } from './settings';
export type { BaselineImage } from './images';

/** One Helm release of the baseline as data: what the values check (scripts/check-helm-values.ts) reads. */
export interface BaselineChartValues extends ChartRef {
  /** Key of the release in `SecurityBaseline.releases`. */
  readonly component: BaselineReleaseKey;
  readonly releaseName: string;
  readonly namespace: string;
  readonly values: HelmValues;
}

export type BaselineReleaseKey =
  | 'kyverno'
  | 'istioBase'
  | 'istioCni'
  | 'istiod'
  | 'vault'
  | 'falco'
  | 'argoCd'
  | 'argoCdApps'
  | 'policyApplications'
  | 'kubePrometheusStack'
  | 'loki'
  | 'tempo'
  | 'awsLoadBalancerController'
  | 'certManager'
  | 'platformPki'
  | 'velero'
  | 'externalSecrets';

function entry(component: BaselineReleaseKey, chart: BaselineComponent, releaseName: string, namespace: string, values: HelmValues): BaselineChartValues {
  return { component, ...BASELINE_CHARTS[chart], releaseName, namespace, values };
}

function chartValues(settings: BaselineSettings): BaselineChartValues[] {
  const ns = BASELINE_NAMESPACES;
  const list: BaselineChartValues[] = [
    entry('kubePrometheusStack', 'kubePrometheusStack', KUBE_PROMETHEUS_RELEASE, ns.monitoring, kubePrometheusStackValues(settings)),
    entry('loki', 'loki', 'loki', ns.monitoring, lokiValues(settings)),
    entry('tempo', 'tempo', 'tempo', ns.monitoring, tempoValues(settings.imageMirror, settings.sizing)),
    entry('kyverno', 'kyverno', 'kyverno', ns.kyverno, kyvernoValues(settings)),
    entry('istioBase', 'istioBase', 'istio-base', ns.istio, istioBaseValues()),
    entry('istioCni', 'istioCni', 'istio-cni', ns.istioCni, istioCniValues(settings.cluster.cloud, settings.imageMirror, settings.sizing)),
    entry('istiod', 'istiod', 'istiod', ns.istio, istiodValues(settings.imageMirror, settings.sizing)),
    entry('vault', 'vault', VAULT_RELEASE, ns.vault, vaultValues(settings)),
    entry('falco', 'falco', 'falco', ns.falco, falcoValues(settings.imageMirror, settings.sizing)),
    entry('argoCd', 'argoCd', 'argo-cd', ns.argoCd, argoCdValues(settings.imageMirror, settings.sizing, settings.sso)),
    entry('argoCdApps', 'argoCdApps', 'platform-apps', ns.argoCd, argoCdAppsValues(settings)),
    entry('policyApplications', 'argoCdApps', 'platform-policies', ns.argoCd, policyApplicationsValues(settings)),
    entry('certManager', 'certManager', CERT_MANAGER_RELEASE, ns.certManager, certManagerValues(settings)),
    entry('platformPki', 'platformPki', PKI_RELEASE, ns.certManager, platformPkiValues(settings)),
    entry('velero', 'velero', VELERO_RELEASE, ns.velero, veleroValues(settings)),
    entry('externalSecrets', 'externalSecrets', EXTERNAL_SECRETS_RELEASE, ns.externalSecrets, externalSecretsValues(settings)),
  ];
  if (settings.awsLoadBalancerController) {
    list.push(
      entry('awsLoadBalancerController', 'awsLoadBalancerController', 'aws-load-balancer-controller', 'kube-system', awsLoadBalancerControllerValues(settings.cluster, settings.awsLoadBalancerController, settings.imageMirror)),
    );
  }
  return list;
}

/**
 * Every release the baseline installs for these props, with its chart, exact
 * version and values. Pure (no constructs): validates the props like the
 * construct does.
 */
export function baselineChartValues(props: SecurityBaselineProps): BaselineChartValues[] {
  return chartValues(resolveBaselineSettings(props));
}

/**
 * Every image the baseline runs for these props, once each: upstream
 * `source` and the `mirror` reference the charts pull. Pure: the input of the
 * mirroring pipeline (copy source -> mirror, scan, re-sign with the release
 * key) and of the image table in docs/baseline.md. Validates the props like
 * the construct does.
 */
export function baselineImages(props: SecurityBaselineProps): BaselineImage[] {
  const settings = resolveBaselineSettings(props);
  return chartImages(chartValues(settings), settings.imageMirror, settings.cluster.cloud);
}

/** The images these releases run, once each (policyApplications is a second argocd-apps release). */
function chartImages(charts: readonly BaselineChartValues[], imageMirror: string, cloud: CloudProvider): BaselineImage[] {
  const components = charts.map((c): BaselineComponent => (c.component === 'policyApplications' ? 'argoCdApps' : c.component));
  return imagesOf([...new Set(components)], imageMirror, cloud);
}

/**
 * The whole in-cluster security baseline from one `ClusterContract`: observability, Kyverno and its policies, Istio,
 * cert-manager and the platform PKI, Vault, External Secrets, Falco, Argo CD, admin bindings and, on EKS if asked, the AWS Load Balancer
 * Controller, as pinned Helm releases in dependency order, with images from the mirror.
 */
export class SecurityBaseline extends Construct {
  /** Every helm_release, by component. */
  readonly releases: Readonly<Partial<Record<BaselineReleaseKey, Release>>>;
  /** Chart, repository, exact version and values of every release (same data as `baselineChartValues`). */
  readonly charts: readonly BaselineChartValues[];
  /** Exact chart version per release. */
  readonly chartVersions: Readonly<Partial<Record<BaselineReleaseKey, string>>>;
  /** Every image the releases run, upstream and mirror reference (same data as `baselineImages`). */
  readonly images: readonly BaselineImage[];
  /** ConfigMap kyverno/platform-policy-config read by the Kyverno policies. */
  readonly policyConfig: ConfigMapV1;
  /** Annotations that put an ingress behind the cluster's WAF (from the contract), for application charts. */
  readonly ingressAnnotations: Readonly<Record<string, string>>;
  readonly kyverno: Kyverno;
  readonly istio: Istio;
  readonly vault: Vault;
  readonly certManager: CertManager;
  /** External Secrets Operator: Vault secrets as Kubernetes Secrets through the platform's ClusterSecretStore. */
  readonly externalSecrets: ExternalSecrets;
  readonly falco: Falco;
  readonly argoCd: ArgoCd;
  /** Velero: scheduled backups into the platform's backup bucket, CSI volume snapshots, alerting rules. */
  readonly velero: Velero;
  readonly observability: Observability;
  readonly policies: Policies;
  /** RBAC cluster-admin bindings for cluster.clusterAdminGroups (GKE). */
  readonly adminAccess: ClusterAdminAccess;

  constructor(scope: Construct, id: string, props: SecurityBaselineConstructProps) {
    super(scope, id);
    const settings = resolveBaselineSettings(props);

    // Prometheus operator CRDs first: Kyverno, Vault, cert-manager, Falco, Argo CD and Loki render ServiceMonitors.
    this.observability = new Observability(this, 'observability', { settings });
    const monitoringCrds = this.observability.kubePrometheusStack;
    this.kyverno = new Kyverno(this, 'kyverno', { settings, monitoringCrds });
    this.istio = new Istio(this, 'istio', { settings });
    // cert-manager (CRDs, webhook) -> platform PKI (CA, Vault's certificate) -> Vault.
    this.certManager = new CertManager(this, 'cert-manager', { settings, monitoringCrds });
    this.vault = new Vault(this, 'vault', { settings, monitoringCrds, certManager: this.certManager.release, pkiChartPath: props.pkiChartPath });
    this.externalSecrets = new ExternalSecrets(this, 'external-secrets', { settings, monitoringCrds });
    this.falco = new Falco(this, 'falco', { imageMirror: settings.imageMirror, sizing: settings.sizing, monitoringCrds });
    this.argoCd = new ArgoCd(this, 'argocd', { settings, monitoringCrds });
    this.velero = new Velero(this, 'velero', { settings, monitoringCrds });
    // Kyverno before its policies; the AppProject before the Applications that use it; External
    // Secrets' CRDs before the ClusterSecretStore of charts/platform-baseline.
    this.policies = new Policies(this, 'policies', { settings, kyverno: this.kyverno.release, argoCdApps: this.argoCd.apps, externalSecrets: this.externalSecrets.release });
    // Velero's CRDs before the policies: Kyverno refuses a generate policy (generate-velero-restricted-schedule)
    // for a kind the API server does not serve yet.
    this.policies.applications.dependsOn = [...(this.policies.applications.dependsOn ?? []), dependable(this.velero.release)];

    const releases: Partial<Record<BaselineReleaseKey, Release>> = {
      kubePrometheusStack: this.observability.kubePrometheusStack,
      loki: this.observability.loki,
      tempo: this.observability.tempo,
      kyverno: this.kyverno.release,
      istioBase: this.istio.base,
      istioCni: this.istio.cni,
      istiod: this.istio.istiod,
      vault: this.vault.release,
      certManager: this.certManager.release,
      platformPki: this.vault.pki.release,
      externalSecrets: this.externalSecrets.release,
      falco: this.falco.release,
      argoCd: this.argoCd.release,
      argoCdApps: this.argoCd.apps,
      policyApplications: this.policies.applications,
      velero: this.velero.release,
    };
    if (settings.awsLoadBalancerController) {
      releases.awsLoadBalancerController = new AwsLoadBalancerController(this, 'aws-load-balancer-controller', {
        cluster: settings.cluster,
        controller: settings.awsLoadBalancerController,
        imageMirror: settings.imageMirror,
      }).release;
    }
    this.releases = releases;
    this.adminAccess = new ClusterAdminAccess(this, 'admin-access', { groups: props.cluster.clusterAdminGroups });
    this.charts = chartValues(settings);
    this.images = chartImages(this.charts, settings.imageMirror, settings.cluster.cloud);
    this.chartVersions = Object.fromEntries(this.charts.map((c) => [c.component, c.version]));
    this.policyConfig = this.policies.configMap;
    this.ingressAnnotations = props.cluster.ingressWaf.ingressAnnotations;
  }
}
