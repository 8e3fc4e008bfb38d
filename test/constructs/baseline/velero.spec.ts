import { Testing } from 'cdktf';
import type { CloudProvider, ClusterContract } from '../../../src/constructs/contract';
import { SecurityBaseline, type SecurityBaselineConstructProps } from '../../../src/constructs/baseline/security-baseline';
import { baselineChartValues } from '../../../src/constructs/baseline/security-baseline';
import { veleroAlertRules } from '../../../src/constructs/baseline/velero';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- Helm values are untyped JSON

function props(cloud: CloudProvider, extra: Partial<SecurityBaselineConstructProps> = {}, cluster: ClusterContract = fakeContract(cloud)): SecurityBaselineConstructProps {
  return { cluster, allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART, ...extra };
}

/** The velero release of a synthesized baseline: its helm_release and parsed values. */
function synthVelero(p: SecurityBaselineConstructProps): { release: Json; values: Json; namespace: Json } {
  const json = JSON.parse(Testing.synthScope((scope) => new SecurityBaseline(scope, 'baseline', p))) as Json;
  const release = Object.values(json.resource.helm_release as Json).find((r: Json) => r.name === 'velero') as Json;
  const namespace = (Object.values(json.resource.kubernetes_namespace_v1 as Json) as Json[]).find((n) => n.metadata.name === 'velero')!;
  return { release, values: JSON.parse(release.values[0]) as Json, namespace };
}

describe('Velero release on aws (prod sizing, default retention)', () => {
  let release: Json;
  let values: Json;
  let namespace: Json;
  beforeAll(() => {
    ({ release, values, namespace } = synthVelero(props('aws')));
  });

  it('installs chart velero 12.1.0 from the vmware-tanzu repository into its own restricted, restricted-classified namespace', () => {
    expect(release).toMatchObject({ chart: 'velero', version: '12.1.0', repository: 'https://vmware-tanzu.github.io/helm-charts', namespace: 'velero', atomic: true, wait: true });
    expect(namespace.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'data-classification': 'restricted' });
  });

  it('installs after the Prometheus operator CRDs (ServiceMonitor, PrometheusRule)', () => {
    expect(release.depends_on.some((d: string) => d.includes('kube-prometheus-stack') || d.includes('observability'))).toBe(true);
  });

  it('pulls the server and the aws plugin from the mirror and runs them non-root, read-only, seccomp, no capabilities', () => {
    expect(values.image).toEqual({ repository: `${MIRROR}/velero/velero`, tag: 'v1.18.1' });
    expect(values.initContainers).toHaveLength(1);
    expect(values.initContainers[0]).toMatchObject({ name: 'velero-plugin-for-aws', image: `${MIRROR}/velero/velero-plugin-for-aws:v1.14.0` });
    for (const sc of [values.containerSecurityContext, values.initContainers[0].securityContext]) {
      expect(sc).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    }
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(values.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  });

  it('runs on the security pool', () => {
    expect(values.nodeSelector).toEqual({ workload: 'security' });
    expect(values.tolerations).toEqual([{ key: 'workload', operator: 'Equal', value: 'security', effect: 'NoSchedule' }]);
  });

  it('writes to the platform bucket with the workload identity and stores no credential', () => {
    expect(values.credentials).toEqual({ useSecret: false });
    expect(values.serviceAccount.server).toMatchObject({ create: true, name: 'velero' });
    expect(values.configuration.backupStorageLocation).toEqual([
      {
        name: 'default',
        provider: 'aws',
        bucket: 'test-cluster-velero-111111111111',
        default: true,
        accessMode: 'ReadWrite',
        validationFrequency: '1m',
        config: { region: 'eu-west-1', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/backup' },
      },
    ]);
  });

  it('snapshots volumes through CSI only: no native snapshot location, no node agent, no data mover', () => {
    expect(values.configuration.features).toBe('EnableCSI');
    expect(values.snapshotsEnabled).toBe(false);
    expect(values.configuration.volumeSnapshotLocation).toEqual([]);
    expect(values.deployNodeAgent).toBe(false);
    expect(values.configuration.defaultSnapshotMoveData).toBe(false);
    expect(values.configuration.defaultVolumesToFsBackup).toBe(false);
    expect(values.upgradeCRDs).toBe(false);
  });

  it('backs up every namespace daily at 02:00 UTC and keeps it 35 days by default', () => {
    expect(Object.keys(values.schedules)).toEqual(['daily-full']);
    expect(values.schedules['daily-full']).toMatchObject({ schedule: '0 2 * * *', template: { ttl: '840h0m0s', includedNamespaces: ['*'], includeClusterResources: true, snapshotVolumes: true, storageLocation: 'default' } });
  });

  it('alerts on failed backups and on schedules without a success in their window, through kube-prometheus-stack', () => {
    expect(values.metrics.serviceMonitor.enabled).toBe(true);
    expect(values.metrics.prometheusRule).toMatchObject({ enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } });
    const alerts = (values.metrics.prometheusRule.spec as Json[]).map((r) => r.alert);
    expect(alerts).toEqual(['VeleroBackupFailed', 'VeleroBackupPartiallyFailed', 'VeleroDailyBackupMissing', 'VeleroRestrictedBackupMissing']);
    const missing = (values.metrics.prometheusRule.spec as Json[]).find((r) => r.alert === 'VeleroDailyBackupMissing')!;
    expect(missing.expr).toContain('velero_backup_last_successful_timestamp{schedule="velero-daily-full"}');
    expect(missing.expr).toContain('93600');
    expect(missing.expr).toContain('absent(');
    expect(veleroAlertRules().every((r) => (r.labels as Json).severity)).toBe(true);
  });
});

