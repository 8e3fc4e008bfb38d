/**
 * Node pools of one's own (`nodePools.<name>` beyond app and security): every bad input with its
 * message, and on each cloud a pool that carries its labels and taint, the platform's
 * `workload: <name>` label, and exactly the app pool's hardening and wiring (compared field by field
 * with the app pool, so a hardening added to pools later cannot skip the pools of one's own).
 */
import { Testing } from 'cdktf';
import { formatProblem, validateEnvironment, type EnvironmentConfig } from '../../src/config';
import { AwsPlatform } from '../../src/constructs/aws/platform';
import { AwsPlatformStack, awsPlatformProps } from '../../src/stacks/aws-platform-stack';
import { AzurePlatformStack } from '../../src/stacks/azure-platform-stack';
import { GcpPlatformStack } from '../../src/stacks/gcp-platform-stack';
import { awsDev, awsProd, azureProd, gcpProd } from '../helpers/environments';
import { type Json, resources } from '../helpers/terraform-json';

const batch = (config: EnvironmentConfig, extra: Record<string, unknown> = {}) => ({
  ...config,
  nodePools: { ...config.nodePools, batch: { ...config.nodePools.app, minSize: 1, desiredSize: 1, labels: { team: 'risk' }, taint: { key: 'dedicated', value: 'batch' }, ...extra } },
});
const problems = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);
function valid<C extends EnvironmentConfig>(raw: unknown): C {
  const { config, problems: found } = validateEnvironment(raw);
  if (!config) throw new Error(found.map(formatProblem).join('\n'));
  return config as C;
}

describe('nodePools.<name>: pools of one\'s own (configuration)', () => {
  it('accepts a named pool with labels and a taint, defaulting the effect to NoSchedule', () => {
    const config = valid(batch(awsProd));
    expect(config.nodePools.batch).toMatchObject({ labels: { team: 'risk' }, taint: { key: 'dedicated', value: 'batch', effect: 'NoSchedule' } });
  });

  it('rejects a name no cloud allows, and the reserved name system', () => {
    const { batch: pool, ...pools } = batch(awsProd).nodePools;
    expect(problems({ ...awsProd, nodePools: { ...pools, 'Batch-Jobs': pool, system: pool } })).toEqual([
      'config error: [aws/prod] nodePools.Batch-Jobs: got "Batch-Jobs"; allowed: a pool name of 1-12 lowercase letters and digits starting with a letter, other than app, security and system (AKS allows no more)',
      'config error: [aws/prod] nodePools.system: got "system"; allowed: a pool name of 1-12 lowercase letters and digits starting with a letter, other than app, security and system (AKS allows no more)',
    ]);
  });

  it('keeps the workload label and the security taint to the platform and the security pool', () => {
    expect(problems(batch(awsProd, { labels: { workload: 'security' }, taint: { key: 'workload', value: 'security' } }))).toEqual([
      'config error: [aws/prod] nodePools.batch.labels.workload: got "security"; allowed: no workload label: the platform sets workload=batch',
      'config error: [aws/prod] nodePools.batch.taint: got {"key":"workload","value":"security","effect":"NoSchedule"}; allowed: a taint other than the security pool\'s workload=security: security agents would schedule onto this pool',
    ]);
  });

  it('checks sizing, label syntax and taint fields like the app pool', () => {
    expect(problems(batch(awsProd, { minSize: 5, maxSize: 2, labels: { 'bad key!': 'x' }, taint: { key: 'k', value: 'v', effect: 'NoExecute' } }))).toEqual([
      expect.stringContaining('nodePools.batch.labels.bad key!'),
      expect.stringContaining('nodePools.batch.taint.effect: got "NoExecute"; allowed: one of "NoSchedule"'),
    ]);
    expect(problems(batch(awsProd, { minSize: 5, maxSize: 2 }))).toEqual([
      'config error: [aws/prod] nodePools.batch.minSize: got 5; allowed: at most maxSize (2)',
      'config error: [aws/prod] nodePools.batch.desiredSize: got 1; allowed: between minSize and maxSize [5, 2]',
    ]);
  });
});

/** A pool resource with what may differ between pools removed and its own name written as the app pool's. */
function normalized(pool: Json, own: string, drop: readonly string[]): Json {
  const copy = JSON.parse(JSON.stringify(pool).replace(new RegExp(`\\b${own}\\b|_${own}_|${own}-`, 'g'), (m) => m.replace(own, 'app'))) as Json;
  for (const path of drop) {
    const keys = path.split('.');
    let node: Json | undefined = copy;
    for (const key of keys.slice(0, -1)) node = node?.[key] as Json | undefined;
    if (node) delete node[keys[keys.length - 1]];
  }
  return JSON.parse(JSON.stringify(copy).replace(/_[0-9A-F]{8}\b/g, '_ID')) as Json;
}
const byName = (json: Json, type: string, name: string, field = 'name'): Json => {
  const found = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).find(([id, r]) => r[field] === name || id.includes(`_${name}_`) || id.includes(`_${name}-`));
  if (!found) throw new Error(`no ${type} ${name}`);
  return found[1];
};

