/**
 * AWS identities of in-cluster components through EKS Pod Identity: one IAM
 * role per service account, trusted only by this cluster's Pod Identity
 * service, with a policy scoped to what that component does.
 */
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { EksPodIdentityAssociation } from '@cdktf/provider-aws/lib/eks-pod-identity-association';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ServiceAccountRef, WorkloadIdentityBinding } from '../contract';
import { type PolicyStatement, policyDocument } from './iam';

export interface PodIdentityRoleProps {
  /** Name of the EKS cluster the standalone Pod Identity association is created in. */
  readonly clusterName: string;
  /** ARN of the cluster: the role trusts Pod Identity on behalf of this cluster only. */
  readonly clusterArn: string;
  /** AWS account ID of the cluster: the trust policy's `aws:SourceAccount` condition (confused-deputy protection). */
  readonly accountId: string;
  /** IAM role name. */
  readonly roleName: string;
  /** The one service account that may assume the role. */
  readonly serviceAccount: ServiceAccountRef;
  /** Inline policy statements (least privilege). */
  readonly statements: readonly PolicyStatement[];
  /**
   * AWS managed policies to attach, where AWS maintains the component's policy.
   * @default - none
   */
  readonly managedPolicyArns?: readonly string[];
  /**
   * Who owns the Pod Identity association. `'addon'`: the EKS managed add-on
   * that runs the service account binds the role through its
   * `pod_identity_association` block, so EKS creates the association with the
   * add-on, before its pods start, and removes it with the add-on. A second,
   * standalone association for the same service account would conflict.
   * @default 'standalone' - this construct creates an `aws_eks_pod_identity_association`
   */
  readonly association?: 'standalone' | 'addon';
}

/**
 * An IAM role for one Kubernetes service account through EKS Pod Identity: trusted only by Pod Identity acting for this
 * account's cluster and session-tagged with that service account, with least-privilege inline statements.
 */
export class PodIdentityRole extends Construct {
  readonly roleArn: string;
  /** The one service account the role is bound to (and whose session tags its trust policy requires). */
  readonly serviceAccount: ServiceAccountRef;
  /** The resources that give the role its permissions: consumers wait for them so pods never start unpermitted. */
  readonly grants: readonly ITerraformDependable[];
  /** Pod Identity lives entirely in EKS: no service-account annotations or pod labels. */
  readonly binding: WorkloadIdentityBinding;

  constructor(scope: Construct, id: string, props: PodIdentityRoleProps) {
    super(scope, id);
    if (props.statements.length === 0 && (props.managedPolicyArns ?? []).length === 0) {
      throw new Error(`pod identity role ${props.roleName}: give it statements or managedPolicyArns; a role with no permissions is a wiring mistake`);
    }
    const association = props.association ?? 'standalone';
    if (association !== 'standalone' && association !== 'addon') {
      throw new Error(`pod identity role ${props.roleName}: association must be 'standalone' or 'addon', got "${String(association)}"`);
    }
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: policyDocument([
        {
          Effect: 'Allow',
          Principal: { Service: 'pods.eks.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
          Condition: {
            StringEquals: {
              // Confused-deputy protection: only Pod Identity acting for this account's cluster (with ArnEquals below).
              'aws:SourceAccount': props.accountId,
              // Least privilege: Pod Identity tags the session with the pod's namespace and service account, so
              // only that one service account can use the role, even if another association names it.
              'aws:RequestTag/kubernetes-namespace': props.serviceAccount.namespace,
              'aws:RequestTag/kubernetes-service-account': props.serviceAccount.name,
            },
            ArnEquals: { 'aws:SourceArn': props.clusterArn },
          },
        },
      ]),
    });
    const grants: ITerraformDependable[] = [];
    if (props.statements.length > 0) {
      grants.push(new IamRolePolicy(this, 'policy', { role: role.id, name: 'least-privilege', policy: policyDocument(props.statements) }));
    }
    (props.managedPolicyArns ?? []).forEach((policyArn, i) => grants.push(new IamRolePolicyAttachment(this, `managed-${i}`, { role: role.name, policyArn })));
    if (association === 'standalone') {
      new EksPodIdentityAssociation(this, 'association', {
        clusterName: props.clusterName,
        namespace: props.serviceAccount.namespace,
        serviceAccount: props.serviceAccount.name,
        roleArn: role.arn,
      });
    }
    this.roleArn = role.arn;
    this.serviceAccount = { ...props.serviceAccount };
    this.grants = grants;
    this.binding = { serviceAccount: { ...props.serviceAccount }, serviceAccountAnnotations: {}, podLabels: {} };
  }
}

