/**
 * Every container image the baseline's charts run, as published upstream,
 * and where each is pulled from instead: `<imageMirror>/<upstream repository
 * path>:<tag>`. Supply chain (PCI-DSS 4.0 6.3.2, 6.3.3): nodes never pull from
 * a public registry; the mirroring pipeline copies each image 1:1, scans it
 * and re-signs it with the release key, and only then do the Kyverno registry
 * and signature policies admit it. Tags are pinned here even where a chart
 * would derive them from its appVersion, so this list is exactly what runs.
 */
import type { BaselineComponent, HelmValues } from './helm-defaults';
import type { CloudProvider } from '../contract';

/** An image as published upstream. */
export interface UpstreamImage {
  /** Registry host, e.g. docker.io. */
  readonly registry: string;
  /** Repository path inside the registry, kept 1:1 in the mirror, e.g. hashicorp/vault. */
  readonly repository: string;
  /** Exact tag (the chart's pinned default or its appVersion). */
  readonly tag: string;
}

/** The upstream images, by a short name used in the component values. */
export const UPSTREAM_IMAGES = {
  // kyverno 3.9.0 (appVersion v1.19.0): images on reg.kyverno.io, the hooks' helper on ghcr.io.
  kyverno: { registry: 'reg.kyverno.io', repository: 'kyverno/kyverno', tag: 'v1.19.0' },
  kyvernoPre: { registry: 'reg.kyverno.io', repository: 'kyverno/kyvernopre', tag: 'v1.19.0' },
  kyvernoBackgroundController: { registry: 'reg.kyverno.io', repository: 'kyverno/background-controller', tag: 'v1.19.0' },
  kyvernoCleanupController: { registry: 'reg.kyverno.io', repository: 'kyverno/cleanup-controller', tag: 'v1.19.0' },
  kyvernoReportsController: { registry: 'reg.kyverno.io', repository: 'kyverno/reports-controller', tag: 'v1.19.0' },
  kyvernoCli: { registry: 'reg.kyverno.io', repository: 'kyverno/kyverno-cli', tag: 'v1.19.0' },
  // Upstream default tag is `latest`; released alongside Kyverno with the same version.
  kyvernoReadinessChecker: { registry: 'ghcr.io', repository: 'kyverno/readiness-checker', tag: 'v1.19.0' },
  // istio 1.30.3 (hub docker.io/istio): istiod, the sidecar proxy istiod injects, the CNI agent.
  istioPilot: { registry: 'docker.io', repository: 'istio/pilot', tag: '1.30.3' },
  istioProxy: { registry: 'docker.io', repository: 'istio/proxyv2', tag: '1.30.3' },
  istioCni: { registry: 'docker.io', repository: 'istio/install-cni', tag: '1.30.3' },
  // vault 0.34.1: server and the agent the injector adds to pods use the same image.
  vault: { registry: 'docker.io', repository: 'hashicorp/vault', tag: '2.0.4' },
  vaultK8s: { registry: 'docker.io', repository: 'hashicorp/vault-k8s', tag: '1.7.6' },
  // falco 9.1.0 (appVersion 0.44.1): rules and container plugin ship in the image (no falcoctl, see falco.ts).
  falco: { registry: 'docker.io', repository: 'falcosecurity/falco', tag: '0.44.1' },
  // argo-cd 10.1.1 (appVersion v3.4.4): one image for every Argo CD component, plus Redis.
  argoCd: { registry: 'quay.io', repository: 'argoproj/argocd', tag: 'v3.4.4' },
  argoCdRedis: { registry: 'ecr-public.aws.com', repository: 'docker/library/redis', tag: '8.2.3-alpine' },
  // kube-prometheus-stack 88.5.3 (appVersion v0.93.1) with its grafana 12.11.1 and kube-state-metrics 8.4.0 subcharts.
  prometheusOperator: { registry: 'quay.io', repository: 'prometheus-operator/prometheus-operator', tag: 'v0.93.1' },
  prometheusConfigReloader: { registry: 'quay.io', repository: 'prometheus-operator/prometheus-config-reloader', tag: 'v0.93.1' },
  admissionWebhookCertgen: { registry: 'ghcr.io', repository: 'jkroepke/kube-webhook-certgen', tag: '1.8.7' },
  prometheus: { registry: 'quay.io', repository: 'prometheus/prometheus', tag: 'v3.14.0-distroless' },
  alertmanager: { registry: 'quay.io', repository: 'prometheus/alertmanager', tag: 'v0.34.0' },
  kubeStateMetrics: { registry: 'registry.k8s.io', repository: 'kube-state-metrics/kube-state-metrics', tag: 'v2.20.0' },
  grafana: { registry: 'docker.io', repository: 'grafana/grafana', tag: '13.2.0' },
  grafanaSidecar: { registry: 'quay.io', repository: 'kiwigrid/k8s-sidecar', tag: '2.10.1' },
  // loki 18.11.0 (appVersion 3.7.6), tempo 2.2.4 (appVersion 2.10.8).
  loki: { registry: 'docker.io', repository: 'grafana/loki', tag: '3.7.6' },
  tempo: { registry: 'docker.io', repository: 'grafana/tempo', tag: '2.10.8' },
  // aws-load-balancer-controller 1.14.0 (appVersion v2.14.0).
  awsLoadBalancerController: { registry: 'public.ecr.aws', repository: 'eks/aws-load-balancer-controller', tag: 'v2.14.0' },
  // cert-manager v1.21.1: the chart in git says appVersion v0.0.0, so every tag is pinned here.
  certManagerController: { registry: 'quay.io', repository: 'jetstack/cert-manager-controller', tag: 'v1.21.1' },
  certManagerWebhook: { registry: 'quay.io', repository: 'jetstack/cert-manager-webhook', tag: 'v1.21.1' },
  certManagerCainjector: { registry: 'quay.io', repository: 'jetstack/cert-manager-cainjector', tag: 'v1.21.1' },
  certManagerStartupapicheck: { registry: 'quay.io', repository: 'jetstack/cert-manager-startupapicheck', tag: 'v1.21.1' },
  // Run only for an ACME HTTP-01 challenge (none is configured); the controller is always given its reference.
  certManagerAcmesolver: { registry: 'quay.io', repository: 'jetstack/cert-manager-acmesolver', tag: 'v1.21.1' },
  // velero 12.1.0 (appVersion 1.18.1); the object-store plugins v1.14.x are the line paired with Velero 1.18
  // (init containers that copy the plugin binary into the server pod). One per cloud; the mirror holds all three.
  velero: { registry: 'docker.io', repository: 'velero/velero', tag: 'v1.18.1' },
  veleroPluginAws: { registry: 'docker.io', repository: 'velero/velero-plugin-for-aws', tag: 'v1.14.0' },
  veleroPluginAzure: { registry: 'docker.io', repository: 'velero/velero-plugin-for-microsoft-azure', tag: 'v1.14.0' },
  veleroPluginGcp: { registry: 'docker.io', repository: 'velero/velero-plugin-for-gcp', tag: 'v1.14.4' },
  // external-secrets 2.9.0 (appVersion v2.9.0): one image (distroless flavour) for the controller, the webhook and the cert controller.
  externalSecrets: { registry: 'ghcr.io', repository: 'external-secrets/external-secrets', tag: 'v2.9.0' },
} as const satisfies Record<string, UpstreamImage>;

