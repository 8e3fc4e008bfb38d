/**
 * The VPC an EKS cluster lives in: three subnet tiers per zone, egress
 * through NAT, audit through flow logs, and private paths to the AWS APIs
 * nodes need.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { contains, parseCidr } from '../../config/cidr';
import { policyDocument, serviceTrustPolicy } from './iam';
import type { KeyRef } from './kms';
import { EncryptedLogGroup } from './log-group';

/**
 * Interface endpoints private nodes need for AWS APIs: image pulls (ECR api
 * and dkr), credentials (STS, EKS Pod Identity), logs, EC2 (VPC CNI) and KMS.
 */
export const INTERFACE_ENDPOINT_SERVICES = ['ecr.api', 'ecr.dkr', 'sts', 'logs', 'ec2', 'kms', 'eks-auth'] as const;

export interface NetworkProps {
  /** Prefix of resource names, e.g. the cluster name. */
  readonly name: string;
  /** Region of the VPC (endpoint service names). */
  readonly region: string;
  /** Account that owns the VPC (confused-deputy condition on the flow-log role). */
  readonly accountId: string;
  /** IPv4 range of the VPC. */
  readonly vpcCidr: string;
  /** Zones to spread subnets across; at least 2. */
  readonly availabilityZones: readonly string[];
  /** One per zone: load balancers and NAT gateways only. */
  readonly publicSubnetCidrs: readonly string[];
  /** One per zone: worker nodes. */
  readonly privateSubnetCidrs: readonly string[];
  /** One per zone: EKS control-plane ENIs; no route to the internet. */
  readonly intraSubnetCidrs: readonly string[];
  /** Name of the EKS cluster whose load balancers discover the subnets by tag. */
  readonly clusterName: string;
  /** Customer-managed key for the flow-log group. */
  readonly flowLogKey: KeyRef;
  /**
   * Flow-log retention in days (a CloudWatch Logs retention value).
   * @default 365
   */
  readonly flowLogRetentionDays?: number;
  /**
   * One NAT gateway per zone, so a zone outage does not cut egress for the others.
   * `false` shares one gateway (cheaper; an availability trade-off for non-production).
   * @default true
   */
  readonly natGatewayPerAz?: boolean;
}

