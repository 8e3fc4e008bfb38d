import type { ResourceRule } from '../../types';
import { blocks, isSet, isTrue } from '../attributes';

/** Nodes have no public address and no SSH path. */
export const nodeNoPublicAccess: ResourceRule = {
  scope: 'resource',
  name: 'eks-node-no-public-access',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '1.4.4', 'cis-kubernetes-managed': 'EKS 5.4.3' },
  resourceTypes: ['aws_launch_template', 'aws_eks_node_group', 'aws_subnet'],
  explanation:
    'Worker nodes must not be reachable from the internet: no public IPs, no subnets that map public IPs on launch, no SSH key pair or remote access.',
  fix: 'Remove key_name / remote_access, set associate_public_ip_address = false on network interfaces and map_public_ip_on_launch = false on subnets.',
  evaluate: (attrs, type) => {
    switch (type) {
      case 'aws_subnet':
        return isTrue(attrs.map_public_ip_on_launch) ? 'non-compliant' : 'compliant';
      case 'aws_eks_node_group':
        return blocks(attrs, 'remote_access').length > 0 ? 'non-compliant' : 'compliant';
      default:
        if (isSet(attrs.key_name)) return 'non-compliant';
        return blocks(attrs, 'network_interfaces').some((n) => isTrue(n.associate_public_ip_address))
          ? 'non-compliant'
          : 'compliant';
    }
  },
};