export type ImageName = keyof typeof UPSTREAM_IMAGES;

/** The images each chart runs with the baseline's values (subcomponents it disables are absent). */
export const CHART_IMAGES: Readonly<Record<BaselineComponent, readonly ImageName[]>> = {
  kyverno: ['kyverno', 'kyvernoPre', 'kyvernoBackgroundController', 'kyvernoCleanupController', 'kyvernoReportsController', 'kyvernoCli', 'kyvernoReadinessChecker'],
  istioBase: [],
  istioCni: ['istioCni'],
  istiod: ['istioPilot', 'istioProxy'],
  vault: ['vault', 'vaultK8s'],
  falco: ['falco'],
  argoCd: ['argoCd', 'argoCdRedis'],
  argoCdApps: [],
  kubePrometheusStack: ['prometheusOperator', 'prometheusConfigReloader', 'admissionWebhookCertgen', 'prometheus', 'alertmanager', 'kubeStateMetrics', 'grafana', 'grafanaSidecar'],
  loki: ['loki'],
  tempo: ['tempo'],
  awsLoadBalancerController: ['awsLoadBalancerController'],
  certManager: ['certManagerController', 'certManagerWebhook', 'certManagerCainjector', 'certManagerStartupapicheck', 'certManagerAcmesolver'],
  externalSecrets: ['externalSecrets'],
  platformPki: [],
  velero: ['velero', 'veleroPluginAws', 'veleroPluginAzure', 'veleroPluginGcp'],
};

