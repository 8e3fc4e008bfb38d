import type { ResourceRule } from '../../types';

const MODERN_PROFILES = ['MODERN', 'RESTRICTED', 'CUSTOM'];

/** Load balancers negotiate TLS 1.2+ only. */
export const gcpSslPolicyTls: ResourceRule = {
  scope: 'resource',
  name: 'gcp-ssl-policy-tls',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '4.2.1' },
  resourceTypes: ['google_compute_ssl_policy'],
  explanation:
    'SSL policies attached to the ingress load balancers must set min_tls_version TLS_1_2 (or newer) with the MODERN or RESTRICTED profile; the GCP default minimum is TLS 1.0.',
  fix: 'Set min_tls_version = "TLS_1_2" and profile = "RESTRICTED" (or "MODERN").',
  evaluate: (attrs) =>
    (attrs.min_tls_version === 'TLS_1_2' || attrs.min_tls_version === 'TLS_1_3') &&
    typeof attrs.profile === 'string' &&
    MODERN_PROFILES.includes(attrs.profile)
      ? 'compliant'
      : 'non-compliant',
};
