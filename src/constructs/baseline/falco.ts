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
import { containerResources, type BaselineSizing } from './resources';
import { BASELINE_NAMESPACES } from './settings';

/** ConfigMap rendered by charts/platform-baseline (templates/falco-rules.yaml) in the Falco namespace. */
export const FALCO_PLATFORM_RULES_CONFIGMAP = 'platform-baseline-falco-rules';
const PLATFORM_RULES_DIR = '/etc/falco/platform-rules.d';

export function falcoValues(imageMirror: string, sizing: BaselineSizing): HelmValues {
  return {
    // The Falco image from the mirror (scanned, re-signed).
    image: mirrorImageValues(imageMirror, 'falco'),
    // No falcoctl at all: the chart's install init container and follow sidecar download the
    // rules and the container plugin from the internet (falcosecurity index, ghcr.io) at every
    // pod start, which the clusters cannot reach and which would change detections without
    // review (PCI-DSS 4.0 6.5.1). The Falco image ships the default ruleset
    // (/etc/falco/falco_rules.yaml) and the container plugin (/usr/share/falco/plugins) it was
    // built with; with falcoctl off the chart mounts nothing over them. Rules therefore change
    // only when this pinned image changes; the platform's own rules come from a ConfigMap (below).
    falcoctl: { artifact: { install: { enabled: false }, follow: { enabled: false } } },
    resources: containerResources(sizing, 'falco'),
    // The chart's least-privileged modern eBPF context (these four capabilities instead of a
    // privileged container), plus no privilege escalation: the sensor never needs to gain
    // privileges through exec. Setting this replaces the chart's generated context, so the
    // capabilities are restated; the host access left is the reviewed exception in
    // policies/exceptions/falco-sensor.yaml.
    containerSecurityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['BPF', 'SYS_RESOURCE', 'PERFMON', 'SYS_PTRACE'] },
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
  /** Requests and memory limits (resources.ts). */
  readonly sizing: BaselineSizing;
  /** The Prometheus operator CRDs (the chart renders a ServiceMonitor). */
  readonly monitoringCrds: ITerraformDependable;
}

/**
 * Falco as a DaemonSet on every node (all taints tolerated) with the least-privileged modern eBPF probe, no falcoctl downloads
 * (rules change only with the pinned image or the platform chart's ConfigMap), and JSON events for the log pipeline.
 */
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
      values: falcoValues(props.imageMirror, props.sizing),
      dependsOn: [this.namespace, props.monitoringCrds],
    });
  }
}
