/**
 * `<cloud>-<env>-baseline`: the in-cluster security baseline, installed with
 * Helm. Its kubernetes and helm providers are configured from the platform
 * stack's cluster contract through cross-stack references, which Terraform
 * resolves from the platform stack's remote state at plan time, so this stack
 * is planned only after the cluster exists.
 */
import { resolve } from 'node:path';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { backupSettings, type EnvironmentConfig } from '../config/schema';
import type { ClusterContract } from '../constructs/contract';
import { SecurityBaseline, type SecurityBaselineConstructProps } from '../constructs/baseline/security-baseline';
import { configureBackend } from './common';

/** The project's platform-pki chart, shipped with every baseline stack (a cdktf asset). */
const PKI_CHART_PATH = resolve(__dirname, '../../charts/platform-pki');

/** The baseline's props for one environment (also what scripts/check-helm-values.ts checks). */
export function baselineProps(config: EnvironmentConfig, cluster: ClusterContract): SecurityBaselineConstructProps {
  return {
    cluster,
    pkiChartPath: PKI_CHART_PATH,
    allowedRegistries: config.allowedRegistries,
    imageMirror: config.platformImageMirror,
    gitOps: config.gitOps,
    cosignPublicKey: config.cosignPublicKey,
    scanAttestationMaxAgeHours: config.scanAttestationMaxAgeHours,
    // EKS ingress: ALBs carry the WAF and TLS policy from the contract's annotations.
    awsLoadBalancerController: cluster.cloud === 'aws' ? { vpcId: cluster.networkId, region: cluster.region } : undefined,
    // Development clusters carry no production load: smaller requests, same controls and replicas.
    sizing: config.tier === 'dev' ? 'minimal' : 'production',
    // Velero's schedules: the tier's retention (docs/backups.md).
    backup: { dailyRetentionDays: backupSettings(config).dailyRetentionDays, restrictedRetentionHours: backupSettings(config).restrictedRetentionHours },
    sso: config.sso,
    egressDestinations: config.egress.destinations,
  };
}

export interface BaselineStackProps {
  /** The validated configuration of the environment: allowed registries, image mirror, GitOps source, Cosign key, tier, state backend. */
  readonly config: EnvironmentConfig;
  /**
   * The environment's platform stack's `ClusterContract`: the providers authenticate with its short-lived exec credentials, and
   * the baseline reads it across stacks from the platform stack's remote state.
   */
  readonly cluster: ClusterContract;
}

/**
 * `<cloud>-<env>-baseline`: the `SecurityBaseline` in its own state, with kubernetes and helm providers that reach the cluster
 * through the contract's endpoint and short-lived exec credentials (no long-lived token in the configuration or state).
 */
export class BaselineStack extends TerraformStack {
  readonly baseline: SecurityBaseline;

  constructor(scope: Construct, id: string, props: BaselineStackProps) {
    super(scope, id);
    const { config, cluster } = props;
    configureBackend(this, config);

    const exec = {
      apiVersion: cluster.access.exec.apiVersion,
      command: cluster.access.exec.command,
      args: [...cluster.access.exec.args],
      env: cluster.access.exec.env ? { ...cluster.access.exec.env } : undefined,
    };
    new KubernetesProvider(this, 'kubernetes', {
      host: cluster.access.host,
      clusterCaCertificate: cluster.access.clusterCaCertificate,
      exec: [exec],
    });
    new HelmProvider(this, 'helm', {
      kubernetes: {
        host: cluster.access.host,
        clusterCaCertificate: cluster.access.clusterCaCertificate,
        exec,
      },
    });

    this.baseline = new SecurityBaseline(this, 'baseline', baselineProps(config, cluster));
  }
}
