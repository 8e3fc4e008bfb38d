import type { StackRule } from '../../types';
import { references } from '../attributes';

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
  evaluate: (resources) => {
    const vpcs = resources.filter((r) => r.type === 'aws_vpc');
    if (vpcs.length === 0) return { status: 'not-applicable' };
    const flowLogs = resources.filter((r) => r.type === 'aws_flow_log' && r.attrs.traffic_type === 'ALL');
    const uncovered = vpcs.filter((v) => !flowLogs.some((f) => references(f.attrs.vpc_id, v.type, v.name)));
    return uncovered.length === 0
      ? { status: 'compliant', resources: [...vpcs, ...flowLogs].map((r) => r.path) }
      : { status: 'non-compliant', resources: uncovered.map((r) => r.path) };
  },
};
