/**
 * A managed node group with its own launch template: IMDSv2 only, encrypted
 * root volumes, no SSH, private subnets only.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksNodeGroup } from '@cdktf/provider-aws/lib/eks-node-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import type { NodeTaint } from '../contract';
import { serviceTrustPolicy } from './iam';
import type { KeyRef } from './kms';

/**
 * AWS managed policies a worker node needs (join, Pod Identity agent, image pulls).
 * No AmazonEKS_CNI_Policy (CIS EKS 5.2.x): ENI/IP management belongs to the
 * aws-node service account's own Pod Identity role, so a compromised node or
 * pod cannot reach those EC2 network permissions through the node role.
 */
export const NODE_MANAGED_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly',
] as const;

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

export class NodePool extends Construct {
  readonly nodeGroup: EksNodeGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly nodeRoleArn: string;

  constructor(scope: Construct, id: string, props: NodePoolProps) {
    super(scope, id);
    validate(props);
    const name = `${props.clusterName}-${props.poolName}`;

    const role = new IamRole(this, 'role', { name: `${name}-node`, assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') });
    const attachments = NODE_MANAGED_POLICIES.map(
      (policyArn) => new IamRolePolicyAttachment(this, `policy-${policyArn.split('/').pop()}`, { role: role.name, policyArn }),
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
  if (props.taint && props.taint.effect !== 'NoSchedule') {
    throw new Error(`${label}: taint effect must be NoSchedule, got "${String(props.taint.effect)}"`);
  }
}
