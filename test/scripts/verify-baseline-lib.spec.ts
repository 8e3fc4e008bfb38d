/**
 * The pure parts of the render-and-admit check (scripts/verify-baseline.ts):
 * stand-ins for remote-state expressions, values merging, the cluster version,
 * pod templates (including operator-created pods), images and start-up downloads.
 * The check itself runs with the real engines in CI (npm run verify:baseline).
 */
import { clusterKubeVersion, mergeValues, resolveStandIns } from '../../scripts/lib/baseline-stack';
import { imagesOf, isInternalUrl, operatorPods, parseManifests, podTemplates, secretReaders, startupDownloads } from '../../scripts/lib/manifests';

const remote = (output: string): string => `\${data.terraform_remote_state.cross-stack-reference-input-aws-prod-platform.outputs.cross-stack-output-${output}}`;

describe('resolveStandIns', () => {
  it('replaces remote-state outputs by attribute with shaped stand-ins', () => {
    expect(resolveStandIns(`{"vpcId":"${remote('aws_vpcplatform_network_vpc_7092732Bid')}"}`, 'x')).toBe('{"vpcId":"vpc-0a1b2c3d4e5f60718"}');
    expect(resolveStandIns(remote('aws_kms_keyplatform_vault-unseal-key_7C845CF1key_id'), 'x')).toMatch(/^[0-9a-f-]{36}$/);
    expect(resolveStandIns(remote('google_service_accountplatform_vault-identity_account_B2100B27email'), 'x')).toContain('@');
    expect(resolveStandIns(remote('aws_eks_clusterplatform_eks_cluster_F58F6FDFname'), 'x')).toBe('standin-eks-cluster');
  });

  it('fails on an expression without a stand-in, naming it', () => {
    expect(() => resolveStandIns('${uuid()}', 'aws-dev-baseline helm_release.x')).toThrow(
      'aws-dev-baseline helm_release.x: no stand-in for the expression ${uuid()}',
    );
    expect(() => resolveStandIns(remote('aws_iam_roleplatform_role_0123ABCDarn'), 'x')).toThrow(/no stand-in/);
  });
});

describe('mergeValues', () => {
  it('merges maps key by key and replaces lists and scalars, as Helm does', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, d: null })).toEqual({ a: { b: 1, c: [3] }, d: null });
  });
});

describe('clusterKubeVersion', () => {
  it('reads the minor of each cloud cluster resource', () => {
    expect(clusterKubeVersion({ resource: { aws_eks_cluster: { c: { version: '1.34' } } } }, 'p')).toBe('1.34');
    expect(clusterKubeVersion({ resource: { azurerm_kubernetes_cluster: { c: { kubernetes_version: '1.33.2' } } } }, 'p')).toBe('1.33');
    expect(clusterKubeVersion({ resource: { google_container_cluster: { c: { min_master_version: '1.35.1-gke.100' } } } }, 'p')).toBe('1.35');
  });

  it('fails when the platform stack has no cluster', () => {
    expect(() => clusterKubeVersion({ resource: {} }, 'aws-dev-platform')).toThrow(/^aws-dev-platform: no cluster resource/);
  });
});

const RENDERED = `---
# Source: demo/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      initContainers: [{name: init, image: mirror.example.com/x/init:1, args: ["--fetch=https://downloads.example.org/rules.tgz"]}]
      containers: [{name: api, image: docker.io/x/api:1, env: [{name: UPSTREAM, value: "http://api.demo.svc:8080"}, {name: GF_INSTALL_PLUGINS, value: grafana-piechart-panel}]}]
---
# Source: demo/templates/cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: batch}
spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: job, image: mirror.example.com/x/job:1}]}}}}}
---
# Source: demo/templates/role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
`;

describe('parseManifests and podTemplates', () => {
  const manifests = parseManifests(RENDERED, 'demo');

  it('keeps the template source and puts namespaced objects in the release namespace', () => {
    expect(manifests.map((m) => [m.kind, m.namespace, m.source])).toEqual([
      ['Deployment', 'demo', 'demo/templates/deployment.yaml'],
      ['CronJob', 'batch', 'demo/templates/cronjob.yaml'],
      ['ClusterRole', undefined, 'demo/templates/role.yaml'],
    ]);
  });

  it('finds the pod template of controllers and CronJobs', () => {
    expect(podTemplates(manifests).map((t) => [t.owner, t.namespace])).toEqual([
      ['Deployment demo/api', 'demo'],
      ['CronJob batch/nightly', 'batch'],
    ]);
  });

  it('lists every container image', () => {
    expect(imagesOf(podTemplates(manifests)).map((i) => i.image)).toEqual(['mirror.example.com/x/init:1', 'docker.io/x/api:1', 'mirror.example.com/x/job:1']);
  });

  it('reports what pods fetch from outside at start, not in-cluster URLs', () => {
    const downloads = startupDownloads(manifests, podTemplates(manifests), 'mirror.example.com/platform');
    expect(downloads.map((d) => d.what)).toEqual([
      'container init reaches https://downloads.example.org/rules.tgz',
      'container api installs Grafana plugins at start: grafana-piechart-panel',
    ]);
  });

  it('fails on YAML a template broke', () => {
    expect(() => parseManifests('---\n# Source: x/templates/a.yaml\nkey: value: other\n', 'ns')).toThrow(/^x\/templates\/a.yaml: /);
  });
});

describe('isInternalUrl', () => {
  it('treats cluster services, loopback and the mirror as internal', () => {
    expect(isInternalUrl('http://loki.monitoring.svc:3100', 'mirror.example.com')).toBe(true);
    expect(isInternalUrl('https://kubernetes.default.svc.cluster.local', 'mirror.example.com')).toBe(true);
    expect(isInternalUrl('http://localhost:8765/versions', 'mirror.example.com')).toBe(true);
    expect(isInternalUrl('oci://mirror.example.com/falco/rules', 'mirror.example.com')).toBe(true);
    expect(isInternalUrl('https://falcosecurity.github.io/falcoctl/index.yaml', 'mirror.example.com')).toBe(false);
  });
});

