/**
 * The EKS control plane: private API endpoint, full audit logging to an
 * encrypted log group, envelope encryption of Secrets, API-mode access
 * entries for named admins only.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { EksAccessPolicyAssociation } from '@cdktf/provider-aws/lib/eks-access-policy-association';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { isAnyAddress, parseCidr } from '../../config/cidr';
import { policyDocument, serviceTrustPolicy } from './iam';
import type { KeyRef } from './kms';
import { EncryptedLogGroup } from './log-group';

/** CIS EKS 2.1.1: every control-plane log type. */
export const CONTROL_PLANE_LOG_TYPES = ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] as const;

/** The AWS managed policy the cluster role carries. */
export const CLUSTER_MANAGED_POLICY = 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy';

export const CLUSTER_ADMIN_POLICY_ARN = 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy';

/** Opt-in to a public API endpoint; only ever with an explicit allow-list. */
export interface PublicEndpointAccess {
  /** Networks allowed to reach the public endpoint; never empty, never a /0. */
  readonly allowedCidrs: readonly string[];
}

export interface ClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** Kubernetes minor version, e.g. `1.34`. */
  readonly kubernetesVersion: string;
  /** Subnets for the control-plane ENIs (the intra tier, no internet route). */
  readonly controlPlaneSubnetIds: readonly string[];
  /** Customer-managed key for envelope encryption of Kubernetes Secrets. */
  readonly secretsKey: KeyRef;
  /** Customer-managed key for the control-plane log group. */
  readonly logKey: KeyRef;
  /**
   * Control-plane log retention in days.
   * @default 365
   */
  readonly logRetentionDays?: number;
  /** IAM role/user ARNs granted cluster-admin through access entries; at least one. */
  readonly adminPrincipals: readonly string[];
  /** Networks (VPN, bastion, CI) allowed to reach the private endpoint on 443. */
  readonly adminCidrs: readonly string[];
  /**
   * Opt-out of the private-only endpoint: also expose a public endpoint to these networks.
   * @default - private endpoint only (CIS EKS 5.4.2)
   */
  readonly publicEndpoint?: PublicEndpointAccess;
}

/**
 * An EKS cluster with a private-only API endpoint, every control-plane log type in a KMS-encrypted log group, Secrets
 * envelope-encrypted with a customer-managed key, and cluster-admin only for named principals through access entries.
 */
export class Cluster extends Construct {
  readonly cluster: EksCluster;
  readonly clusterName: string;
  readonly clusterArn: string;
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as EKS returns it. */
  readonly certificateAuthorityData: string;
  readonly oidcIssuerUrl: string;
  readonly clusterSecurityGroupId: string;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    validate(props);

    const role = new IamRole(this, 'role', {
      name: `${props.name}-cluster`,
      assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com', ['sts:AssumeRole', 'sts:TagSession']),
    });
    new IamRolePolicyAttachment(this, 'cluster-policy', { role: role.name, policyArn: CLUSTER_MANAGED_POLICY });
    // Envelope encryption: the control plane uses the secrets key, and only that key.
    const keyPolicy = new IamRolePolicy(this, 'secrets-key-policy', {
      role: role.id,
      name: 'secrets-envelope-encryption',
      policy: policyDocument([
        { Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ListGrants', 'kms:DescribeKey'], Resource: props.secretsKey.keyArn },
      ]),
    });

    // Created before the cluster so EKS writes into an encrypted group with bounded
    // retention instead of creating an unencrypted, never-expiring one.
    this.logGroup = new EncryptedLogGroup(this, 'logs', {
      name: `/aws/eks/${props.name}/cluster`,
      key: props.logKey,
      retentionDays: props.logRetentionDays,
    });

    const publicCidrs = props.publicEndpoint?.allowedCidrs;
    this.cluster = new EksCluster(this, 'cluster', {
      name: props.name,
      version: props.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: [...props.controlPlaneSubnetIds],
        // CIS EKS 5.4.2: the API server is reachable from the VPC only, unless explicitly opted out.
        endpointPrivateAccess: true,
        endpointPublicAccess: publicCidrs !== undefined,
        publicAccessCidrs: publicCidrs ? [...publicCidrs] : undefined,
      },
      // CIS EKS 2.1.1 / PCI-DSS 10.2: audit trail of every API call and authentication.
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // CIS EKS 5.3.1: Secrets envelope-encrypted with a customer-managed key.
      encryptionConfig: { resources: ['secrets'], provider: { keyArn: props.secretsKey.keyArn } },
      // Access entries only (no aws-auth ConfigMap), and no hidden admin for whoever ran terraform.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: false },
      deletionProtection: true,
      // Never drift into (paid) extended support: at the end of standard support EKS upgrades
      // the control plane rather than keep running a version without upstream patches.
      upgradePolicy: { supportType: 'STANDARD' },
      dependsOn: [this.logGroup.logGroup, keyPolicy],
    });
    this.clusterName = this.cluster.name;
    this.clusterArn = this.cluster.arn;
    this.endpoint = this.cluster.endpoint;
    this.certificateAuthorityData = this.cluster.certificateAuthority.get(0).data;
    this.oidcIssuerUrl = this.cluster.identity.get(0).oidc.get(0).issuer;
    this.clusterSecurityGroupId = this.cluster.vpcConfig.clusterSecurityGroupId;

