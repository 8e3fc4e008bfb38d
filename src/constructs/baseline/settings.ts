/**
 * The security baseline's props, their defaults and their validation, as
 * pure data: the construct and the offline values check
 * (scripts/check-helm-values.ts) both start from `resolveBaselineSettings`.
 */
import { Token } from 'cdktf';
import type { ClusterContract } from '../contract';
import type { BaselineSizing } from './resources';
import { HTTPS_URL, SSO_GROUP } from './sso-rules';
import { egressDestinationProblems, type EgressDestination } from './egress-rules';
import { BASELINE_NAMESPACES } from './namespaces';

/** Where Argo CD syncs from. */
export interface GitOpsSource {
  /** https://, ssh:// or git@ URL of the platform repository. */
  readonly repoUrl: string;
  /** Branch, tag or commit Argo CD tracks. */
  readonly targetRevision: string;
  /** Folder of the environment's app-of-apps inside the repository. */
  readonly path: string;
}

/** A cert-manager issuer, as a Certificate's issuerRef names it. */
export interface CertificateIssuerRef {
  /** Name of the ClusterIssuer, or of the Issuer in the vault namespace. */
  readonly name: string;
  /**
   * 'ClusterIssuer', or 'Issuer' for an issuer in the vault namespace.
   * @default 'ClusterIssuer'
   */
  readonly kind?: 'ClusterIssuer' | 'Issuer';
  /**
   * API group of the issuer: cert-manager.io for the built-in issuers (CA, Vault, Venafi, ACME),
   * the external issuer's group otherwise (e.g. awspca.cert-manager.io).
   * @default 'cert-manager.io'
   */
  readonly group?: string;
}

/** The AWS Load Balancer Controller (EKS only): what it cannot discover without IMDS. */
export interface AwsLoadBalancerControllerProps {
  /** VPC of the cluster. Given explicitly: nodes enforce IMDSv2 with hop limit 1, so pods cannot read it. */
  readonly vpcId: string;
  /** AWS region of the cluster. */
  readonly region: string;
}

