import { SUPPORTED_KUBERNETES_VERSIONS } from '../../../src/config/schema';
import { ClusterAddons, EKS_ADDON_VERSIONS } from '../../../src/constructs/aws/addons';
import { type Json, resources, synth } from './helpers';

describe('ClusterAddons', () => {
  let addons: Record<string, Json>;
  beforeAll(() => {
    const json = synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.35' }));
    addons = Object.fromEntries(resources(json, 'aws_eks_addon').map((a) => [a.addon_name, a]));
  });

  it('installs vpc-cni, coredns, kube-proxy, aws-ebs-csi-driver and the Pod Identity agent as managed add-ons', () => {
    expect(Object.keys(addons).sort()).toEqual(['aws-ebs-csi-driver', 'coredns', 'eks-pod-identity-agent', 'kube-proxy', 'vpc-cni']);
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

  it('has a pinned row for every supported Kubernetes version', () => {
    expect(Object.keys(EKS_ADDON_VERSIONS).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS.aws].sort());
  });

  it('rejects a Kubernetes version without pinned add-on versions', () => {
    expect(() => synth((scope) => new ClusterAddons(scope, 'addons', { clusterName: 'test', kubernetesVersion: '1.29' }))).toThrow(
      'cluster add-ons: no pinned add-on versions for kubernetesVersion "1.29"; supported: 1.33, 1.34, 1.35',
    );
  });
});