    // Admin networks reach the private endpoint; nothing else is opened.
    props.adminCidrs.forEach((cidr, i) => {
      new VpcSecurityGroupIngressRule(this, `admin-https-${i}`, {
        securityGroupId: this.clusterSecurityGroupId,
        description: `Kubernetes API from admin network ${cidr}`,
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: cidr,
      });
    });

    // Named cluster admins from config, through access entries (auditable in the EKS API).
    props.adminPrincipals.forEach((principalArn, i) => {
      const entry = new EksAccessEntry(this, `admin-${i}`, { clusterName: this.cluster.name, principalArn, type: 'STANDARD' });
      new EksAccessPolicyAssociation(this, `admin-${i}-policy`, {
        clusterName: this.cluster.name,
        principalArn,
        policyArn: CLUSTER_ADMIN_POLICY_ARN,
        accessScope: { type: 'cluster' },
        dependsOn: [entry],
      });
    });
  }
}

function checkCidr(field: string, text: string): void {
  if (Token.isUnresolved(text)) return;
  const parsed = parseCidr(text);
  if (typeof parsed === 'string') {
    throw new Error(`cluster: ${field} entry "${text}" is not a valid IPv4 CIDR (${parsed})`);
  }
  if (isAnyAddress(parsed)) {
    throw new Error(`cluster: ${field} entry "${text}" opens the API to the whole internet; list specific networks instead`);
  }
}

function validate(props: ClusterProps): void {
  if (!Token.isUnresolved(props.kubernetesVersion) && !/^1\.\d{2}$/.test(props.kubernetesVersion)) {
    throw new Error(`cluster ${props.name}: kubernetesVersion must be a minor version such as 1.34, got "${props.kubernetesVersion}"`);
  }
  if (props.controlPlaneSubnetIds.length < 2) {
    throw new Error(`cluster ${props.name}: controlPlaneSubnetIds needs subnets in at least 2 zones, got ${props.controlPlaneSubnetIds.length}`);
  }
  if (props.adminPrincipals.length === 0) {
    throw new Error(`cluster ${props.name}: adminPrincipals must name at least one IAM role; the creator gets no implicit admin`);
  }
  for (const arn of props.adminPrincipals) {
    if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/\S+$/.test(arn)) {
      throw new Error(`cluster ${props.name}: adminPrincipals entry "${arn}" is not an IAM role or user ARN`);
    }
  }
  props.adminCidrs.forEach((c) => checkCidr('adminCidrs', c));
  if (props.publicEndpoint) {
    if (props.publicEndpoint.allowedCidrs.length === 0) {
      throw new Error(
        `cluster ${props.name}: publicEndpoint.allowedCidrs is empty, which EKS treats as 0.0.0.0/0; list the networks allowed to reach the public endpoint or remove publicEndpoint`,
      );
    }
    props.publicEndpoint.allowedCidrs.forEach((c) => checkCidr('publicEndpoint.allowedCidrs', c));
  }
}