export interface SecurityBaselineProps {
  /** The cluster the baseline is installed into (from the platform stack). */
  readonly cluster: ClusterContract;
  /**
   * Registries (host, optionally with a path) images may come from; written to
   * ConfigMap kyverno/platform-policy-config for the restrict-image-registries policy.
   */
  readonly allowedRegistries: readonly string[];
  /**
   * Registry path (host, optional port and path; no scheme, tag or trailing
   * '/') where the baseline's third-party images are mirrored, scanned and
   * re-signed with the release key. Every image of every baseline chart is
   * pulled from `<imageMirror>/<upstream repository path>:<pinned tag>`
   * (list: `baselineImages`), so the registry and signature policies admit
   * the platform's own pods. Must lie inside one of allowedRegistries.
   */
  readonly imageMirror: string;
  /** Repository, revision and path Argo CD syncs the platform from. */
  readonly gitOps: GitOpsSource;
  /**
   * PEM public key of the Cosign key that signs release images, written to
   * platform-policy-config (key cosignPublicKey) for verify-image-signatures.
   * @default - key not written: verify-image-signatures fails closed (blocks admission) until it is set
   */
  readonly cosignPublicKey?: string;
  /**
   * Hours a release-key-signed vulnerability-scan attestation stays acceptable, written to platform-policy-config
   * (key scanAttestationMaxAge, e.g. "168h") for verify-image-signatures (rule verify-scan-attestation).
   * @default - no scan attestation required (key set to "not-required"); the signature and the SBOM attestation still are
   */
  readonly scanAttestationMaxAgeHours?: number;
  /**
   * Days Loki keeps logs.
   * @default 90 - PCI-DSS 4.0 10.5.1: three months immediately available
   */
  readonly logRetentionDays?: number;
  /**
   * Days Prometheus keeps metrics.
   * @default 30
   */
  readonly metricsRetentionDays?: number;
  /**
   * Existing Secret in the monitoring namespace with keys admin-user and
   * admin-password for Grafana's break-glass admin.
   * @default - the baseline creates Secret monitoring/grafana-admin with a random password written write-only (never in Terraform state)
   */
  readonly grafanaAdminExistingSecret?: string;
  /**
   * Secret in the vault namespace holding Vault's listener certificate
   * (tls.crt, tls.key, ca.crt). cert-manager writes and renews it (Certificate
   * vault-server-tls of charts/platform-pki, docs/baseline.md#cert-manager-and-the-platform-pki). Vault does not start
   * without it (TLS is not optional).
   * @default 'vault-server-tls'
   */
  readonly vaultTlsSecretName?: string;
  /**
   * The issuer that signs Vault's listener certificate, for an organisation that
   * chains Vault to its own PKI (an existing ClusterIssuer, or an Issuer in the
   * vault namespace, e.g. its enterprise CA). The in-cluster CA is then not created.
   * @default - the in-cluster CA: ClusterIssuer platform-<cluster name>-ca, signed by a self-signed root CA kept in the cert-manager namespace (docs/baseline.md#cert-manager-and-the-platform-pki)
   */
  readonly vaultCertificateIssuer?: CertificateIssuerRef;
  /**
   * Install the AWS Load Balancer Controller (only valid when cluster.cloud is aws).
   * @default - not installed
   */
  readonly awsLoadBalancerController?: AwsLoadBalancerControllerProps;
  /**
   * Requests and memory limits of every container (table in resources.ts):
   * 'production' for clusters that carry real load, 'minimal' for development
   * clusters (same replicas and controls, smaller requests).
   * @default 'production'
   */
  readonly sizing?: BaselineSizing;
  /**
   * Velero's schedules (docs/backups.md): retention of the daily full backup and of the hourly
   * backups of namespaces labelled `data-classification: restricted`.
   * @default - the prod tier's: 35 days daily, 168 hours hourly
   */
  readonly backup?: BackupScheduleProps;
  /**
   * Sign-in to Argo CD and Grafana through the organisation's OIDC identity provider; the
   * client secrets come from Vault through External Secrets (docs/identity.md).
   * @default - no SSO: Argo CD has no sign-in at all (no local admin), Grafana only its break-glass admin
   */
  readonly sso?: ConsoleSsoProps;
  /**
   * External destinations workloads may reach, each only through the Istio egress gateway and
   * only from the namespaces it lists (docs/zero-trust.md#egress).
   * @default - none: the egress gateway runs and admits nothing; the mesh reaches no external host
   */
  readonly egressDestinations?: readonly EgressDestination[];
}

/** What a group may do in Argo CD: read everything, sync the Applications of some projects, or administer. */
export interface ArgoCdGroupRole {
  /** Group as the identity provider puts it in the groups claim. */
  readonly group: string;
  readonly role: 'readonly' | 'sync' | 'admin';
  /** AppProjects a `sync` group may sync (required for sync, not allowed otherwise). */
  readonly projects?: readonly string[];
}

/** Single sign-on of the consoles through the organisation's OIDC identity provider (docs/identity.md). */
export interface ConsoleSsoProps {
  /** OIDC issuer (https). */
  readonly issuerUrl: string;
  /**
   * Claim of the ID token carrying the user's groups.
   * @default 'groups'
   */
  readonly groupsClaim?: string;
  /** Argo CD's OIDC client and the group -> role mapping. */
  readonly argoCd: {
    /** Argo CD's external https URL. */
    readonly url: string;
    readonly clientId: string;
    /** Group -> role; signed-in users without a matching group get read-only access. */
    readonly groups: readonly ArgoCdGroupRole[];
  };
  /** Grafana's OIDC client, the identity provider's endpoints and the group -> role mapping. */
  readonly grafana: {
    /** Grafana's external https URL. */
    readonly url: string;
    readonly clientId: string;
    /** The identity provider's authorization, token and userinfo endpoints (https). */
    readonly authUrl: string;
    readonly tokenUrl: string;
    readonly apiUrl: string;
    /** Groups mapped to Grafana's Admin, Editor and Viewer roles; a user in none of them cannot sign in. */
    readonly adminGroups?: readonly string[];
    readonly editorGroups?: readonly string[];
    readonly viewerGroups: readonly string[];
  };
}

/** Retention of Velero's scheduled backups. */
export interface BackupScheduleProps {
  /**
   * Days a daily full backup is kept (1-3650).
   * @default 35
   */
  readonly dailyRetentionDays?: number;
  /**
   * Hours an hourly backup of a restricted namespace is kept (2-8760, at most dailyRetentionDays * 24).
   * @default 168
   */
  readonly restrictedRetentionHours?: number;
}