/** Vault auto-unseal: use of the unseal key, and nothing else. */
export function vaultUnsealStatements(unsealKeyArn: string): PolicyStatement[] {
  return [{ Sid: 'VaultAutoUnseal', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: unsealKeyArn }];
}

/** EBS CSI: lets the driver create volumes encrypted with the volume key (on top of AmazonEBSCSIDriverPolicy). */
export function ebsCsiKeyStatements(volumeKeyArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'EncryptedVolumeGrants',
      Effect: 'Allow',
      Action: ['kms:CreateGrant', 'kms:ListGrants', 'kms:RevokeGrant'],
      Resource: volumeKeyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    {
      Sid: 'EncryptedVolumeUse',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: volumeKeyArn,
    },
  ];
}

export const EBS_CSI_MANAGED_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy';

/**
 * VPC CNI (IPv4 clusters): ENI and IP address management, held by the
 * aws-node service account's own role instead of every node (CIS EKS 5.2.x).
 */
export const VPC_CNI_MANAGED_POLICY = 'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy';

export interface LoadBalancerControllerScope {
  readonly region: string;
  readonly accountId: string;
  /** The controller tags what it creates with `elbv2.k8s.aws/cluster=<clusterName>`. */
  readonly clusterName: string;
  /** The only web ACL the controller may attach. */
  readonly webAclArn: string;
}

/**
 * AWS Load Balancer Controller policy, narrower than the upstream one: ARNs
 * pinned to this account and region, mutations only on resources tagged
 * for this cluster, and WAF association only with this cluster's web ACL.
 */
