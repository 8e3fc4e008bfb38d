import type { ResourceRule } from '../../types';
import { block, strings } from '../attributes';

/** API server logs reach Cloud Logging (admin-activity audit logs are always on in GCP). */
export const gkeAuditLogging: ResourceRule = {
  scope: 'resource',
  name: 'gke-audit-logging',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1', 'cis-kubernetes-managed': 'GKE 5.7.1' },
  resourceTypes: ['google_container_cluster'],
  explanation:
    'GKE must send control-plane (APISERVER) and system logs to Cloud Logging; Kubernetes audit events are Cloud Audit Logs, which are only useful alongside the API server log.',
  fix: 'Set logging_config { enable_components = ["SYSTEM_COMPONENTS", "APISERVER", "WORKLOADS"] } and do not set logging_service = "none".',
  evaluate: (attrs) => {
    if (attrs.logging_service === 'none') return 'non-compliant';
    const components = strings(block(attrs, 'logging_config')?.enable_components);
    return components.includes('SYSTEM_COMPONENTS') && components.includes('APISERVER') ? 'compliant' : 'non-compliant';
  },
};
