/**
 * Observability: kube-prometheus-stack (Prometheus operator and CRDs,
 * Prometheus, Alertmanager, Grafana), Loki for logs and Tempo for traces.
 * Security controls are only as good as the evidence they leave: alerts on
 * Falco/Kyverno events, retained logs, dashboards for the auditor.
 */
import { createHash } from 'node:crypto';
import { Construct } from 'constructs';
import { Fn, type ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, type HelmValues } from './helm-defaults';
import { mirrorImageValues } from './images';
import { containerResources, type BaselineSizing, type ContainerName } from './resources';
import { BASELINE_NAMESPACES, KUBE_PROMETHEUS_RELEASE, type BaselineSettings } from './settings';
import { grafanaSsoValues } from './sso';

/** Loki tenant the platform's own logs are written to and Grafana reads (X-Scope-OrgID). */
export const LOKI_PLATFORM_TENANT = 'platform';
const LOKI_RELEASE = 'loki';
const TEMPO_RELEASE = 'tempo';

/**
 * A container that runs as a non-root user with nothing to gain from its root filesystem or from
 * kernel privileges (policies/require-read-only-root-filesystem, disallow-privilege-escalation,
 * restrict-capabilities, require-seccomp-profile, require-run-as-non-root; CIS-K8s 5.2).
 */
const RESTRICTED_CONTAINER: HelmValues = {
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
  runAsNonRoot: true,
};

