import type { StackRule } from '../../types';
import { everyCovered } from '../attributes';

/** Every VPC records all accepted and rejected flows. */
export const vpcFlowLogs: StackRule = {
  scope: 'stack',
  name: 'aws-vpc-flow-logs',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1' },
  explanation:
    'Every VPC must have a flow log with traffic_type ALL: network flows in and out of the cardholder-data environment are audit evidence and the basis of intrusion investigation.',
  fix: 'Add an aws_flow_log with vpc_id = <vpc>.id and traffic_type = "ALL" (the Network construct does, into an encrypted log group).',
  evaluate: (resources) =>
    everyCovered(resources, 'aws_vpc', (r) => r.type === 'aws_flow_log' && r.attrs.traffic_type === 'ALL', 'vpc_id'),
};
