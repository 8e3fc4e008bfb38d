import { SECURITY_POOL_PLACEMENT } from '../../../src/constructs/contract';
import { NODE_MANAGED_POLICIES, NodePool, type NodePoolProps } from '../../../src/constructs/aws/node-pool';
import { type Json, TEST_KEY, only, resources, synth } from './helpers';

const base: NodePoolProps = {
  clusterName: 'test',
  poolName: 'security',
  instanceType: 'c5.large',
  minSize: 2,
  maxSize: 3,
  desiredSize: 2,
  diskSizeGb: 50,
  subnetIds: ['subnet-private-a', 'subnet-private-b'],
  volumeKey: TEST_KEY,
  labels: SECURITY_POOL_PLACEMENT.labels,
  taint: SECURITY_POOL_PLACEMENT.taint,
};

describe('NodePool (security pool)', () => {
  let json: Json;
  let template: Json;
  let group: Json;
  beforeAll(() => {
    json = synth((scope) => new NodePool(scope, 'security', base));
    template = only(json, 'aws_launch_template');
    group = only(json, 'aws_eks_node_group');
  });

  it('requires IMDSv2 with a hop limit of 1', () => {
    expect(template.metadata_options).toMatchObject({ http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 });
  });

  it('encrypts the root volume with the customer-managed key', () => {
    expect(template.block_device_mappings).toEqual([
      expect.objectContaining({ ebs: expect.objectContaining({ encrypted: 'true', kms_key_id: TEST_KEY.keyArn, volume_size: 50, volume_type: 'gp3' }) }),
    ]);
  });

  it('allows no SSH: no key pair and no remote access', () => {
    expect(template.key_name).toBeUndefined();
    expect(group.remote_access).toBeUndefined();
  });

  it('runs in the given private subnets through the launch template', () => {
    expect(group.subnet_ids).toEqual(base.subnetIds);
    expect(group.launch_template.id).toContain('aws_launch_template.');
    expect(group.launch_template.version).toContain('latest_version');
  });

  it('carries the workload=security:NoSchedule taint and the matching label', () => {
    expect(group.taint).toEqual([{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }]);
    expect(group.labels).toEqual({ workload: 'security' });
  });

  it('is sized as configured, and leaves the current size to the autoscaler', () => {
    expect(group.instance_types).toEqual(['c5.large']);
    expect(group.scaling_config).toEqual({ min_size: 2, max_size: 3, desired_size: 2 });
    expect(group.lifecycle).toEqual({ ignore_changes: ['scaling_config[0].desired_size'] });
  });

  it('gives nodes only the AWS managed worker policies', () => {
    expect(resources(json, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn).sort()).toEqual([...NODE_MANAGED_POLICIES].sort());
  });

  it('keeps the CNI policy off the node role (CIS EKS 5.2.x: aws-node has its own role)', () => {
    const policies = resources(json, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(policies).not.toContain('arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy');
    expect(policies.sort()).toEqual(['arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly', 'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);
    expect(resources(json, 'aws_iam_role_policy')).toHaveLength(0);
  });
});

describe('NodePool without taint', () => {
  it('leaves app nodes untainted', () => {
    const json = synth((scope) => new NodePool(scope, 'app', { ...base, poolName: 'app', taint: undefined, labels: { workload: 'app' } }));
    expect(only(json, 'aws_eks_node_group').taint).toBeUndefined();
  });
});

describe('NodePool validation', () => {
  const build = (props: Partial<NodePoolProps>) => () => synth((scope) => new NodePool(scope, 'pool', { ...base, ...props }));

  it('rejects minSize above maxSize', () => {
    expect(build({ minSize: 4, maxSize: 3 })).toThrow('node pool security: minSize must be between 1 and maxSize (3), got 4');
  });

  it('rejects desiredSize outside the bounds', () => {
    expect(build({ desiredSize: 5 })).toThrow('desiredSize must be between minSize and maxSize [2, 3], got 5');
  });

  it('rejects a pool without subnets', () => {
    expect(build({ subnetIds: [] })).toThrow('subnetIds must list at least one private subnet');
  });
});