/** The SecurityBaseline construct's props: the baseline's settings plus the charts it ships with the stack. */
export interface SecurityBaselineConstructProps extends SecurityBaselineProps {
  /**
   * Absolute path of the project's platform-pki chart (charts/platform-pki).
   * The construct ships the folder with the stack as a cdktf asset and installs
   * it from there (no chart repository); the stack computes the path, the
   * construct reads no files itself.
   */
  readonly pkiChartPath: string;
}

/** Props with every default applied. */
export interface BaselineSettings {
  readonly cluster: ClusterContract;
  readonly allowedRegistries: readonly string[];
  readonly imageMirror: string;
  readonly gitOps: GitOpsSource;
  readonly cosignPublicKey?: string;
  readonly scanAttestationMaxAgeHours?: number;
  readonly logRetentionDays: number;
  readonly metricsRetentionDays: number;
  readonly grafanaAdminSecretName: string;
  readonly createGrafanaAdminSecret: boolean;
  readonly vaultTlsSecretName: string;
  /** The organisation's issuer for Vault's certificate; undefined: the in-cluster CA. */
  readonly vaultCertificateIssuer?: Required<CertificateIssuerRef>;
  readonly awsLoadBalancerController?: AwsLoadBalancerControllerProps;
  readonly sizing: BaselineSizing;
  readonly backup: Required<BackupScheduleProps>;
  readonly sso?: ConsoleSsoProps;
  readonly egressDestinations: readonly EgressDestination[];
}

/** Namespaces of the platform's components (src/constructs/baseline/namespaces.ts, loaded by the config layer too). */
export { BASELINE_NAMESPACES };

/** Name of the kube-prometheus-stack release: its Prometheus selects `release: <this>` rules. */
export const KUBE_PROMETHEUS_RELEASE = 'kube-prometheus-stack';

/** Vault's release name: the chart names the pods vault-N and the headless service vault-internal (the certificate's DNS names follow). */
export const VAULT_RELEASE = 'vault';
/** Vault server pods (raft voters): one set of certificate DNS names each. */
export const VAULT_REPLICAS = 3;

const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9._-]+)*$/;
const REPO_URL = /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/;
/** A Kubernetes object name (DNS subdomain, RFC 1123). */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A DNS label (RFC 1123): part of the in-cluster CA's object names. */
const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;


/** The same rules the environment schema applies, for library users who pass props directly. */
function validateSso(sso: ConsoleSsoProps): void {
  const urls: Array<[string, string]> = [
    ['sso.issuerUrl', sso.issuerUrl],
    ['sso.argoCd.url', sso.argoCd.url],
    ['sso.grafana.url', sso.grafana.url],
    ['sso.grafana.authUrl', sso.grafana.authUrl],
    ['sso.grafana.tokenUrl', sso.grafana.tokenUrl],
    ['sso.grafana.apiUrl', sso.grafana.apiUrl],
  ];
  for (const [field, url] of urls) {
    if (known(url) && !HTTPS_URL.test(url)) throw new Error(`${field} must be an https:// URL without query or fragment, got ${JSON.stringify(url)}`);
  }
  const groups = [...sso.argoCd.groups.map((g) => g.group), ...(sso.grafana.adminGroups ?? []), ...(sso.grafana.editorGroups ?? []), ...sso.grafana.viewerGroups];
  for (const group of groups) {
    if (known(group) && !SSO_GROUP.test(group)) throw new Error(`sso group names must not contain commas, quotes or leading/trailing spaces, got ${JSON.stringify(group)}`);
  }
  if (sso.argoCd.groups.length === 0) throw new Error('sso.argoCd.groups must map at least one group to a role');
  for (const g of sso.argoCd.groups) {
    if (g.role === 'sync' && (!g.projects || g.projects.length === 0)) throw new Error(`sso.argoCd.groups: sync group ${JSON.stringify(g.group)} needs the projects it may sync`);
    if (g.role !== 'sync' && g.projects) throw new Error(`sso.argoCd.groups: projects apply to sync groups only, got them on ${g.role} group ${JSON.stringify(g.group)}`);
  }
  if (sso.grafana.viewerGroups.length === 0) throw new Error('sso.grafana.viewerGroups must name at least one group');
}