export function kubePrometheusStackValues(settings: BaselineSettings): HelmValues {
  const monitoring = BASELINE_NAMESPACES.monitoring;
  const dataSources = grafanaDataSources(monitoring);
  const mirror = settings.imageMirror;
  const resources = (name: ContainerName): HelmValues => containerResources(settings.sizing, name);
  const sso = settings.sso ? grafanaSsoValues(settings.sso) : undefined;
  return {
    // global.imageRegistry replaces every image's registry in this chart and its subcharts (grafana,
    // kube-state-metrics): nothing is pulled from a public registry, including images this file does
    // not name (thanos, the disabled CRD upgrade job). Each image run below also names the mirror and
    // its pinned tag explicitly, so images.ts lists exactly what runs.
    global: { imageRegistry: mirror },
    // The operator CRDs come with this release; every chart rendering a ServiceMonitor depends on it.
    crds: { enabled: true },
    // Security contexts of the operator, its webhook Jobs and kube-state-metrics: the chart defaults
    // (non-root, RuntimeDefault seccomp, read-only root, no privilege escalation, drop ALL) already
    // meet the policies; only their resources are set here.
    prometheusOperator: {
      image: mirrorImageValues(mirror, 'prometheusOperator'),
      resources: resources('prometheusOperator'),
      // The config-reloader the operator adds to Prometheus and Alertmanager pods (init container
      // and sidecar): the chart turns these resources into the operator's --config-reloader-* flags.
      prometheusConfigReloader: { image: mirrorImageValues(mirror, 'prometheusConfigReloader'), resources: resources('prometheusConfigReloader') },
      // The hook Jobs that create and patch the operator's admission webhook certificate: both
      // containers (create and patch) take patch.resources.
      admissionWebhooks: { patch: { image: mirrorImageValues(mirror, 'admissionWebhookCertgen'), resources: resources('prometheusAdmissionWebhookJob') } },
    },
    // The kube-state-metrics subchart (8.4.0): registry/repository/tag of its image block, and its
    // one container's resources (kubeRBACProxy, which would add containers, is off by default).
    'kube-state-metrics': { image: mirrorImageValues(mirror, 'kubeStateMetrics'), resources: resources('kubeStateMetrics') },
    // node-exporter needs hostNetwork/hostPID/hostPath, which PSA refuses outside privileged
    // namespaces; node metrics come from the kubelet/cAdvisor and host activity from Falco.
    nodeExporter: { enabled: false },
    prometheus: {
      prometheusSpec: {
        image: mirrorImageValues(mirror, 'prometheus'),
        // The prometheus container; the operator gives it (and the config reloader) a read-only root,
        // no privilege escalation and drop ALL, and the chart's pod securityContext runs it non-root
        // with RuntimeDefault seccomp.
        resources: resources('prometheus'),
        replicas: 2,
        retention: `${settings.metricsRetentionDays}d`,
        // Select ServiceMonitors/PodMonitors of every release (Kyverno, Falco, Vault, Argo CD, Loki),
        // not only those labelled for this release: a security control's metrics cannot be dropped silently.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        // Rules stay selected by `release: kube-prometheus-stack`, the label the platform chart sets.
        ruleSelectorNilUsesHelmValues: true,
        storageSpec: {
          volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } } } },
        },
      },
    },
    alertmanager: {
      enabled: true,
      alertmanagerSpec: {
        image: mirrorImageValues(mirror, 'alertmanager'),
        resources: resources('alertmanager'),
        // Two replicas gossip so an alert survives a pod loss (PCI-DSS 4.0 10.7.2: failures are reported).
        replicas: 2,
        retention: '120h',
        storage: {
          volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } },
        },
      },
    },
    grafana: {
      enabled: true,
      image: mirrorImageValues(mirror, 'grafana'),
      resources: resources('grafana'),
      // Of these, the chart's default lacks only readOnlyRootFilesystem. Grafana writes its database,
      // plugins and search index to /var/lib/grafana and /var/lib/grafana-search (volumes), logs to
      // the console (log.mode console), and temporary files to /tmp: an emptyDir below.
      containerSecurityContext: RESTRICTED_CONTAINER,
      extraEmptyDirMounts: [{ name: 'tmp', mountPath: '/tmp' }],
      // No root init container chowning the volume: the pod's fsGroup already gives Grafana's group
      // ownership of it (PSA restricted forbids running as root); disabled rather than mirrored.
      initChownData: { enabled: false },
      // `helm test` pod: never run by Terraform, not mirrored.
      testFramework: { enabled: false },
      // Admin credentials from a Secret, never a literal in values or state (PCI-DSS 4.0 8.3.2 / 8.6.2).
      admin: { existingSecret: settings.grafanaAdminSecretName, userKey: 'admin-user', passwordKey: 'admin-password' },
      'grafana.ini': {
        // No anonymous viewers and no self sign-up: every viewer is an identified user (PCI-DSS 4.0 7.2, 8.2.1).
        'auth.anonymous': { enabled: false },
        users: { allow_sign_up: false },
        security: { cookie_secure: true, disable_gravatar: true },
        // No calls home from inside the cardholder-data environment.
        analytics: { check_for_updates: false, reporting_enabled: false },
        // SSO through the organisation's identity provider: no login form, no basic auth (sso.ts).
        ...sso?.ini,
      },
      ...(sso ? { envValueFrom: sso.envValueFrom } : {}),
      persistence: { enabled: true, size: '10Gi' },
      sidecar: {
        // The dashboard/datasource sidecar (k8s-sidecar) from the mirror.
        image: mirrorImageValues(mirror, 'grafanaSidecar'),
        // One setting for every sidecar (dashboards, datasources): they write only to their emptyDir
        // folders, so the root filesystem is read-only too (the chart's default leaves it writable).
        resources: resources('grafanaSidecar'),
        securityContext: RESTRICTED_CONTAINER,
        // Dashboards of the platform chart: ConfigMaps labelled grafana_dashboard=1, folder from an annotation.
        // skipReload: the sidecars never call Grafana's admin reload API, so they hold no admin password
        // (the chart passes it to them only for that call), and the call would fail anyway where SSO
        // turns basic auth off. Grafana's file provider rescans the dashboards folder every 30 s.
        dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', folderAnnotation: 'grafana_folder', skipReload: true },
        // Datasources are read only at Grafana's start: an init container writes them once, and the
        // checksum below rolls Grafana when they change.
        datasources: { skipReload: true, initDatasources: true },
      },
      podAnnotations: { 'checksum/platform-datasources': datasourcesChecksum(dataSources) },
      additionalDataSources: dataSources,
    },
  };
}

