/**
 * Data classification and service authorization in the baseline (issue 11): every namespace the
 * baseline creates carries its data-classification label (policies/require-data-classification
 * refuses one without), an unmapped namespace stops synth, the chart's application namespaces are
 * restricted, and Kyverno may create and read the AuthorizationPolicies its generate policy keeps.
 */
import { Testing, TerraformStack } from 'cdktf';
import { baselineNamespace, BASELINE_NAMESPACE_CLASSIFICATION } from '../../../src/constructs/baseline/helm-defaults';
import { platformChartValues } from '../../../src/constructs/baseline/policies';
import { SecurityBaseline } from '../../../src/constructs/baseline/security-baseline';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLASSES = ['public', 'internal', 'confidential', 'restricted'];

function synth(): Json {
  return JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', { cluster: fakeContract('aws'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, pkiChartPath: PKI_CHART });
    }),
  ).resource as Json;
}

describe('data classification of the baseline namespaces', () => {
  const resources = synth();
  const namespaces = Object.values(resources.kubernetes_namespace_v1 as Json) as Json[];

  it('labels every namespace the baseline creates with one of the four classes', () => {
    expect(namespaces.length).toBeGreaterThanOrEqual(8);
    for (const ns of namespaces) expect({ ns: ns.metadata.name, valid: CLASSES.includes(ns.metadata.labels['data-classification']) }).toEqual({ ns: ns.metadata.name, valid: true });
  });

  it('classifies the namespaces holding secrets, keys and certificates as restricted', () => {
    const label = (name: string) => namespaces.find((n) => n.metadata.name === name)?.metadata.labels['data-classification'];
    expect(label('vault')).toBe('restricted');
    expect(label('cert-manager')).toBe('restricted');
    expect(label('istio-system')).toBe('restricted');
    expect(label('kyverno')).toBe('confidential');
    expect(Object.keys(BASELINE_NAMESPACE_CLASSIFICATION).sort()).toEqual(namespaces.map((n) => n.metadata.name).sort());
  });

  it('stops synth for a baseline namespace without a class, saying where to add it', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    expect(() => baselineNamespace(stack, 'x', 'secrets-store-csi', 'restricted')).toThrow(
      'baseline namespace "secrets-store-csi" has no data classification: add it to BASELINE_NAMESPACE_CLASSIFICATION (src/constructs/baseline/helm-defaults.ts)',
    );
  });

  it('gives the chart\'s cardholder-data namespaces the restricted class', () => {
    expect(platformChartValues().namespaces).toEqual([
      { name: 'payments', payments: true, dataClassification: 'restricted' },
      { name: 'payments-batch', payments: true, dataClassification: 'restricted' },
    ]);
  });
});

describe('Kyverno may keep the generated default-deny AuthorizationPolicy', () => {
  const resources = synth();
  const kyverno = Object.values(resources.helm_release as Json).find((r: Json) => r.name === 'kyverno') as Json;
  const values = JSON.parse(kyverno.values[0]) as Json;

  it('lets the background controller create, update and delete AuthorizationPolicies, and the admission controller read them', () => {
    expect(values.backgroundController.rbac.clusterRole.extraResources).toEqual([
      { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
      // policies/generate-velero-restricted-schedule: the hourly Schedules of restricted namespaces.
      { apiGroups: ['velero.io'], resources: ['schedules'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
    ]);
    expect(values.admissionController.rbac.clusterRole.extraResources).toEqual([
      { apiGroups: ['security.istio.io'], resources: ['authorizationpolicies'], verbs: ['get', 'list'] },
      { apiGroups: ['velero.io'], resources: ['schedules'], verbs: ['get', 'list'] },
    ]);
  });
});
