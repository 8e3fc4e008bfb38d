import type { ResourceRule } from '../../types';
import { blocks, isFalse } from '../attributes';

/** Subnets that carry node and pod traffic record VPC flow logs. */
export const gcpSubnetFlowLogs: ResourceRule = {
  scope: 'resource',
  name: 'gcp-subnet-flow-logs',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1', 'cis-kubernetes-managed': 'GKE 5.6.1' },
  resourceTypes: ['google_compute_subnetwork'],
  explanation:
    'Every regular subnet must have VPC flow logs (log_config): network flows in and out of the cardholder-data environment are audit evidence. Proxy-only and PSC subnets do not support flow logs.',
  fix: 'Set log_config { aggregation_interval = "INTERVAL_5_SEC", flow_sampling = 1, metadata = "INCLUDE_ALL_METADATA" }.',
  evaluate: (attrs) => {
    const purpose = attrs.purpose;
    if (purpose !== undefined && purpose !== 'PRIVATE' && purpose !== 'PRIVATE_RFC_1918') return 'not-applicable';
    if (isFalse(attrs.enable_flow_logs)) return 'non-compliant';
    return blocks(attrs, 'log_config').length > 0 ? 'compliant' : 'non-compliant';
  },
};