/** Changes whenever a datasource or the chart that renders them changes (the value of Grafana's pod annotation). */
export function datasourcesChecksum(dataSources: readonly HelmValues[]): string {
  return createHash('sha256').update(JSON.stringify({ chart: BASELINE_CHARTS.kubePrometheusStack.version, dataSources })).digest('hex');
}

function grafanaDataSources(monitoring: string): HelmValues[] {
  return [
    {
      name: 'Loki',
      type: 'loki',
      uid: 'loki',
      // The single binary's own service: Loki's nginx gateway is disabled (see lokiValues).
      url: `http://${LOKI_RELEASE}.${monitoring}.svc:3100`,
      access: 'proxy',
      // Loki runs with auth_enabled: Grafana reads the platform tenant only.
      jsonData: { httpHeaderName1: 'X-Scope-OrgID' },
      secureJsonData: { httpHeaderValue1: LOKI_PLATFORM_TENANT },
    },
    {
      name: 'Tempo',
      type: 'tempo',
      uid: 'tempo',
      url: `http://${TEMPO_RELEASE}.${monitoring}.svc:3200`,
      access: 'proxy',
    },
  ];
}

export function lokiValues(settings: BaselineSettings): HelmValues {
  const mirror = settings.imageMirror;
  return {
    // Every image from the mirror: the global registry catches subcomponents left at their defaults.
    global: { imageRegistry: mirror },
    // One binary with a persistent volume; object storage (SimpleScalable/Distributed) needs a
    // bucket and identity the cluster contract does not carry yet.
    deploymentMode: 'Monolithic',
    loki: {
      // Multi-tenancy: every request names its tenant (X-Scope-OrgID), tenants cannot read each other.
      auth_enabled: true,
      commonConfig: { replication_factor: 1 },
      storage: { type: 'filesystem' },
      schemaConfig: {
        configs: [{ from: '2025-01-01', store: 'tsdb', object_store: 'filesystem', schema: 'v13', index: { prefix: 'index_', period: '24h' } }],
      },
      // PCI-DSS 4.0 10.5.1: logs kept for the retention period, then deleted by the compactor.
      limits_config: { retention_period: `${settings.logRetentionDays * 24}h` },
      compactor: { retention_enabled: true, delete_request_store: 'filesystem' },
      // No usage reports sent out of the environment.
      analytics: { reporting_enabled: false },
      // The single binary runs this image (singleBinary.image falls back to it).
      image: mirrorImageValues(mirror, 'loki'),
    },
    singleBinary: {
      replicas: 1,
      // The chart's loki.podSecurityContext/containerSecurityContext (non-root, read-only root, drop
      // ALL, RuntimeDefault seccomp) apply; writes go to /var/loki (the volume) and /tmp (an emptyDir).
      resources: containerResources(settings.sizing, 'loki'),
      persistence: { enabled: true, size: '50Gi' },
      // No rules sidecar: alerting rules are Prometheus rules (platform chart), not Loki ruler rules,
      // so no extra image and no cluster-wide ConfigMap watcher.
      sidecar: false,
    },
    sidecar: { rules: { enabled: false } },
    // The chart's simple-scalable targets default to 3 replicas each; with them beside
    // singleBinary the chart refuses to render (two deployment modes at once).
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    // The nginx gateway only fronts the distributed components; one binary serves the API itself
    // and every request still carries its tenant (auth_enabled). Disabled rather than mirrored.
    gateway: { enabled: false },
    // Object storage is the persistent volume: no MinIO (its default is off; stated so it stays off).
    minio: { enabled: false },
    // Memcached caches are sized for large installs (GBs of RAM); a monolithic install does without.
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    // The canary writes synthetic logs from every node and the test pod needs it: not in production paths.
    lokiCanary: { enabled: false },
    test: { enabled: false },
    monitoring: { serviceMonitor: { enabled: true } },
  };
}

