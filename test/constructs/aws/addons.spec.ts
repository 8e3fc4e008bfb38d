import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { SUPPORTED_KUBERNETES_VERSIONS } from '../../../src/config/schema';
import { ADDON_SERVICE_ACCOUNTS, type AddonIdentityRef, ClusterAddons, type ClusterAddonsProps, EKS_ADDON_VERSIONS } from '../../../src/constructs/aws/addons';
import { type Json, resources, synth } from './helpers';

const cniRoleArn = 'arn:aws:iam::111111111111:role/test-vpc-cni';
const ebsRoleArn = 'arn:aws:iam::111111111111:role/test-ebs-csi';
const identities = (grantScope?: { cni: AddonIdentityRef['grants']; ebs: AddonIdentityRef['grants'] }): ClusterAddonsProps['identities'] => ({
  'vpc-cni': { roleArn: cniRoleArn, serviceAccount: ADDON_SERVICE_ACCOUNTS['vpc-cni'], grants: grantScope?.cni ?? [] },
  'aws-ebs-csi-driver': { roleArn: ebsRoleArn, serviceAccount: ADDON_SERVICE_ACCOUNTS['aws-ebs-csi-driver'], grants: grantScope?.ebs ?? [] },
});

describe('ClusterAddons', () => {
  let addons: Record<string, Json>;
  /** Terraform address of each add-on, e.g. `aws_eks_addon.addons_vpc-cni_1234ABCD`. */
  let addressOf: Record<string, string>;
  beforeAll(() => {
    const json = synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.35', identities: identities() }));
    addons = Object.fromEntries(resources(json, 'aws_eks_addon').map((a) => [a.addon_name, a]));
    addressOf = Object.fromEntries(Object.entries(json.resource.aws_eks_addon as Record<string, Json>).map(([key, a]) => [a.addon_name, `aws_eks_addon.${key}`]));
  });

  it('installs vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver, the snapshot controller and the Pod Identity agent as managed add-ons', () => {
    expect(Object.keys(addons).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'snapshot-controller', 'vpc-cni']);
  });

  it('pins every add-on to an exact eksbuild version of the cluster minor', () => {
    for (const [name, addon] of Object.entries(addons)) {
      expect(addon.addon_version).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(addon.addon_version).toBe(EKS_ADDON_VERSIONS['1.35'][name as keyof (typeof EKS_ADDON_VERSIONS)['1.35']]);
    }
    expect(addons['kube-proxy'].addon_version).toMatch(/^v1\.35\./);
  });

  it('enables NetworkPolicy enforcement in the VPC CNI', () => {
    expect(JSON.parse(addons['vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
  });

  it('binds aws-node to its own Pod Identity role through the vpc-cni add-on, not IRSA', () => {
    expect(addons['vpc-cni'].pod_identity_association).toEqual([{ role_arn: cniRoleArn, service_account: 'aws-node' }]);
    expect(addons['vpc-cni'].service_account_role_arn).toBeUndefined();
  });

  it('binds ebs-csi-controller-sa to its Pod Identity role through the aws-ebs-csi-driver add-on', () => {
    expect(addons['aws-ebs-csi-driver'].pod_identity_association).toEqual([{ role_arn: ebsRoleArn, service_account: 'ebs-csi-controller-sa' }]);
    expect(addons['aws-ebs-csi-driver'].service_account_role_arn).toBeUndefined();
  });

  it('installs the Pod Identity agent before the add-ons that take credentials from it', () => {
    for (const name of ['vpc-cni', 'aws-ebs-csi-driver']) {
      expect(addons[name].depends_on).toContain(addressOf['eks-pod-identity-agent']);
    }
    expect(addons['eks-pod-identity-agent'].depends_on).toBeUndefined();
    expect(addons['eks-pod-identity-agent'].pod_identity_association).toBeUndefined();
  });

  it('gives no other add-on an AWS identity', () => {
    for (const name of ['coredns', 'kube-proxy', 'eks-pod-identity-agent', 'snapshot-controller']) {
      expect(addons[name].pod_identity_association).toBeUndefined();
      expect(addons[name].service_account_role_arn).toBeUndefined();
    }
  });

  it('has a pinned row for every supported Kubernetes version', () => {
    expect(Object.keys(EKS_ADDON_VERSIONS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS.aws].sort());
  });

  it('rejects a Kubernetes version without pinned add-on versions', () => {
    expect(() =>
      synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.29', identities: identities() })),
    ).toThrow('cluster add-ons: no pinned add-on versions for kubernetesVersion "1.29"; supported: 1.33, 1.34, 1.35');
  });

  it('rejects a vpc-cni role bound to another service account', () => {
    const wrong = { ...identities(), 'vpc-cni': { roleArn: cniRoleArn, serviceAccount: { namespace: 'kube-system', name: 'default' }, grants: [] } };
    expect(() => synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.35', identities: wrong }))).toThrow(
      'cluster add-ons: the vpc-cni role must be bound to kube-system/aws-node, got kube-system/default',
    );
  });

  it('rejects a missing add-on identity (it would fall back to the node role)', () => {
    const missing = { 'vpc-cni': identities()['vpc-cni'] } as unknown as ClusterAddonsProps['identities'];
    expect(() => synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.35', identities: missing }))).toThrow(
      'cluster add-ons: aws-ebs-csi-driver needs a pod identity role for kube-system/ebs-csi-controller-sa; without one it falls back to the node role',
    );
  });
});

describe('ClusterAddons waiting for role grants and nodes', () => {
  it('starts the identity add-ons only after their role policies, and workload add-ons after the nodes', () => {
    const json = synth((scope) => {
      const attachment = (id: string) => new IamRolePolicyAttachment(scope, id, { role: id, policyArn: `arn:aws:iam::aws:policy/${id}` });
      const grant = attachment('cni-grant');
      const ebsGrant = attachment('ebs-grant');
      const node = attachment('nodes');
      new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.35', identities: identities({ cni: [grant], ebs: [ebsGrant] }), afterNodes: [node] });
    });
    const addons = Object.fromEntries(resources(json, 'aws_eks_addon').map((a) => [a.addon_name, a]));
    expect(addons['vpc-cni'].depends_on).toEqual(expect.arrayContaining(['aws_iam_role_policy_attachment.cni-grant']));
    expect(addons['aws-ebs-csi-driver'].depends_on).toEqual(expect.arrayContaining(['aws_iam_role_policy_attachment.nodes', 'aws_iam_role_policy_attachment.ebs-grant']));
    expect(addons.coredns.depends_on).toEqual(['aws_iam_role_policy_attachment.nodes']);
    // The snapshot controller runs pods: after the nodes, like coredns.
    expect(addons['snapshot-controller'].depends_on).toEqual(['aws_iam_role_policy_attachment.nodes']);
  });
});
