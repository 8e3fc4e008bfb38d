/**
 * Policies: the configuration the Kyverno policies read at admission time
 * (ConfigMap kyverno/platform-policy-config) and the Argo CD Applications
 * that sync the policies/ folder and the charts/platform-baseline chart.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { BASELINE_CHARTS, BASELINE_OBJECT_LABELS, baselineRelease, type HelmValues } from './helm-defaults';
import { platformApplication } from './argocd';
import { veleroTtl, volumeSnapshotClassValues } from './velero';
import { VAULT_SECRET_STORE } from './external-secrets';
import { CONSOLE_OIDC_SECRETS, consoleSsoChartValues } from './sso';
import { egressGatewayChartValues, type EgressGatewayInput } from './egress-gateway';
import type { ConsoleSsoProps } from './settings';
import { BASELINE_NAMESPACES, KUBE_PROMETHEUS_RELEASE, type BaselineSettings } from './settings';
import { PLATFORM_APPLICATION_NAMESPACES } from './namespaces';

/** Read by policies/restrict-image-registries and policies/verify-image-signatures (Kyverno context). */
export const POLICY_CONFIG_MAP = { name: 'platform-policy-config', namespace: BASELINE_NAMESPACES.kyverno } as const;

/** platform-policy-config scanAttestationMaxAge value that skips verify-scan-attestation (the policy's precondition). */
export const SCAN_ATTESTATION_NOT_REQUIRED = 'not-required';

/**
 * The allowedRegistries value in the format the policy matches: Kyverno
 * wildcard patterns joined by " | ", each ending in "/*" so a look-alike host
 * ("registry.example.com.evil.io") cannot match ("registry.example.com/*").
 */
export function allowedRegistryPatterns(registries: readonly string[]): string {
  return registries.map((r) => `${r.replace(/\/+$/, '')}/*`).join(' | ');
}

export function policyConfigData(settings: BaselineSettings): Record<string, string> {
  const data: Record<string, string> = {
    allowedRegistries: allowedRegistryPatterns(settings.allowedRegistries),
    // TTL of the hourly backups policies/generate-velero-restricted-schedule generates (Velero's duration format).
    backupRestrictedTtl: veleroTtl(settings.backup.restrictedRetentionHours),
  };
  if (settings.cosignPublicKey !== undefined) data.cosignPublicKey = settings.cosignPublicKey.trim() + '\n';
  // Always written: a missing key makes verify-scan-attestation compare against nothing and refuse (fail closed).
  data.scanAttestationMaxAge = settings.scanAttestationMaxAgeHours === undefined ? SCAN_ATTESTATION_NOT_REQUIRED : `${settings.scanAttestationMaxAgeHours}h`;
  return data;
}

/** The chart's application namespaces (src/constructs/baseline/namespaces.ts, loaded by the config layer too). */
export { PLATFORM_APPLICATION_NAMESPACES };

/**
 * The namespaces whose `vault-secrets` identity may use the ClusterSecretStore (and so log in to
 * Vault): the application namespaces, and the consoles' namespaces when they sign in through SSO
 * (their OIDC client secrets). charts/platform-baseline renders the same list; the Vault role binds it.
 */
export function secretStoreNamespaces(sso?: ConsoleSsoProps): string[] {
  const names: string[] = PLATFORM_APPLICATION_NAMESPACES.map((ns) => ns.name);
  // The namespaces of the consoles' client-secret ExternalSecrets (consoleSsoChartValues turns them on with SSO).
  if (sso) names.push(...Object.values(CONSOLE_OIDC_SECRETS).map((s) => s.namespace));
  return names;
}

/**
 * Values of charts/platform-baseline as synced by Argo CD, aligned with the releases this baseline installs.
 * `vaultTlsSecretName`: the Secret (namespace vault) whose ca.crt the ClusterSecretStore trusts;
 * `sso`: the consoles' SSO, whose client secrets the chart's ExternalSecrets read from Vault;
 * `egress`: the egress gateway's image, sizing and destinations (omitted: the chart's defaults);
 * `volumeSnapshotClass`: the class Velero snapshots volumes with (volumeSnapshotClassValues; omitted: none).
 */
