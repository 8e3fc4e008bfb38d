/**
 * Velero: backups of the cluster's objects and, through the CSI drivers,
 * snapshots of its volumes (docs/backups.md). It writes to the backup bucket
 * the platform created (cluster contract `backup`) as the workload identity
 * bound to exactly its service account: no cloud credential is stored in the
 * cluster. One schedule backs up every namespace daily; the Kyverno policy
 * generate-velero-restricted-schedule adds an hourly schedule for each
 * namespace labelled `data-classification: restricted`. A PrometheusRule
 * alerts on failed backups and on schedules without a recent success.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { CloudProvider } from '../contract';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, securityPoolPlacement, type HelmValues } from './helm-defaults';
import { type ImageName, mirrorReference, mirrorRepositoryValues } from './images';
import { containerResources } from './resources';
import { BASELINE_NAMESPACES, KUBE_PROMETHEUS_RELEASE, type BaselineSettings } from './settings';

/** Release name: the chart names the Deployment, service account default and schedules `velero-*`. */
export const VELERO_RELEASE = 'velero';
/** The daily full backup's schedule (the chart prefixes the release name: `velero-daily-full`). */
export const DAILY_SCHEDULE = 'daily-full';
/** 02:00 UTC: outside the business day of the European regions the reference environments run in. */
export const DAILY_SCHEDULE_CRON = '0 2 * * *';
/** Name of the BackupStorageLocation every schedule writes to. */
export const BACKUP_STORAGE_LOCATION = 'default';
/** Prefix of the hourly schedules the Kyverno policy generates, one per restricted namespace (`restricted-<namespace>`). */
export const RESTRICTED_SCHEDULE_PREFIX = 'restricted-';

/** The object-store plugin of each cloud (an init container that copies its binary into /target). */
const PLUGIN_IMAGES: Readonly<Record<CloudProvider, ImageName>> = {
  aws: 'veleroPluginAws',
  azure: 'veleroPluginAzure',
  gcp: 'veleroPluginGcp',
};

/** UID/GID of the Velero server and plugin containers (non-root; the images need no particular user). */
const VELERO_UID = 65532;

/** `<hours>h0m0s`: Velero's TTL format. */
export function veleroTtl(hours: number): string {
  return `${hours}h0m0s`;
}

/** Restricted container security context (CIS-K8s 5.2, PSA restricted). */
const CONTAINER_SECURITY_CONTEXT: HelmValues = {
  runAsNonRoot: true,
  runAsUser: VELERO_UID,
  runAsGroup: VELERO_UID,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  // The chart mounts /tmp (emptyDir) when the root filesystem is read-only; backups go to /scratch and plugins to /plugins.
  readOnlyRootFilesystem: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

/**
 * Alerts on Velero's metrics (PCI-DSS 12.10.1: a failed or missing backup is an incident to respond to).
 * Windows: the daily schedule must have succeeded within 26 hours (24 and the run's own duration), an
 * hourly one within 2 hours; a schedule that never succeeded reports 0 and fires.
 */
export function veleroAlertRules(): HelmValues[] {
  const daily = `${VELERO_RELEASE}-${DAILY_SCHEDULE}`;
  return [
    {
      alert: 'VeleroBackupFailed',
      expr: 'sum by (schedule) (increase(velero_backup_failure_total{schedule!=""}[1h])) > 0',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Velero backup of schedule {{ $labels.schedule }} failed',
        description: 'A scheduled backup failed in the last hour: the restore point is missing. Follow docs/runbooks.md, "Backups".',
      },
    },
    {
      alert: 'VeleroBackupPartiallyFailed',
      expr: 'sum by (schedule) (increase(velero_backup_partial_failure_total{schedule!=""}[1h])) > 0',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Velero backup of schedule {{ $labels.schedule }} partially failed',
        description: 'Some items or volume snapshots of a scheduled backup failed (velero backup describe --details).',
      },
    },
    {
      alert: 'VeleroDailyBackupMissing',
      expr: `(time() - max(velero_backup_last_successful_timestamp{schedule="${daily}"}) > 93600) or absent(velero_backup_last_successful_timestamp{schedule="${daily}"})`,
      for: '15m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'No successful daily full backup in the last 26 hours',
        description: `Schedule ${daily} has not completed a backup within its window: the RPO of every tier is at risk.`,
      },
    },
    {
      alert: 'VeleroRestrictedBackupMissing',
      expr: `time() - max by (schedule) (velero_backup_last_successful_timestamp{schedule=~"${RESTRICTED_SCHEDULE_PREFIX}.*"}) > 7200`,
      for: '10m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'No successful hourly backup of {{ $labels.schedule }} in the last 2 hours',
        description: 'The hourly backup of a restricted namespace is missing: its one-hour RPO is not met.',
      },
    },
  ];
}

/** The CSI driver whose snapshots Velero takes, per cloud (the drivers the cluster constructs install or the cloud ships). */
export const CSI_SNAPSHOT_DRIVERS: Readonly<Record<CloudProvider, string>> = {
  aws: 'ebs.csi.aws.com',
  azure: 'disk.csi.azure.com',
  gcp: 'pd.csi.storage.gke.io',
};

/** Name of the platform's VolumeSnapshotClass (charts/platform-baseline, templates/volume-snapshot-class.yaml). */
export const VOLUME_SNAPSHOT_CLASS = 'platform-velero';

/**
 * Values of the platform chart's `volumeSnapshotClass`: the class Velero snapshots the cluster's volumes with.
 * - EBS: snapshots are encrypted with the volume's KMS key (no parameter can weaken that);
 * - Azure Disk: incremental snapshots (zone-redundant where the region has zones, billed by the change);
 * - PD: `storage-locations` pins snapshots to the cluster's region (data residency; the default would be the
 *   nearest multi-region).
 */
