/**
 * The pure parts of the live control-plane check (scripts/verify-live.ts): Terraform's
 * kubernetes_* resources as objects, the apply order, Argo CD sources and include globs, the
 * out-of-cluster Kyverno command line from the chart's Deployment, and the report line. The
 * check itself runs against a real API server in CI (npm run verify:live).
 */
import type { BaselineStack, JsonObject } from '../../scripts/lib/baseline-stack';
import {
  aggregatedClusterRoles,
  applyOrder,
  argoSources,
  controllerFromDeployment,
  deniedBy,
  directoryFiles,
  globMatches,
  projectRefusal,
  reportLine,
  statefulSetClaimVolumes,
  terraformObjectManifest,
} from '../../scripts/lib/live-cluster';

describe('terraformObjectManifest', () => {
  it('builds a ClusterRoleBinding with camelCase RBAC references', () => {
    const binding = terraformObjectManifest(
      'kubernetes_cluster_role_binding_v1',
      {
        metadata: { name: 'admins', labels: { a: 'b' } },
        role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subject: [{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'admins@example.com' }],
      },
      'x',
    );
    expect(binding).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'admins', labels: { a: 'b' } },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'admins@example.com' }],
    });
  });

  it('writes a Secret from write-only data, generating uuid() as Terraform does at apply', () => {
    const secret = terraformObjectManifest('kubernetes_secret_v1', { metadata: { name: 'grafana-admin', namespace: 'monitoring' }, data_wo: { 'admin-password': '${uuid()}', 'admin-user': 'admin' } }, 'x');
    expect(secret.metadata).toEqual({ name: 'grafana-admin', namespace: 'monitoring' });
    expect((secret.stringData as Record<string, string>)['admin-user']).toBe('admin');
    expect((secret.stringData as Record<string, string>)['admin-password']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects a resource type it does not know, and an expression without a stand-in', () => {
    expect(() => terraformObjectManifest('kubernetes_role_v1', { metadata: { name: 'r' } }, 'stack r')).toThrow('stack r: kubernetes_role_v1 is not installed by this check');
    expect(() => terraformObjectManifest('kubernetes_config_map_v1', { metadata: { name: 'c' }, data: { k: '${timestamp()}' } }, 'stack c')).toThrow(/no stand-in for the expression \$\{timestamp\(\)\}/);
  });
});

describe('applyOrder', () => {
  const stack = {
    stack: 's',
    dir: '/tmp',
    kubeVersion: '1.34',
    releases: [
      { address: 'helm_release.b', name: 'b', chart: 'b', version: '1', namespace: 'n', values: {}, dependsOn: ['helm_release.a', 'kubernetes_namespace_v1.n'] },
      { address: 'helm_release.a', name: 'a', chart: 'a', version: '1', namespace: 'n', values: {}, dependsOn: ['kubernetes_namespace_v1.n'] },
    ],
    objects: [
      { address: 'kubernetes_config_map_v1.c', kind: 'ConfigMap', name: 'c', labels: {}, data: {}, dependsOn: ['helm_release.b'] },
      { address: 'kubernetes_namespace_v1.n', kind: 'Namespace', name: 'n', labels: {}, data: {}, dependsOn: [] },
    ],
  } satisfies BaselineStack;

  it('applies every resource after what it depends on, by dependency level', () => {
    expect(applyOrder(stack).map((s) => `${s.level} ${s.address}`)).toEqual(['0 kubernetes_namespace_v1.n', '1 helm_release.a', '2 helm_release.b', '3 kubernetes_config_map_v1.c']);
  });
});

describe('Argo CD sources', () => {
  const apps = argoSources([
    {
      metadata: { name: 'platform-policies' },
      spec: { destination: { namespace: 'kyverno' }, source: { path: 'policies', directory: { recurse: true, include: '{*/policy.yaml,exceptions/*.yaml}' } } },
    },
    { metadata: { name: 'platform-baseline' }, spec: { project: 'platform', destination: { namespace: 'kyverno' }, source: { path: 'charts/platform-baseline', helm: { releaseName: 'platform-baseline', valuesObject: { a: 1 } } } } },
  ]);

  it('reads directory and Helm sources with their destination namespace', () => {
    expect(apps[0]).toMatchObject({ app: 'platform-policies', type: 'directory', recurse: true, namespace: 'kyverno' });
    expect(apps[1]).toEqual({ app: 'platform-baseline', project: 'platform', type: 'helm', path: 'charts/platform-baseline', releaseName: 'platform-baseline', values: { a: 1 }, namespace: 'kyverno' });
  });

  it('selects files with the include glob as Argo CD does (policies, exceptions; no tests)', () => {
    const files = ['a/policy.yaml', 'a/kyverno-test.yaml', 'a/resources.yaml', 'exceptions/x.yaml', 'exceptions/notes.md', 'README.md'];
    expect(directoryFiles(files, apps[0] as Extract<(typeof apps)[0], { type: 'directory' }>)).toEqual(['a/policy.yaml', 'exceptions/x.yaml']);
    expect(globMatches('*/policy.yaml', 'a/b/policy.yaml')).toBe(false);
  });
});

