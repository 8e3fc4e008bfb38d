/**
 * Falco: runtime threat detection from kernel events on every node (shells in
 * containers, sensitive file reads, unexpected outbound connections from
 * cardholder-data namespaces). A DaemonSet with the modern eBPF probe.
 */
import { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { BASELINE_CHARTS, TOLERATE_ALL, baselineNamespace, baselineRelease, type HelmValues } from './helm-defaults';
import { mirrorImageValues } from './images';
import { BASELINE_NAMESPACES } from './settings';

/** ConfigMap rendered by charts/platform-baseline (templates/falco-rules.yaml) in the Falco namespace. */
export const FALCO_PLATFORM_RULES_CONFIGMAP = 'platform-baseline-falco-rules';
const PLATFORM_RULES_DIR = '/etc/falco/platform-rules.d';

export function falcoValues(imageMirror: string): HelmValues {
  return {
    // Falco and falcoctl (artifact install init container, artifact follow sidecar) from the mirror.
    image: mirrorImageValues(imageMirror, 'falco'),
    falcoctl: {
      image: mirrorImageValues(imageMirror, 'falcoctl'),
      // PCI-DSS 6.5.1 change control: no runtime self-update of detection rules. The follow sidecar
      // would pull new rules weekly from the internet, changing detections without review; rules
      // change only when this release changes (install still runs once at pod start).
      artifact: { follow: { enabled: false } },
    },
    driver: {
      enabled: true,
      // Modern eBPF (CO-RE): no kernel module or headers on the node; least privileged means
      // BPF/PERFMON/SYS_RESOURCE/SYS_PTRACE capabilities instead of a privileged container.
      kind: 'modern_ebpf',
      modernEbpf: { leastPrivileged: true },
      // The modern probe is built into the Falco binary: the driver-loader init container (which
      // builds or downloads kmod/legacy eBPF drivers from the internet) has nothing to do; disabled
      // rather than mirrored.
      loader: { enabled: false },
    },
    // PCI-DSS 4.0 11.5.1 / 10.2: every node is watched, including the tainted security pool
    // (Vault, Kyverno) and any future pool: tolerate every taint.
    tolerations: [TOLERATE_ALL],
    // The platform chart's rules (financial workloads), mounted from its ConfigMap. optional: Falco
    // starts with the upstream rules before Argo CD syncs the platform chart, and
    // watch_config_files reloads when the ConfigMap appears or changes.
    mounts: {
      volumes: [{ name: 'platform-rules', configMap: { name: FALCO_PLATFORM_RULES_CONFIGMAP, optional: true } }],
      volumeMounts: [{ name: 'platform-rules', mountPath: PLATFORM_RULES_DIR, readOnly: true }],
    },
    falco: {
      rules_files: ['/etc/falco/falco_rules.yaml', '/etc/falco/falco_rules.local.yaml', '/etc/falco/rules.d', PLATFORM_RULES_DIR],
      watch_config_files: true,
      // One JSON event per line on stdout: parsed by the log pipeline into Loki and the SIEM.
      json_output: true,
      json_include_output_property: true,
      json_include_tags_property: true,
      log_level: 'info',
    },
    // Falco's health and drop counters, scraped by Prometheus (alerts in the platform chart).
    metrics: { enabled: true },
    serviceMonitor: { create: true },
  };
}

export interface FalcoProps {
  /** Registry path the images are pulled from (see images.ts). */
  readonly imageMirror: string;
  /** The Prometheus operator CRDs (the chart renders a ServiceMonitor). */
  readonly monitoringCrds: ITerraformDependable;
}

export class Falco extends Construct {
  readonly namespace: NamespaceV1;
  readonly release: Release;

  constructor(scope: Construct, id: string, props: FalcoProps) {
    super(scope, id);
    // Privileged (documented exception): the eBPF probe and host mounts (/proc, /sys, container
    // runtime socket) are refused by PSA baseline and restricted.
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.falco, 'privileged');
    this.release = baselineRelease(this, 'release', {
      chart: BASELINE_CHARTS.falco,
      name: 'falco',
      namespace: BASELINE_NAMESPACES.falco,
      values: falcoValues(props.imageMirror),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