/**
 * A VPC with public (load balancers, NAT), private (nodes, egress through NAT) and intra (control plane, no internet route)
 * subnets per zone, a rule-less default security group, every flow logged to an encrypted log group, and VPC endpoints.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly vpcId: string;
  readonly publicSubnetIds: string[];
  readonly privateSubnetIds: string[];
  readonly intraSubnetIds: string[];
  readonly flowLogGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    validate(props);
    const zones = props.availabilityZones;
    const natGatewayPerAz = props.natGatewayPerAz ?? true;

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.vpcCidr,
      // Required for private DNS of interface endpoints and the private EKS endpoint.
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });
    this.vpcId = this.vpc.id;

    // CIS AWS 5.4: the default security group allows nothing; adopting it with no rules strips them.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id, tags: { Name: `${props.name}-default-deny` } });

    const subnets = (tier: 'public' | 'private' | 'intra', cidrs: readonly string[], tags: Record<string, string>): Subnet[] =>
      cidrs.map(
        (cidr, i) =>
          new Subnet(this, `${tier}-${i}`, {
            vpcId: this.vpc.id,
            cidrBlock: cidr,
            availabilityZone: zones[i],
            // CIS AWS / AWS FSBP EC2.15: nothing gets a public IP implicitly, not even in public subnets.
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.name}-${tier}-${zones[i]}`, tier, ...tags },
          }),
      );
    const clusterTag = `kubernetes.io/cluster/${props.clusterName}`;
    const publicSubnets = subnets('public', props.publicSubnetCidrs, { 'kubernetes.io/role/elb': '1', [clusterTag]: 'shared' });
    const privateSubnets = subnets('private', props.privateSubnetCidrs, { 'kubernetes.io/role/internal-elb': '1', [clusterTag]: 'shared' });
    const intraSubnets = subnets('intra', props.intraSubnetCidrs, {});
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.intraSubnetIds = intraSubnets.map((s) => s.id);

    // Public tier: the only route to the internet gateway.
    const igw = new InternetGateway(this, 'igw', { vpcId: this.vpc.id, tags: { Name: props.name } });
    const publicRoutes = new RouteTable(this, 'public-rt', { vpcId: this.vpc.id, tags: { Name: `${props.name}-public` } });
    new Route(this, 'public-default', { routeTableId: publicRoutes.id, destinationCidrBlock: '0.0.0.0/0', gatewayId: igw.id });
    publicSubnets.forEach((s, i) => new RouteTableAssociation(this, `public-rta-${i}`, { subnetId: s.id, routeTableId: publicRoutes.id }));

    // Private tier: egress only, through NAT in the public tier.
    const natGateways = Array.from({ length: natGatewayPerAz ? zones.length : 1 }, (_, i) => {
      const eip = new Eip(this, `nat-eip-${i}`, { domain: 'vpc', tags: { Name: `${props.name}-nat-${zones[i]}` } });
      return new NatGateway(this, `nat-${i}`, {
        allocationId: eip.allocationId,
        subnetId: publicSubnets[i].id,
        tags: { Name: `${props.name}-nat-${zones[i]}` },
        dependsOn: [igw],
      });
    });
    const privateRouteTables = privateSubnets.map((s, i) => {
      const table = new RouteTable(this, `private-rt-${i}`, { vpcId: this.vpc.id, tags: { Name: `${props.name}-private-${zones[i]}` } });
      new Route(this, `private-default-${i}`, {
        routeTableId: table.id,
        destinationCidrBlock: '0.0.0.0/0',
        natGatewayId: natGateways[natGatewayPerAz ? i : 0].id,
      });
      new RouteTableAssociation(this, `private-rta-${i}`, { subnetId: s.id, routeTableId: table.id });
      return table;
    });

    // Intra tier: control-plane ENIs; local routes (and the S3 gateway) only.
    const intraRoutes = new RouteTable(this, 'intra-rt', { vpcId: this.vpc.id, tags: { Name: `${props.name}-intra` } });
    intraSubnets.forEach((s, i) => new RouteTableAssociation(this, `intra-rta-${i}`, { subnetId: s.id, routeTableId: intraRoutes.id }));

    // PCI-DSS 10.2 / CIS AWS 3.7: every accepted and rejected flow, to an encrypted log group.
    this.flowLogGroup = new EncryptedLogGroup(this, 'flow-logs', {
      name: `/aws/vpc/${props.name}/flow-logs`,
      key: props.flowLogKey,
      retentionDays: props.flowLogRetentionDays,
    });
    const flowLogRole = new IamRole(this, 'flow-log-role', {
      name: `${props.name}-vpc-flow-logs`,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', ['sts:AssumeRole'], props.accountId),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      role: flowLogRole.id,
      name: 'write-flow-logs',
      // Least privilege: write to this one log group only.
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [this.flowLogGroup.logGroupArn, `${this.flowLogGroup.logGroupArn}:*`],
        },
      ]),
    });
    new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: this.flowLogGroup.logGroupArn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
      tags: { Name: `${props.name}-flow-log` },
    });

    // Private paths to AWS APIs: nodes pull images and get credentials without the internet.
    const endpointSg = new SecurityGroup(this, 'endpoints-sg', {
      name: `${props.name}-vpc-endpoints`,
      description: 'HTTPS from inside the VPC to interface endpoints',
      vpcId: this.vpc.id,
      ingress: [
        {
          description: 'HTTPS from the VPC to AWS API endpoints',
          protocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [props.vpcCidr],
        },
      ],
      tags: { Name: `${props.name}-vpc-endpoints` },
    });
    for (const service of INTERFACE_ENDPOINT_SERVICES) {
      new VpcEndpoint(this, `endpoint-${service.replace('.', '-')}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds: this.privateSubnetIds,
        securityGroupIds: [endpointSg.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
    new VpcEndpoint(this, 'endpoint-s3', {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: 'Gateway',
      // ECR image layers are served from S3: keep them off the NAT path.
      routeTableIds: [...privateRouteTables.map((t) => t.id), intraRoutes.id],
      tags: { Name: `${props.name}-s3` },
    });
  }
}

function validate(props: NetworkProps): void {
  const zones = props.availabilityZones;
  if (zones.length < 2) {
    throw new Error(`network ${props.name}: availabilityZones needs at least 2 zones for a highly available control plane, got ${JSON.stringify(zones)}`);
  }
  if (new Set(zones).size !== zones.length) {
    throw new Error(`network ${props.name}: availabilityZones must be distinct, got ${JSON.stringify(zones)}`);
  }
  const vpc = Token.isUnresolved(props.vpcCidr) ? undefined : parseCidr(props.vpcCidr);
  if (typeof vpc === 'string') {
    throw new Error(`network ${props.name}: vpcCidr "${props.vpcCidr}" is invalid: ${vpc}`);
  }
  for (const tier of ['publicSubnetCidrs', 'privateSubnetCidrs', 'intraSubnetCidrs'] as const) {
    const cidrs = props[tier];
    if (cidrs.length !== zones.length) {
      throw new Error(`network ${props.name}: ${tier} needs one CIDR per availability zone (${zones.length}), got ${JSON.stringify(cidrs)}`);
    }
    for (const text of cidrs) {
      if (Token.isUnresolved(text)) continue;
      const parsed = parseCidr(text);
      if (typeof parsed === 'string') {
        throw new Error(`network ${props.name}: ${tier} entry "${text}" is invalid: ${parsed}`);
      }
      if (vpc && !contains(vpc, parsed)) {
        throw new Error(`network ${props.name}: ${tier} entry "${text}" is outside vpcCidr ${props.vpcCidr}`);
      }
    }
  }
}