describe('controllerFromDeployment', () => {
  const deployment: JsonObject = {
    metadata: { name: 'kyverno-admission-controller', namespace: 'kyverno' },
    spec: {
      template: {
        spec: {
          serviceAccountName: 'kyverno-admission-controller',
          containers: [
            {
              args: ['--caSecretName=ca', '--webhookServerPort=9443', '--v=2'],
              env: [
                { name: 'INIT_CONFIG', value: 'kyverno' },
                { name: 'KYVERNO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
                { name: 'KYVERNO_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
            },
          ],
        },
      },
    },
  };

  it("keeps the chart's flags, replaces the overridden ones and fills in the downward API", () => {
    const c = controllerFromDeployment(deployment, { webhookServerPort: '40001', serverIP: '127.0.0.1:40001' });
    expect(c.args).toEqual(['--caSecretName=ca', '--webhookServerPort=40001', '--v=2', '--serverIP=127.0.0.1:40001']);
    expect(c.env).toEqual({ INIT_CONFIG: 'kyverno', KYVERNO_NAMESPACE: 'kyverno', KYVERNO_POD_NAME: 'kyverno-admission-controller-live' });
    expect(c.serviceAccount).toBe('kyverno-admission-controller');
  });
});

describe('report', () => {
  it('prints the line of issue 14', () => {
    expect(reportLine({ releasesInstalled: 14, releases: 14, objectsAccepted: 500, templatesAdmitted: 33, templates: 33, plantedDenied: 8, planted: 8 })).toBe(
      'live: 14/14 releases installed, 500 objects accepted, 33/33 platform pod templates admitted, 8/8 planted violations denied',
    );
  });

  it('finds the policy a denial names, not a prefix of another', () => {
    const message = 'admission webhook "validate.kyverno.svc-fail" denied the request: policy live-workloads/planted: disallow-host-access: autogen-host-namespaces: ...';
    expect(deniedBy(message, 'disallow-host-access')).toBe(true);
    expect(deniedBy(message, 'disallow-host')).toBe(false);
  });
});

describe('what the controller-manager would do', () => {
  it('aggregates the rules of the ClusterRoles an aggregationRule selects, once each', () => {
    const rule = { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get'] };
    const changes = aggregatedClusterRoles([
      { metadata: { name: 'kyverno:admission-controller' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.kyverno.io/aggregate-to-admission-controller': 'true' } }] } },
      { metadata: { name: 'kyverno:admission-controller:core', labels: { 'rbac.kyverno.io/aggregate-to-admission-controller': 'true' } }, rules: [rule] },
      { metadata: { name: 'kyverno:extra', labels: { 'rbac.kyverno.io/aggregate-to-admission-controller': 'true' } }, rules: [rule] },
      { metadata: { name: 'unrelated' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }] },
    ]);
    expect(changes).toEqual([{ name: 'kyverno:admission-controller', rules: [rule] }]);
  });

  it('adds a PVC volume per volumeClaimTemplate, named as the StatefulSet controller names the claims', () => {
    expect(statefulSetClaimVolumes({ metadata: { name: 'vault' }, spec: { volumeClaimTemplates: [{ metadata: { name: 'data' } }] } })).toEqual([
      { name: 'data', persistentVolumeClaim: { claimName: 'data-vault-0' } },
    ]);
  });
});

describe('projectRefusal', () => {
  const project = {
    spec: {
      clusterResourceWhitelist: [{ group: '', kind: 'Namespace' }, { group: 'kyverno.io', kind: 'ClusterPolicy' }],
      namespaceResourceBlacklist: [{ group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }],
    },
  };

  it('allows whitelisted cluster-scoped kinds and namespaced kinds not blacklisted', () => {
    expect(projectRefusal(project, { group: 'kyverno.io', kind: 'ClusterPolicy' }, true)).toBeUndefined();
    expect(projectRefusal(project, { group: '', kind: 'ConfigMap' }, false)).toBeUndefined();
  });

  it('rejects what Argo CD would refuse to sync', () => {
    expect(projectRefusal(project, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, true)).toBe('cluster-scoped rbac.authorization.k8s.io/ClusterRole is not in the project\'s clusterResourceWhitelist');
    expect(projectRefusal(project, { group: 'rbac.authorization.k8s.io', kind: 'RoleBinding' }, false)).toBe("rbac.authorization.k8s.io/RoleBinding is in the project's namespaceResourceBlacklist");
  });
});
