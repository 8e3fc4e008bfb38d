/**
 * Argo CD: the platform's only path for in-cluster change after bootstrap.
 * Terraform installs Argo CD and one restricted AppProject with the
 * app-of-apps Application; everything else is synced from git, so every
 * change is reviewed, versioned and attributable (PCI-DSS 4.0 6.5.1, 6.5.2).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, type HelmValues } from './helm-defaults';
import { mirrorRepositoryValues } from './images';
import { containerResources, type BaselineSizing } from './resources';
import { BASELINE_NAMESPACES, type BaselineSettings, type ConsoleSsoProps, type GitOpsSource } from './settings';
import { argoCdSsoConfigs } from './sso';

/** The AppProject every platform Application belongs to. */
export const PLATFORM_PROJECT = 'platform';
const IN_CLUSTER = 'https://kubernetes.default.svc';

/**
 * Argo CD values. Every container gets requests and a memory limit from the
 * sizing table (policies/require-requests-limits): a component that leaks is
 * OOM-killed and restarted instead of starving the node. The chart's default
 * container security contexts already meet the restricted profile (non-root,
 * read-only root filesystem, all capabilities dropped, no privilege
 * escalation, seccomp RuntimeDefault) and are kept as they are.
 */
export function argoCdValues(imageMirror: string, sizing: BaselineSizing, sso?: ConsoleSsoProps): HelmValues {
  const ssoConfigs = sso ? argoCdSsoConfigs(sso) : undefined;
  return {
    global: {
      // Network policies for every Argo CD component (default deny, then the flows it needs).
      networkPolicy: { create: true },
      // One image for every Argo CD component (controller, server, repo server, applicationset,
      // notifications, the redis secret init job), from the mirror; the tag pinned, not the appVersion.
      image: mirrorRepositoryValues(imageMirror, 'argoCd'),
    },
    configs: {
      cm: {
        // No local admin account with a shared password (PCI-DSS 4.0 8.2.2): people sign in through
        // SSO (oidc.config, from the environment's sso block), break-glass is kubectl.
        'admin.enabled': false,
        // No shell into pods from the UI.
        'exec.enabled': false,
        ...ssoConfigs?.cm,
      },
      params: {
        // The API server serves TLS itself; no plaintext listener behind a terminating proxy.
        'server.insecure': false,
      },
      // Without SSO nobody can sign in, and a signed-in user without a binding would see nothing;
      // with SSO: read-only by default, sync per group and project, admin per group (sso.ts).
      rbac: ssoConfigs?.rbac ?? { 'policy.default': '' },
    },
    // Dex is only needed for connector-based SSO; off until an identity provider is configured
    // (disabled rather than mirrored: no image to scan and sign, no extra identity service to run).
    dex: { enabled: false },
    // Argo CD's cache, from the mirror (same repository path as upstream ecr-public.aws.com/docker/library/redis).
    redis: { image: mirrorRepositoryValues(imageMirror, 'argoCdRedis'), resources: containerResources(sizing, 'argoCdRedis') },
    // The pre-install hook Job (redis password) is admitted like any pod: unsized, it would fail the install.
    redisSecretInit: { resources: containerResources(sizing, 'argoCdRedisSecretInit') },
    controller: {
      // The controller caches the whole cluster's state: its memory limit bounds the largest consumer.
      resources: containerResources(sizing, 'argoCdController'),
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
    server: {
      // Two API servers: the UI/API stays up through a node drain.
      replicas: 2,
      resources: containerResources(sizing, 'argoCdServer'),
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
    repoServer: {
      replicas: 2,
      // A runaway helm/kustomize render is OOM-killed instead of taking the node's memory.
      resources: containerResources(sizing, 'argoCdRepoServer'),
      // Init containers are admitted under the same rule (require-requests-limits).
      copyutil: { resources: containerResources(sizing, 'argoCdRepoServerCopyutil') },
      metrics: { enabled: true, serviceMonitor: { enabled: true } },
    },
    applicationSet: { resources: containerResources(sizing, 'argoCdApplicationSet') },
    notifications: { resources: containerResources(sizing, 'argoCdNotifications') },
  };
}

/** An Argo CD Application in argocd-apps' values format. */
export function platformApplication(gitOps: GitOpsSource, path: string, destinationNamespace: string, extra: HelmValues = {}): HelmValues {
  return {
    namespace: BASELINE_NAMESPACES.argoCd,
    project: PLATFORM_PROJECT,
    // Deleting the Application deletes what it deployed (no orphaned controls or workloads).
    finalizers: ['resources-finalizer.argocd.argoproj.io'],
    source: { repoURL: gitOps.repoUrl, targetRevision: gitOps.targetRevision, path, ...extra },
    destination: { server: IN_CLUSTER, namespace: destinationNamespace },
    syncPolicy: {
      // Drift is reverted from git (selfHeal) and removed objects are pruned.
      automated: { prune: true, selfHeal: true },
      syncOptions: ['ServerSideApply=true', 'PruneLast=true'],
    },
  };
}

export function argoCdAppsValues(settings: BaselineSettings): HelmValues {
  const { gitOps } = settings;
  return {
    projects: {
      [PLATFORM_PROJECT]: {
        namespace: BASELINE_NAMESPACES.argoCd,
        // argocd-apps 2.0.2 writes `description: {{ . }}` unquoted: no ': ' or ' #' in this text
        // (scripts/verify-baseline.ts renders the chart and fails on a broken template).
        description: 'Platform baseline (policies, platform chart and the environment app-of-apps)',
        // Restricted project: one source repository, this cluster only.
        sourceRepos: [gitOps.repoUrl],
        destinations: [{ server: IN_CLUSTER, namespace: '*' }],
        // Cluster-scoped kinds the platform needs; nothing else (no ClusterRoleBindings, no CRDs).
        clusterResourceWhitelist: [
          { group: '', kind: 'Namespace' },
          { group: 'kyverno.io', kind: 'ClusterPolicy' },
          { group: 'policies.kyverno.io', kind: 'ValidatingPolicy' },
          // The platform's one store (charts/platform-baseline, templates/secret-store.yaml).
          { group: 'external-secrets.io', kind: 'ClusterSecretStore' },
          // Velero's VolumeSnapshotClass (templates/volume-snapshot-class.yaml).
          { group: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshotClass' },
        ],
        // Applications may not rewrite RBAC or quotas behind the platform's back, nor create
        // AppProjects (a synced AppProject could grant itself more than this one).
        namespaceResourceBlacklist: [
          { group: 'argoproj.io', kind: 'AppProject' },
          { group: 'rbac.authorization.k8s.io', kind: 'Role' },
          { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' },
          { group: '', kind: 'ResourceQuota' },
          { group: '', kind: 'LimitRange' },
        ],
        orphanedResources: { warn: true },
      },
    },
    applications: {
      // App-of-apps: the environment's folder in the platform repository.
      'platform-root': platformApplication(gitOps, gitOps.path, BASELINE_NAMESPACES.argoCd, { directory: { recurse: true } }),
    },
  };
}

export interface ArgoCdProps {
  /** The resolved baseline settings: the image mirror, the sizing, and the GitOps source the app-of-apps syncs from. */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders ServiceMonitors). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * Argo CD in a restricted namespace (no local admin, no exec, deny-by-default RBAC, network policies) and the `platform`
 * AppProject, limited to one repository and this cluster, with the app-of-apps Application that syncs the environment from git.
 */
export class ArgoCd extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;
  /** AppProject `platform` and the app-of-apps Application. */
  readonly apps: Release;

  constructor(scope: Construct, id: string, props: ArgoCdProps) {
    super(scope, id);
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.argoCd, 'restricted');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.argoCd,
      name: 'argo-cd',
      namespace: BASELINE_NAMESPACES.argoCd,
      values: argoCdValues(props.settings.imageMirror, props.settings.sizing, props.settings.sso),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
    // A chart rather than kubernetes_manifest: Terraform needs no Argo CD CRD at plan time.
    this.apps = baselineRelease(this, 'apps', {
      chart: BASELINE_CHARTS.argoCdApps,
      name: 'platform-apps',
      namespace: BASELINE_NAMESPACES.argoCd,
      values: argoCdAppsValues(props.settings),
      dependsOn: [this.release],
    });
  }
}
