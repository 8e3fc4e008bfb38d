import { Testing } from 'cdktf';
import type { CloudProvider } from '../../../src/constructs/contract';
import { SecurityBaseline, type SecurityBaselineConstructProps } from '../../../src/constructs/baseline/security-baseline';
import type { BaselineSizing } from '../../../src/constructs/baseline/resources';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** istiod and istio-cni helm_release values as synthesized into the Terraform JSON. */
function istioValues(cloud: CloudProvider, sizing?: BaselineSizing): { istiod: Json; cni: Json } {
  const props: SecurityBaselineConstructProps = { cluster: fakeContract(cloud), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, sizing, pkiChartPath: PKI_CHART };
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', props);
    }),
  );
  const values = (name: string): Json => JSON.parse((Object.values(out.resource.helm_release as Json).find((r: Json) => r.name === name) as Json).values[0]);
  return { istiod: values('istiod'), cni: values('istio-cni') };
}

describe('istio resources, production sizing', () => {
  let v: { istiod: Json; cni: Json };
  beforeAll(() => {
    v = istioValues('aws', 'production');
  });

  it('keeps upstream istiod requests (the HPA scales on CPU) and bounds its memory, no CPU limit', () => {
    expect(v.istiod.resources).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } });
  });

  it('gives the CNI node agent requests and a memory limit, no CPU limit', () => {
    expect(v.cni.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  it('keeps istiod HA and its pod on seccomp RuntimeDefault', () => {
    expect(v.istiod.autoscaleMin).toBe(2);
    expect(v.istiod.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('keeps the CNI node agent on the runtime default seccomp profile (not in its host-access exception)', () => {
    expect(v.cni.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });
});

describe('istio resources, minimal sizing', () => {
  let v: { istiod: Json; cni: Json };
  beforeAll(() => {
    v = istioValues('aws', 'minimal');
  });

  it('gives istiod smaller requests with a memory limit, same HA topology', () => {
    expect(v.istiod.resources).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } });
    expect(v.istiod.autoscaleMin).toBe(2);
  });

  it('gives the CNI node agent smaller requests with a memory limit', () => {
    expect(v.cni.resources).toEqual({ requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '256Mi' } });
  });
});

describe('istio resources on GKE', () => {
  it('sizes the GKE CNI variant like any other and keeps the GKE platform profile', () => {
    const v = istioValues('gcp', 'production');
    expect(v.cni.global.platform).toBe('gke');
    expect(v.cni.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
  });

  it('defaults to production sizing', () => {
    expect(istioValues('gcp').istiod.resources.limits).toEqual({ memory: '4Gi' });
  });
});
