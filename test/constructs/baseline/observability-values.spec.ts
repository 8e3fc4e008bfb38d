import { Testing } from 'cdktf';
import { SecurityBaseline, type SecurityBaselineConstructProps } from '../../../src/constructs/baseline/security-baseline';
import { CONTAINER_SIZES, type BaselineSizing, type ContainerName } from '../../../src/constructs/baseline/resources';
import { datasourcesChecksum } from '../../../src/constructs/baseline/observability';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type ObservabilityRelease = 'kube-prometheus-stack' | 'loki' | 'tempo';

/** The observability helm_release values as synthesized into the Terraform JSON, by release name. */
function observabilityValues(sizing: BaselineSizing): Record<ObservabilityRelease, Json> {
  const props: SecurityBaselineConstructProps = { cluster: fakeContract('aws'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, sizing, pkiChartPath: PKI_CHART };
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', props);
    }),
  );
  const releases = Object.values(out.resource.helm_release as Json) as Json[];
  const values = (name: ObservabilityRelease): Json => JSON.parse(releases.find((r) => r.name === name)?.values[0]);
  return { 'kube-prometheus-stack': values('kube-prometheus-stack'), loki: values('loki'), tempo: values('tempo') };
}

/** Every container the observability releases run: release, values path of its resources, sizing entry. */
const OBSERVABILITY_CONTAINERS: ReadonlyArray<readonly [string, ObservabilityRelease, (v: Json) => Json, ContainerName]> = [
  ['prometheus operator', 'kube-prometheus-stack', (v) => v.prometheusOperator.resources, 'prometheusOperator'],
  ['config reloader (operator flags)', 'kube-prometheus-stack', (v) => v.prometheusOperator.prometheusConfigReloader.resources, 'prometheusConfigReloader'],
  ['admission webhook create/patch Jobs', 'kube-prometheus-stack', (v) => v.prometheusOperator.admissionWebhooks.patch.resources, 'prometheusAdmissionWebhookJob'],
  ['kube-state-metrics', 'kube-prometheus-stack', (v) => v['kube-state-metrics'].resources, 'kubeStateMetrics'],
  ['prometheus', 'kube-prometheus-stack', (v) => v.prometheus.prometheusSpec.resources, 'prometheus'],
  ['alertmanager', 'kube-prometheus-stack', (v) => v.alertmanager.alertmanagerSpec.resources, 'alertmanager'],
  ['grafana', 'kube-prometheus-stack', (v) => v.grafana.resources, 'grafana'],
  ['grafana sidecars', 'kube-prometheus-stack', (v) => v.grafana.sidecar.resources, 'grafanaSidecar'],
  ['loki single binary', 'loki', (v) => v.singleBinary.resources, 'loki'],
  ['tempo', 'tempo', (v) => v.tempo.resources, 'tempo'],
];

const RESTRICTED_CONTAINER = {
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
  runAsNonRoot: true,
};

describe.each([
  ['production', 'production' as const],
  ['minimal', 'minimal' as const],
])('observability values, %s sizing', (_label, sizing) => {
  let v: Record<ObservabilityRelease, Json>;
  beforeAll(() => {
    v = observabilityValues(sizing);
  });

  it.each(OBSERVABILITY_CONTAINERS)('gives %s requests and a memory limit from the sizing table, no CPU limit', (_name, release, at, entry) => {
    const size = CONTAINER_SIZES[entry][sizing];
    expect(at(v[release])).toEqual({ requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } });
  });

  it('runs grafana with a read-only root filesystem, /tmp on an emptyDir and no root init container', () => {
    const grafana = v['kube-prometheus-stack'].grafana;
    expect(grafana.containerSecurityContext).toEqual(RESTRICTED_CONTAINER);
    expect(grafana.extraEmptyDirMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(grafana.persistence.enabled).toBe(true);
    expect(grafana.initChownData).toEqual({ enabled: false });
  });

  it('runs the grafana sidecars with a read-only root filesystem and no privileges', () => {
    expect(v['kube-prometheus-stack'].grafana.sidecar.securityContext).toEqual(RESTRICTED_CONTAINER);
  });

  it('keeps the admin password out of the long-running sidecars: no reload calls, datasources written once at start', () => {
    const sidecar = v['kube-prometheus-stack'].grafana.sidecar;
    expect(sidecar.dashboards).toMatchObject({ enabled: true, label: 'grafana_dashboard', skipReload: true });
    expect(sidecar.datasources).toEqual({ skipReload: true, initDatasources: true });
  });

  it('rolls grafana when a datasource changes: the pod annotation is the checksum of the datasources it renders', () => {
    const grafana = v['kube-prometheus-stack'].grafana;
    expect(grafana.additionalDataSources.map((d: Json) => d.uid)).toEqual(['loki', 'tempo']);
    const checksum = grafana.podAnnotations['checksum/platform-datasources'];
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum).toBe(datasourcesChecksum(grafana.additionalDataSources));
    const changed = grafana.additionalDataSources.map((d: Json) => (d.uid === 'tempo' ? { ...d, url: 'http://tempo.elsewhere.svc:3200' } : d));
    expect(datasourcesChecksum(changed)).not.toBe(checksum);
  });

  it('keeps node-exporter off (it needs host namespaces and hostPath)', () => {
    expect(v['kube-prometheus-stack'].nodeExporter).toEqual({ enabled: false });
  });

  it('gives tempo a restricted container and a non-root pod with the RuntimeDefault seccomp profile', () => {
    const tempo = v.tempo;
    expect(tempo.tempo.securityContext).toEqual(RESTRICTED_CONTAINER);
    expect(tempo.securityContext).toEqual({ runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    // Its only writes go to the persistent volume at /var/tempo.
    expect(tempo.persistence.enabled).toBe(true);
    expect(tempo.tempo.memBallastSizeMbs).toBe(0);
  });

  it('keeps every loki container without a size off (gateway, caches, canary, rules sidecar, test)', () => {
    const loki = v.loki;
    expect(loki.gateway.enabled).toBe(false);
    expect(loki.chunksCache.enabled).toBe(false);
    expect(loki.resultsCache.enabled).toBe(false);
    expect(loki.lokiCanary.enabled).toBe(false);
    expect(loki.singleBinary.sidecar).toBe(false);
    expect(loki.sidecar.rules.enabled).toBe(false);
    expect(loki.test.enabled).toBe(false);
  });
});

describe('observability sizing table', () => {
  const millicores = (q: string): number => (q.endsWith('m') ? Number.parseInt(q, 10) : Number.parseFloat(q) * 1000);
  const mebibytes = (q: string): number => (q.endsWith('Gi') ? Number.parseInt(q, 10) * 1024 : Number.parseInt(q, 10));

  it.each(OBSERVABILITY_CONTAINERS)('sizes %s with limit at or above request, minimal at or below production', (_name, _release, _at, entry) => {
    const { production, minimal } = CONTAINER_SIZES[entry];
    for (const s of [production, minimal]) expect(mebibytes(s.memoryLimit)).toBeGreaterThanOrEqual(mebibytes(s.memory));
    expect(millicores(minimal.cpu)).toBeLessThanOrEqual(millicores(production.cpu));
    expect(mebibytes(minimal.memory)).toBeLessThanOrEqual(mebibytes(production.memory));
    expect(mebibytes(minimal.memoryLimit)).toBeLessThanOrEqual(mebibytes(production.memoryLimit));
  });
});
