import { BASELINE_SERVICE_ACCOUNTS } from '../../../src/constructs/contract';
import {
  PodIdentityRole,
  VPC_CNI_MANAGED_POLICY,
  loadBalancerControllerStatements,
  vaultUnsealStatements,
} from '../../../src/constructs/aws/identity';
import { type Json, only, resources, statementsOf, synth } from './helpers';

const unsealKeyArn = 'arn:aws:kms:eu-west-1:111111111111:key/unseal';
const clusterArn = 'arn:aws:eks:eu-west-1:111111111111:cluster/test';

describe('PodIdentityRole for Vault', () => {
  let json: Json;
  let role: PodIdentityRole;
  beforeAll(() => {
    json = synth((scope) => {
      role = new PodIdentityRole(scope, 'vault', {
        clusterName: 'test',
        clusterArn,
        accountId: '111111111111',
        roleName: 'test-vault-unseal',
        serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
        statements: vaultUnsealStatements(unsealKeyArn),
      });
    });
  });

  it('is assumable only by EKS Pod Identity for this cluster and account, for the vault/vault service account', () => {
    const [trust] = statementsOf(only(json, 'aws_iam_role').assume_role_policy);
    expect(trust).toEqual({
      Effect: 'Allow',
      Principal: { Service: 'pods.eks.amazonaws.com' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:SourceAccount': '111111111111',
          'aws:RequestTag/kubernetes-namespace': 'vault',
          'aws:RequestTag/kubernetes-service-account': 'vault',
        },
        ArnEquals: { 'aws:SourceArn': clusterArn },
      },
    });
  });

  it('may Encrypt, Decrypt and DescribeKey on the unseal key only', () => {
    expect(statementsOf(only(json, 'aws_iam_role_policy').policy)).toEqual([
      { Sid: 'VaultAutoUnseal', Effect: 'Allow', Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:DescribeKey'], Resource: unsealKeyArn },
    ]);
  });

  it('is bound to the vault/vault service account through a Pod Identity association', () => {
    expect(only(json, 'aws_eks_pod_identity_association')).toMatchObject({ cluster_name: 'test', namespace: 'vault', service_account: 'vault' });
    expect(role.binding).toEqual({ serviceAccount: { namespace: 'vault', name: 'vault' }, serviceAccountAnnotations: {}, podLabels: {} });
  });

  it('rejects a role with no permissions', () => {
    expect(() =>
      synth(
        (scope) =>
          new PodIdentityRole(scope, 'empty', {
            clusterName: 'test',
            clusterArn,
            accountId: '111111111111',
            roleName: 'test-empty',
            serviceAccount: BASELINE_SERVICE_ACCOUNTS.vault,
            statements: [],
          }),
      ),
    ).toThrow('pod identity role test-empty: give it statements or managedPolicyArns');
  });
});

describe('PodIdentityRole for the VPC CNI (association owned by the add-on)', () => {
  let json: Json;
  let role: PodIdentityRole;
  beforeAll(() => {
    json = synth((scope) => {
      role = new PodIdentityRole(scope, 'vpc-cni', {
        clusterName: 'test',
        clusterArn,
        accountId: '111111111111',
        roleName: 'test-vpc-cni',
        serviceAccount: { namespace: 'kube-system', name: 'aws-node' },
        statements: [],
        managedPolicyArns: [VPC_CNI_MANAGED_POLICY],
        association: 'addon',
      });
    });
  });

  it('trusts Pod Identity only for kube-system/aws-node of this cluster and account', () => {
    const [trust] = statementsOf(only(json, 'aws_iam_role').assume_role_policy);
    expect(trust.Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
    expect(trust.Action).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(trust.Condition).toEqual({
      StringEquals: {
        'aws:SourceAccount': '111111111111',
        'aws:RequestTag/kubernetes-namespace': 'kube-system',
        'aws:RequestTag/kubernetes-service-account': 'aws-node',
      },
      ArnEquals: { 'aws:SourceArn': clusterArn },
    });
  });

  it('carries AmazonEKS_CNI_Policy and nothing else', () => {
    expect(only(json, 'aws_iam_role_policy_attachment').policy_arn).toBe('arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy');
    expect(resources(json, 'aws_iam_role_policy')).toHaveLength(0);
    expect(role.grants).toHaveLength(1);
  });

  it('leaves the association to the add-on (no standalone association to conflict with it)', () => {
    expect(resources(json, 'aws_eks_pod_identity_association')).toHaveLength(0);
    expect(role.serviceAccount).toEqual({ namespace: 'kube-system', name: 'aws-node' });
  });

  it('rejects an unknown association owner', () => {
    expect(() =>
      synth(
        (scope) =>
          new PodIdentityRole(scope, 'bad', {
            clusterName: 'test',
            clusterArn,
            accountId: '111111111111',
            roleName: 'test-bad',
            serviceAccount: { namespace: 'kube-system', name: 'aws-node' },
            statements: [],
            managedPolicyArns: [VPC_CNI_MANAGED_POLICY],
            association: 'irsa' as 'addon',
          }),
      ),
    ).toThrow(`pod identity role test-bad: association must be 'standalone' or 'addon', got "irsa"`);
  });
});

describe('load balancer controller policy', () => {
  const statements = loadBalancerControllerStatements({
    region: 'eu-west-1',
    accountId: '111111111111',
    clusterName: 'test',
    webAclArn: 'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/test/abc',
  });

  it('attaches only this cluster\'s web ACL', () => {
    const waf = statements.find((s) => s.Sid === 'AttachClusterWebAcl');
    expect(waf?.Resource).toContain('arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/test/abc');
    expect(waf?.Resource).not.toContain('*');
  });

  it('mutates only load balancers and security groups tagged for this cluster', () => {
    for (const sid of ['ManageClusterLoadBalancers', 'ManageClusterSecurityGroups']) {
      expect(statements.find((s) => s.Sid === sid)?.Condition).toEqual({ StringEquals: { 'aws:ResourceTag/elbv2.k8s.aws/cluster': 'test' } });
    }
    expect(statements.find((s) => s.Sid === 'CreateLoadBalancersForCluster')?.Condition).toEqual({
      StringEquals: { 'aws:RequestTag/elbv2.k8s.aws/cluster': 'test' },
    });
  });

  it('uses a wildcard resource only for read-only and service-linked-role actions', () => {
    for (const s of statements.filter((x) => x.Resource === '*')) {
      expect(['Discover', 'ElbServiceLinkedRole']).toContain(s.Sid);
    }
    const discover = statements.find((s) => s.Sid === 'Discover');
    for (const action of discover?.Action as string[]) expect(action).toMatch(/:(Describe|Get|List)/);
  });
});
