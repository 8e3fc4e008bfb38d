import type { ResourceRule } from '../../types';
import { block } from '../attributes';

/** Pods cannot read the node role's credentials from the instance metadata service. */
export const nodeImdsv2: ResourceRule = {
  scope: 'resource',
  name: 'eks-node-imdsv2',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '7.2.5' },
  resourceTypes: ['aws_launch_template'],
  explanation:
    'Node launch templates must require IMDSv2 tokens with a hop limit of 1: a pod (one network hop away) then cannot reach the metadata service and steal the node IAM role.',
  fix: 'Set metadata_options { http_tokens = "required", http_put_response_hop_limit = 1 } (the NodePool construct does).',
  evaluate: (attrs) => {
    const md = block(attrs, 'metadata_options');
    const hops = Number(md?.http_put_response_hop_limit);
    return md?.http_tokens === 'required' && hops === 1 ? 'compliant' : 'non-compliant';
  },
};
