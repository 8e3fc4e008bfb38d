/**
 * Requests and memory limits of every container the baseline runs, per
 * sizing. Every container must carry them (policies/require-requests-limits,
 * PCI-DSS 4.0 2.2.1): the scheduler places pods on nodes that can hold them,
 * and a leak in one component is OOM-killed instead of evicting payment
 * services. CPU limits are not set: they throttle a busy admission controller
 * or scraper without isolating anything that requests do not already isolate.
 *
 * Two sizings: `production` (staging and prod tiers: HA replicas under real
 * load, sized from the upstream charts' documented recommendations and the
 * components' steady-state use) and `minimal` (dev clusters: same topology and
 * controls, smaller requests). docs/baseline.md lists the table.
 */
import type { HelmValues } from './helm-defaults';

export type BaselineSizing = 'minimal' | 'production';

/** One container's CPU request, memory request and memory limit. */
export interface ContainerSize {
  readonly cpu: string;
  readonly memory: string;
  readonly memoryLimit: string;
}

type Sizes = Readonly<Record<BaselineSizing, ContainerSize>>;

const size = (cpu: string, memory: string, memoryLimit: string): ContainerSize => ({ cpu, memory, memoryLimit });

/** Every container the baseline runs, by a short name used in the component values. */
export const CONTAINER_SIZES = {
  // Kyverno: admission is on every API write; the other controllers work in the background.
  kyvernoAdmission: { production: size('200m', '256Mi', '768Mi'), minimal: size('100m', '128Mi', '512Mi') },
  kyvernoAdmissionInit: { production: size('10m', '64Mi', '256Mi'), minimal: size('10m', '64Mi', '256Mi') },
  kyvernoBackground: { production: size('100m', '128Mi', '384Mi'), minimal: size('50m', '64Mi', '256Mi') },
  kyvernoCleanup: { production: size('100m', '128Mi', '384Mi'), minimal: size('50m', '64Mi', '256Mi') },
  kyvernoReports: { production: size('100m', '128Mi', '384Mi'), minimal: size('50m', '64Mi', '256Mi') },
  // (the chart's hook Jobs keep its own requests and limits.)
  // Falco: one sensor per node; memory grows with the rules and the event rate.
  falco: { production: size('100m', '512Mi', '1Gi'), minimal: size('50m', '256Mi', '1Gi') },
  // Argo CD: the application controller caches every object of the cluster it manages and
  // reconciles all Applications, so it needs the most memory and is the one to bound; the repo
  // server renders manifests (helm/kustomize) in bursts; the API server, ApplicationSet and
  // notifications controllers are light; redis is a cache (losing it only costs a re-render).
  argoCdController: { production: size('500m', '1Gi', '3Gi'), minimal: size('100m', '256Mi', '1Gi') },
  argoCdRepoServer: { production: size('250m', '256Mi', '1Gi'), minimal: size('50m', '128Mi', '512Mi') },
  argoCdRepoServerCopyutil: { production: size('10m', '32Mi', '128Mi'), minimal: size('10m', '32Mi', '128Mi') },
  argoCdServer: { production: size('100m', '256Mi', '512Mi'), minimal: size('50m', '128Mi', '256Mi') },
  argoCdApplicationSet: { production: size('50m', '128Mi', '256Mi'), minimal: size('10m', '64Mi', '256Mi') },
  argoCdNotifications: { production: size('50m', '64Mi', '256Mi'), minimal: size('10m', '64Mi', '128Mi') },
  argoCdRedis: { production: size('100m', '256Mi', '512Mi'), minimal: size('50m', '64Mi', '256Mi') },
  argoCdRedisSecretInit: { production: size('10m', '64Mi', '256Mi'), minimal: size('10m', '64Mi', '256Mi') },
  // Istio: istiod pushes xDS config and signs workload certificates for every sidecar (memory
  // grows with the mesh; upstream's own request is 500m/2Gi); the CNI agent runs on every node,
  // and a node whose agent is OOM-killed cannot start meshed pods, so its limit is generous.
  istiod: { production: size('500m', '2Gi', '4Gi'), minimal: size('100m', '512Mi', '1Gi') },
  istioCni: { production: size('100m', '128Mi', '512Mi'), minimal: size('20m', '64Mi', '256Mi') },
  // The egress gateway's Envoy: every connection out of the mesh passes it (TLS passthrough, no
  // decryption of the application's stream); memory grows with connections and destinations.
  egressGateway: { production: size('200m', '256Mi', '1Gi'), minimal: size('50m', '128Mi', '512Mi') },
  // cert-manager: the controller watches Certificates, Secrets and CertificateRequests across the
  // cluster (its cache grows with the Secrets it owns); the webhook validates every cert-manager
  // object on the admission path; the CA injector patches caBundles; startupapicheck is a one-off
  // post-install hook Job that waits for the webhook.
  certManagerController: { production: size('50m', '128Mi', '512Mi'), minimal: size('10m', '64Mi', '256Mi') },
  certManagerWebhook: { production: size('50m', '64Mi', '256Mi'), minimal: size('10m', '32Mi', '128Mi') },
  certManagerCainjector: { production: size('50m', '128Mi', '512Mi'), minimal: size('10m', '64Mi', '256Mi') },
  certManagerStartupapicheck: { production: size('10m', '32Mi', '128Mi'), minimal: size('10m', '32Mi', '128Mi') },
  // Observability. Prometheus holds the head block (about two hours of every scraped series) in
  // memory and replays its WAL on start, so it gets the largest limit; two replicas scrape the
  // same targets. The operator and kube-state-metrics watch the cluster (kube-state-metrics'
  // memory grows with the number of objects). The config reloader runs twice in every Prometheus
  // and Alertmanager pod (init and sidecar, one setting for all: the chart turns it into operator
  // flags) and only watches files. Alertmanager keeps alerts and silences, which are small.
  prometheus: { production: size('500m', '2Gi', '4Gi'), minimal: size('100m', '512Mi', '2Gi') },
  alertmanager: { production: size('50m', '64Mi', '256Mi'), minimal: size('10m', '32Mi', '128Mi') },
  prometheusOperator: { production: size('100m', '128Mi', '512Mi'), minimal: size('20m', '64Mi', '256Mi') },
  prometheusConfigReloader: { production: size('10m', '32Mi', '128Mi'), minimal: size('10m', '32Mi', '128Mi') },
  // The hook Jobs that create and patch the operator's webhook certificate (one-off, seconds long).
  prometheusAdmissionWebhookJob: { production: size('10m', '32Mi', '128Mi'), minimal: size('10m', '32Mi', '128Mi') },
  kubeStateMetrics: { production: size('50m', '128Mi', '512Mi'), minimal: size('10m', '64Mi', '256Mi') },
  // Grafana renders dashboards on request (memory peaks with query results); its k8s-sidecar
  // containers (dashboards, datasources: one setting for all) only copy ConfigMaps to files.
  grafana: { production: size('100m', '256Mi', '1Gi'), minimal: size('50m', '128Mi', '512Mi') },
  grafanaSidecar: { production: size('50m', '64Mi', '256Mi'), minimal: size('10m', '64Mi', '256Mi') },
  // Loki's single binary runs ingester, querier and compactor in one process: ingested chunks sit
  // in memory until flushed and queries over the retention period load index and chunks; the chart
  // sets GOMEMLIMIT to 85% of the memory limit, so the Go heap is collected before the OOM kill.
  loki: { production: size('500m', '1Gi', '3Gi'), minimal: size('100m', '256Mi', '1Gi') },
  // External Secrets: the controller caches the Secrets it owns and calls Vault on every refresh;
  // the webhook validates ExternalSecrets and stores; the cert controller only rotates the
  // webhook's certificate.
  externalSecrets: { production: size('50m', '128Mi', '512Mi'), minimal: size('10m', '64Mi', '256Mi') },
  externalSecretsWebhook: { production: size('20m', '64Mi', '256Mi'), minimal: size('10m', '32Mi', '128Mi') },
  externalSecretsCertController: { production: size('20m', '64Mi', '256Mi'), minimal: size('10m', '32Mi', '128Mi') },
  // Tempo's single binary keeps live traces in memory until a block is cut and flushed to disk.
  tempo: { production: size('250m', '512Mi', '2Gi'), minimal: size('50m', '128Mi', '1Gi') },
  // Velero walks every object of the cluster during a backup and holds the running backup's item list
  // in memory (upstream's example: 500m/128Mi with a 512Mi limit, too tight for a production cluster's
  // object count); the plugin init containers only copy one binary each.
  velero: { production: size('250m', '256Mi', '1Gi'), minimal: size('50m', '128Mi', '512Mi') },
  veleroPlugin: { production: size('10m', '32Mi', '128Mi'), minimal: size('10m', '32Mi', '128Mi') },
} as const satisfies Record<string, Sizes>;

export type ContainerName = keyof typeof CONTAINER_SIZES;

/** `{ requests: { cpu, memory }, limits: { memory } }` for a container at this sizing. */
export function containerResources(sizing: BaselineSizing, name: ContainerName): HelmValues {
  const s = CONTAINER_SIZES[name][sizing];
  return { requests: { cpu: s.cpu, memory: s.memory }, limits: { memory: s.memoryLimit } };
}
