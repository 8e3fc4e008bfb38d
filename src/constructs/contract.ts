/**
 * The cloud-neutral cluster contract.
 *
 * Each cloud's platform construct (EKS, AKS, GKE) exposes a `ClusterContract`;
 * the security baseline consumes only this interface, never a cloud resource.
 * Values are usually tokens of the platform stack: the baseline stack reads
 * them through cdktf cross-stack references (terraform_remote_state), which
 * also orders `cdktf deploy` platform-before-baseline.
 */

export type CloudProvider = 'aws' | 'azure' | 'gcp';

/** Short-lived credentials from the cloud CLI: no token is stored in state. */
export interface KubernetesExecAuth {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** How the kubernetes and helm providers reach and authenticate to the API server. */
export interface KubernetesAccess {
  /** https URL of the (private) API endpoint. */
  readonly host: string;
  /** PEM-encoded cluster CA certificate (already base64-decoded). */
  readonly clusterCaCertificate: string;
  readonly exec: KubernetesExecAuth;
}

/** A Kubernetes service account that is bound to a cloud identity. */
export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * What a service account needs to assume its cloud identity: annotations on
 * the service account (IRSA role ARN, Azure client id, GCP service account)
 * and labels on its pods (Azure workload identity). Both are empty where the
 * binding lives entirely in the cloud (EKS Pod Identity associations).
 */
export interface WorkloadIdentityBinding {
  readonly serviceAccount: ServiceAccountRef;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The key Vault auto-unseals with and the identity allowed to use it. */
export interface VaultUnsealKey {
  /** Vault seal stanza type. */
  readonly seal: 'awskms' | 'azurekeyvault' | 'gcpckms';
  /** Seal stanza parameters (e.g. `region`, `kms_key_id`), written into Vault's HCL config. */
  readonly sealConfig: Readonly<Record<string, string>>;
  readonly identity: WorkloadIdentityBinding;
}

/**
 * Where Velero writes backups and the identity allowed to write there: the
 * platform creates the bucket (customer-managed key, versioning, no public
 * access, immutability in the prod tier, a copy in a second region for prod)
 * and binds the identity to exactly `BASELINE_SERVICE_ACCOUNTS.velero`.
 */
export interface BackupStorage {
  /** Velero object-store and volume-snapshot provider (the plugin that talks to the cloud). */
  readonly provider: 'aws' | 'azure' | 'gcp';
  /** Bucket (S3, GCS) or blob container (Azure) of the BackupStorageLocation. */
  readonly bucket: string;
  /** BackupStorageLocation `config` of the provider plugin (e.g. `region`, `kmsKeyId`, `storageAccount`). */
  readonly config: Readonly<Record<string, string>>;
  /**
   * Days each backup object is immutable after it is written (S3 Object Lock, Azure version-level
   * immutability, GCS retention policy); 0: no write-once protection (dev and staging by default).
   */
  readonly immutabilityDays: number;
  /** Region of the second copy (prod), or undefined when the bucket lives in one region only. */
  readonly secondaryRegion?: string;
  readonly identity: WorkloadIdentityBinding;
}

export interface NodeTaint {
  readonly key: string;
  readonly value: string;
  readonly effect: 'NoSchedule';
}

/** Where security agents run: the label to select and the taint to tolerate. */
export interface NodePoolPlacement {
  readonly labels: Readonly<Record<string, string>>;
  readonly taint: NodeTaint;
}

/** The web application firewall that fronts the cluster's ingress. */
export interface IngressWaf {
  readonly kind: 'aws-wafv2' | 'azure-application-gateway-waf' | 'gcp-cloud-armor';
  /** WAFv2 web ACL ARN, Application Gateway WAF policy id, or Cloud Armor policy name. */
  readonly id: string;
  /** Annotations that attach ingresses / services to the WAF. */
  readonly ingressAnnotations: Readonly<Record<string, string>>;
}

export interface ClusterContract {
  readonly cloud: CloudProvider;
  readonly clusterName: string;
  /** Region / location of the cluster (controllers that cannot read instance metadata need it). */
  readonly region: string;
  /** The cluster's network: VPC id (AWS), VNet id (Azure), VPC network id (GCP). */
  readonly networkId: string;
  /**
   * Groups bound to cluster-admin through Kubernetes RBAC by the baseline.
   * Empty where the cloud's IAM grants cluster-admin itself (EKS access
   * entries, AKS Azure RBAC); GKE grants only IAM viewer and relies on
   * Google Groups for RBAC.
   */
  readonly clusterAdminGroups: readonly string[];
  readonly access: KubernetesAccess;
  /** OIDC issuer of the cluster's service-account tokens (workload identity federation). */
  readonly oidcIssuerUrl: string;
  readonly vaultUnseal: VaultUnsealKey;
  readonly securityNodePool: NodePoolPlacement;
  readonly ingressWaf: IngressWaf;
  /**
   * Cloud identities of baseline controllers other than Vault, keyed by
   * component (e.g. `aws-load-balancer-controller`).
   */
  readonly controllerIdentities: Readonly<Record<string, WorkloadIdentityBinding>>;
  /** The backup bucket Velero writes to and Velero's identity on it. */
  readonly backup: BackupStorage;
}

/**
 * The security node pool's label and taint, identical on every cloud so the
 * baseline schedules Falco, Kyverno and Vault the same way everywhere.
 */
export const SECURITY_POOL_PLACEMENT: NodePoolPlacement = {
  labels: { workload: 'security' },
  taint: { key: 'workload', value: 'security', effect: 'NoSchedule' },
};

/** Label on the general-purpose pool. */
export const APP_POOL_LABELS: Readonly<Record<string, string>> = { workload: 'app' };

/**
 * Service accounts of baseline components that hold cloud identities. The
 * platform stack binds cloud roles to exactly these names; the baseline
 * installs the charts with exactly these names.
 */
export const BASELINE_SERVICE_ACCOUNTS = {
  vault: { namespace: 'vault', name: 'vault' },
  awsLoadBalancerController: { namespace: 'kube-system', name: 'aws-load-balancer-controller' },
  ebsCsiController: { namespace: 'kube-system', name: 'ebs-csi-controller-sa' },
  velero: { namespace: 'velero', name: 'velero' },
} as const satisfies Record<string, ServiceAccountRef>;

/**
 * Name of a node pool beyond `app` and `security`: 1-12 lowercase letters and digits, starting with a
 * letter (AKS's limit for Linux pools, the strictest of the three clouds, so a pool name works everywhere).
 */
export const NODE_POOL_NAME = /^[a-z][a-z0-9]{0,11}$/;

/**
 * A node pool of one's own beyond `app` and `security` (e.g. `batch`, `gpu`): its name, its labels
 * (the platform adds `workload: <name>`) and an optional taint. Every cloud's platform gives it the
 * app pool's hardening and wiring.
 */
export interface AdditionalPoolPlacement {
  /** 1-12 lowercase letters and digits, starting with a letter; not app, security or system. */
  readonly name: string;
  /** @default - only `workload: <name>` */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - no taint */
  readonly taint?: NodeTaint;
}

/** The labels and taints a pool of one's own is created with. */
export function additionalPoolPlacement(pool: AdditionalPoolPlacement): { labels: Record<string, string>; taints: NodeTaint[] } {
  return { labels: { ...pool.labels, workload: pool.name }, taints: pool.taint ? [pool.taint] : [] };
}

/**
 * Throws one error naming every problem of `pools`, for library users who pass props without the
 * configuration's validation: a bad or reserved name, a duplicate, a `workload` label of its own, or
 * the security pool's taint (which would draw security agents onto the pool).
 */
export function assertAdditionalPools(pools: readonly AdditionalPoolPlacement[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const pool of pools) {
    if (!NODE_POOL_NAME.test(pool.name) || ['app', 'security', 'system'].includes(pool.name)) problems.push(`pool name ${JSON.stringify(pool.name)}: 1-12 lowercase letters and digits starting with a letter, not app, security or system`);
    if (seen.has(pool.name)) problems.push(`pool name ${JSON.stringify(pool.name)}: used twice`);
    seen.add(pool.name);
    if (pool.labels && 'workload' in pool.labels) problems.push(`pool ${pool.name}: no workload label of its own (the platform sets workload=${pool.name})`);
    if (pool.taint && pool.taint.key === SECURITY_POOL_PLACEMENT.taint.key && pool.taint.value === SECURITY_POOL_PLACEMENT.taint.value) problems.push(`pool ${pool.name}: the security pool's taint is the security pool's alone`);
  }
  if (problems.length > 0) throw new Error(`additionalPools: ${problems.join('; ')}`);
}
