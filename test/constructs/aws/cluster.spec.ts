import { CLUSTER_ADMIN_POLICY_ARN, Cluster, type ClusterProps } from '../../../src/constructs/aws/cluster';
import { type Json, TEST_KEY, only, resources, statementsOf, synth } from './helpers';

const base: ClusterProps = {
  name: 'test',
  kubernetesVersion: '1.34',
  controlPlaneSubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  secretsKey: { keyArn: 'arn:aws:kms:eu-west-1:111111111111:key/secrets', keyId: 'secrets' },
  logKey: TEST_KEY,
  adminPrincipals: ['arn:aws:iam::111111111111:role/platform-admin', 'arn:aws:iam::111111111111:role/break-glass'],
  adminCidrs: ['10.255.0.0/20'],
};

describe('Cluster defaults', () => {
  let json: Json;
  let cluster: Json;
  beforeAll(() => {
    json = synth((scope) => new Cluster(scope, 'eks', base));
    cluster = only(json, 'aws_eks_cluster');
  });

  it('exposes a private API endpoint only', () => {
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    expect(cluster.vpc_config.public_access_cidrs).toBeUndefined();
  });

  it('places control-plane ENIs in the given (intra) subnets', () => {
    expect(cluster.vpc_config.subnet_ids).toEqual(['subnet-a', 'subnet-b', 'subnet-c']);
  });

  it('enables all five control-plane log types', () => {
    expect(cluster.enabled_cluster_log_types).toEqual(['api', 'audit', 'authenticator', 'controllerManager', 'scheduler']);
  });

  it('pre-creates the control-plane log group, encrypted, with bounded retention', () => {
    const group = only(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ name: '/aws/eks/test/cluster', kms_key_id: TEST_KEY.keyArn, retention_in_days: 365 });
    expect(cluster.depends_on.some((d: string) => d.startsWith('aws_cloudwatch_log_group.'))).toBe(true);
  });

  it('envelope-encrypts Secrets with the customer-managed key, which the cluster role may use', () => {
    expect(cluster.encryption_config).toEqual({ resources: ['secrets'], provider: { key_arn: base.secretsKey.keyArn } });
    const policy = statementsOf(only(json, 'aws_iam_role_policy').policy);
    expect(policy[0]).toMatchObject({ Resource: base.secretsKey.keyArn, Action: expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt']) });
  });

  it('uses access entries only and grants the creator no implicit admin', () => {
    expect(cluster.access_config).toEqual({ authentication_mode: 'API', bootstrap_cluster_creator_admin_permissions: false });
  });

  it('is deletion-protected and pinned to standard support', () => {
    expect(cluster.deletion_protection).toBe(true);
    expect(cluster.upgrade_policy).toEqual({ support_type: 'STANDARD' });
    expect(cluster.version).toBe('1.34');
  });

  it('grants cluster-admin to exactly the configured principals through access entries', () => {
    expect(resources(json, 'aws_eks_access_entry').map((e) => e.principal_arn)).toEqual(base.adminPrincipals);
    const associations = resources(json, 'aws_eks_access_policy_association');
    expect(associations.map((a) => a.principal_arn)).toEqual(base.adminPrincipals);
    for (const a of associations) expect(a).toMatchObject({ policy_arn: CLUSTER_ADMIN_POLICY_ARN, access_scope: { type: 'cluster' } });
  });

  it('opens the cluster security group on 443 to the admin networks only', () => {
    const rules = resources(json, 'aws_vpc_security_group_ingress_rule');
    expect(rules).toEqual([expect.objectContaining({ cidr_ipv4: '10.255.0.0/20', from_port: 443, to_port: 443, ip_protocol: 'tcp' })]);
    expect(rules[0].security_group_id).toContain('vpc_config[0].cluster_security_group_id');
  });
});

describe('Cluster with the public endpoint opt-out', () => {
  let cluster: Json;
  beforeAll(() => {
    const json = synth((scope) => new Cluster(scope, 'eks', { ...base, publicEndpoint: { allowedCidrs: ['203.0.113.0/24'] } }));
    cluster = only(json, 'aws_eks_cluster');
  });

  it('keeps the private endpoint and limits the public one to the allow-list', () => {
    expect(cluster.vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });
});

describe('Cluster validation', () => {
  const build = (props: Partial<ClusterProps>) => () => synth((scope) => new Cluster(scope, 'eks', { ...base, ...props }));

  it('rejects a public endpoint with an empty allow-list', () => {
    expect(build({ publicEndpoint: { allowedCidrs: [] } })).toThrow('publicEndpoint.allowedCidrs is empty, which EKS treats as 0.0.0.0/0');
  });

  it('rejects a public endpoint open to 0.0.0.0/0', () => {
    expect(build({ publicEndpoint: { allowedCidrs: ['10.0.0.0/8', '0.0.0.0/0'] } })).toThrow(
      'publicEndpoint.allowedCidrs entry "0.0.0.0/0" opens the API to the whole internet',
    );
  });

  it('rejects a malformed allow-list entry', () => {
    expect(build({ publicEndpoint: { allowedCidrs: ['203.0.113.1/24'] } })).toThrow('"203.0.113.1/24" is not a valid IPv4 CIDR');
  });

  it('rejects an admin network of 0.0.0.0/0', () => {
    expect(build({ adminCidrs: ['0.0.0.0/0'] })).toThrow('adminCidrs entry "0.0.0.0/0" opens the API to the whole internet');
  });

  it('rejects a cluster without admin principals', () => {
    expect(build({ adminPrincipals: [] })).toThrow('adminPrincipals must name at least one IAM role');
  });

  it('rejects an admin principal that is not an IAM ARN', () => {
    expect(build({ adminPrincipals: ['platform-admin'] })).toThrow('adminPrincipals entry "platform-admin" is not an IAM role or user ARN');
  });

  it('rejects a malformed Kubernetes version', () => {
    expect(build({ kubernetesVersion: 'latest' })).toThrow('kubernetesVersion must be a minor version such as 1.34, got "latest"');
  });
});
