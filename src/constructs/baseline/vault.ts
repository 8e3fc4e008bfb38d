/**
 * HashiCorp Vault: the platform's secret store. HA with integrated raft
 * storage, TLS on its listener (certificate issued and renewed by cert-manager
 * through the platform PKI, pki.ts), auto-unseal with the cloud KMS key from
 * the cluster contract (no unseal keys held by people), audit storage, and the
 * agent injector so workloads get secrets without Kubernetes Secrets.
 */
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { ITerraformDependable } from 'cdktf';
import type { VaultUnsealKey } from '../contract';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, securityPoolPlacement, type HelmValues } from './helm-defaults';
import { mirrorRepositoryValues } from './images';
import { PlatformPki } from './pki';
import { BASELINE_NAMESPACES, VAULT_RELEASE, VAULT_REPLICAS, type BaselineSettings } from './settings';

export { VAULT_RELEASE, VAULT_REPLICAS } from './settings';

/** The chart renders Vault's config to /tmp at start: a small in-memory volume, so the root filesystem stays read-only. */
const TMP_VOLUME = { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } };

/** The seal stanza, e.g. `seal "awskms" { region = "eu-west-1" kms_key_id = "..." }`. */
export function vaultSealStanza(unseal: VaultUnsealKey): string {
  const params = Object.entries(unseal.sealConfig)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `  ${k} = "${v}"`)
    .join('\n');
  return `seal "${unseal.seal}" {\n${params}\n}`;
}

/** Vault's server configuration (HCL), rendered into the chart's raft config. */
export function vaultServerConfig(settings: BaselineSettings): string {
  const tlsDir = `/vault/userconfig/${settings.vaultTlsSecretName}`;
  const retryJoin = Array.from({ length: VAULT_REPLICAS }, (_, i) =>
    [
      '  retry_join {',
      `    leader_api_addr = "https://${VAULT_RELEASE}-${i}.${VAULT_RELEASE}-internal:8200"`,
      `    leader_ca_cert_file = "${tlsDir}/ca.crt"`,
      '  }',
    ].join('\n'),
  ).join('\n');
  return [
    // No UI: administration goes through the CLI/API with audited tokens.
    'ui = false',
    // Integrated storage: mlock would pin the raft data in memory; the container has no IPC_LOCK.
    'disable_mlock = true',
    '',
    'listener "tcp" {',
    '  address = "[::]:8200"',
    '  cluster_address = "[::]:8201"',
    // PCI-DSS 4.0 4.2.1: secrets only travel over TLS 1.2+.
    '  tls_disable = 0',
    `  tls_cert_file = "${tlsDir}/tls.crt"`,
    `  tls_key_file = "${tlsDir}/tls.key"`,
    '  tls_min_version = "tls12"',
    '  telemetry {',
    '    unauthenticated_metrics_access = "true"',
    '  }',
    '}',
    '',
    'storage "raft" {',
    '  path = "/vault/data"',
    retryJoin,
    '}',
    '',
    // Auto-unseal with the cloud KMS key: no Shamir key shares held by people (PCI-DSS 4.0 3.6.1).
    vaultSealStanza(settings.cluster.vaultUnseal),
    '',
    'service_registration "kubernetes" {}',
    '',
    'telemetry {',
    '  prometheus_retention_time = "30s"',
    '  disable_hostname = true',
    '}',
    '',
  ].join('\n');
}

/** Pod and container security context that satisfies PSA restricted (CIS-K8s 5.2). */
function restrictedSecurityContext(uid: number, gid: number): HelmValues {
  return {
    pod: { runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid, seccompProfile: { type: 'RuntimeDefault' } },
    // Read-only root filesystem (policies/require-read-only-root-filesystem): a compromised process
    // cannot replace the binary or drop tools; writes go to the declared volumes only.
    container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  };
}