function known(value: unknown): boolean {
  return !Token.isUnresolved(value);
}

function positiveDays(value: number, what: string, min: number): void {
  if (known(value) && (!Number.isInteger(value) || value < min || value > 3650)) {
    throw new Error(`${what} must be a whole number of days between ${min} and 3650, got ${value}`);
  }
}

/**
 * The mirror must name a registry host explicitly: a first segment without a
 * '.' or ':' (and not localhost) is read by the container runtime as a Docker
 * Hub namespace, so `platform-mirror/hashicorp/vault` would be pulled from
 * docker.io. It must lie inside allowedRegistries, or Kyverno refuses the
 * platform's own pods.
 */
function validateImageMirror(imageMirror: string, allowedRegistries: readonly string[]): void {
  if (!known(imageMirror)) return;
  const host = typeof imageMirror === 'string' ? imageMirror.split('/')[0] : '';
  if (typeof imageMirror !== 'string' || !REGISTRY.test(imageMirror) || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new Error(
      `imageMirror must be a registry host with an optional path (no scheme, tag or trailing '/'), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror, got ${JSON.stringify(imageMirror)}`,
    );
  }
  if (known(allowedRegistries) && Array.isArray(allowedRegistries) && allowedRegistries.every(known)) {
    if (!allowedRegistries.some((r) => imageMirror === r || imageMirror.startsWith(`${r}/`))) {
      throw new Error(`imageMirror must lie inside one of allowedRegistries (${allowedRegistries.join(', ')}) so Kyverno admits the platform's images, got ${JSON.stringify(imageMirror)}`);
    }
  }
}

/** The organisation's issuer with its defaults, validated; undefined when not set (the in-cluster CA). */
function resolveIssuer(ref: CertificateIssuerRef | undefined): Required<CertificateIssuerRef> | undefined {
  if (ref === undefined) return undefined;
  const resolved = { name: ref.name, kind: ref.kind ?? 'ClusterIssuer', group: ref.group ?? 'cert-manager.io' } as const;
  if (known(resolved.name) && (typeof resolved.name !== 'string' || !DNS_SUBDOMAIN.test(resolved.name))) {
    throw new Error(`vaultCertificateIssuer.name must be the name of an existing issuer (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(resolved.name)}`);
  }
  if (known(resolved.kind) && resolved.kind !== 'ClusterIssuer' && resolved.kind !== 'Issuer') {
    throw new Error(`vaultCertificateIssuer.kind must be 'ClusterIssuer' or 'Issuer' (an Issuer in the vault namespace), got ${JSON.stringify(resolved.kind)}`);
  }
  if (known(resolved.group) && (typeof resolved.group !== 'string' || !DNS_SUBDOMAIN.test(resolved.group) || !resolved.group.includes('.'))) {
    throw new Error(`vaultCertificateIssuer.group must be an API group such as cert-manager.io, got ${JSON.stringify(resolved.group)}`);
  }
  return resolved;
}

