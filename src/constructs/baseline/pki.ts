/**
 * The platform PKI: the project's charts/platform-pki, installed by Terraform
 * from the stack's own copy of the chart. It renders the per-environment CA
 * (self-signed bootstrap issuer -> root CA -> CA ClusterIssuer) and Vault's
 * listener certificate, which cert-manager issues and renews into the Secret
 * Vault mounts; with `vaultCertificateIssuer` the certificate comes from the
 * organisation's issuer instead and no in-cluster CA is created. docs/baseline.md#cert-manager-and-the-platform-pki.
 */
import { Construct } from 'constructs';
import { AssetType, TerraformAsset, Token, type ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { BASELINE_CHARTS, baselineRelease, type HelmValues } from './helm-defaults';
import { BASELINE_NAMESPACES, VAULT_RELEASE, VAULT_REPLICAS, type BaselineSettings } from './settings';

/** Release name of charts/platform-pki. */
export const PKI_RELEASE = 'platform-pki';

export function platformPkiValues(settings: BaselineSettings): HelmValues {
  const issuer = settings.vaultCertificateIssuer;
  return {
    // Names the in-cluster CA: one CA per environment, so a certificate shows which cluster it belongs to.
    environment: settings.cluster.clusterName,
    rootCA: { namespace: BASELINE_NAMESPACES.certManager },
    vault: {
      // The names the Vault chart gives its services and pods, and the Secret vault.ts mounts.
      namespace: BASELINE_NAMESPACES.vault,
      releaseName: VAULT_RELEASE,
      replicas: VAULT_REPLICAS,
      secretName: settings.vaultTlsSecretName,
      // Empty: the in-cluster CA; else the organisation's issuer (the chart then renders no CA).
      issuerRef: issuer ? { name: issuer.name, kind: issuer.kind, group: issuer.group } : {},
    },
  };
}

export interface PlatformPkiProps {
  /** The resolved baseline settings: the cluster name (names the CA), Vault's TLS Secret name and `vaultCertificateIssuer`. */
  readonly settings: BaselineSettings;
  /** Absolute path of charts/platform-pki (computed by the stack; see SecurityBaselineConstructProps). */
  readonly chartPath: string;
  /** The cert-manager release: its CRDs and webhook must exist before any Certificate or ClusterIssuer. */
  readonly certManager: ITerraformDependable;
  /** Namespaces the chart writes into beside cert-manager's (the vault namespace). */
  readonly namespaces: readonly ITerraformDependable[];
}

/**
 * The project's platform-pki chart, shipped with the stack as a content-hashed asset: the environment's in-cluster CA (or the
 * organisation's issuer) and Vault's listener certificate, issued and renewed by cert-manager.
 */
export class PlatformPki extends Construct {
  /** The chart folder as shipped with the stack. */
  readonly chart: TerraformAsset;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: PlatformPkiProps) {
    super(scope, id);
    const { chartPath } = props;
    if (!Token.isUnresolved(chartPath) && (typeof chartPath !== 'string' || !chartPath.startsWith('/'))) {
      throw new Error(`pkiChartPath must be the absolute path of the platform-pki chart (charts/platform-pki), got ${JSON.stringify(chartPath)}`);
    }
    // Copied into the stack directory at synth; the path carries the content hash, so a changed
    // chart is a changed `chart` attribute and a reviewed upgrade in the plan.
    this.chart = new TerraformAsset(this, 'chart', { path: chartPath, type: AssetType.DIRECTORY });
    this.release = baselineRelease(this, 'release', {
      // A local chart: Helm reads it from the path (relative to the stack directory), no repository.
      chart: { chart: this.chart.path, version: BASELINE_CHARTS.platformPki.version },
      name: PKI_RELEASE,
      namespace: BASELINE_NAMESPACES.certManager,
      values: platformPkiValues(props.settings),
      dependsOn: [props.certManager, ...props.namespaces],
    });
  }
}
