import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import type { CloudProvider } from '../../../src/constructs/contract';
import { SecurityBaseline, baselineChartValues, type SecurityBaselineConstructProps, type SecurityBaselineProps } from '../../../src/constructs/baseline/security-baseline';
import { BASELINE_CHARTS } from '../../../src/constructs/baseline/helm-defaults';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Synth {
  readonly resources: Json;
  release(name: string): Json;
  values(name: string): Json;
  namespaceLabels(name: string): Record<string, string>;
  address(type: string, predicate: (r: Json) => boolean): string;
}

function props(cloud: CloudProvider, extra: Partial<SecurityBaselineProps> = {}): SecurityBaselineConstructProps {
  return { cluster: fakeContract(cloud), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART, ...extra };
}

function synth(p: SecurityBaselineConstructProps): Synth {
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', p);
    }),
  );
  const resources: Json = out.resource;
  const release = (name: string): Json => {
    const found = Object.values(resources.helm_release as Json).find((r: Json) => r.name === name);
    if (!found) throw new Error(`no helm_release ${name}`);
    return found as Json;
  };
  return {
    resources,
    release,
    values: (name) => JSON.parse(release(name).values[0]),
    namespaceLabels: (name) => (Object.values(resources.kubernetes_namespace_v1 as Json).find((n: Json) => n.metadata.name === name) as Json).metadata.labels,
    address: (type, predicate) => `${type}.${Object.entries(resources[type] as Json).find(([, r]) => predicate(r as Json))![0]}`,
  };
}

const EXPECTED_CHARTS: Record<string, [string, string, string, string]> = {
  // release: [chart, repository, version, namespace]
  kyverno: ['kyverno', 'https://kyverno.github.io/kyverno/', '3.9.0', 'kyverno'],
  'istio-base': ['base', 'https://istio-release.storage.googleapis.com/charts', '1.30.3', 'istio-system'],
  'istio-cni': ['cni', 'https://istio-release.storage.googleapis.com/charts', '1.30.3', 'istio-cni'],
  istiod: ['istiod', 'https://istio-release.storage.googleapis.com/charts', '1.30.3', 'istio-system'],
  vault: ['vault', 'https://helm.releases.hashicorp.com', '0.34.1', 'vault'],
  falco: ['falco', 'https://falcosecurity.github.io/charts', '9.1.0', 'falco'],
  'argo-cd': ['argo-cd', 'https://argoproj.github.io/argo-helm', '10.1.1', 'argocd'],
  'platform-apps': ['argocd-apps', 'https://argoproj.github.io/argo-helm', '2.0.2', 'argocd'],
  'platform-policies': ['argocd-apps', 'https://argoproj.github.io/argo-helm', '2.0.2', 'argocd'],
  'kube-prometheus-stack': ['kube-prometheus-stack', 'https://prometheus-community.github.io/helm-charts', '88.5.3', 'monitoring'],
  loki: ['loki', 'https://grafana-community.github.io/helm-charts', '18.11.0', 'monitoring'],
  tempo: ['tempo', 'https://grafana-community.github.io/helm-charts', '2.2.4', 'monitoring'],
  'cert-manager': ['cert-manager', 'https://charts.jetstack.io', 'v1.21.1', 'cert-manager'],
};

const SECURITY_TOLERATION = { key: 'workload', operator: 'Equal', value: 'security', effect: 'NoSchedule' };