describe('falcoctl artifacts', () => {
  const falcoctl = (refs: string): string => `---
# Source: falco/templates/falcoctl-configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: falco-falcoctl}
data:
  falcoctl.yaml: |-
    indexes: [{name: falcosecurity, url: "https://falcosecurity.github.io/falcoctl/index.yaml"}]
    artifact: {install: {refs: [${refs}]}}
---
# Source: falco/templates/daemonset.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: falco}
spec: {template: {spec: {initContainers: [{name: falcoctl-artifact-install, image: mirror.example.com/p/falcosecurity/falcoctl:0.13.0}], containers: [{name: falco, image: mirror.example.com/p/falcosecurity/falco:0.44.1}]}}}
`;

  it('reports internet indexes and artifacts outside the mirror when falcoctl runs', () => {
    const m = parseManifests(falcoctl('falco-rules:5'), 'falco');
    expect(startupDownloads(m, podTemplates(m), 'mirror.example.com/p').map((d) => d.what)).toEqual([
      'falcoctl index falcosecurity at https://falcosecurity.github.io/falcoctl/index.yaml',
      'falcoctl installs artifact falco-rules:5 (not from the mirror mirror.example.com/p)',
    ]);
  });

  it('ignores the falcoctl configuration when no falcoctl container runs', () => {
    const m = parseManifests(falcoctl('falco-rules:5').replace(/initContainers: \[[^\]]*\], /, ''), 'falco');
    expect(startupDownloads(m, podTemplates(m), 'mirror.example.com/p')).toEqual([]);
  });
});

describe('operatorPods', () => {
  const manifests = parseManifests(
    `---
# Source: kps/templates/prometheus-operator/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: operator}
spec: {template: {spec: {containers: [{name: op, image: m.example.com/prometheus-operator/prometheus-operator:v0.93.1, args: ["--prometheus-config-reloader=m.example.com/prometheus-operator/prometheus-config-reloader:v0.93.1", "--config-reloader-cpu-request=10m", "--config-reloader-memory-request=32Mi", "--config-reloader-memory-limit=64Mi"]}]}}}
---
# Source: kps/templates/prometheus/prometheus.yaml
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s}
spec:
  image: m.example.com/prometheus/prometheus:v3
  resources: {requests: {cpu: 500m}}
  securityContext: {runAsNonRoot: true}
  containers: [{name: prometheus, readinessProbe: {}}]
`,
    'monitoring',
  );

  it('builds the pod the operator creates from the CR pod-level fields and the operator flags', () => {
    const [pod] = operatorPods(manifests);
    expect(pod.owner).toBe('Prometheus monitoring/k8s (pod created by the operator)');
    expect(pod.spec.securityContext).toEqual({ runAsNonRoot: true });
    expect(pod.spec.automountServiceAccountToken).toBe(true);
    const containers = pod.spec.containers as Array<Record<string, unknown>>;
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['prometheus', 'm.example.com/prometheus/prometheus:v3'],
      ['config-reloader', 'm.example.com/prometheus-operator/prometheus-config-reloader:v0.93.1'],
    ]);
    expect(containers[0].resources).toEqual({ requests: { cpu: '500m' } });
    // The spec.containers override is merged by name, the generated fields stay.
    expect(containers[0].readinessProbe).toEqual({});
    expect(containers[1].resources).toEqual({ requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(containers[1].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  });
});

describe('secretReaders', () => {
  const manifests = parseManifests(
    `---
# Source: kps/charts/grafana/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana}
spec:
  template:
    spec:
      volumes:
        - {name: admin, secret: {secretName: grafana-admin}}
        - {name: bundle, projected: {sources: [{secret: {name: grafana-admin}}, {configMap: {name: other}}]}}
        - {name: unrelated, secret: {secretName: other}}
      initContainers:
        - name: init-sc
          env: [{name: REQ_PASSWORD, valueFrom: {secretKeyRef: {name: grafana-admin, key: admin-password}}}]
      containers:
        - name: grafana
          envFrom: [{secretRef: {name: grafana-admin}}]
        - name: sidecar
          env:
            - {name: REQ_USERNAME, valueFrom: {secretKeyRef: {name: grafana-admin, key: admin-user}}}
            - {name: OTHER, valueFrom: {secretKeyRef: {name: other, key: x}}}
          volumeMounts: [{name: admin, mountPath: /etc/admin}, {name: bundle, mountPath: /etc/bundle}, {name: unrelated, mountPath: /etc/other}]
        - name: clean
          env: [{name: PLAIN, value: x}]
`,
    'monitoring',
  );
  const templates = podTemplates(manifests);

  it('finds env, envFrom and secret volume readers and tells init containers apart', () => {
    expect(secretReaders(templates, 'monitoring', 'grafana-admin')).toEqual([
      { owner: 'Deployment monitoring/grafana', container: 'init-sc', init: true, how: 'env REQ_PASSWORD (key admin-password)' },
      { owner: 'Deployment monitoring/grafana', container: 'grafana', init: false, how: 'envFrom' },
      { owner: 'Deployment monitoring/grafana', container: 'sidecar', init: false, how: 'env REQ_USERNAME (key admin-user), volume at /etc/admin, volume at /etc/bundle' },
    ]);
  });

  it('looks only in the namespace of the Secret', () => {
    expect(secretReaders(templates, 'other', 'grafana-admin')).toEqual([]);
  });
});