export function platformChartValues(vaultTlsSecretName = 'vault-server-tls', sso?: ConsoleSsoProps, egress?: EgressGatewayInput, volumeSnapshotClass?: HelmValues): HelmValues {
  return {
    // The policy ConfigMap has one owner, this Terraform stack (it exists before the policies are synced).
    policyConfig: { enabled: false },
    falco: { namespace: BASELINE_NAMESPACES.falco },
    prometheusRules: { namespace: BASELINE_NAMESPACES.monitoring, labels: { release: KUBE_PROMETHEUS_RELEASE } },
    dashboards: { namespace: BASELINE_NAMESPACES.monitoring },
    networkPolicies: { monitoringNamespace: BASELINE_NAMESPACES.monitoring },
    istio: { rootNamespace: BASELINE_NAMESPACES.istio },
    // The ClusterSecretStore External Secrets reads Vault through, and the names Vault's
    // configuration must use (docs/secrets.md).
    externalSecrets: {
      enabled: true,
      storeName: VAULT_SECRET_STORE.name,
      serviceAccountName: VAULT_SECRET_STORE.serviceAccount,
      vault: {
        server: VAULT_SECRET_STORE.server,
        kvMount: VAULT_SECRET_STORE.kvMount,
        authMount: VAULT_SECRET_STORE.authMount,
        role: VAULT_SECRET_STORE.role,
        audience: VAULT_SECRET_STORE.audience,
        caSecret: { namespace: BASELINE_NAMESPACES.vault, name: vaultTlsSecretName, key: 'ca.crt' },
      },
    },
    consoleSso: consoleSsoChartValues(sso),
    egressGateway: egressGatewayChartValues(egress),
    namespaces: PLATFORM_APPLICATION_NAMESPACES.map((ns) => ({ ...ns })),
    ...(volumeSnapshotClass ? { volumeSnapshotClass } : {}),
  };
}

export function policyApplicationsValues(settings: BaselineSettings): HelmValues {
  const { gitOps } = settings;
  return {
    applications: {
      // The Kyverno policies only: each policy folder also holds CLI test fixtures (resources.yaml,
      // kyverno-test.yaml) that must never be applied to the cluster.
      'platform-policies': platformApplication(gitOps, 'policies', BASELINE_NAMESPACES.kyverno, {
        directory: { recurse: true, include: '{*/policy.yaml,exceptions/*.yaml}' },
      }),
      'platform-baseline': platformApplication(gitOps, 'charts/platform-baseline', BASELINE_NAMESPACES.kyverno, {
        helm: { releaseName: 'platform-baseline', valuesObject: platformChartValues(settings.vaultTlsSecretName, settings.sso, {
          imageMirror: settings.imageMirror,
          sizing: settings.sizing,
          destinations: settings.egressDestinations,
        }, volumeSnapshotClassValues(settings.cluster.cloud, settings.cluster.region)) },
      }),
    },
  };
}

export interface PoliciesProps {
  /** The resolved baseline settings: `allowedRegistries`, `cosignPublicKey` and the GitOps source of the policy Applications. */
  readonly settings: BaselineSettings;
  /** Kyverno (CRDs and webhooks) must run before its policies are synced. */
  readonly kyverno: ITerraformDependable;
  /** The platform AppProject (argocd-apps release). */
  readonly argoCdApps: ITerraformDependable;
  /** External Secrets (its CRDs): charts/platform-baseline renders the ClusterSecretStore. */
  readonly externalSecrets: ITerraformDependable;
}

/**
 * The ConfigMap the registry and signature policies read at admission (allowed registries, Cosign public key), and the Argo CD
 * Applications that sync policies/ and charts/platform-baseline from git after it.
 */
export class Policies extends Construct {
  readonly configMap: ConfigMapV1;
  readonly applications: Release;

  constructor(scope: Construct, id: string, props: PoliciesProps) {
    super(scope, id);
    this.configMap = new ConfigMapV1(this, 'config', {
      metadata: {
        name: POLICY_CONFIG_MAP.name,
        namespace: POLICY_CONFIG_MAP.namespace,
        labels: { ...BASELINE_OBJECT_LABELS },
      },
      data: policyConfigData(props.settings),
      dependsOn: [props.kyverno],
    });
    this.applications = baselineRelease(this, 'applications', {
      chart: BASELINE_CHARTS.argoCdApps,
      name: 'platform-policies',
      namespace: BASELINE_NAMESPACES.argoCd,
      values: policyApplicationsValues(props.settings),
      // Config first: the registry and signature policies fail closed without it.
      dependsOn: [props.kyverno, props.argoCdApps, this.configMap, props.externalSecrets],
    });
  }
}
