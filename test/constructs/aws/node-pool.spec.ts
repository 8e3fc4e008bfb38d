import { SECURITY_POOL_PLACEMENT } from '../../../src/constructs/contract';
import { NODE_MANAGED_POLICIES, NodePool, type NodePoolProps, eksAddonImageRepositories } from '../../../src/constructs/aws/node-pool';
import { type Json, TEST_KEY, only, resources, statementsOf, synth } from './helpers';

const MIRROR_REPOSITORIES = 'arn:aws:ecr:eu-west-1:111111111111:repository/platform-mirror/*';
const EKS_ADDON_REPOSITORIES = 'arn:aws:ecr:eu-west-1:602401143452:repository/*';

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
  imageRepositoryArns: [MIRROR_REPOSITORIES, EKS_ADDON_REPOSITORIES],
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
    expect(policies).toEqual(['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);
  });

  it('pulls images only from the given repositories, not through AmazonEC2ContainerRegistryPullOnly (every repository of every account)', () => {
    const policies = resources(json, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(policies).not.toContain('arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly');
    const inline = only(json, 'aws_iam_role_policy');
    expect(inline.name).toBe('image-pull');
    expect(statementsOf(inline.policy)).toEqual([
      { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      { Sid: 'PullAllowedRepositories', Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], Resource: [MIRROR_REPOSITORIES, EKS_ADDON_REPOSITORIES] },
    ]);
  });

  it('joins nodes only once the image-pull policy is attached', () => {
    expect(group.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('aws_iam_role_policy.security_image-pull')]));
  });
});

describe('eksAddonImageRepositories', () => {
  it('names the EKS add-on image account of the region', () => {
    expect(eksAddonImageRepositories('eu-west-1')).toBe(EKS_ADDON_REPOSITORIES);
  });

  it('rejects a region whose add-on images come from another account', () => {
    expect(() => eksAddonImageRepositories('af-south-1')).toThrow(
      'node pool: region "af-south-1" is not known to serve EKS add-on images from account 602401143452; add its account from the AWS table of EKS add-on image registries',
    );
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

  it('rejects a pool that may pull from no repository', () => {
    expect(build({ imageRepositoryArns: [] })).toThrow('node pool security: imageRepositoryArns must list at least one ECR repository ARN, or no node can pull an image');
  });

  it('rejects an image repository that is not an ECR repository ARN', () => {
    expect(build({ imageRepositoryArns: ['*'] })).toThrow('node pool security: imageRepositoryArns entries must be ECR repository ARNs (arn:aws:ecr:<region>:<account>:repository/<name>), got "*"');
  });
});
