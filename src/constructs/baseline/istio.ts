/**
 * Istio service mesh: base (CRDs, validation), istio-cni and istiod. Mesh-wide
 * mTLS STRICT is a PeerAuthentication in charts/platform-baseline; this file
 * installs the control plane that enforces it, egress locked to the registry.
 */
import { Construct } from 'constructs';
import type { Release } from '@cdktf/provider-helm/lib/release';
import type { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import type { CloudProvider } from '../contract';
import { BASELINE_CHARTS, baselineNamespace, baselineRelease, type HelmValues } from './helm-defaults';
import { UPSTREAM_IMAGES } from './images';
import { containerResources, type BaselineSizing } from './resources';
import { BASELINE_NAMESPACES, type BaselineSettings } from './settings';

/**
 * Istio names images `<hub>/<name>:<tag>` (pilot, proxyv2, install-cni): the
 * hub is the mirror's copy of docker.io/istio. istiod's global.hub and
 * global.tag also set the sidecar proxy it injects into every meshed pod, so
 * application pods pull the proxy from the mirror too. The tag is explicit:
 * the chart sources carry a development default that release builds replace.
 */
export function istioImageValues(imageMirror: string): HelmValues {
  return { hub: `${imageMirror}/istio`, tag: UPSTREAM_IMAGES.istioPilot.tag };
}

// Istio's charts flatten their values: keys set at the top level override the
// chart's `_internal_defaults_do_not_set` block (see scripts/check-helm-values.ts).

export function istioBaseValues(): HelmValues {
  return {
    global: { istioNamespace: BASELINE_NAMESPACES.istio },
    defaultRevision: 'default',
  };
}

/**
 * istio-cni sets up pod traffic redirection from a node agent, so sidecar pods
 * need no istio-init container with NET_ADMIN/NET_RAW: application namespaces
 * can then enforce PSA restricted (CIS-K8s 5.2.8/5.2.9). Only the CNI agent's
 * own namespace is privileged.
 */
export function istioCniValues(cloud: CloudProvider, imageMirror: string, sizing: BaselineSizing): HelmValues {
  return {
    // On every node: requests reserve room for the agent, the memory limit keeps a leak from
    // evicting tenant pods (the chart's default has requests only).
    resources: containerResources(sizing, 'istioCni'),
    // The agent keeps the runtime's default syscall filter (the chart leaves it unset): its added
    // capabilities (SYS_ADMIN for setns) are what the default profile conditions those syscalls on.
    // The host access it still needs is the reviewed exception policies/exceptions/istio-cni-node.yaml.
    seccompProfile: { type: 'RuntimeDefault' },
    global: {
      ...istioImageValues(imageMirror),
      // GKE: the chart adds the ResourceQuota GKE needs for system-node-critical pods outside kube-system.
      ...(cloud === 'gcp' ? { platform: 'gke' } : {}),
    },
  };
}

export function istiodValues(imageMirror: string, sizing: BaselineSizing): HelmValues {
  return {
    // HA control plane: two replicas minimum, PDB, so certificate issuance and xDS survive a node drain.
    autoscaleEnabled: true,
    autoscaleMin: 2,
    autoscaleMax: 5,
    replicaCount: 2,
    pdb: { minAvailable: 1 },
    global: {
      ...istioImageValues(imageMirror),
      defaultPodDisruptionBudget: { enabled: true },
      // Structured logs for the SIEM (PCI-DSS 4.0 10.2).
      logAsJson: true,
    },
    // Redirection is done by istio-cni, not a privileged init container (see istioCniValues).
    cni: { enabled: true },
    // PSA restricted requires a seccomp profile on istiod's pod.
    seccompProfile: { type: 'RuntimeDefault' },
    // The HPA scales on the CPU request; the memory limit bounds a leak in the CA and xDS server.
    resources: containerResources(sizing, 'istiod'),
    meshConfig: {
      // PCI-DSS 4.0 1.4.2 / 1.3.2: sidecars only reach services in the mesh registry; any external
      // destination needs an explicit ServiceEntry (egress allow-list, data-exfiltration control).
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      // PCI-DSS 4.0 10.2.1: an access log line per request, JSON for the log pipeline (Loki).
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      // Use mTLS automatically wherever the peer has a sidecar; STRICT itself is in the platform chart.
      enableAutoMtls: true,
    },
  };
}

export interface IstioProps {
  /** The resolved baseline settings: the cloud (GKE needs the CNI agent's quota), the image mirror and the sizing. */
  readonly settings: BaselineSettings;
}

/**
 * The Istio control plane: base CRDs, the istio-cni node agent (so meshed pods need no privileged init container) and a highly
 * available istiod with REGISTRY_ONLY egress, automatic mTLS and JSON access logs; STRICT mTLS itself is in the platform chart.
 */
export class Istio extends Construct {
  readonly namespace: NamespaceV1;
  readonly cniNamespace: NamespaceV1;
  /** Namespace of the egress gateway, which charts/platform-baseline renders (docs/zero-trust.md#egress). */
  readonly egressNamespace: NamespaceV1;
  readonly base: Release;
  readonly cni: Release;
  readonly istiod: Release;

  constructor(scope: Construct, id: string, props: IstioProps) {
    super(scope, id);
    this.namespace = baselineNamespace(this, 'namespace', BASELINE_NAMESPACES.istio, 'restricted');
    // Privileged: the CNI agent writes the node's CNI config and iptables rules (documented exception).
    this.cniNamespace = baselineNamespace(this, 'cni-namespace', BASELINE_NAMESPACES.istioCni, 'privileged');
    // The egress gateway's namespace, owned by Terraform like the others (PSA labels and data class
    // from the start); the gateway itself is in charts/platform-baseline (Argo CD), next to the
    // NetworkPolicies and AuthorizationPolicies it belongs with.
    this.egressNamespace = baselineNamespace(this, 'egress-namespace', BASELINE_NAMESPACES.istioEgress, 'restricted');
    this.base = baselineRelease(this, 'base', {
      chart: BASELINE_CHARTS.istioBase,
      name: 'istio-base',
      namespace: BASELINE_NAMESPACES.istio,
      values: istioBaseValues(),
      dependsOn: [this.namespace],
    });
    this.cni = baselineRelease(this, 'cni', {
      chart: BASELINE_CHARTS.istioCni,
      name: 'istio-cni',
      namespace: BASELINE_NAMESPACES.istioCni,
      values: istioCniValues(props.settings.cluster.cloud, props.settings.imageMirror, props.settings.sizing),
      dependsOn: [this.cniNamespace, this.base],
    });
    // istiod after the CRDs (base) and the CNI agent (pods injected before the agent runs cannot start).
    this.istiod = baselineRelease(this, 'istiod', {
      chart: BASELINE_CHARTS.istiod,
      name: 'istiod',
      namespace: BASELINE_NAMESPACES.istio,
      values: istiodValues(props.settings.imageMirror, props.settings.sizing),
      dependsOn: [this.base, this.cni],
    });
  }
}
