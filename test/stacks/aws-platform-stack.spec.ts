/**
 * The aws-<env>-platform stack for the shipped dev and prod definitions:
 * config -> props mapping, the environment differences that come only from
 * config values, the cluster contract, and the opt-outs prod refuses.
 */
import { awsDev, awsProd } from '../helpers/environments';
import type { AwsEnvironmentConfig } from '../../src/config/schema';
import { formatProblem, validateEnvironment } from '../../src/config/validate';
import { AwsPlatformStack } from '../../src/stacks/aws-platform-stack';
import { type Json, resources as all, synthStack } from '../helpers/terraform-json';

const build = (config: AwsEnvironmentConfig): { stack: AwsPlatformStack; json: Json } =>
  synthStack((app) => new AwsPlatformStack(app, `aws-${config.name}-platform`, { config }), { stackTraces: false });

// Asserts (expect) rather than throws, unlike the shared helpers: kept as this spec had it.
const one = (json: Json, type: string): Json => {
  const list = all(json, type);
  expect(list).toHaveLength(1);
  return list[0];
};

describe.each([
  ['dev', awsDev],
  ['prod', awsProd],
])('aws %s platform stack', (_env, config) => {
  let stack: AwsPlatformStack;
  let json: Json;
  beforeAll(() => {
    ({ stack, json } = build(config));
  });

  it('pins the provider to the account and region, with default tags', () => {
    expect(json.provider.aws[0]).toMatchObject({
      region: 'eu-west-1',
      allowed_account_ids: [config.accountId],
      default_tags: [{ tags: { ...config.tags, environment: config.name, 'managed-by': 'cdktf' } }],
    });
  });

  it('stores state in the environment\'s encrypted S3 backend', () => {
    expect(json.terraform.backend.s3).toMatchObject({ key: `aws/${config.name}/aws-${config.name}-platform.tfstate`, encrypt: true });
  });

  it('spreads every subnet tier across the configured zones, none mapping public IPs', () => {
    const subnets = all(json, 'aws_subnet');
    expect(subnets).toHaveLength(3 * config.availabilityZones.length);
    expect(new Set(subnets.map((s) => s.availability_zone))).toEqual(new Set(config.availabilityZones));
    for (const s of subnets) expect(s.map_public_ip_on_launch).toBe(false);
  });

  it('creates a private-only EKS cluster named from config, in the intra subnets', () => {
    const cluster = one(json, 'aws_eks_cluster');
    expect(cluster.name).toBe(`finplat-${config.name}`);
    expect(cluster.version).toBe(config.kubernetesVersion);
    expect(cluster.vpc_config).toMatchObject({ endpoint_private_access: true, endpoint_public_access: false });
    for (const id of cluster.vpc_config.subnet_ids) expect(id).toContain('_intra-');
    expect(cluster.access_config.bootstrap_cluster_creator_admin_permissions).toBe(false);
    expect(cluster.deletion_protection).toBe(true);
  });

  it('grants cluster-admin to the configured principals only', () => {
    expect(all(json, 'aws_eks_access_entry').map((e) => e.principal_arn)).toEqual(config.adminPrincipals);
  });

  it('opens the API on 443 to the admin networks', () => {
    expect(all(json, 'aws_vpc_security_group_ingress_rule').map((r) => r.cidr_ipv4)).toEqual(config.adminCidrs);
  });

  it('creates the platform keys and the backup keys, each rotating and undeletable', () => {
    const keys = all(json, 'aws_kms_key');
    // Five platform keys, the backup and backup-log keys, and in prod the same two in the replica's region.
    expect(keys).toHaveLength(config.tier === 'prod' ? 9 : 7);
    for (const k of keys) {
      expect(k.enable_key_rotation).toBe(true);
      expect(k.lifecycle).toEqual({ prevent_destroy: true });
      expect(JSON.parse(k.policy).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${config.accountId}:root` });
    }
  });

  it('keeps flow, control-plane and WAF logs encrypted for the configured retention', () => {
    const groups = all(json, 'aws_cloudwatch_log_group');
    expect(groups.map((g) => g.name).sort()).toEqual(['/aws/eks/finplat-' + config.name + '/cluster', `/aws/vpc/finplat-${config.name}/flow-logs`, `aws-waf-logs-finplat-${config.name}`].sort());
    for (const g of groups) {
      expect(g.retention_in_days).toBe(config.network.flowLogRetentionDays);
      expect(g.kms_key_id).toContain('aws_kms_key.platform_logs-key');
    }
  });

  it('sizes the app and security pools from config, the security pool tainted', () => {
    const groups: Record<string, Json> = Object.fromEntries(all(json, 'aws_eks_node_group').map((g) => [g.node_group_name, g]));
    const { app, security } = config.nodePools;
    expect(groups.app).toMatchObject({
      instance_types: [app.machineType],
      scaling_config: { min_size: app.minSize, max_size: app.maxSize, desired_size: app.desiredSize },
      labels: { workload: 'app' },
    });
    expect(groups.app.taint).toBeUndefined();
    expect(groups.security).toMatchObject({
      instance_types: [security.machineType],
      scaling_config: { min_size: security.minSize, max_size: security.maxSize, desired_size: security.desiredSize },
      labels: { workload: 'security' },
      taint: [{ key: 'workload', value: 'security', effect: 'NO_SCHEDULE' }],
    });
    for (const g of Object.values(groups)) for (const id of g.subnet_ids) expect(id).toContain('_private-');
  });

  it('hardens both launch templates: IMDSv2 hop 1, encrypted root volumes with the EBS key, no SSH key', () => {
    const templates = all(json, 'aws_launch_template');
    expect(templates).toHaveLength(2);
    for (const t of templates) {
      expect(t.metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
      expect(t.block_device_mappings[0].ebs).toMatchObject({ encrypted: 'true', kms_key_id: expect.stringContaining('aws_kms_key.platform_ebs-key') });
      expect(t.key_name).toBeUndefined();
    }
  });

  it('pins the add-ons for the configured Kubernetes version, with network policy on', () => {
    const addons = Object.fromEntries(all(json, 'aws_eks_addon').map((a) => [a.addon_name, a]));
    expect(addons['kube-proxy'].addon_version.startsWith(`v${config.kubernetesVersion}.`)).toBe(true);
    expect(JSON.parse(addons['vpc-cni'].configuration_values)).toEqual({ enableNetworkPolicy: 'true' });
    expect(addons.coredns.depends_on).toHaveLength(2);
  });

  it('binds Vault, the load balancer controller and Velero through standalone Pod Identity associations', () => {
    const associations = all(json, 'aws_eks_pod_identity_association').map((a) => `${a.namespace}/${a.service_account}`);
    expect(associations.sort()).toEqual(['kube-system/aws-load-balancer-controller', 'vault/vault', 'velero/velero']);
  });

  describe('VPC CNI and EBS CSI identities (CIS EKS 5.2.x)', () => {
    // Node role names embed the cluster name token, so roles are matched by their name's suffix.
    const roleNamed = (roleName: string): [string, Json] => {
      const found = Object.entries(json.resource.aws_iam_role as Record<string, Json>).find(([, r]) => r.name === roleName || r.name.endsWith(roleName));
      if (!found) throw new Error(`no role ${roleName}`);
      return found;
    };
    const addon = (addonName: string): [string, Json] =>
      Object.entries(json.resource.aws_eks_addon as Record<string, Json>).find(([, a]) => a.addon_name === addonName) as [string, Json];
    const attachedTo = (roleKey: string): string[] =>
      all(json, 'aws_iam_role_policy_attachment')
        .filter((a) => a.role === `\${aws_iam_role.${roleKey}.name}`)
        .map((a) => a.policy_arn);

    it('keeps AmazonEKS_CNI_Policy off both node roles', () => {
      for (const pool of ['app', 'security']) {
        const [nodeRoleKey] = roleNamed(`-${pool}-node`);
        expect(attachedTo(nodeRoleKey)).toEqual(['arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy']);
      }
      const cniAttachments = all(json, 'aws_iam_role_policy_attachment').filter((a) => a.policy_arn.endsWith('/AmazonEKS_CNI_Policy'));
      expect(cniAttachments).toHaveLength(1);
    });

    it('gives aws-node its own role with AmazonEKS_CNI_Policy, carried by the vpc-cni add-on', () => {
      const [cniRoleKey] = roleNamed(`finplat-${config.name}-vpc-cni`);
      expect(attachedTo(cniRoleKey)).toEqual(['arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy']);
      const [, vpcCni] = addon('vpc-cni');
      expect(vpcCni.pod_identity_association).toEqual([{ role_arn: `\${aws_iam_role.${cniRoleKey}.arn}`, service_account: 'aws-node' }]);
      expect(vpcCni.service_account_role_arn).toBeUndefined();
    });

    it('scopes the CNI role trust to Pod Identity for kube-system/aws-node of this cluster and account', () => {
      const [clusterKey] = Object.keys(json.resource.aws_eks_cluster as Record<string, Json>);
      const [, role] = roleNamed(`finplat-${config.name}-vpc-cni`);
      const [trust, ...rest] = (JSON.parse(role.assume_role_policy) as Json).Statement as Json[];
      expect(rest).toHaveLength(0);
      expect(trust).toEqual({
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:SourceAccount': config.accountId,
            'aws:RequestTag/kubernetes-namespace': 'kube-system',
            'aws:RequestTag/kubernetes-service-account': 'aws-node',
          },
          ArnEquals: { 'aws:SourceArn': `\${aws_eks_cluster.${clusterKey}.arn}` },
        },
      });
    });

    it('binds the EBS CSI role through the aws-ebs-csi-driver add-on, with no duplicate standalone association', () => {
      const [ebsRoleKey, ebsRole] = roleNamed(`finplat-${config.name}-ebs-csi`);
      const [, ebsCsi] = addon('aws-ebs-csi-driver');
      expect(ebsCsi.pod_identity_association).toEqual([{ role_arn: `\${aws_iam_role.${ebsRoleKey}.arn}`, service_account: 'ebs-csi-controller-sa' }]);
      expect(JSON.parse(ebsRole.assume_role_policy).Statement[0].Condition.StringEquals).toMatchObject({
        'aws:RequestTag/kubernetes-namespace': 'kube-system',
        'aws:RequestTag/kubernetes-service-account': 'ebs-csi-controller-sa',
      });
      expect(attachedTo(ebsRoleKey)).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy']);
    });

    it('orders Pod Identity agent -> vpc-cni -> node groups, so nodes start with the CNI that has its own role', () => {
      const [agentKey] = addon('eks-pod-identity-agent');
      const [cniKey, vpcCni] = addon('vpc-cni');
      const [, ebsCsi] = addon('aws-ebs-csi-driver');
      expect(vpcCni.depends_on).toContain(`aws_eks_addon.${agentKey}`);
      expect(ebsCsi.depends_on).toContain(`aws_eks_addon.${agentKey}`);
      const groups = all(json, 'aws_eks_node_group');
      expect(groups).toHaveLength(2);
      for (const g of groups) expect(g.depends_on).toContain(`aws_eks_addon.${cniKey}`);
    });
  });

  it('exposes the cluster contract the baseline consumes', () => {
    const c = stack.contract;
    expect(c.cloud).toBe('aws');
    expect(c.access.exec).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'aws',
      args: ['eks', 'get-token', '--cluster-name', `finplat-${config.name}`, '--region', 'eu-west-1'],
    });
    expect(c.vaultUnseal.seal).toBe('awskms');
    expect(c.vaultUnseal.sealConfig.region).toBe('eu-west-1');
    expect(c.vaultUnseal.identity).toEqual({ serviceAccount: { namespace: 'vault', name: 'vault' }, serviceAccountAnnotations: {}, podLabels: {} });
    expect(c.securityNodePool).toEqual({ labels: { workload: 'security' }, taint: { key: 'workload', value: 'security', effect: 'NoSchedule' } });
    expect(c.ingressWaf.kind).toBe('aws-wafv2');
    expect(c.ingressWaf.ingressAnnotations['alb.ingress.kubernetes.io/wafv2-acl-arn']).toBe(c.ingressWaf.id);
    // TLS >= 1.2 at the ALB listeners the controller creates, HTTPS only.
    expect(c.ingressWaf.ingressAnnotations['alb.ingress.kubernetes.io/ssl-policy']).toBe('ELBSecurityPolicy-TLS13-1-2-Res-2021-06');
    expect(c.ingressWaf.ingressAnnotations['alb.ingress.kubernetes.io/listen-ports']).toBe('[{"HTTPS":443}]');
    expect(Object.keys(c.controllerIdentities).sort()).toEqual(['aws-load-balancer-controller', 'ebs-csi-controller']);
    expect(c.controllerIdentities['aws-load-balancer-controller'].serviceAccount).toEqual({ namespace: 'kube-system', name: 'aws-load-balancer-controller' });
    expect(c.controllerIdentities['ebs-csi-controller'].serviceAccount).toEqual({ namespace: 'kube-system', name: 'ebs-csi-controller-sa' });
  });
});

describe('environment differences come from config values only', () => {
  let dev: Json;
  let prod: Json;
  beforeAll(() => {
    dev = build(awsDev).json;
    prod = build(awsProd).json;
  });

  it('runs one shared NAT gateway in dev and one per zone in prod', () => {
    expect(all(dev, 'aws_nat_gateway')).toHaveLength(1);
    expect(all(prod, 'aws_nat_gateway')).toHaveLength(3);
  });

  it('spans 2 zones in dev and 3 in prod', () => {
    expect(all(dev, 'aws_subnet')).toHaveLength(6);
    expect(all(prod, 'aws_subnet')).toHaveLength(9);
  });

  it('keeps prod flow logs at least 365 days', () => {
    const flow = all(prod, 'aws_cloudwatch_log_group').find((g) => g.name.endsWith('/flow-logs'));
    expect(flow?.retention_in_days).toBeGreaterThanOrEqual(365);
  });
});

describe('dev public endpoint opt-in', () => {
  it('limits the public endpoint to the configured allow-list', () => {
    const { json } = build({ ...awsDev, publicApiEndpoint: { enabled: true, allowedCidrs: ['203.0.113.0/24'] } });
    expect(one(json, 'aws_eks_cluster').vpc_config).toMatchObject({
      endpoint_private_access: true,
      endpoint_public_access: true,
      public_access_cidrs: ['203.0.113.0/24'],
    });
  });
});

describe('opt-outs prod refuses', () => {
  const problems = (config: AwsEnvironmentConfig): string[] => validateEnvironment(config, { cloud: 'aws', environment: 'prod' }).problems.map(formatProblem);

  it('rejects a public API endpoint in prod (config validation)', () => {
    expect(problems({ ...awsProd, publicApiEndpoint: { enabled: true, allowedCidrs: ['203.0.113.0/24'] } })).toEqual([
      expect.stringContaining('publicApiEndpoint.enabled: got true; allowed: false in the prod tier'),
    ]);
  });

  it('rejects a single NAT gateway in prod (config validation)', () => {
    expect(problems({ ...awsProd, network: { ...awsProd.network, natGateways: 'single' } })).toEqual([
      expect.stringContaining('network.natGateways: got "single"'),
    ]);
  });

  it('rejects flow-log retention under 365 days in prod (config validation)', () => {
    expect(problems({ ...awsProd, network: { ...awsProd.network, flowLogRetentionDays: 90 } })).toEqual([
      expect.stringContaining('network.flowLogRetentionDays: got 90; allowed: at least 365 days'),
    ]);
  });

  it('rejects 2 availability zones in prod (config validation)', () => {
    const twoZones = {
      ...awsProd,
      availabilityZones: awsProd.availabilityZones.slice(0, 2),
      network: {
        ...awsProd.network,
        publicSubnetCidrs: awsProd.network.publicSubnetCidrs.slice(0, 2),
        privateSubnetCidrs: awsProd.network.privateSubnetCidrs.slice(0, 2),
        intraSubnetCidrs: awsProd.network.intraSubnetCidrs.slice(0, 2),
      },
    };
    expect(problems(twoZones)).toEqual([expect.stringContaining('availabilityZones: got')]);
  });

  it('refuses, in the construct itself, a public endpoint with an empty allow-list even if validation is bypassed', () => {
    expect(() => build({ ...awsProd, publicApiEndpoint: { enabled: true, allowedCidrs: [] } })).toThrow(
      'publicEndpoint.allowedCidrs is empty, which EKS treats as 0.0.0.0/0',
    );
  });

  it('refuses, in the construct itself, a public endpoint open to 0.0.0.0/0 even if validation is bypassed', () => {
    expect(() => build({ ...awsProd, publicApiEndpoint: { enabled: true, allowedCidrs: ['0.0.0.0/0'] } })).toThrow(
      'publicEndpoint.allowedCidrs entry "0.0.0.0/0" opens the API to the whole internet',
    );
  });

  it('refuses, in the construct itself, a Kubernetes version without pinned add-ons', () => {
    expect(() => build({ ...awsProd, kubernetesVersion: '1.30' })).toThrow('no pinned add-on versions for kubernetesVersion "1.30"');
  });
});