describe('SecurityBaseline on aws (with the AWS Load Balancer Controller)', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(props('aws', { awsLoadBalancerController: { vpcId: 'vpc-0123', region: 'eu-west-1' } }));
  });

  it.each(Object.entries(EXPECTED_CHARTS))('installs %s from the pinned chart, repository and exact version', (name, [chart, repository, version, namespace]) => {
    expect(s.release(name)).toMatchObject({ chart, repository, version, namespace, create_namespace: false });
  });

  it('makes every release atomic with wait and cleanup on failure, except vault (needs a human init)', () => {
    for (const r of Object.values(s.resources.helm_release as Json)) {
      expect(r.cleanup_on_fail).toBe(true);
      expect(r.timeout).toBeGreaterThanOrEqual(600);
      expect(r.values).toHaveLength(1);
      const waits = r.name !== 'vault';
      expect(r.atomic).toBe(waits);
      expect(r.wait).toBe(waits);
    }
  });

  it('labels namespaces for PSA: restricted, privileged only for falco and istio-cni', () => {
    for (const ns of ['kyverno', 'istio-system', 'vault', 'cert-manager', 'argocd', 'monitoring']) {
      expect(s.namespaceLabels(ns)).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'v1.33',
      });
    }
    expect(s.namespaceLabels('falco')['pod-security.kubernetes.io/enforce']).toBe('privileged');
    expect(s.namespaceLabels('istio-cni')['pod-security.kubernetes.io/enforce']).toBe('privileged');
    const privileged = Object.values(s.resources.kubernetes_namespace_v1 as Json).filter(
      (n: Json) => n.metadata.labels['pod-security.kubernetes.io/enforce'] === 'privileged',
    );
    expect(privileged.map((n: Json) => n.metadata.name).sort()).toEqual(['falco', 'istio-cni']);
  });

  it('runs kyverno HA on the security pool, fail closed, with metrics', () => {
    const v = s.values('kyverno');
    expect(v.admissionController.replicas).toBe(3);
    expect(v.admissionController.nodeSelector).toEqual({ workload: 'security' });
    expect(v.admissionController.tolerations).toEqual([SECURITY_TOLERATION]);
    expect(v.admissionController.container.resources.requests).toEqual({ cpu: '200m', memory: '256Mi' });
    expect(v.admissionController.serviceMonitor.enabled).toBe(true);
    expect(v.admissionController.podDisruptionBudget.enabled).toBe(true);
    for (const c of ['backgroundController', 'cleanupController', 'reportsController']) {
      expect(v[c].tolerations).toEqual([SECURITY_TOLERATION]);
      expect(v[c].resources.limits.memory).toBeDefined();
    }
    expect(v.features.forceFailurePolicyIgnore.enabled).toBe(false);
  });

  it('honours PolicyExceptions only from the policy-exceptions namespace, which it creates restricted', () => {
    expect(s.values('kyverno').features.policyExceptions).toEqual({ enabled: true, namespace: 'policy-exceptions' });
    expect(s.namespaceLabels('policy-exceptions')).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('runs istiod HA with REGISTRY_ONLY egress, JSON access logs, a PDB and istio-cni', () => {
    const v = s.values('istiod');
    expect(v.meshConfig.outboundTrafficPolicy).toEqual({ mode: 'REGISTRY_ONLY' });
    expect(v.meshConfig.accessLogFile).toBe('/dev/stdout');
    expect(v.meshConfig.accessLogEncoding).toBe('JSON');
    expect(v.autoscaleMin).toBe(2);
    expect(v.pdb.minAvailable).toBe(1);
    expect(v.cni.enabled).toBe(true);
    expect(v.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('orders istio base -> istio-cni -> istiod', () => {
    const base = s.address('helm_release', (r) => r.name === 'istio-base');
    const cni = s.address('helm_release', (r) => r.name === 'istio-cni');
    expect(s.release('istio-cni').depends_on).toContain(base);
    expect(s.release('istiod').depends_on).toEqual(expect.arrayContaining([base, cni]));
  });

  it('installs the prometheus CRDs before every release that renders a ServiceMonitor', () => {
    const kps = s.address('helm_release', (r) => r.name === 'kube-prometheus-stack');
    for (const name of ['kyverno', 'vault', 'falco', 'argo-cd', 'loki', 'tempo', 'cert-manager']) expect(s.release(name).depends_on).toContain(kps);
  });

  it('orders cert-manager -> platform-pki -> vault, so the certificate exists before vault mounts it', () => {
    const certManager = s.address('helm_release', (r) => r.name === 'cert-manager');
    const pki = s.address('helm_release', (r) => r.name === 'platform-pki');
    const vaultNs = s.address('kubernetes_namespace_v1', (n) => n.metadata.name === 'vault');
    expect(s.release('platform-pki').depends_on).toEqual(expect.arrayContaining([certManager, vaultNs]));
    expect(s.release('vault').depends_on).toContain(pki);
  });

  it('installs the platform-pki chart from the copy shipped with the stack, in the cert-manager namespace', () => {
    const pki = s.release('platform-pki');
    expect(pki.repository).toBeUndefined();
    expect(pki.version).toBe('0.1.0');
    expect(pki.namespace).toBe('cert-manager');
    // A cdktf asset path (content hash in it), relative to the stack directory.
    expect(pki.chart).toMatch(/^assets\/.+\/[0-9A-F]{32,}$/i);
    expect(s.values('platform-pki')).toEqual({
      environment: 'test-cluster',
      rootCA: { namespace: 'cert-manager' },
      vault: { namespace: 'vault', releaseName: 'vault', replicas: 3, secretName: 'vault-server-tls', issuerRef: {} },
    });
  });

  it('runs cert-manager HA on the security pool from the mirror, with its CRDs kept and no aggregated RBAC', () => {
    const v = s.values('cert-manager');
    expect(v.crds).toEqual({ enabled: true, keep: true });
    expect(v.global.rbac.aggregateClusterRoles).toBe(false);
    expect(v.global.leaderElection.namespace).toBe('cert-manager');
    for (const part of [v, v.webhook, v.cainjector]) {
      expect(part.replicaCount).toBe(2);
      expect(part.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
      expect(part.tolerations).toEqual([SECURITY_TOLERATION]);
      expect(part.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(part.resources.limits).toEqual({ memory: expect.any(String) });
    }
    expect(v.image).toEqual({ repository: `${MIRROR}/jetstack/cert-manager-controller`, tag: 'v1.21.1' });
    expect(v.startupapicheck.enabled).toBe(true);
    expect(v.prometheus).toEqual({ enabled: true, servicemonitor: { enabled: true } });
    expect(s.namespaceLabels('cert-manager')['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('pins platform-pki at the version its Chart.yaml declares', () => {
    const chartYaml = readFileSync(join(PKI_CHART, 'Chart.yaml'), 'utf8');
    expect(chartYaml).toMatch(new RegExp(`^version: ${BASELINE_CHARTS.platformPki.version.replace(/\./g, '\\.')}$`, 'm'));
  });

  it('runs vault with a read-only root filesystem and an in-memory /tmp for its rendered config', () => {
    const v = s.values('vault');
    expect(v.server.statefulSet.securityContext.container.readOnlyRootFilesystem).toBe(true);
    expect(v.server.volumes).toEqual([{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }]);
    expect(v.server.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  it('runs vault HA on raft with TLS, the awskms seal and the IRSA service account', () => {
    const v = s.values('vault');
    expect(v.global.tlsDisable).toBe(false);
    expect(v.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true } });
    const hcl: string = v.server.ha.raft.config;
    expect(hcl).toContain('seal "awskms" {');
    expect(hcl).toContain('kms_key_id = "arn:aws:kms:eu-west-1:111111111111:key/test"');
    expect(hcl).toContain('region = "eu-west-1"');
    expect(hcl).toContain('tls_disable = 0');
    expect(hcl).toContain('tls_cert_file = "/vault/userconfig/vault-server-tls/tls.crt"');
    expect(hcl).toContain('ui = false');
    expect(hcl).toContain('leader_api_addr = "https://vault-2.vault-internal:8200"');
    expect(v.server.serviceAccount).toEqual({ create: true, name: 'vault', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/test-vault' } });
    expect(v.server.extraLabels).toEqual({});
    expect(v.server.tolerations).toEqual([SECURITY_TOLERATION]);
    expect(v.server.nodeSelector).toEqual({ workload: 'security' });
    expect(v.server.auditStorage.enabled).toBe(true);
    expect(v.server.statefulSet.securityContext.pod.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(v.injector.enabled).toBe(true);
    expect(v.ui.enabled).toBe(false);
    expect(v.server.ingress.enabled).toBe(false);
  });

  it('runs falco on every node with modern_ebpf, JSON output and the platform rules ConfigMap', () => {
    const v = s.values('falco');
    expect(v.driver).toMatchObject({ enabled: true, kind: 'modern_ebpf', modernEbpf: { leastPrivileged: true } });
    expect(v.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(v.falco.json_output).toBe(true);
    expect(v.mounts.volumes[0].configMap).toEqual({ name: 'platform-baseline-falco-rules', optional: true });
    expect(v.falco.rules_files).toContain(v.mounts.volumeMounts[0].mountPath);
  });

  it('runs no falcoctl: nothing is downloaded at pod start and rules change only with the pinned image', () => {
    const v = s.values('falco');
    expect(v.falcoctl.artifact).toEqual({ install: { enabled: false }, follow: { enabled: false } });
    expect(v.falcoctl.image).toBeUndefined();
    expect(v.falco.rules_files[0]).toBe('/etc/falco/falco_rules.yaml');
  });

  it('disables the argo cd admin user and the insecure server, and restricts the platform project', () => {
    const v = s.values('argo-cd');
    expect(v.configs.cm['admin.enabled']).toBe(false);
    expect(v.configs.cm['exec.enabled']).toBe(false);
    expect(v.configs.params['server.insecure']).toBe(false);
    expect(v.configs.rbac['policy.default']).toBe('');
    const apps = s.values('platform-apps');
    expect(apps.projects.platform.sourceRepos).toEqual([GIT_OPS.repoUrl]);
    expect(apps.projects.platform.destinations).toEqual([{ server: 'https://kubernetes.default.svc', namespace: '*' }]);
    expect(apps.projects.platform.namespaceResourceBlacklist).toContainEqual({ group: 'argoproj.io', kind: 'AppProject' });
    expect(apps.applications['platform-root'].source).toMatchObject({ repoURL: GIT_OPS.repoUrl, targetRevision: GIT_OPS.targetRevision, path: GIT_OPS.path });
    expect(apps.applications['platform-root'].project).toBe('platform');
  });

  it('writes platform-policy-config in the format the restrict-image-registries policy matches', () => {
    const cm = Object.values(s.resources.kubernetes_config_map_v1 as Json)[0] as Json;
    expect(cm.metadata).toMatchObject({ name: 'platform-policy-config', namespace: 'kyverno' });
    // The hourly restricted backups' TTL for policies/generate-velero-restricted-schedule (default 168 hours); no scan
    // age configured: the scan attestation rule is switched off explicitly (the key is always written).
    expect(cm.data).toEqual({
      allowedRegistries: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/* | registry.example.com/platform/*',
      backupRestrictedTtl: '168h0m0s',
      scanAttestationMaxAge: 'not-required',
    });
  });

  it('syncs policies/ (policy files only) and charts/platform-baseline after kyverno, the project and the config', () => {
    const v = s.values('platform-policies');
    const policies = v.applications['platform-policies'];
    expect(policies.source).toMatchObject({ repoURL: GIT_OPS.repoUrl, targetRevision: 'v1.0.0', path: 'policies', directory: { recurse: true, include: '{*/policy.yaml,exceptions/*.yaml}' } });
    const chart = v.applications['platform-baseline'];
    expect(chart.source).toMatchObject({ repoURL: GIT_OPS.repoUrl, targetRevision: 'v1.0.0', path: 'charts/platform-baseline' });
    expect(chart.source.helm.valuesObject.policyConfig).toEqual({ enabled: false });
    expect(chart.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    const deps = s.release('platform-policies').depends_on;
    expect(deps).toContain(s.address('helm_release', (r) => r.name === 'kyverno'));
    expect(deps).toContain(s.address('helm_release', (r) => r.name === 'platform-apps'));
    expect(deps).toContain(s.address('kubernetes_config_map_v1', () => true));
  });

  it('takes the grafana admin from a secret written write-only, with anonymous access off', () => {
    const v = s.values('kube-prometheus-stack');
    expect(v.grafana.admin).toEqual({ existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(v.grafana).not.toHaveProperty('adminPassword');
    expect(v.grafana['grafana.ini']['auth.anonymous']).toEqual({ enabled: false });
    expect(v.grafana.persistence.enabled).toBe(true);
    const secret = Object.values(s.resources.kubernetes_secret_v1 as Json)[0] as Json;
    expect(secret.metadata).toEqual({ name: 'grafana-admin', namespace: 'monitoring' });
    expect(secret).not.toHaveProperty('data');
    expect(secret.data_wo['admin-password']).toBe('${uuid()}');
    expect(v.prometheus.prometheusSpec.retention).toBe('30d');
    expect(v.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate).toBeDefined();
    expect(v.alertmanager.alertmanagerSpec.replicas).toBe(2);
  });

  it('runs loki multi-tenant with 90 days retention, and tempo persistent', () => {
    const loki = s.values('loki');
    expect(loki.loki.auth_enabled).toBe(true);
    expect(loki.loki.limits_config.retention_period).toBe('2160h');
    expect(loki.loki.compactor.retention_enabled).toBe(true);
    expect(loki.singleBinary.persistence.enabled).toBe(true);
    expect(s.values('tempo').persistence.enabled).toBe(true);
  });

  it('installs the aws load balancer controller with its IAM role and WAFv2 support', () => {
    const r = s.release('aws-load-balancer-controller');
    expect(r).toMatchObject({ chart: 'aws-load-balancer-controller', repository: 'https://aws.github.io/eks-charts', version: '1.14.0', namespace: 'kube-system' });
    const v = JSON.parse(r.values[0]);
    expect(v).toMatchObject({ clusterName: 'test-cluster', vpcId: 'vpc-0123', region: 'eu-west-1', enableWafv2: true });
    expect(v.serviceAccount.annotations).toEqual({ 'eks.amazonaws.com/role-arn': 'arn:aws:iam::111111111111:role/test-lbc' });
  });

  it('exposes the same values through baselineChartValues as it synthesizes', () => {
    const data = baselineChartValues(props('aws', { awsLoadBalancerController: { vpcId: 'vpc-0123', region: 'eu-west-1' } }));
    expect(data).toHaveLength(Object.keys(s.resources.helm_release).length);
    for (const c of data) {
      const r = s.release(c.releaseName);
      expect(r.version).toBe(c.version);
      expect(JSON.parse(r.values[0])).toEqual(JSON.parse(JSON.stringify(c.values)));
    }
  });
});

describe('SecurityBaseline on azure', () => {
  let s: Synth;
  let baseline: SecurityBaseline;
  beforeAll(() => {
    const p = props('azure', { cosignPublicKey: '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----', grafanaAdminExistingSecret: 'grafana-sso-admin', scanAttestationMaxAgeHours: 72 });
    s = synth(p);
    baseline = new SecurityBaseline(new TerraformStack(Testing.app(), 'test'), 'baseline', p);
  });

  it('renders the azurekeyvault seal and the workload identity label and annotation on vault', () => {
    const v = s.values('vault');
    const hcl: string = v.server.ha.raft.config;
    expect(hcl).toContain('seal "azurekeyvault" {');
    expect(hcl).toContain('vault_name = "kv-test"');
    expect(hcl).toContain('tenant_id = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"');
    expect(v.server.extraLabels).toEqual({ 'azure.workload.identity/use': 'true' });
    expect(v.server.serviceAccount.annotations).toEqual({ 'azure.workload.identity/client-id': '11111111-1111-4111-8111-111111111111' });
  });

  it('writes the cosign key to platform-policy-config', () => {
    const cm = Object.values(s.resources.kubernetes_config_map_v1 as Json)[0] as Json;
    expect(cm.data.cosignPublicKey).toBe('-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n');
  });

  it('writes the maximum scan attestation age to platform-policy-config as a Go duration', () => {
    const cm = Object.values(s.resources.kubernetes_config_map_v1 as Json)[0] as Json;
    expect(cm.data.scanAttestationMaxAge).toBe('72h');
  });

  it('uses an existing grafana admin secret without creating one', () => {
    expect(s.values('kube-prometheus-stack').grafana.admin.existingSecret).toBe('grafana-sso-admin');
    expect(s.resources.kubernetes_secret_v1).toBeUndefined();
  });

  it('installs no aws load balancer controller', () => {
    expect(Object.values(s.resources.helm_release as Json).map((r: Json) => r.name)).not.toContain('aws-load-balancer-controller');
  });

  it('exposes releases by component and the chart version map', () => {
    expect(baseline.chartVersions).toMatchObject({ kyverno: '3.9.0', istiod: '1.30.3', vault: '0.34.1', falco: '9.1.0', argoCd: '10.1.1', kubePrometheusStack: '88.5.3', loki: '18.11.0', tempo: '2.2.4' });
    expect(Object.keys(baseline.releases).sort()).toEqual(
      ['argoCd', 'argoCdApps', 'certManager', 'externalSecrets', 'falco', 'istioBase', 'istioCni', 'istiod', 'kubePrometheusStack', 'kyverno', 'loki', 'platformPki', 'policyApplications', 'tempo', 'vault', 'velero'].sort(),
    );
    expect(baseline.ingressAnnotations).toEqual({});
  });
});

describe('SecurityBaseline on gcp', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth(props('gcp', { logRetentionDays: 365, metricsRetentionDays: 15 }));
  });

  it('renders the gcpckms seal and the GKE service account annotation', () => {
    const v = s.values('vault');
    const hcl: string = v.server.ha.raft.config;
    expect(hcl).toContain('seal "gcpckms" {');
    expect(hcl).toContain('crypto_key = "unseal"');
    expect(hcl).toContain('key_ring = "test-vault"');
    expect(v.server.serviceAccount.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'vault@test-project-01.iam.gserviceaccount.com' });
  });

  it('tells istio-cni it runs on GKE', () => {
    expect(s.values('istio-cni').global.platform).toBe('gke');
  });

  it('binds the admin groups to cluster-admin through RBAC (GKE IAM grants only clusterViewer)', () => {
    const bindings = Object.values(s.resources.kubernetes_cluster_role_binding_v1 as Json);
    expect(bindings).toEqual([
      expect.objectContaining({
        metadata: expect.objectContaining({ name: 'platform-admins-platform-admins-example-com' }),
        role_ref: { api_group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
        subject: [{ api_group: 'rbac.authorization.k8s.io', kind: 'Group', name: 'platform-admins@example.com' }],
      }),
    ]);
  });

  it('applies the retention props', () => {
    expect(s.values('loki').loki.limits_config.retention_period).toBe('8760h');
    expect(s.values('kube-prometheus-stack').prometheus.prometheusSpec.retention).toBe('15d');
  });
});

describe('SecurityBaseline RBAC on clouds whose IAM grants cluster-admin', () => {
  it.each(['aws', 'azure'] as const)('creates no RBAC admin binding on %s (EKS access entries / Azure RBAC grant admin)', (cloud) => {
    expect(synth(props(cloud)).resources.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });
});

describe('SecurityBaseline rejects bad props', () => {
  const build = (p: SecurityBaselineConstructProps) => () => Testing.synthScope((scope) => void new SecurityBaseline(scope, 'baseline', p));

  it('rejects an admin group that is not a group e-mail address', () => {
    const cluster = { ...fakeContract('gcp'), clusterAdminGroups: ['platform admins'] };
    expect(build(props('gcp', { cluster }))).toThrow('cluster admin access: groups must be group e-mail addresses, got "platform admins"');
  });

  it('rejects an empty allowedRegistries', () => {
    expect(build(props('aws', { allowedRegistries: [] }))).toThrow('allowedRegistries must list at least one registry, got []');
  });

  it('rejects registries with a scheme or wildcard', () => {
    expect(build(props('aws', { allowedRegistries: ['https://registry.k8s.io', 'quay.io/*'] }))).toThrow(
      /allowedRegistries entries must be registry hosts.*\["https:\/\/registry.k8s.io","quay.io\/\*"\]/,
    );
  });

  it('rejects duplicate registries', () => {
    expect(build(props('aws', { allowedRegistries: ['quay.io', 'quay.io'] }))).toThrow('allowedRegistries has duplicates: ["quay.io"]');
  });

  it('rejects a repository url that is not https, ssh or git@', () => {
    expect(build(props('aws', { gitOps: { ...GIT_OPS, repoUrl: 'http://git.example.com/x.git' } }))).toThrow('gitOps.repoUrl must be an https://, ssh:// or git@ repository url, got "http://git.example.com/x.git"');
  });

  it('rejects a gitOps path escaping the repository', () => {
    expect(build(props('aws', { gitOps: { ...GIT_OPS, path: '../other' } }))).toThrow('gitOps.path must be a relative folder inside the repository, got "../other"');
  });

  it('rejects a seal type that does not match the cloud', () => {
    const cluster = fakeContract('aws');
    expect(build({ ...props('aws'), cluster: { ...cluster, vaultUnseal: { ...cluster.vaultUnseal, seal: 'gcpckms' } } })).toThrow(
      'cluster.vaultUnseal.seal must be awskms on aws, got "gcpckms"',
    );
  });

  it('rejects seal config values that would break the HCL', () => {
    const cluster = fakeContract('aws');
    const bad = { ...cluster, vaultUnseal: { ...cluster.vaultUnseal, sealConfig: { region: 'eu-west-1" }\nseal "x' } } };
    expect(build({ ...props('aws'), cluster: bad })).toThrow(/cluster.vaultUnseal.sealConfig.region must not contain quotes/);
  });

  it('chains vault to the organisation issuer when one is named, with the in-cluster CA left out', () => {
    const out = synth(props('aws', { vaultCertificateIssuer: { name: 'enterprise-pki', group: 'awspca.cert-manager.io' } }));
    expect(out.values('platform-pki').vault.issuerRef).toEqual({ name: 'enterprise-pki', kind: 'ClusterIssuer', group: 'awspca.cert-manager.io' });
  });

  it.each([
    [{ name: 'Enterprise PKI' }, 'vaultCertificateIssuer.name must be the name of an existing issuer (lowercase letters, digits, \'-\' and \'.\'), got "Enterprise PKI"'],
    [{ name: 'pki', kind: 'Vault' }, 'vaultCertificateIssuer.kind must be \'ClusterIssuer\' or \'Issuer\' (an Issuer in the vault namespace), got "Vault"'],
    [{ name: 'pki', group: 'awspca' }, 'vaultCertificateIssuer.group must be an API group such as cert-manager.io, got "awspca"'],
  ])('rejects the vault certificate issuer %j', (issuer, message) => {
    expect(build(props('aws', { vaultCertificateIssuer: issuer as never }))).toThrow(message);
  });

  it('rejects a vault TLS secret name that is not an object name', () => {
    expect(build(props('aws', { vaultTlsSecretName: 'Vault_TLS' }))).toThrow(
      'vaultTlsSecretName must be a Kubernetes object name (lowercase letters, digits, \'-\' and \'.\'), got "Vault_TLS"',
    );
  });

  it('rejects a cluster name that cannot name the in-cluster CA', () => {
    expect(build({ ...props('aws'), cluster: { ...fakeContract('aws'), clusterName: 'Bank.Prod' } })).toThrow(
      'cluster.clusterName must be a DNS label (lowercase letters, digits and \'-\', at most 63) to name the in-cluster CA platform-<cluster name>-ca, got "Bank.Prod"',
    );
  });

  it('rejects a relative platform-pki chart path', () => {
    expect(build({ ...props('aws'), pkiChartPath: 'charts/platform-pki' })).toThrow(
      'pkiChartPath must be the absolute path of the platform-pki chart (charts/platform-pki), got "charts/platform-pki"',
    );
  });

  it('rejects a log retention under 90 days', () => {
    expect(build(props('aws', { logRetentionDays: 30 }))).toThrow('logRetentionDays must be a whole number of days between 90 and 3650, got 30');
  });

  it.each([0, 721, 1.5])('rejects a scan attestation age of %s hours', (hours) => {
    expect(build(props('aws', { scanAttestationMaxAgeHours: hours }))).toThrow(`scanAttestationMaxAgeHours must be a whole number of hours between 1 and 720, got ${hours}`);
  });

  it('rejects a cosign key that is not a PEM public key', () => {
    expect(build(props('aws', { cosignPublicKey: 'not-a-key' }))).toThrow(/cosignPublicKey must be a PEM public key/);
  });

  it('rejects the aws load balancer controller on another cloud', () => {
    expect(build(props('azure', { awsLoadBalancerController: { vpcId: 'vpc-1', region: 'eu-west-1' } }))).toThrow(
      'awsLoadBalancerController is only valid on aws clusters, got cloud "azure"',
    );
  });

  it('rejects the aws load balancer controller without its identity in the contract', () => {
    const cluster = { ...fakeContract('aws'), controllerIdentities: {} };
    expect(build({ ...props('aws', { awsLoadBalancerController: { vpcId: 'vpc-1', region: 'eu-west-1' } }), cluster })).toThrow(
      /cluster.controllerIdentities has no 'aws-load-balancer-controller' entry/,
    );
  });

  it('rejects an empty grafana admin secret name', () => {
    expect(build(props('aws', { grafanaAdminExistingSecret: ' ' }))).toThrow('grafanaAdminExistingSecret must name a secret, got " "');
  });
});

describe('SecurityBaseline with unresolved tokens from the platform stack', () => {
  let s: Synth;
  beforeAll(() => {
    const out = Testing.synthScope((scope) => {
      const keyId = new TerraformVariable(scope, 'kms_key_id', { type: 'string' });
      const roleArn = new TerraformVariable(scope, 'vault_role_arn', { type: 'string' });
      const cluster = fakeContract('aws');
      new SecurityBaseline(scope, 'baseline', {
        ...props('aws'),
        cluster: {
          ...cluster,
          vaultUnseal: {
            ...cluster.vaultUnseal,
            sealConfig: { region: 'eu-west-1', kms_key_id: keyId.stringValue },
            identity: { ...cluster.vaultUnseal.identity, serviceAccountAnnotations: { 'eks.amazonaws.com/role-arn': roleArn.stringValue } },
          },
        },
      });
    });
    const resources = JSON.parse(out).resource;
    s = {
      resources,
      release: (name) => Object.values(resources.helm_release as Json).find((r: Json) => r.name === name) as Json,
      values: () => ({}),
      namespaceLabels: () => ({}),
      address: () => '',
    };
  });

  it('keeps the tokens as Terraform references inside the values document', () => {
    const raw: string = s.release('vault').values[0];
    expect(raw).toContain('kms_key_id = \\"${var.kms_key_id}\\"');
    expect(raw).toContain('"eks.amazonaws.com/role-arn":"${var.vault_role_arn}"');
  });
});
