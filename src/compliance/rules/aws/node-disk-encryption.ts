import type { ResourceRule } from '../../types';
import { block, blocks, isSet, isTrue } from '../attributes';

/** Node volumes (container layers, emptyDir, logs) encrypted with our key. */
export const nodeDiskEncryption: ResourceRule = {
  scope: 'resource',
  name: 'eks-node-disk-encryption',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  resourceTypes: ['aws_launch_template'],
  explanation:
    'Every EBS volume of a node must be encrypted with a customer-managed KMS key: node disks hold container layers, emptyDir volumes and logs that may contain cardholder data.',
  fix: 'Give the launch template block_device_mappings with ebs { encrypted = true, kms_key_id = <customer-managed key> } (NodePool takes volumeKey).',
  evaluate: (attrs) => {
    const mappings = blocks(attrs, 'block_device_mappings');
    if (mappings.length === 0) return 'non-compliant';
    return mappings.every((m) => {
      const ebs = block(m, 'ebs');
      return ebs !== undefined && isTrue(ebs.encrypted) && isSet(ebs.kms_key_id);
    })
      ? 'compliant'
      : 'non-compliant';
  },
};