/** @param sizing - requests and limits of the tempo container. */
export function tempoValues(imageMirror: string, sizing: BaselineSizing): HelmValues {
  return {
    global: { imageRegistry: imageMirror },
    tempo: {
      ...mirrorImageValues(imageMirror, 'tempo'),
      resources: containerResources(sizing, 'tempo'),
      // The chart sets no container securityContext. Tempo writes only its blocks and WAL under
      // /var/tempo (the persistent volume); the metrics generator, which would use /tmp, is off.
      securityContext: RESTRICTED_CONTAINER,
      // No memory ballast (the chart's default is 1 GiB): with it the Go GC lets about that much
      // garbage pile up before it collects, more than the memory limit above leaves room for.
      memBallastSizeMbs: 0,
      retention: '168h',
      // No usage reports sent out of the environment.
      reportingEnabled: false,
    },
    // The chart's pod securityContext (uid/gid 10001, fsGroup for the volume, runAsNonRoot) with
    // the RuntimeDefault seccomp profile added (policies/require-seccomp-profile).
    securityContext: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    persistence: { enabled: true, size: '20Gi' },
    serviceMonitor: { enabled: true },
    // Jaeger query UI: Grafana is the trace UI; not run, not mirrored.
    tempoQuery: { enabled: false },
  };
}

export interface ObservabilityProps {
  /**
   * The resolved baseline settings: the image mirror, the sizing, the log and metrics retention days and Grafana's admin Secret
   * (created by the construct unless `grafanaAdminExistingSecret` names one).
   */
  readonly settings: BaselineSettings;
}

/**
 * kube-prometheus-stack (operator and CRDs, two Prometheus and two Alertmanager replicas, Grafana without anonymous access or
 * sign-up), Loki and Tempo in a restricted namespace, every image from the mirror; Grafana's admin password never enters state.
 */
export class Observability extends Construct {
  readonly namespace: NamespaceV1;
  readonly kubePrometheusStack: Release;
  readonly loki: Release;
  readonly tempo: Release;
  /** Grafana's admin Secret when the baseline creates it. */
  readonly grafanaAdminSecret?: SecretV1;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const { settings } = props;
    const ns = BASELINE_NAMESPACES.monitoring;
    // Restricted like the other platform namespaces: every container of kube-prometheus-stack, Loki
    // and Tempo (and the Prometheus/Alertmanager pods the operator creates) runs non-root, seccomp
    // RuntimeDefault, no capabilities, no privilege escalation, read-only root; npm run
    // verify:baseline renders them and admits them with the PSS policies.
    this.namespace = baselineNamespace(this, 'namespace', ns, 'restricted');

    const dependsOn: ITerraformDependable[] = [this.namespace];
    if (settings.createGrafanaAdminSecret) {
      // Random password written write-only: it reaches the cluster but never Terraform state or plan
      // output. Break-glass only (read it with kubectl); people sign in through SSO.
      this.grafanaAdminSecret = new SecretV1(this, 'grafana-admin', {
        metadata: { name: settings.grafanaAdminSecretName, namespace: ns },
        dataWo: { 'admin-user': 'admin', 'admin-password': Fn.uuid() },
        dataWoRevision: 1,
        dependsOn: [this.namespace],
      });
      dependsOn.push(this.grafanaAdminSecret);
    }

    this.kubePrometheusStack = baselineRelease(this, 'kube-prometheus-stack', {
      chart: BASELINE_CHARTS.kubePrometheusStack,
      name: KUBE_PROMETHEUS_RELEASE,
      namespace: ns,
      values: kubePrometheusStackValues(settings),
      dependsOn,
      timeoutSeconds: 900,
    });
    this.loki = baselineRelease(this, 'loki', {
      chart: BASELINE_CHARTS.loki,
      name: LOKI_RELEASE,
      namespace: ns,
      values: lokiValues(settings),
      dependsOn: [this.kubePrometheusStack],
    });
    this.tempo = baselineRelease(this, 'tempo', {
      chart: BASELINE_CHARTS.tempo,
      name: TEMPO_RELEASE,
      namespace: ns,
      values: tempoValues(settings.imageMirror, settings.sizing),
      dependsOn: [this.kubePrometheusStack],
    });
  }
}
