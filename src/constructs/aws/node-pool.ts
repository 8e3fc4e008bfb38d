/**
 * A managed node group with its own launch template: IMDSv2 only, encrypted
 * root volumes, no SSH, private subnets only.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { NodeTaint } from '../contract';
import { policyDocument, serviceTrustPolicy } from './iam';
import type { KeyRef } from './kms';

/**
 * AWS managed policies a worker node needs (join, Pod Identity agent).
 * No AmazonEKS_CNI_Policy (CIS EKS 5.2.x): ENI/IP management belongs to the
 * aws-node service account's own Pod Identity role, so a compromised node or
 * pod cannot reach those EC2 network permissions through the node role.
 * No AmazonEC2ContainerRegistryPullOnly either: it pulls from every repository
 * of every account (Resource "*"); image pulls are the inline policy of
 * `NodePoolProps.imageRepositoryArns` instead (PCI-DSS 6.3.2: images only
 * from the environment's scanned mirror).
 */
export const NODE_MANAGED_POLICIES = ['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy'] as const;

/** What the kubelet's ECR credential provider and the container runtime call to pull an image. */
export const ECR_PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] as const;

/**
 * The AWS account serving the EKS add-on images (vpc-cni, kube-proxy, CoreDNS,
 * Pod Identity agent, EBS CSI driver) in the regions listed, from the AWS
 * table "Amazon container image registries for Amazon EKS add-ons". Other
 * regions use other accounts and are refused until added here.
 */
export const EKS_ADDON_IMAGE_ACCOUNT = '602401143452';
const EKS_ADDON_IMAGE_REGIONS = new Set([
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'sa-east-1',
  'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1', 'eu-north-1',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2',
]);

/** ARN pattern of the EKS add-on image repositories of a region: what nodes pull kube-system's add-ons from. */
export function eksAddonImageRepositories(region: string): string {
  if (Token.isUnresolved(region) || !EKS_ADDON_IMAGE_REGIONS.has(region)) {
    throw new Error(
      `node pool: region "${region}" is not known to serve EKS add-on images from account ${EKS_ADDON_IMAGE_ACCOUNT}; add its account from the AWS table of EKS add-on image registries`,
    );
  }
  return `arn:aws:ecr:${region}:${EKS_ADDON_IMAGE_ACCOUNT}:repository/*`;
}

/** Size and shape of one node pool. */
export interface NodePoolSizing {
  /** EC2 instance type. */
  readonly instanceType: string;
  readonly minSize: number;
  readonly maxSize: number;
  readonly desiredSize: number;
  /** Root volume size in GiB. */
  readonly diskSizeGb: number;
}

export interface NodePoolProps extends NodePoolSizing {
  /** Cluster the pool joins. */
  readonly clusterName: string;
  /** Pool name, e.g. `app`; also the node group and launch template name suffix. */
  readonly poolName: string;
  /** Private subnets for the nodes; never public ones. */
  readonly subnetIds: readonly string[];
  /** Customer-managed key for the root volumes (its policy must admit the Auto Scaling service-linked role). */
  readonly volumeKey: KeyRef;
  /**
   * ECR repositories (ARNs, `*` allowed in the repository name) the nodes may
   * pull from, and no others: the environment's mirror and the EKS add-on images.
   */
  readonly imageRepositoryArns: readonly string[];
  /**
   * Kubernetes labels on every node.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Taint on every node, so only pods that tolerate it run here.
   * @default - no taint
   */
  readonly taint?: NodeTaint;
}

/**
 * An EKS managed node group on a launch template that enforces IMDSv2 with hop limit 1, KMS-encrypted root volumes and no
 * SSH key, in private subnets, with a node role that may pull only from the listed ECR repositories.
 */
export class NodePool extends Construct {
  readonly nodeGroup: EksNodeGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly nodeRoleArn: string;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    validate(props);
    const name = `${props.clusterName}-${props.poolName}`;

