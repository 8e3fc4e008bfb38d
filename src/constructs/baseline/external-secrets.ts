/**
 * External Secrets Operator: applications get their secrets from Vault as
 * ordinary Kubernetes Secrets, without ever holding a Vault token
 * (docs/secrets.md). The operator reads from Vault through the one
 * ClusterSecretStore the platform defines (charts/platform-baseline,
 * templates/secret-store.yaml), authenticating with the Kubernetes auth method
 * as the `vault-secrets` service account of the namespace that asks, so a
 * namespace can read only its own Vault path. Teams cannot bring their own
 * stores: namespaced SecretStores, ClusterExternalSecrets, PushSecrets and
 * ClusterGenerators are not installed. Kyverno admits Secrets in workload
 * namespaces only from this operator and cert-manager
 * (policies/restrict-secret-ownership).
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, securityPoolPlacement, type HelmValues } from './helm-defaults';
import { mirrorRepositoryValues } from './images';
import { containerResources } from './resources';
import { BASELINE_NAMESPACES, VAULT_RELEASE, type BaselineSettings } from './settings';

/** Release name: the chart names its Deployments and service accounts external-secrets, -webhook and -cert-controller. */
export const EXTERNAL_SECRETS_RELEASE = 'external-secrets';
/** The controller's service account: the only identity (besides cert-manager) that may write Secrets in workload namespaces. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = EXTERNAL_SECRETS_RELEASE;
/** Replicas of the controller, the webhook and the certificate controller: one survives a node drain. */
export const EXTERNAL_SECRETS_REPLICAS = 2;

/**
 * The Vault side of the store, as the ClusterSecretStore names it. The Vault
 * configuration (auth mount, role, KV mount and the per-namespace policy) must
 * match: docs/secrets.md lists it.
 */
export const VAULT_SECRET_STORE = {
  /** ClusterSecretStore name an ExternalSecret refers to. */
  name: 'vault',
  /** Vault's in-cluster address (a DNS name of Vault's certificate, charts/platform-pki). */
  server: `https://${VAULT_RELEASE}.${BASELINE_NAMESPACES.vault}.svc:8200`,
  /** KV version 2 secrets engine mount; a namespace's secrets live under `<mount>/<namespace>/`. */
  kvMount: 'platform-kv',
  /** Kubernetes auth method mount bound to this cluster. */
  authMount: 'kubernetes',
  /** Vault role of the Kubernetes auth method: bound to `serviceAccount` in any workload namespace, policy templated on the namespace. */
  role: 'external-secrets',
  /** Service account, one per workload namespace, whose token the operator presents to Vault (TokenRequest, never stored). */
  serviceAccount: 'vault-secrets',
  /** Audience of that token: the Vault role requires it, and the Kubernetes API does not accept a token for another audience. */
  audience: 'vault',
} as const;

export function externalSecretsValues(settings: BaselineSettings): HelmValues {
  const placement = securityPoolPlacement(settings.cluster.securityNodePool);
  const mirror = settings.imageMirror;
  const image = mirrorRepositoryValues(mirror, 'externalSecrets');
  // Security pool: the operator reads every secret it syncs.
  const pod = { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations };
  const ha = { replicaCount: EXTERNAL_SECRETS_REPLICAS, podDisruptionBudget: { enabled: true, minAvailable: 1 } };
  return {
    // CRDs with the release (templates gated by installCRDs in the published chart); only the
    // kinds the platform uses.
    installCRDs: true,
    crds: {
      createClusterSecretStore: true,
      // Namespaced stores would let a team point the operator at any backend with credentials of
      // its own choosing, outside the per-namespace Vault policy: only the platform's store exists.
      createSecretStore: false,
      // A ClusterExternalSecret writes into many namespaces; a ClusterPushSecret / PushSecret
      // copies cluster Secrets out to a backend. None is needed to consume secrets, each widens
      // what the operator does beyond "Vault path of this namespace -> Secret of this namespace".
      createClusterExternalSecret: false,
      createClusterPushSecret: false,
      createPushSecret: false,
      createClusterGenerator: false,
    },
    processSecretStore: false,
    processClusterExternalSecret: false,
    processClusterPushSecret: false,
    processPushSecret: false,
    processClusterGenerator: false,
    processClusterStore: true,
    // Only Secrets: no permission on ConfigMaps or other kinds.
    genericTargets: { enabled: false },
    // Two controllers, one active.
    leaderElect: true,
    image,
    ...ha,
    ...pod,
    resources: containerResources(settings.sizing, 'externalSecrets'),
    // One switch for the ServiceMonitors of all three components (sync errors, store readiness,
    // webhook and certificate state).
    serviceMonitor: { enabled: true },
    webhook: {
      ...ha,
      ...pod,
      image,
      // Rejects malformed ExternalSecrets and stores at admission; failing closed.
      failurePolicy: 'Fail',
      resources: containerResources(settings.sizing, 'externalSecretsWebhook'),
    },
    // Issues and rotates the webhook's serving certificate and injects its CA (the chart's default;
    // see docs/secrets.md for why not cert-manager).
    certController: {
      ...ha,
      ...pod,
      image,
      resources: containerResources(settings.sizing, 'externalSecretsCertController'),
    },
    'bitwarden-sdk-server': { enabled: false },
  };
}

export interface ExternalSecretsProps {
  /** The resolved baseline settings: the image mirror, the sizing and the security pool placement (from the cluster contract). */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders ServiceMonitors). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * External Secrets Operator in a restricted namespace: controller, webhook and certificate controller highly available on the
 * security pool, images from the mirror, and only the ClusterSecretStore and ExternalSecret kinds installed.
 */
export class ExternalSecrets extends Construct {
  readonly namespace: NamespaceV1;
  /** The external-secrets release: its CRDs and webhook are in place once it is applied. */
  readonly release: Release;

  constructor(scope: Construct, id: string, props: ExternalSecretsProps) {
    super(scope, id);
    // The chart's security contexts are restricted already (non-root, seccomp, read-only root, no capabilities).
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.externalSecrets, 'restricted');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.externalSecrets,
      name: EXTERNAL_SECRETS_RELEASE,
      namespace: BASELINE_NAMESPACES.externalSecrets,
      values: externalSecretsValues(props.settings),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