/** Applies defaults and validates eagerly; throws a lowercase message showing the bad value. */
export function resolveBaselineSettings(props: SecurityBaselineProps): BaselineSettings {
  const { cluster, allowedRegistries, gitOps } = props;
  if (!cluster) throw new Error('cluster is required: pass the platform stack contract');

  if (known(allowedRegistries)) {
    if (!Array.isArray(allowedRegistries) || allowedRegistries.length === 0) {
      throw new Error(`allowedRegistries must list at least one registry, got ${JSON.stringify(allowedRegistries)}`);
    }
    const bad = allowedRegistries.filter((r) => known(r) && !REGISTRY.test(r));
    if (bad.length > 0) {
      throw new Error(
        `allowedRegistries entries must be registry hosts with an optional path (no scheme, wildcard, '|' or trailing '/'), got ${JSON.stringify(bad)}`,
      );
    }
    const dupes = allowedRegistries.filter((r, i) => allowedRegistries.indexOf(r) !== i);
    if (dupes.length > 0) throw new Error(`allowedRegistries has duplicates: ${JSON.stringify(dupes)}`);
  }

  validateImageMirror(props.imageMirror, allowedRegistries);

  if (known(gitOps.repoUrl) && !REPO_URL.test(gitOps.repoUrl)) {
    throw new Error(`gitOps.repoUrl must be an https://, ssh:// or git@ repository url, got ${JSON.stringify(gitOps.repoUrl)}`);
  }
  if (known(gitOps.targetRevision) && gitOps.targetRevision.trim() === '') {
    throw new Error(`gitOps.targetRevision must be a branch, tag or commit, got ${JSON.stringify(gitOps.targetRevision)}`);
  }
  if (known(gitOps.path) && (gitOps.path.trim() === '' || gitOps.path.startsWith('/') || gitOps.path.split('/').includes('..'))) {
    throw new Error(`gitOps.path must be a relative folder inside the repository, got ${JSON.stringify(gitOps.path)}`);
  }

  const logRetentionDays = props.logRetentionDays ?? 90;
  positiveDays(logRetentionDays, 'logRetentionDays', 90);
  const metricsRetentionDays = props.metricsRetentionDays ?? 30;
  positiveDays(metricsRetentionDays, 'metricsRetentionDays', 1);

  if (props.cosignPublicKey !== undefined && known(props.cosignPublicKey) && !/-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(props.cosignPublicKey)) {
    throw new Error(`cosignPublicKey must be a PEM public key (-----BEGIN PUBLIC KEY-----), got ${JSON.stringify(props.cosignPublicKey.slice(0, 40))}`);
  }

  const scanAge = props.scanAttestationMaxAgeHours;
  if (scanAge !== undefined && known(scanAge) && (!Number.isInteger(scanAge) || scanAge < 1 || scanAge > 720)) {
    throw new Error(`scanAttestationMaxAgeHours must be a whole number of hours between 1 and 720, got ${scanAge}`);
  }

  const seal = cluster.vaultUnseal.seal;
  const expectedSeal = { aws: 'awskms', azure: 'azurekeyvault', gcp: 'gcpckms' }[cluster.cloud];
  if (known(seal) && seal !== expectedSeal) {
    throw new Error(`cluster.vaultUnseal.seal must be ${expectedSeal} on ${cluster.cloud}, got ${JSON.stringify(seal)}`);
  }
  for (const [k, v] of Object.entries(cluster.vaultUnseal.sealConfig)) {
    if (known(v) && /["\\\n]/.test(v)) {
      throw new Error(`cluster.vaultUnseal.sealConfig.${k} must not contain quotes, backslashes or newlines (it is written into HCL), got ${JSON.stringify(v)}`);
    }
    if (!/^[a-z_]+$/.test(k)) throw new Error(`cluster.vaultUnseal.sealConfig keys must be HCL identifiers (a-z, _), got ${JSON.stringify(k)}`);
  }

  if (props.awsLoadBalancerController && cluster.cloud !== 'aws') {
    throw new Error(`awsLoadBalancerController is only valid on aws clusters, got cloud ${JSON.stringify(cluster.cloud)}`);
  }

  const grafanaAdminExistingSecret = props.grafanaAdminExistingSecret;
  if (grafanaAdminExistingSecret !== undefined && known(grafanaAdminExistingSecret) && grafanaAdminExistingSecret.trim() === '') {
    throw new Error(`grafanaAdminExistingSecret must name a secret, got ${JSON.stringify(grafanaAdminExistingSecret)}`);
  }
  const vaultTlsSecretName = props.vaultTlsSecretName ?? 'vault-server-tls';
  if (known(vaultTlsSecretName) && vaultTlsSecretName.trim() === '') {
    throw new Error(`vaultTlsSecretName must name a secret, got ${JSON.stringify(vaultTlsSecretName)}`);
  }
  // cert-manager creates the Secret under this name: it must be a valid object name.
  if (known(vaultTlsSecretName) && !DNS_SUBDOMAIN.test(vaultTlsSecretName)) {
    throw new Error(`vaultTlsSecretName must be a Kubernetes object name (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(vaultTlsSecretName)}`);
  }
  const vaultCertificateIssuer = resolveIssuer(props.vaultCertificateIssuer);
  // The in-cluster CA's objects are named after the cluster (platform-<cluster name>-ca).
  if (!vaultCertificateIssuer && known(cluster.clusterName) && !DNS_LABEL.test(cluster.clusterName)) {
    throw new Error(
      `cluster.clusterName must be a DNS label (lowercase letters, digits and '-', at most 63) to name the in-cluster CA platform-<cluster name>-ca, got ${JSON.stringify(cluster.clusterName)}`,
    );
  }

  if (props.sso) validateSso(props.sso);

  const sizing = props.sizing ?? 'production';
  if (known(sizing) && sizing !== 'production' && sizing !== 'minimal') {
    throw new Error(`sizing must be 'production' or 'minimal', got ${JSON.stringify(sizing)}`);
  }

  const backup = resolveBackup(props.backup, cluster);

  const egressDestinations = props.egressDestinations ?? [];
  if (!Array.isArray(egressDestinations) || !known(egressDestinations) || egressDestinations.some((d) => !known(d) || Object.values(d).some((v) => !known(v)))) {
    // The chart renders one object per destination at synth time: the list must be known then.
    throw new Error('egressDestinations must be a list of destinations known at synth time (no tokens)');
  }
  const egressProblem = egressDestinationProblems(egressDestinations)[0];
  if (egressProblem) throw new Error(`${egressProblem.field.replace(/^destinations/, 'egressDestinations')} must be ${egressProblem.allowed}, got ${JSON.stringify(egressProblem.value)}`);

  return {
    cluster,
    allowedRegistries,
    imageMirror: props.imageMirror,
    gitOps,
    cosignPublicKey: props.cosignPublicKey,
    scanAttestationMaxAgeHours: scanAge,
    logRetentionDays,
    metricsRetentionDays,
    grafanaAdminSecretName: grafanaAdminExistingSecret ?? 'grafana-admin',
    createGrafanaAdminSecret: grafanaAdminExistingSecret === undefined,
    vaultTlsSecretName,
    vaultCertificateIssuer,
    awsLoadBalancerController: props.awsLoadBalancerController,
    sizing,
    backup,
    sso: props.sso,
    egressDestinations,
  };
}

/** Velero's retention with its defaults, validated against itself and against the bucket's write-once window. */
function resolveBackup(props: BackupScheduleProps | undefined, cluster: ClusterContract): Required<BackupScheduleProps> {
  const dailyRetentionDays = props?.dailyRetentionDays ?? 35;
  const restrictedRetentionHours = props?.restrictedRetentionHours ?? 168;
  if (known(dailyRetentionDays) && (!Number.isInteger(dailyRetentionDays) || dailyRetentionDays < 1 || dailyRetentionDays > 3650)) {
    throw new Error(`backup.dailyRetentionDays must be a whole number of days between 1 and 3650, got ${dailyRetentionDays}`);
  }
  if (known(restrictedRetentionHours) && (!Number.isInteger(restrictedRetentionHours) || restrictedRetentionHours < 2 || restrictedRetentionHours > 8760)) {
    throw new Error(`backup.restrictedRetentionHours must be a whole number of hours between 2 and 8760, got ${restrictedRetentionHours}`);
  }
  if (known(dailyRetentionDays) && known(restrictedRetentionHours) && restrictedRetentionHours > dailyRetentionDays * 24) {
    throw new Error(`backup.restrictedRetentionHours must be at most dailyRetentionDays * 24 (${dailyRetentionDays * 24}), got ${restrictedRetentionHours}`);
  }
  const lockDays = cluster.backup.immutabilityDays;
  // A write-once object that outlives its backup's TTL cannot be expired by Velero (its deletes fail and the backup hangs in Deleting).
  if (known(lockDays) && known(restrictedRetentionHours) && lockDays * 24 > restrictedRetentionHours) {
    throw new Error(
      `backup.restrictedRetentionHours must be at least the bucket's write-once window (cluster.backup.immutabilityDays ${lockDays} days = ${lockDays * 24} hours), got ${restrictedRetentionHours}`,
    );
  }
  const expectedProvider = cluster.cloud;
  if (known(cluster.backup.provider) && cluster.backup.provider !== expectedProvider) {
    throw new Error(`cluster.backup.provider must be ${expectedProvider} on ${cluster.cloud}, got ${JSON.stringify(cluster.backup.provider)}`);
  }
  return { dailyRetentionDays, restrictedRetentionHours };
}
