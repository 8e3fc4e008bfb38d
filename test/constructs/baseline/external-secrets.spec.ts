/**
 * External Secrets Operator and the secret-ownership rule (issue 11, item 4): the release as
 * synthesized (HA on the security pool, mirrored image, only the ClusterSecretStore kind, metrics),
 * its order against the policy Applications that sync the store, the store values Argo CD passes to
 * charts/platform-baseline, and the namespace lists the Kyverno policies keep in step with the
 * baseline.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Testing } from 'cdktf';
import { parse } from 'yaml';
import { EXTERNAL_SECRETS_REPLICAS, VAULT_SECRET_STORE } from '../../../src/constructs/baseline/external-secrets';
import { BASELINE_SERVICE_ACCOUNTS, SECURITY_POOL_PLACEMENT } from '../../../src/constructs/contract';
import { platformChartValues } from '../../../src/constructs/baseline/policies';
import { BASELINE_NAMESPACES } from '../../../src/constructs/baseline/settings';
import { SecurityBaseline, type SecurityBaselineProps } from '../../../src/constructs/baseline/security-baseline';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const repo = resolve(__dirname, '../../..');
const SYSTEM_NAMESPACES = ['kube-system', 'kube-node-lease', 'kube-public'];

function synth(sizing?: SecurityBaselineProps['sizing']): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', { cluster: fakeContract('gcp'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART, sizing });
    }),
  ).resource as Json;
}

function release(resources: Json, name: string): Json {
  const found = Object.values(resources.helm_release as Json).find((r: Json) => r.name === name) as Json | undefined;
  if (!found) throw new Error(`no helm_release ${name}`);
  return found;
}

function policy(name: string): Json {
  return parse(readFileSync(resolve(repo, 'policies', name, 'policy.yaml'), 'utf8')) as Json;
}

describe('External Secrets Operator release', () => {
  const resources = synth('production');
  const eso = release(resources, 'external-secrets');
  const values = JSON.parse(eso.values[0]) as Json;
  const placement = { nodeSelector: SECURITY_POOL_PLACEMENT.labels, tolerations: [{ key: 'workload', operator: 'Equal', value: 'security', effect: 'NoSchedule' }] };

  it('installs the pinned chart in its own restricted namespace', () => {
    expect(eso).toMatchObject({ chart: 'external-secrets', repository: 'https://charts.external-secrets.io', version: '2.9.0', namespace: 'external-secrets', create_namespace: false, atomic: true, wait: true });
    const ns = Object.values(resources.kubernetes_namespace_v1 as Json).find((n: Json) => n.metadata.name === 'external-secrets') as Json;
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'data-classification': 'restricted' });
  });

  it('runs the controller, webhook and cert controller twice each, with PDBs, on the security pool, from the mirror', () => {
    for (const component of [values, values.webhook, values.certController]) {
      expect(component).toMatchObject({ replicaCount: EXTERNAL_SECRETS_REPLICAS, podDisruptionBudget: { enabled: true, minAvailable: 1 }, ...placement });
      expect(component.image).toEqual({ repository: `${MIRROR}/external-secrets/external-secrets`, tag: 'v2.9.0' });
      expect(component.resources.requests.cpu).toBeDefined();
      expect(component.resources.limits.memory).toBeDefined();
    }
    expect(values.serviceMonitor).toEqual({ enabled: true });
    expect(values.leaderElect).toBe(true);
    expect(values.webhook.failurePolicy).toBe('Fail');
    expect(values['bitwarden-sdk-server']).toEqual({ enabled: false });
  });

  it('installs and processes only the ClusterSecretStore kind: no namespaced stores, push secrets, cluster-wide secrets or generators', () => {
    expect(values.installCRDs).toBe(true);
    expect(values.crds).toEqual({
      createClusterSecretStore: true,
      createSecretStore: false,
      createClusterExternalSecret: false,
      createClusterPushSecret: false,
      createPushSecret: false,
      createClusterGenerator: false,
    });
    expect(values).toMatchObject({ processClusterStore: true, processSecretStore: false, processClusterExternalSecret: false, processClusterPushSecret: false, processPushSecret: false, processClusterGenerator: false, genericTargets: { enabled: false } });
  });

  it('sizes the containers per sizing (dev clusters request less)', () => {
    const minimal = JSON.parse(release(synth('minimal'), 'external-secrets').values[0]) as Json;
    expect(values.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(minimal.resources).toEqual({ requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });

  it('comes after the ServiceMonitor CRD, and the Applications that sync the ClusterSecretStore come after it', () => {
    const key = Object.entries(resources.helm_release as Json).find(([, r]) => (r as Json).name === 'external-secrets')![0];
    expect(eso.depends_on.some((d: string) => d.includes('kube-prometheus-stack') || d.includes('observability'))).toBe(true);
    expect(release(resources, 'platform-policies').depends_on).toContain(`helm_release.${key}`);
  });

  it('lets the platform AppProject create the ClusterSecretStore', () => {
    const apps = JSON.parse(release(resources, 'platform-apps').values[0]) as Json;
    const project = Object.values(apps.projects as Json)[0] as Json;
    expect(project.clusterResourceWhitelist).toContainEqual({ group: 'external-secrets.io', kind: 'ClusterSecretStore' });
  });
});

describe('the ClusterSecretStore values Argo CD passes to charts/platform-baseline', () => {
  it('point at Vault over https with the CA of its TLS secret and the names docs/secrets.md specifies', () => {
    expect(platformChartValues().externalSecrets).toEqual({
      enabled: true,
      storeName: 'vault',
      serviceAccountName: 'vault-secrets',
      vault: {
        server: 'https://vault.vault.svc:8200',
        kvMount: 'platform-kv',
        authMount: 'kubernetes',
        role: 'external-secrets',
        audience: 'vault',
        caSecret: { namespace: 'vault', name: 'vault-server-tls', key: 'ca.crt' },
      },
    });
    expect((platformChartValues('vault-tls-custom').externalSecrets as Json).vault.caSecret.name).toBe('vault-tls-custom');
  });

  it('follow vaultTlsSecretName of the baseline props', () => {
    const resources = JSON.parse(
      Testing.synthScope((scope) => {
        new SecurityBaseline(scope, 'baseline', { cluster: fakeContract('aws'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART, vaultTlsSecretName: 'vault-org-tls' });
      }),
    ).resource as Json;
    const apps = JSON.parse(release(resources, 'platform-policies').values[0]) as Json;
    expect(apps.applications['platform-baseline'].sources?.[0]?.helm ?? apps.applications['platform-baseline'].source.helm).toMatchObject({
      valuesObject: { externalSecrets: { vault: { caSecret: { name: 'vault-org-tls' } } } },
    });
  });

  it('are the constants docs/secrets.md documents', () => {
    const doc = readFileSync(resolve(repo, 'docs/secrets.md'), 'utf8');
    for (const value of [VAULT_SECRET_STORE.server, VAULT_SECRET_STORE.kvMount, VAULT_SECRET_STORE.role, VAULT_SECRET_STORE.serviceAccount, `audience = "${VAULT_SECRET_STORE.audience}"`]) expect(doc).toContain(value);
  });
});

describe('namespace lists of the Kyverno policies', () => {
  it('restrict-secret-ownership excludes exactly the system and platform namespaces, and trusts only ESO, cert-manager and Velero restores', () => {
    const rule = policy('restrict-secret-ownership').spec.rules[0] as Json;
    const [byNamespace, bySubject] = rule.exclude.any as Json[];
    expect([...byNamespace.resources.namespaces].sort()).toEqual([...SYSTEM_NAMESPACES, ...Object.values(BASELINE_NAMESPACES)].sort());
    expect(bySubject.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'external-secrets', namespace: BASELINE_NAMESPACES.externalSecrets },
      { kind: 'ServiceAccount', name: 'cert-manager', namespace: BASELINE_NAMESPACES.certManager },
      { kind: 'ServiceAccount', name: BASELINE_SERVICE_ACCOUNTS.velero.name, namespace: BASELINE_SERVICE_ACCOUNTS.velero.namespace },
    ]);
    expect(rule.match.any[0].resources).toEqual({ kinds: ['Secret'], operations: ['CREATE', 'UPDATE'] });
    expect(policy('restrict-secret-ownership').spec.background).toBe(false);
  });

  it('restrict-classified-workload-placement excludes the namespaces that run on the security pool, external-secrets among them', () => {
    for (const r of policy('restrict-classified-workload-placement').spec.rules as Json[]) {
      expect(r.exclude.any[0].resources.namespaces).toEqual(expect.arrayContaining(['vault', 'cert-manager', 'external-secrets', 'falco', 'velero']));
    }
  });
});
