import { Testing } from 'cdktf';
import { SecurityBaseline, type SecurityBaselineConstructProps } from '../../../src/constructs/baseline/security-baseline';
import { CONTAINER_SIZES, type BaselineSizing, type ContainerName } from '../../../src/constructs/baseline/resources';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The argo-cd helm_release values as synthesized into the Terraform JSON. */
function argoCdValues(sizing?: BaselineSizing): Json {
  const props: SecurityBaselineConstructProps = { cluster: fakeContract('aws'), allowedRegistries: REGISTRIES, imageMirror: MIRROR, gitOps: GIT_OPS, sizing, pkiChartPath: PKI_CHART };
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', props);
    }),
  );
  const release = Object.values(out.resource.helm_release as Json).find((r: Json) => r.name === 'argo-cd') as Json;
  return JSON.parse(release.values[0]);
}

/** Every container the argo-cd chart runs with the baseline's values: its values path and sizing entry. */
const ARGO_CD_CONTAINERS: ReadonlyArray<readonly [string, (v: Json) => Json, ContainerName]> = [
  ['application-controller', (v) => v.controller, 'argoCdController'],
  ['server', (v) => v.server, 'argoCdServer'],
  ['repo-server', (v) => v.repoServer, 'argoCdRepoServer'],
  ['repo-server init copyutil', (v) => v.repoServer.copyutil, 'argoCdRepoServerCopyutil'],
  ['applicationset-controller', (v) => v.applicationSet, 'argoCdApplicationSet'],
  ['notifications-controller', (v) => v.notifications, 'argoCdNotifications'],
  ['redis', (v) => v.redis, 'argoCdRedis'],
  ['redis-secret-init hook Job', (v) => v.redisSecretInit, 'argoCdRedisSecretInit'],
];

describe.each([
  ['production', 'production' as const],
  ['minimal', 'minimal' as const],
])('argo-cd resources, %s sizing', (_label, sizing) => {
  let v: Json;
  beforeAll(() => {
    v = argoCdValues(sizing);
  });

  it.each(ARGO_CD_CONTAINERS)('gives %s requests and a memory limit from the sizing table, no CPU limit', (_name, at, entry) => {
    const size = CONTAINER_SIZES[entry][sizing];
    expect(at(v).resources).toEqual({ requests: { cpu: size.cpu, memory: size.memory }, limits: { memory: size.memoryLimit } });
  });

  it('keeps Dex and the commit server off (no container without a size)', () => {
    expect(v.dex.enabled).toBe(false);
    expect(v.commitServer).toBeUndefined();
    expect(v.redis.exporter).toBeUndefined();
  });

  it('leaves the chart default container security contexts in place (they meet the restricted profile)', () => {
    for (const [, at] of ARGO_CD_CONTAINERS) expect(at(v).containerSecurityContext).toBeUndefined();
  });
});

describe('argo-cd sizing', () => {
  it('defaults to production', () => {
    expect(argoCdValues().controller.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '3Gi' } });
  });

  it('sizes the application controller (it caches the cluster) largest in both sizings', () => {
    expect(argoCdValues('production').controller.resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '3Gi' } });
    expect(argoCdValues('minimal').controller.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } });
  });

  it('sets the memory limit at or above the request for every container and sizing', () => {
    const mebibytes = (q: string): number => (q.endsWith('Gi') ? Number.parseInt(q, 10) * 1024 : Number.parseInt(q, 10));
    for (const [, , entry] of ARGO_CD_CONTAINERS) {
      for (const sizing of ['production', 'minimal'] as const) {
        const size = CONTAINER_SIZES[entry][sizing];
        expect(mebibytes(size.memoryLimit)).toBeGreaterThanOrEqual(mebibytes(size.memory));
      }
    }
  });
});