/**
 * Images only one cloud's clusters run: Velero's object-store plugin of that cloud. They are listed
 * (and mirrored) for that cloud only.
 */
export const CLOUD_ONLY_IMAGES: Readonly<Partial<Record<ImageName, CloudProvider>>> = {
  veleroPluginAws: 'aws',
  veleroPluginAzure: 'azure',
  veleroPluginGcp: 'gcp',
};

/** Whether a cluster on `cloud` runs this image (every image but another cloud's CLOUD_ONLY_IMAGES). */
export function runsOn(name: ImageName, cloud: CloudProvider): boolean {
  const only = CLOUD_ONLY_IMAGES[name];
  return only === undefined || only === cloud;
}

/** One image the baseline runs: where it is published and where the cluster pulls it from. */
export interface BaselineImage {
  /** The chart (BASELINE_CHARTS key) that runs it. */
  readonly component: BaselineComponent;
  /** Upstream reference, e.g. docker.io/hashicorp/vault:2.0.4. */
  readonly source: string;
  /** Mirror reference, e.g. <imageMirror>/hashicorp/vault:2.0.4. */
  readonly mirror: string;
}

export function upstreamReference(image: UpstreamImage): string {
  return `${image.registry}/${image.repository}:${image.tag}`;
}

/** The image's repository in the mirror: same path as upstream, under the mirror. */
export function mirrorRepository(imageMirror: string, name: ImageName): string {
  return `${imageMirror}/${UPSTREAM_IMAGES[name].repository}`;
}

export function mirrorReference(imageMirror: string, name: ImageName): string {
  return `${mirrorRepository(imageMirror, name)}:${UPSTREAM_IMAGES[name].tag}`;
}

/** `{ registry, repository, tag }`: the image block most charts use. */
export function mirrorImageValues(imageMirror: string, name: ImageName): HelmValues {
  const image = UPSTREAM_IMAGES[name];
  return { registry: imageMirror, repository: image.repository, tag: image.tag };
}

/** `{ repository, tag }` for charts without a registry key (repository carries the mirror). */
export function mirrorRepositoryValues(imageMirror: string, name: ImageName): HelmValues {
  return { repository: mirrorRepository(imageMirror, name), tag: UPSTREAM_IMAGES[name].tag };
}

/** The images of these charts on `cloud`, deduplicated (first chart that runs an image wins), in mirror form. */
export function imagesOf(components: readonly BaselineComponent[], imageMirror: string, cloud: CloudProvider): BaselineImage[] {
  const seen = new Set<ImageName>();
  const out: BaselineImage[] = [];
  for (const component of components) {
    for (const name of CHART_IMAGES[component]) {
      if (seen.has(name) || !runsOn(name, cloud)) continue;
      seen.add(name);
      out.push({ component, source: upstreamReference(UPSTREAM_IMAGES[name]), mirror: mirrorReference(imageMirror, name) });
    }
  }
  return out;
}