describe('Velero per cloud and per tier', () => {
  it('runs the azure plugin with the workload identity label and useAAD on aks', () => {
    const { values } = synthVelero(props('azure'));
    expect(values.initContainers[0].image).toBe(`${MIRROR}/velero/velero-plugin-for-microsoft-azure:v1.14.0`);
    expect(values.podLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(values.serviceAccount.server.annotations).toEqual({ 'azure.workload.identity/client-id': '33333333-3333-4333-8333-333333333333' });
    expect(values.configuration.backupStorageLocation[0]).toMatchObject({ provider: 'azure', bucket: 'velero', config: { useAAD: 'true', storageAccount: 'sttestbkp' } });
  });

  it('runs the gcp plugin with the Workload Identity annotation on gke', () => {
    const { values } = synthVelero(props('gcp'));
    expect(values.initContainers[0].image).toBe(`${MIRROR}/velero/velero-plugin-for-gcp:v1.14.4`);
    expect(values.serviceAccount.server.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'test-cluster-velero@test-project-01.iam.gserviceaccount.com' });
    expect(values.podLabels).toEqual({});
  });

  it('takes the dev tier retention and minimal sizing', () => {
    const { values } = synthVelero(props('aws', { sizing: 'minimal', backup: { dailyRetentionDays: 7, restrictedRetentionHours: 48 } }));
    expect(values.schedules['daily-full'].template.ttl).toBe('168h0m0s');
    expect(values.configuration.defaultBackupTTL).toBe('168h0m0s');
    expect(values.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  it('writes the restricted backups TTL for the Kyverno-generated hourly schedules', () => {
    const json = JSON.parse(Testing.synthScope((scope) => new SecurityBaseline(scope, 'baseline', props('gcp', { backup: { restrictedRetentionHours: 72 } })))) as Json;
    const cm = Object.values(json.resource.kubernetes_config_map_v1 as Json)[0] as Json;
    expect(cm.data.backupRestrictedTtl).toBe('72h0m0s');
  });

  it('installs the policies only after Velero (the generate policy needs the Schedule CRD)', () => {
    const json = JSON.parse(Testing.synthScope((scope) => new SecurityBaseline(scope, 'baseline', props('aws')))) as Json;
    const policies = Object.values(json.resource.helm_release as Json).find((r: Json) => r.name === 'platform-policies') as Json;
    expect(policies.depends_on.some((d: string) => d.includes('velero'))).toBe(true);
  });
});

describe('the VolumeSnapshotClass Velero snapshots volumes with (charts/platform-baseline)', () => {
  const synthJson = (cloud: CloudProvider): Json => JSON.parse(Testing.synthScope((scope) => new SecurityBaseline(scope, 'baseline', props(cloud)))) as Json;
  const releaseValues = (json: Json, name: string): Json => JSON.parse((Object.values(json.resource.helm_release as Json).find((r: Json) => r.name === name) as Json).values[0]) as Json;

  it.each([
    ['aws', { enabled: true, name: 'platform-velero', driver: 'ebs.csi.aws.com', deletionPolicy: 'Delete', parameters: {} }],
    ['azure', { enabled: true, name: 'platform-velero', driver: 'disk.csi.azure.com', deletionPolicy: 'Delete', parameters: { incremental: 'true' } }],
    // Snapshots stay in the cluster's region (data residency), not the nearest multi-region.
    ['gcp', { enabled: true, name: 'platform-velero', driver: 'pd.csi.storage.gke.io', deletionPolicy: 'Delete', parameters: { 'storage-locations': 'europe-west2' } }],
  ] as const)('%s: one class for the cluster CSI driver, deleted with the backup that took it', (cloud, expected) => {
    const json = synthJson(cloud);
    const apps = releaseValues(json, 'platform-policies');
    expect(apps.applications['platform-baseline'].source.helm.valuesObject.volumeSnapshotClass).toEqual(expected);
    // The platform AppProject may create it (cluster-scoped).
    const project = Object.values(releaseValues(json, 'platform-apps').projects as Json)[0] as Json;
    expect(project.clusterResourceWhitelist).toContainEqual({ group: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshotClass' });
  });

  it('turns CSI snapshots on in Velero (the class is what it looks for)', () => {
    const velero = releaseValues(synthJson('aws'), 'velero');
    expect(velero.configuration.features).toBe('EnableCSI');
  });
});

describe('Velero settings validation', () => {
  const values = (p: SecurityBaselineConstructProps) => () => baselineChartValues(p);

  it('rejects a daily retention of zero days', () => {
    expect(values(props('aws', { backup: { dailyRetentionDays: 0 } }))).toThrow('backup.dailyRetentionDays must be a whole number of days between 1 and 3650, got 0');
  });

  it('rejects a fractional hourly retention', () => {
    expect(values(props('aws', { backup: { restrictedRetentionHours: 1.5 } }))).toThrow('backup.restrictedRetentionHours must be a whole number of hours between 2 and 8760, got 1.5');
  });

  it('rejects hourly backups kept longer than the daily ones', () => {
    expect(values(props('aws', { backup: { dailyRetentionDays: 2, restrictedRetentionHours: 72 } }))).toThrow('backup.restrictedRetentionHours must be at most dailyRetentionDays * 24 (48), got 72');
  });

  it("rejects a retention shorter than the bucket's write-once window", () => {
    const cluster = fakeContract('aws');
    const locked = { ...cluster, backup: { ...cluster.backup, immutabilityDays: 7 } };
    expect(values(props('aws', { backup: { restrictedRetentionHours: 48 } }, locked))).toThrow(
      "backup.restrictedRetentionHours must be at least the bucket's write-once window (cluster.backup.immutabilityDays 7 days = 168 hours), got 48",
    );
  });

  it("rejects a backup provider other than the cluster's cloud", () => {
    const cluster = fakeContract('aws');
    const wrong = { ...cluster, backup: { ...cluster.backup, provider: 'gcp' as const } };
    expect(values(props('aws', {}, wrong))).toThrow('cluster.backup.provider must be aws on aws, got "gcp"');
  });
});