export function vaultValues(settings: BaselineSettings): HelmValues {
  const placement = securityPoolPlacement(settings.cluster.securityNodePool);
  const identity = settings.cluster.vaultUnseal.identity;
  return {
    global: {
      enabled: true,
      // TLS on the API listener (see vaultServerConfig); clients verify the CA.
      tlsDisable: false,
      serverTelemetry: { prometheusOperator: true },
    },
    injector: {
      enabled: true,
      // Images from the mirror (the chart has no registry key: the repository carries it). The
      // agent image is the sidecar/init container the injector adds to every pod that gets secrets.
      image: mirrorRepositoryValues(settings.imageMirror, 'vaultK8s'),
      agentImage: mirrorRepositoryValues(settings.imageMirror, 'vault'),
      // Two injectors: pods needing secrets are still admitted during a node drain.
      replicas: 2,
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
      securityContext: restrictedSecurityContext(100, 1000),
    },
    server: {
      image: mirrorRepositoryValues(settings.imageMirror, 'vault'),
      // Security pool: secrets are not processed on nodes running tenant workloads.
      nodeSelector: placement.nodeSelector,
      tolerations: placement.tolerations,
      resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      // Azure workload identity needs a label on the pod; empty on AWS/GCP.
      extraLabels: { ...identity.podLabels },
      // The cloud identity allowed to use the unseal key is bound to exactly this service account.
      serviceAccount: {
        create: true,
        name: identity.serviceAccount.name,
        annotations: { ...identity.serviceAccountAnnotations },
      },
      // Listener certificate and the CA clients and raft peers verify (ca.crt), written and renewed
      // by cert-manager (Certificate of charts/platform-pki, docs/baseline.md#cert-manager-and-the-platform-pki).
      extraVolumes: [{ type: 'secret', name: settings.vaultTlsSecretName }],
      // The chart's start command copies the config to /tmp/storageconfig.hcl and fills in the pod's
      // addresses; HOME (/home/vault) is an emptyDir of the chart already.
      volumes: [TMP_VOLUME],
      volumeMounts: [{ name: TMP_VOLUME.name, mountPath: '/tmp' }],
      extraEnvironmentVars: {
        VAULT_CACERT: `/vault/userconfig/${settings.vaultTlsSecretName}/ca.crt`,
      },
      dataStorage: { enabled: true, size: '10Gi' },
      // PCI-DSS 4.0 10.2/10.5: a dedicated volume for the file audit device (enabled after init, see docs/baseline.md).
      auditStorage: { enabled: true, size: '20Gi' },
      ha: {
        enabled: true,
        replicas: VAULT_REPLICAS,
        raft: {
          enabled: true,
          setNodeId: true,
          config: vaultServerConfig(settings),
        },
        // Raft keeps quorum through a voluntary disruption.
        disruptionBudget: { enabled: true, maxUnavailable: 1 },
      },
      // PSA restricted: the chart's defaults lack the seccomp profile, the dropped capabilities and the read-only root.
      statefulSet: { securityContext: restrictedSecurityContext(100, 1000) },
      // Internal only: no ingress, no route.
      ingress: { enabled: false },
    },
    // UI off (see `ui = false`); its service is not created.
    ui: { enabled: false },
    // Secrets arrive through the injector, not a second node-level CSI agent.
    csi: { enabled: false },
    serverTelemetry: {
      serviceMonitor: {
        enabled: true,
        tlsConfig: { ca: { secret: { name: settings.vaultTlsSecretName, key: 'ca.crt' } } },
      },
    },
  };
}

export interface VaultProps {
  /**
   * The resolved baseline settings: the cluster's unseal key and identity, the security pool, the image mirror, the TLS Secret
   * name and the issuer of Vault's certificate.
   */
  readonly settings: BaselineSettings;
  /** The Prometheus operator CRDs (the chart renders a ServiceMonitor). */
  readonly monitoringCrds: ITerraformDependable;
  /** The cert-manager release: the platform PKI's Certificates need its CRDs and webhook. */
  readonly certManager: ITerraformDependable;
  /** Absolute path of charts/platform-pki (see SecurityBaselineConstructProps). */
  readonly pkiChartPath: string;
}

/**
 * Vault in a restricted namespace on the security pool: three raft replicas with a TLS 1.2+ listener whose certificate the
 * platform PKI issues, auto-unseal with the cloud KMS key through a workload identity, an audit volume and no UI.
 */
export class Vault extends Construct {
  readonly namespace: NamespaceV1;
  /**
   * The platform PKI release that issues Vault's listener certificate. It lives here because it
   * writes into this namespace and this release needs its certificate: namespace -> pki -> Vault.
   */
  readonly pki: PlatformPki;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: VaultProps) {
    super(scope, id);
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.vault, 'restricted');
    this.pki = new PlatformPki(this, 'pki', {
      settings: props.settings,
      chartPath: props.pkiChartPath,
      certManager: props.certManager,
      namespaces: [this.namespace],
    });
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.vault,
      name: VAULT_RELEASE,
      namespace: BASELINE_NAMESPACES.vault,
      values: vaultValues(props.settings),
      // The PKI release first: the certificate Secret is requested before Vault's pods mount it.
      dependsOn: [this.namespace, props.monitoringCrds, this.pki.release],
      // Vault pods report Ready only after the one-time `vault operator init` (recovery keys go to
      // named custodians, a human step), so Helm cannot wait for them on the first install.
      waitForReady: false,
    });
  }
}