export function volumeSnapshotClassValues(cloud: CloudProvider, region: string): HelmValues {
  const parameters: Record<CloudProvider, Record<string, string>> = {
    aws: {},
    azure: { incremental: 'true' },
    gcp: { 'storage-locations': region },
  };
  return { enabled: true, name: VOLUME_SNAPSHOT_CLASS, driver: CSI_SNAPSHOT_DRIVERS[cloud], deletionPolicy: 'Delete', parameters: parameters[cloud] };
}

export function veleroValues(settings: BaselineSettings): HelmValues {
  const placement = securityPoolPlacement(settings.cluster.securityNodePool);
  const mirror = settings.imageMirror;
  const backup = settings.cluster.backup;
  const identity = backup.identity;
  return {
    image: mirrorRepositoryValues(mirror, 'velero'),
    // The cloud's object-store plugin, from the mirror. Volume snapshots need no plugin: they are CSI snapshots.
    initContainers: [
      {
        name: `velero-plugin-for-${backup.provider}`,
        image: mirrorReference(mirror, PLUGIN_IMAGES[backup.provider]),
        imagePullPolicy: 'IfNotPresent',
        volumeMounts: [{ mountPath: '/target', name: 'plugins' }],
        resources: containerResources(settings.sizing, 'veleroPlugin'),
        securityContext: CONTAINER_SECURITY_CONTEXT,
      },
    ],
    resources: containerResources(settings.sizing, 'velero'),
    podSecurityContext: { runAsNonRoot: true, runAsUser: VELERO_UID, runAsGroup: VELERO_UID, fsGroup: VELERO_UID, seccompProfile: { type: 'RuntimeDefault' } },
    containerSecurityContext: CONTAINER_SECURITY_CONTEXT,
    // Security pool: the component that reads every Secret of the cluster does not share nodes with tenants.
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    // Azure workload identity needs a label on the pod; empty on AWS and GCP.
    podLabels: { ...identity.podLabels },
    // CRDs come from the chart's crds/ folder on install. The upgrade Job would run kubectl and the velero
    // image as a pre-upgrade hook with cluster-wide CRD rights; a chart upgrade applies CRD changes with the
    // runbook step instead (docs/runbooks.md, "Backups").
    upgradeCRDs: false,
    cleanUpCRDs: false,
    // No credentials Secret: the identity is the cloud's workload identity, bound to exactly this service account.
    credentials: { useSecret: false },
    serviceAccount: {
      server: { create: true, name: identity.serviceAccount.name, annotations: { ...identity.serviceAccountAnnotations } },
    },
    // Velero backs up and restores every kind of object: it needs cluster-admin (docs/backups.md, "Identity").
    rbac: { create: true, clusterAdministrator: true },
    backupsEnabled: true,
    // No VolumeSnapshotLocation: native plugin snapshots would need compute rights on the identity; volumes are
    // snapshotted by the CSI drivers (EnableCSI) with the drivers' own identities.
    snapshotsEnabled: false,
    // No node agent: file-system backup and the data mover would mount every pod's volumes from a privileged
    // DaemonSet on every node. CSI snapshots stay in the cloud's snapshot store, encrypted with the volume key.
    deployNodeAgent: false,
    configuration: {
      backupStorageLocation: [
        {
          name: BACKUP_STORAGE_LOCATION,
          provider: backup.provider,
          bucket: backup.bucket,
          default: true,
          accessMode: 'ReadWrite',
          validationFrequency: '1m',
          config: { ...backup.config },
        },
      ],
      volumeSnapshotLocation: [],
      features: 'EnableCSI',
      defaultVolumesToFsBackup: false,
      defaultSnapshotMoveData: false,
      // Expired backups (and their snapshots) are removed hourly.
      garbageCollectionFrequency: '1h',
      defaultBackupTTL: veleroTtl(settings.backup.dailyRetentionDays * 24),
      logFormat: 'json',
    },
    metrics: {
      enabled: true,
      serviceMonitor: { enabled: true, autodetect: false },
      prometheusRule: {
        enabled: true,
        autodetect: false,
        // kube-prometheus-stack's Prometheus loads rules with this label (ruleSelectorNilUsesHelmValues).
        additionalLabels: { release: KUBE_PROMETHEUS_RELEASE },
        // The chart wraps these rules in one group named velero.
        spec: veleroAlertRules(),
      },
    },
    schedules: {
      [DAILY_SCHEDULE]: {
        disabled: false,
        schedule: DAILY_SCHEDULE_CRON,
        useOwnerReferencesInBackup: false,
        template: {
          ttl: veleroTtl(settings.backup.dailyRetentionDays * 24),
          storageLocation: BACKUP_STORAGE_LOCATION,
          includedNamespaces: ['*'],
          includeClusterResources: true,
          snapshotVolumes: true,
          snapshotMoveData: false,
          defaultVolumesToFsBackup: false,
          csiSnapshotTimeout: '30m',
        },
      },
    },
  };
}

export interface VeleroProps {
  /** The resolved baseline settings: the backup bucket and identity (from the contract), retention, mirror, sizing, security pool. */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders a ServiceMonitor and a PrometheusRule). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * Velero in its own namespace on the security pool: images from the mirror, the cloud's workload identity, the platform's
 * backup bucket as its only storage location, CSI volume snapshots, a daily full schedule and alerting rules.
 */
export class Velero extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: VeleroProps) {
    super(scope, id);
    // Restricted: non-root, no capabilities, seccomp, read-only root; without the node agent nothing here needs host access.
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.velero, 'restricted');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.velero,
      name: VELERO_RELEASE,
      namespace: BASELINE_NAMESPACES.velero,
      values: veleroValues(props.settings),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