    const role = new IamRole(this, 'role', { name: `${name}-node`, assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') });
    const attachments: (IamRolePolicyAttachment | IamRolePolicy)[] = NODE_MANAGED_POLICIES.map(
      (policyArn) => new IamRolePolicyAttachment(this, `policy-${policyArn.split('/').pop()}`, { role: role.name, policyArn }),
    );
    attachments.push(
      new IamRolePolicy(this, 'image-pull', {
        role: role.id,
        name: 'image-pull',
        policy: policyDocument([
          // GetAuthorizationToken has no resource-level permissions; the token alone reads nothing.
          { Sid: 'EcrLogin', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
          { Sid: 'PullAllowedRepositories', Effect: 'Allow', Action: [...ECR_PULL_ACTIONS], Resource: [...props.imageRepositoryArns] },
        ]),
      }),
    );
    this.nodeRoleArn = role.arn;

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: `${name}-nodes`,
      description: `Hardened nodes of the ${props.poolName} pool`,
      updateDefaultVersion: true,
      // No key_name: no SSH key pair exists for these nodes (CIS EKS 3.x, no interactive access).
      metadataOptions: {
        httpEndpoint: 'enabled',
        // IMDSv2 only, and hop limit 1 so pods cannot reach the node's credentials (CIS EKS 4.x / AWS FSBP EC2.8).
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.diskSizeGb,
            volumeType: 'gp3',
            // PCI-DSS 3.5: node disks (container layers, emptyDir, logs) encrypted with our key.
            encrypted: 'true',
            kmsKeyId: props.volumeKey.keyArn,
            deleteOnTermination: 'true',
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: `${name}-node` } },
        { resourceType: 'volume', tags: { Name: `${name}-node` } },
      ],
    });

    this.nodeGroup = new EksNodeGroup(this, 'node-group', {
      clusterName: props.clusterName,
      nodeGroupName: props.poolName,
      nodeRoleArn: role.arn,
      // Private subnets only: nodes have no public address and no inbound internet path.
      subnetIds: [...props.subnetIds],
      amiType: 'AL2023_x86_64_STANDARD',
      instanceTypes: [props.instanceType],
      scalingConfig: { minSize: props.minSize, maxSize: props.maxSize, desiredSize: props.desiredSize },
      updateConfig: { maxUnavailable: 1 },
      launchTemplate: { id: this.launchTemplate.id, version: Token.asString(this.launchTemplate.latestVersion) },
      labels: props.labels ? { ...props.labels } : undefined,
      taint: props.taint ? [{ key: props.taint.key, value: props.taint.value, effect: 'NO_SCHEDULE' }] : undefined,
      // The cluster autoscaler owns the current size; Terraform owns the bounds.
      lifecycle: { ignoreChanges: ['scaling_config[0].desired_size'] },
      dependsOn: attachments,
    });
  }
}

function validate(props: NodePoolProps): void {
  const label = `node pool ${props.poolName}`;
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(props.poolName)) {
    throw new Error(`${label}: poolName must be lowercase letters, digits and hyphens, got "${props.poolName}"`);
  }
  const { minSize, maxSize, desiredSize } = props;
  if (minSize < 1 || minSize > maxSize) {
    throw new Error(`${label}: minSize must be between 1 and maxSize (${maxSize}), got ${minSize}`);
  }
  if (desiredSize < minSize || desiredSize > maxSize) {
    throw new Error(`${label}: desiredSize must be between minSize and maxSize [${minSize}, ${maxSize}], got ${desiredSize}`);
  }
  if (props.diskSizeGb < 20) {
    throw new Error(`${label}: diskSizeGb must be at least 20, got ${props.diskSizeGb}`);
  }
  if (props.subnetIds.length === 0) {
    throw new Error(`${label}: subnetIds must list at least one private subnet`);
  }
  if (props.imageRepositoryArns.length === 0) {
    throw new Error(`${label}: imageRepositoryArns must list at least one ECR repository ARN, or no node can pull an image`);
  }
  for (const arn of props.imageRepositoryArns) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:repository\/[a-z0-9*][a-z0-9._/*-]*$/.test(arn)) {
      throw new Error(`${label}: imageRepositoryArns entries must be ECR repository ARNs (arn:aws:ecr:<region>:<account>:repository/<name>), got "${arn}"`);
    }
  }
  if (props.taint && props.taint.effect !== 'NoSchedule') {
    throw new Error(`${label}: taint effect must be NoSchedule, got "${String(props.taint.effect)}"`);
  }
}
