/**
 * The cluster's namespaces by role: the platform's own (one per baseline component), the
 * application namespaces the platform chart creates, and Kubernetes' system namespaces. Shared by
 * the constructs, the platform chart's values and the config validation (src/config/validate.ts),
 * so no imports: the config layer loads it without cdktf.
 */

/** Namespaces and release names: other components (platform chart, policies) refer to them. */
export const BASELINE_NAMESPACES = {
  kyverno: 'kyverno',
  /** The only namespace whose PolicyExceptions Kyverno honours (reviewed exceptions from policies/exceptions). */
  policyExceptions: 'policy-exceptions',
  istio: 'istio-system',
  istioCni: 'istio-cni',
  /** The Istio egress gateway: the only way out of the mesh (docs/zero-trust.md#egress). */
  istioEgress: 'istio-egress',
  vault: 'vault',
  /** cert-manager, and the root CA key pair of the in-cluster CA (the ClusterIssuers' resource namespace). */
  certManager: 'cert-manager',
  /** External Secrets Operator: syncs Vault secrets into workload namespaces (docs/secrets.md). */
  externalSecrets: 'external-secrets',
  falco: 'falco',
  argoCd: 'argocd',
  monitoring: 'monitoring',
  /** Velero: its schedules, backups and restores (a namespace of its own: it runs as cluster-admin). */
  velero: 'velero',
} as const;

/**
 * The chart's application namespaces (its defaults), each with its data class
 * (policies/require-data-classification refuses a namespace without one): they hold
 * cardholder data, the highest class.
 */
export const PLATFORM_APPLICATION_NAMESPACES = [
  { name: 'payments', payments: true, dataClassification: 'restricted' },
  { name: 'payments-batch', payments: true, dataClassification: 'restricted' },
] as const;

/** Namespaces Kubernetes itself creates. */
export const KUBERNETES_SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;
