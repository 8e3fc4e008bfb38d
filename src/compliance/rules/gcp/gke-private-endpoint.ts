import type { ResourceRule } from '../../types';
import { block, isFalse, isTrue } from '../attributes';

/** The GKE control plane has no public IP endpoint. Checkov has no check for this. */
export const gkePrivateEndpoint: ResourceRule = {
  scope: 'resource',
  name: 'gke-private-endpoint',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.1', 'cis-kubernetes-managed': 'GKE 5.6.4' },
  resourceTypes: ['google_container_cluster'],
  explanation:
    'The GKE control plane must not expose a public IP endpoint: either the private endpoint only, or IP endpoints disabled in favour of the IAM-authorized DNS endpoint without external traffic.',
  fix: 'Set private_cluster_config { enable_private_endpoint = true, enable_private_nodes = true } (or control_plane_endpoints_config.ip_endpoints_config.enabled = false).',
  evaluate: (attrs) => {
    if (isTrue(block(attrs, 'private_cluster_config')?.enable_private_endpoint)) return 'compliant';
    const endpoints = block(attrs, 'control_plane_endpoints_config');
    const ipDisabled = isFalse(block(endpoints, 'ip_endpoints_config')?.enabled);
    const dnsExternal = isTrue(block(endpoints, 'dns_endpoint_config')?.allow_external_traffic);
    return ipDisabled && !dnsExternal ? 'compliant' : 'non-compliant';
  },
};