export function loadBalancerControllerStatements(scope: LoadBalancerControllerScope): PolicyStatement[] {
  const elb = `arn:aws:elasticloadbalancing:${scope.region}:${scope.accountId}`;
  const ec2 = `arn:aws:ec2:${scope.region}:${scope.accountId}`;
  const ownedByCluster = { StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': scope.clusterName } };
  const taggedForCluster = { StringEquals: { 'aws:RequestTag/elbv2.k8s.aws/cluster': scope.clusterName } };
  const loadBalancers = [`${elb}:loadbalancer/app/*/*`, `${elb}:loadbalancer/net/*/*`];
  const targetGroups = `${elb}:targetgroup/*/*`;
  return [
    {
      Sid: 'ElbServiceLinkedRole',
      Effect: 'Allow',
      Action: 'iam:CreateServiceLinkedRole',
      Resource: '*',
      Condition: { StringEquals: { 'iam:AWSServiceName': 'elasticloadbalancing.amazonaws.com' } },
    },
    {
      // Describe/List/Get calls do not support resource-level permissions.
      Sid: 'Discover',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeAccountAttributes',
        'ec2:DescribeAddresses',
        'ec2:DescribeAvailabilityZones',
        'ec2:DescribeInternetGateways',
        'ec2:DescribeVpcs',
        'ec2:DescribeVpcPeeringConnections',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeInstances',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeTags',
        'ec2:DescribeRouteTables',
        'ec2:GetSecurityGroupsForVpc',
        'ec2:GetCoipPoolUsage',
        'ec2:DescribeCoipPools',
        'ec2:DescribeIpamPools',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeListenerAttributes',
        'elasticloadbalancing:DescribeListenerCertificates',
        'elasticloadbalancing:DescribeSSLPolicies',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'elasticloadbalancing:DescribeTags',
        'elasticloadbalancing:DescribeTrustStores',
        'elasticloadbalancing:DescribeCapacityReservation',
        'acm:ListCertificates',
        'acm:DescribeCertificate',
        'cognito-idp:DescribeUserPoolClient',
        'wafv2:GetWebACL',
        'wafv2:GetWebACLForResource',
        'shield:GetSubscriptionState',
      ],
      Resource: '*',
    },
    {
      Sid: 'AttachClusterWebAcl',
      Effect: 'Allow',
      Action: ['wafv2:AssociateWebACL', 'wafv2:DisassociateWebACL'],
      Resource: [scope.webAclArn, `${elb}:loadbalancer/app/*/*`],
    },
    {
      Sid: 'CreateSecurityGroupsForCluster',
      Effect: 'Allow',
      Action: 'ec2:CreateSecurityGroup',
      Resource: [`${ec2}:vpc/*`, `${ec2}:security-group/*`],
    },
    {
      Sid: 'TagNewSecurityGroups',
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: `${ec2}:security-group/*`,
      Condition: { StringEquals: { 'ec2:CreateAction': 'CreateSecurityGroup', 'aws:RequestTag/elbv2.k8s.aws/cluster': scope.clusterName } },
    },
    {
      Sid: 'ManageClusterSecurityGroups',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags', 'ec2:DeleteSecurityGroup'],
      Resource: `${ec2}:security-group/*`,
      Condition: ownedByCluster,
    },
    {
      // The controller opens node security groups to its load balancers' security groups.
      Sid: 'OpenNodeSecurityGroupsToLoadBalancers',
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
      Resource: `${ec2}:security-group/*`,
    },
    {
      Sid: 'CreateLoadBalancersForCluster',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:CreateTargetGroup'],
      Resource: [...loadBalancers, targetGroups],
      Condition: taggedForCluster,
    },
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: 'elasticloadbalancing:AddTags',
      Resource: [...loadBalancers, targetGroups],
      Condition: {
        StringEquals: {
          'elasticloadbalancing:CreateAction': ['CreateTargetGroup', 'CreateLoadBalancer'],
          'aws:RequestTag/elbv2.k8s.aws/cluster': scope.clusterName,
        },
      },
    },
    {
      Sid: 'ManageClusterLoadBalancers',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
        'elasticloadbalancing:ModifyLoadBalancerAttributes',
        'elasticloadbalancing:SetIpAddressType',
        'elasticloadbalancing:SetSecurityGroups',
        'elasticloadbalancing:SetSubnets',
        'elasticloadbalancing:DeleteLoadBalancer',
        'elasticloadbalancing:ModifyTargetGroup',
        'elasticloadbalancing:ModifyTargetGroupAttributes',
        'elasticloadbalancing:DeleteTargetGroup',
        'elasticloadbalancing:ModifyCapacityReservation',
        'elasticloadbalancing:ModifyIpPools',
        'elasticloadbalancing:SetWebAcl',
      ],
      Resource: [...loadBalancers, targetGroups],
      Condition: ownedByCluster,
    },
    {
      Sid: 'ManageListenersAndRules',
      Effect: 'Allow',
      Action: [
        'elasticloadbalancing:CreateListener',
        'elasticloadbalancing:DeleteListener',
        'elasticloadbalancing:ModifyListener',
        'elasticloadbalancing:ModifyListenerAttributes',
        'elasticloadbalancing:AddListenerCertificates',
        'elasticloadbalancing:RemoveListenerCertificates',
        'elasticloadbalancing:CreateRule',
        'elasticloadbalancing:DeleteRule',
        'elasticloadbalancing:ModifyRule',
        'elasticloadbalancing:SetRulePriorities',
        'elasticloadbalancing:AddTags',
        'elasticloadbalancing:RemoveTags',
      ],
      Resource: [...loadBalancers, `${elb}:listener/*/*/*/*`, `${elb}:listener-rule/*/*/*/*/*`],
    },
    {
      Sid: 'RegisterTargets',
      Effect: 'Allow',
      Action: ['elasticloadbalancing:RegisterTargets', 'elasticloadbalancing:DeregisterTargets'],
      Resource: targetGroups,
    },
  ];
}
