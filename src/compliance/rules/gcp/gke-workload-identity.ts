import type { ResourceRule } from '../../types';
import { block, isSet } from '../attributes';

/** Workload Identity Federation for GKE is on. Checkov has no check for this. */
export const gkeWorkloadIdentity: ResourceRule = {
  scope: 'resource',
  name: 'gke-workload-identity',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '8.6.2', 'cis-kubernetes-managed': 'GKE 5.2.2' },
  resourceTypes: ['google_container_cluster'],
  explanation:
    'GKE must enable Workload Identity (a workload pool), so each Kubernetes service account maps to its own IAM principal and no service-account keys are stored in the cluster.',
  fix: 'Set workload_identity_config { workload_pool = "<project>.svc.id.goog" }.',
  evaluate: (attrs) => (isSet(block(attrs, 'workload_identity_config')?.workload_pool) ? 'compliant' : 'non-compliant'),
};