describe('a pool of one\'s own on AWS', () => {
  const json = JSON.parse(Testing.synth(new AwsPlatformStack(Testing.app(), 'aws-prod-platform', { config: valid(batch(awsProd)) }))) as Json;

  it('is a node group with its labels and taint, the workload label, and the app pool\'s settings otherwise', () => {
    const [app, own] = ['app', 'batch'].map((n) => byName(json, 'aws_eks_node_group', n));
    expect(own.labels).toEqual({ team: 'risk', workload: 'batch' });
    expect(own.taint).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NO_SCHEDULE' }]);
    const drop = ['labels', 'taint', 'scaling_config', 'node_group_name', 'node_role_arn', 'tags', 'tags_all'];
    expect(normalized(own, 'batch', drop)).toEqual(normalized(app, 'app', drop));
    // Nodes join after the managed CNI, like app and security.
    expect(own.depends_on).toContainEqual(expect.stringMatching(/^aws_eks_addon\.platform_addons_vpc-cni_/));
  });

  it('has the app pool\'s launch template (IMDSv2, encrypted volumes) and may pull only from the mirror', () => {
    const [app, own] = ['app', 'batch'].map((n) => byName(json, 'aws_launch_template', n));
    const drop = ['name', 'name_prefix', 'tags', 'tag_specifications', 'block_device_mappings.ebs.volume_size'];
    expect(normalized(own, 'batch', drop)).toEqual(normalized(app, 'app', drop));
    const repoPolicy = JSON.stringify(resources(json, 'aws_ecr_repository_policy').concat(resources(json, 'aws_ecr_registry_policy')));
    expect(repoPolicy).toContain('platform_batch_');
  });

  it('is reachable from the construct: additionalPools by name, and the props function carries it', () => {
    expect(awsPlatformProps(valid(batch(awsProd))).additionalPools).toEqual([
      expect.objectContaining({ name: 'batch', labels: { team: 'risk' }, taint: { key: 'dedicated', value: 'batch', effect: 'NoSchedule' }, instanceType: awsProd.nodePools.app.machineType }),
    ]);
    const stack = new AwsPlatformStack(Testing.app(), 's', { config: valid(batch(awsDev)) });
    expect(Object.keys(stack.platform.additionalPools)).toEqual(['batch']);
  });

  it('refuses bad pools passed as props directly, naming each', () => {
    const props = awsPlatformProps(awsDev);
    const sizing = { instanceType: 'm5.large', minSize: 1, maxSize: 2, desiredSize: 1, diskSizeGb: 50 };
    expect(
      () =>
        new AwsPlatform(new AwsPlatformStack(Testing.app(), 'x', { config: awsDev }), 'other', {
          ...props,
          additionalPools: [
            { name: 'security', ...sizing },
            { name: 'gpu', ...sizing, taint: { key: 'workload', value: 'security', effect: 'NoSchedule' } },
            { name: 'gpu', ...sizing },
          ],
        }),
    ).toThrow(
      'additionalPools: pool name "security": 1-12 lowercase letters and digits starting with a letter, not app, security or system; pool gpu: the security pool\'s taint is the security pool\'s alone; pool name "gpu": used twice',
    );
  });
});

describe('a pool of one\'s own on Azure', () => {
  const json = JSON.parse(Testing.synth(new AzurePlatformStack(Testing.app(), 'azure-prod-platform', { config: valid(batch(azureProd)) }))) as Json;

  it('is a user node pool with its labels and taint, and the app pool\'s hardening (FIPS, host encryption, no public IPs)', () => {
    const [app, own] = ['app', 'batch'].map((n) => byName(json, 'azurerm_kubernetes_cluster_node_pool', n));
    expect(own.node_labels).toEqual({ team: 'risk', workload: 'batch' });
    expect(own.node_taints).toEqual(['dedicated=batch:NoSchedule']);
    const drop = ['name', 'node_labels', 'node_taints', 'min_count', 'max_count', 'node_count', 'temporary_name_for_rotation'];
    expect(normalized(own, 'batch', drop)).toEqual(normalized(app, 'app', drop));
    expect(own).toMatchObject({ mode: 'User', fips_enabled: true, host_encryption_enabled: true, node_public_ip_enabled: false, temporary_name_for_rotation: 'batchtmp' });
  });
});

describe('a pool of one\'s own on GCP', () => {
  const json = JSON.parse(Testing.synth(new GcpPlatformStack(Testing.app(), 'gcp-prod-platform', { config: valid(batch(gcpProd)) }))) as Json;

  it('is a node pool with its labels and taint, and the app pool\'s node config (CMEK boot disk, shielded nodes, Workload Identity)', () => {
    const [app, own] = ['app', 'batch'].map((n) => byName(json, 'google_container_node_pool', n));
    expect(own.node_config.labels).toEqual({ team: 'risk', workload: 'batch' });
    expect(own.node_config.taint).toEqual([{ key: 'dedicated', value: 'batch', effect: 'NO_SCHEDULE' }]);
    const drop = ['name', 'node_config.labels', 'node_config.taint', 'autoscaling', 'node_count', 'initial_node_count'];
    expect(normalized(own, 'batch', drop)).toEqual(normalized(app, 'app', drop));
  });
});
