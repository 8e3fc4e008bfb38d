import { INTERFACE_ENDPOINT_SERVICES, Network, type NetworkProps } from '../../../src/constructs/aws/network';
import { type Json, TEST_KEY, only, resources, statementsOf, synth } from './helpers';

const threeZones: NetworkProps = {
  name: 'test',
  region: 'eu-west-1',
  accountId: '111111111111',
  clusterName: 'test',
  vpcCidr: '10.30.0.0/16',
  availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  publicSubnetCidrs: ['10.30.0.0/24', '10.30.1.0/24', '10.30.2.0/24'],
  privateSubnetCidrs: ['10.30.32.0/19', '10.30.64.0/19', '10.30.96.0/19'],
  intraSubnetCidrs: ['10.30.8.0/26', '10.30.8.64/26', '10.30.8.128/26'],
  flowLogKey: TEST_KEY,
};

const twoZones: NetworkProps = {
  ...threeZones,
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetCidrs: ['10.30.0.0/24', '10.30.1.0/24'],
  privateSubnetCidrs: ['10.30.32.0/19', '10.30.64.0/19'],
  intraSubnetCidrs: ['10.30.8.0/26', '10.30.8.64/26'],
  natGatewayPerAz: false,
  flowLogRetentionDays: 90,
};

describe('Network defaults (3 zones)', () => {
  let json: Json;
  let subnets: Json[];
  beforeAll(() => {
    json = synth((scope) => new Network(scope, 'network', threeZones));
    subnets = resources(json, 'aws_subnet');
  });

  it('creates public, private and intra subnets in each of the 3 zones', () => {
    for (const tier of ['public', 'private', 'intra']) {
      expect(subnets.filter((s) => s.tags.tier === tier).map((s) => s.availability_zone)).toEqual(threeZones.availabilityZones);
    }
  });

  it('maps public IPs on launch in no subnet, not even public ones', () => {
    expect(subnets).toHaveLength(9);
    for (const subnet of subnets) expect(subnet.map_public_ip_on_launch).toBe(false);
  });

  it('tags public subnets for internet-facing and private subnets for internal load balancers only', () => {
    const publicSubnets = subnets.filter((s) => s.tags.tier === 'public');
    const intra = subnets.filter((s) => s.tags.tier === 'intra');
    for (const s of publicSubnets) expect(s.tags['kubernetes.io/role/elb']).toBe('1');
    for (const s of intra) {
      expect(s.tags['kubernetes.io/role/elb']).toBeUndefined();
      expect(s.tags['kubernetes.io/role/internal-elb']).toBeUndefined();
    }
  });

  it('puts one NAT gateway in each zone, each private route table using its own zone\'s gateway', () => {
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(3);
    const natRoutes = resources(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(3);
  });

  it('gives intra subnets no route to the internet', () => {
    const routes = resources(json, 'aws_route');
    // One public default route to the IGW plus one per private route table; none for the intra table.
    expect(routes).toHaveLength(4);
    const intraTable = Object.keys(json.resource.aws_route_table).find((k) => k.includes('intra-rt'));
    for (const route of routes) expect(route.route_table_id).not.toContain(intraTable);
  });

  it('manages the default security group with no rules', () => {
    const sg = only(json, 'aws_default_security_group');
    expect(sg.ingress).toBeUndefined();
    expect(sg.egress).toBeUndefined();
    expect(sg.vpc_id).toContain('aws_vpc.');
  });

  it('sends all VPC flows to a KMS-encrypted, deletion-protected log group kept 365 days', () => {
    const flowLog = only(json, 'aws_flow_log');
    expect(flowLog).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
    const group = only(json, 'aws_cloudwatch_log_group');
    expect(group).toMatchObject({ kms_key_id: TEST_KEY.keyArn, retention_in_days: 365, deletion_protection_enabled: true });
  });

  it('lets the flow-log role write to its own log group only, assumed for this account only', () => {
    const policy = statementsOf(only(json, 'aws_iam_role_policy').policy);
    expect(policy[0].Action).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams']);
    expect(policy[0].Resource[0]).toContain('aws_cloudwatch_log_group.');
    const trust = statementsOf(only(json, 'aws_iam_role').assume_role_policy);
    expect(trust[0].Condition).toEqual({ StringEquals: { 'aws:SourceAccount': '111111111111' } });
  });

  it('creates private-DNS interface endpoints for ECR api/dkr, STS, Logs, EC2, KMS and EKS auth in the private subnets', () => {
    const interfaces = resources(json, 'aws_vpc_endpoint').filter((e) => e.vpc_endpoint_type === 'Interface');
    expect(interfaces.map((e) => e.service_name).sort()).toEqual(INTERFACE_ENDPOINT_SERVICES.map((s) => `com.amazonaws.eu-west-1.${s}`).sort());
    for (const e of interfaces) {
      expect(e.private_dns_enabled).toBe(true);
      expect(e.subnet_ids).toHaveLength(3);
      expect(e.subnet_ids.join()).toContain('private-');
    }
    expect(['ecr.api', 'ecr.dkr', 'sts', 'logs', 'ec2', 'kms'].every((s) => (INTERFACE_ENDPOINT_SERVICES as readonly string[]).includes(s))).toBe(true);
  });

  it('creates an S3 gateway endpoint on the private and intra route tables', () => {
    const s3 = resources(json, 'aws_vpc_endpoint').find((e) => e.vpc_endpoint_type === 'Gateway');
    expect(s3?.service_name).toBe('com.amazonaws.eu-west-1.s3');
    expect(s3?.route_table_ids).toHaveLength(4);
  });

  it('opens the endpoint security group to HTTPS from the VPC only', () => {
    const sg = only(json, 'aws_security_group');
    expect(sg.ingress).toEqual([expect.objectContaining({ from_port: 443, to_port: 443, protocol: 'tcp', cidr_blocks: ['10.30.0.0/16'] })]);
  });
});

describe('Network with a shared NAT gateway (2 zones)', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((scope) => new Network(scope, 'network', twoZones));
  });

  it('uses one NAT gateway for every private route table', () => {
    expect(resources(json, 'aws_nat_gateway')).toHaveLength(1);
    const natRoutes = resources(json, 'aws_route').filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(2);
    expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(1);
  });

  it('keeps flow logs for the configured retention', () => {
    expect(only(json, 'aws_cloudwatch_log_group').retention_in_days).toBe(90);
  });
});

describe('Network validation', () => {
  const build = (props: Partial<NetworkProps>) => () => synth((scope) => new Network(scope, 'network', { ...threeZones, ...props }));

  it('rejects a single availability zone', () => {
    expect(build({ availabilityZones: ['eu-west-1a'] })).toThrow('availabilityZones needs at least 2 zones');
  });

  it('rejects a subnet list that does not match the zones', () => {
    expect(build({ privateSubnetCidrs: ['10.30.32.0/19'] })).toThrow('privateSubnetCidrs needs one CIDR per availability zone (3), got ["10.30.32.0/19"]');
  });

  it('rejects a subnet outside the VPC', () => {
    expect(build({ intraSubnetCidrs: ['10.30.8.0/26', '10.30.8.64/26', '10.99.0.0/26'] })).toThrow('intraSubnetCidrs entry "10.99.0.0/26" is outside vpcCidr 10.30.0.0/16');
  });

  it('rejects a flow-log retention CloudWatch does not accept', () => {
    expect(build({ flowLogRetentionDays: 100 })).toThrow('retentionDays must be one of');
  });
});
