import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import type { CloudProvider } from '../../../src/constructs/contract';
import { SecurityBaseline, baselineImages, type SecurityBaselineConstructProps, type SecurityBaselineProps } from '../../../src/constructs/baseline/security-baseline';
import { CHART_IMAGES, UPSTREAM_IMAGES } from '../../../src/constructs/baseline/images';
import { fakeContract, GIT_OPS, MIRROR, PKI_CHART, REGISTRIES } from './fake-contract';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function props(cloud: CloudProvider, extra: Partial<SecurityBaselineProps> = {}): SecurityBaselineConstructProps {
  return {
    cluster: fakeContract(cloud),
    pkiChartPath: PKI_CHART,
    allowedRegistries: REGISTRIES,
    imageMirror: MIRROR,
    gitOps: GIT_OPS,
    awsLoadBalancerController: cloud === 'aws' ? { vpcId: 'vpc-0123', region: 'eu-west-1' } : undefined,
    ...extra,
  };
}

/** An image-like value found in a values document. */
interface Found {
  readonly release: string;
  readonly path: string;
  /** 'image': a full reference (registry/repository[:tag] or an `image:` string); 'registry': a registry, istio hub or global registry. */
  readonly kind: 'image' | 'registry';
  readonly value: string;
  /** For istio hubs: the tag next to it. */
  readonly tag?: string;
}

/**
 * Every image-like value: objects with a `repository` (joined with their
 * `registry` and `tag`), keys named registry / imageRegistry / hub, and
 * `image:` strings.
 */
function imageValues(release: string, node: unknown, path: string[] = [], out: Found[] = []): Found[] {
  if (Array.isArray(node)) {
    node.forEach((item, i) => imageValues(release, item, [...path, String(i)], out));
    return out;
  }
  if (typeof node !== 'object' || node === null) return out;
  const o = node as Json;
  const at = (k: string): string => [...path, k].join('.');
  if (typeof o.repository === 'string') {
    const ref = `${typeof o.registry === 'string' ? `${o.registry}/` : ''}${o.repository}${typeof o.tag === 'string' ? `:${o.tag}` : ''}`;
    out.push({ release, path: at('repository'), kind: 'image', value: ref });
  }
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'string' && ['registry', 'imageRegistry', 'hub'].includes(k)) {
      out.push({ release, path: at(k), kind: 'registry', value: v, tag: k === 'hub' && typeof o.tag === 'string' ? o.tag : undefined });
    } else if (typeof v === 'string' && k === 'image') {
      out.push({ release, path: at(k), kind: 'image', value: v });
    } else {
      imageValues(release, v, [...path, k], out);
    }
  }
  return out;
}

function synthImageValues(p: SecurityBaselineConstructProps): { releases: Json[]; found: Found[] } {
  const out = JSON.parse(
    Testing.synthScope((scope) => {
      new SecurityBaseline(scope, 'baseline', p);
    }),
  );
  const releases = Object.values(out.resource.helm_release as Json) as Json[];
  const found = releases.flatMap((r) => (r.values as string[]).flatMap((doc) => imageValues(r.name as string, JSON.parse(doc))));
  return { releases, found };
}

describe.each(['aws', 'azure', 'gcp'] as const)('baseline images on %s', (cloud) => {
  let found: Found[];
  let releases: Json[];
  beforeAll(() => {
    ({ releases, found } = synthImageValues(props(cloud)));
  });

  it('pulls every image of every helm_release from the mirror', () => {
    const outside = found.filter((f) => f.value !== MIRROR && !f.value.startsWith(`${MIRROR}/`));
    expect(outside).toEqual([]);
  });

  it('sets images on every release that runs one (the walk is not vacuous)', () => {
    const withImages = new Set(found.map((f) => f.release));
    // platform-policies: the platform chart's Argo CD values carry the egress gateway's proxy image.
    const expected = ['kyverno', 'istio-cni', 'istiod', 'vault', 'cert-manager', 'external-secrets', 'falco', 'argo-cd', 'kube-prometheus-stack', 'loki', 'tempo', 'velero', 'platform-policies'];
    if (cloud === 'aws') expected.push('aws-load-balancer-controller');
    expect([...withImages].sort()).toEqual(expected.sort());
    // argocd-apps renders Argo CD objects only; istio base renders CRDs and webhooks only.
    expect(releases.map((r) => r.name).filter((n) => !withImages.has(n)).sort()).toEqual(['istio-base', 'platform-apps', 'platform-pki']);
  });

  it('lists every image that appears in the values in baselineImages, with an explicit tag', () => {
    const listed = new Set(baselineImages(props(cloud)).map((i) => i.mirror));
    const full = found.filter((f) => f.kind === 'image');
    expect(full.length).toBeGreaterThan(15);
    for (const f of full) expect({ ...f, listed: listed.has(f.value) }).toMatchObject({ listed: true });
    // Istio derives <hub>/<name>:<tag>: every hub has listed images with its tag.
    const hubs = found.filter((f) => f.path.endsWith('.hub'));
    expect(hubs).toHaveLength(2);
    for (const h of hubs) {
      expect(h.tag).toBe('1.30.3');
      expect([...listed].filter((m) => m.startsWith(`${h.value}/`) && m.endsWith(`:${h.tag}`)).length).toBeGreaterThan(0);
    }
  });

  it('lists only images the values pull (each listed image appears in a values document or under an istio hub)', () => {
    const refs = new Set(found.filter((f) => f.kind === 'image').map((f) => f.value));
    const hubs = found.filter((f) => f.path.endsWith('.hub')).map((f) => f.value);
    for (const i of baselineImages(props(cloud))) {
      expect({ mirror: i.mirror, present: refs.has(i.mirror) || hubs.some((h) => i.mirror.startsWith(`${h}/`)) }).toEqual({ mirror: i.mirror, present: true });
    }
  });
});

describe('baselineImages', () => {
  const aws = baselineImages(props('aws'));
  const gcp = baselineImages(props('gcp'));

  it('maps each upstream image 1:1 to the same repository path under the mirror, with a pinned tag', () => {
    for (const i of aws) {
      const [, ...rest] = i.source.split('/');
      expect(i.mirror).toBe(`${MIRROR}/${rest.join('/')}`);
      expect(i.source).toMatch(/:[A-Za-z0-9._-]+$/);
      expect(i.source).not.toMatch(/:latest$/);
    }
    expect(new Set(aws.map((i) => i.source)).size).toBe(aws.length);
  });

  it('lists the images with their upstream sources', () => {
    expect(aws).toContainEqual({ component: 'vault', source: 'docker.io/hashicorp/vault:2.0.4', mirror: `${MIRROR}/hashicorp/vault:2.0.4` });
    expect(aws).toContainEqual({ component: 'istiod', source: 'docker.io/istio/proxyv2:1.30.3', mirror: `${MIRROR}/istio/proxyv2:1.30.3` });
    expect(aws).toContainEqual({ component: 'falco', source: 'docker.io/falcosecurity/falco:0.44.1', mirror: `${MIRROR}/falcosecurity/falco:0.44.1` });
    expect(aws).toContainEqual({ component: 'argoCd', source: 'quay.io/argoproj/argocd:v3.4.4', mirror: `${MIRROR}/argoproj/argocd:v3.4.4` });
    expect(aws.map((i) => i.source)).toContain('public.ecr.aws/eks/aws-load-balancer-controller:v2.14.0');
    // Every image but the other two clouds' Velero plugins.
    expect(aws).toHaveLength(Object.keys(UPSTREAM_IMAGES).length - 2);
  });

  it("lists only the cluster's own cloud's Velero plugin", () => {
    const plugins = (list: typeof aws) => list.filter((i) => i.source.includes('velero-plugin-for-')).map((i) => i.source);
    expect(plugins(aws)).toEqual(['docker.io/velero/velero-plugin-for-aws:v1.14.0']);
    expect(plugins(gcp)).toEqual(['docker.io/velero/velero-plugin-for-gcp:v1.14.4']);
    expect(plugins(baselineImages(props('azure')))).toEqual(['docker.io/velero/velero-plugin-for-microsoft-azure:v1.14.0']);
  });

  it('lists the aws load balancer controller only where it is installed', () => {
    expect(gcp.map((i) => i.component)).not.toContain('awsLoadBalancerController');
    expect(gcp).toHaveLength(aws.length - CHART_IMAGES.awsLoadBalancerController.length);
  });

  it('lists no image of a disabled subcomponent (dex, loki gateway/canary/caches, falco driver loader, grafana chown init)', () => {
    const sources = aws.map((i) => i.source).join('\n');
    for (const absent of ['dexidp/dex', 'nginx-unprivileged', 'loki-canary', 'memcached', 'falco-driver-loader', 'busybox', 'tempo-query', 'node-exporter']) {
      expect(sources).not.toContain(absent);
    }
  });

  it('is the image table in docs/baseline.md (source and mirror path of every image)', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'baseline.md'), 'utf8');
    for (const i of aws) expect(doc).toContain(`| \`${i.source}\` | \`${i.mirror.replace(MIRROR, '<imageMirror>')}\` |`);
  });

  it('is what the construct exposes as `images`', () => {
    const out = Testing.synthScope((scope) => {
      const b = new SecurityBaseline(scope, 'baseline', props('azure'));
      expect(b.images).toEqual(baselineImages(props('azure')));
    });
    expect(out).toBeDefined();
  });
});

describe('baseline values for disabled subcomponents', () => {
  let releases: Json[];
  const values = (name: string): Json => JSON.parse(releases.find((r) => r.name === name)!.values[0]);
  beforeAll(() => {
    ({ releases } = synthImageValues(props('gcp')));
  });

  it('disables rather than mirrors what the platform does not run', () => {
    expect(values('argo-cd').dex).toEqual({ enabled: false });
    const loki = values('loki');
    expect(loki).toMatchObject({ gateway: { enabled: false }, lokiCanary: { enabled: false }, chunksCache: { enabled: false }, resultsCache: { enabled: false }, minio: { enabled: false }, test: { enabled: false } });
    expect(loki.sidecar.rules.enabled).toBe(false);
    expect(values('falco').driver.loader).toEqual({ enabled: false });
    const kps = values('kube-prometheus-stack');
    expect(kps.grafana.initChownData).toEqual({ enabled: false });
    expect(kps.nodeExporter).toEqual({ enabled: false });
    expect(values('tempo').tempoQuery).toEqual({ enabled: false });
  });

  it('points grafana at the loki single binary, not the disabled gateway', () => {
    const loki = values('kube-prometheus-stack').grafana.additionalDataSources.find((d: Json) => d.type === 'loki');
    expect(loki.url).toBe('http://loki.monitoring.svc:3100');
  });

  it('sets the istio hub and tag for istiod (and so the injected proxy) and istio-cni', () => {
    expect(values('istiod').global).toMatchObject({ hub: `${MIRROR}/istio`, tag: '1.30.3' });
    expect(values('istio-cni').global).toEqual({ hub: `${MIRROR}/istio`, tag: '1.30.3', platform: 'gke' });
  });
});

describe('SecurityBaseline rejects a bad imageMirror', () => {
  const build = (p: SecurityBaselineProps) => () => baselineImages(p);

  it.each([
    ['a scheme', 'https://111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror'],
    ['a trailing slash', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror/'],
    ['a tag', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror:1.0'],
    ['no registry host (read as a docker hub namespace)', 'platform-mirror'],
    ['uppercase', '111111111111.dkr.ecr.eu-west-1.amazonaws.com/Platform-Mirror'],
    ['an empty string', ''],
  ])('rejects a mirror with %s', (_what, imageMirror) => {
    expect(build(props('aws', { imageMirror }))).toThrow(
      `imageMirror must be a registry host with an optional path (no scheme, tag or trailing '/'), e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror, got ${JSON.stringify(imageMirror)}`,
    );
  });

  it('rejects a mirror outside allowedRegistries (Kyverno would refuse the platform pods)', () => {
    expect(build(props('aws', { imageMirror: 'quay.io/platform-mirror' }))).toThrow(
      'imageMirror must lie inside one of allowedRegistries (111111111111.dkr.ecr.eu-west-1.amazonaws.com, registry.example.com/platform) so Kyverno admits the platform\'s images, got "quay.io/platform-mirror"',
    );
  });

  it('rejects a mirror that only shares a prefix with an allowed registry', () => {
    expect(build(props('aws', { imageMirror: 'registry.example.com/platform-evil' }))).toThrow(/imageMirror must lie inside one of allowedRegistries/);
  });

  it('rejects a bad mirror in the construct too', () => {
    expect(() =>
      Testing.synthScope((scope) => {
        new SecurityBaseline(scope, 'baseline', props('gcp', { imageMirror: 'platform-mirror' }));
      }),
    ).toThrow(/imageMirror must be a registry host/);
  });

  it('accepts the mirror equal to an allowed registry, and a host with a port', () => {
    expect(build(props('aws', { imageMirror: 'registry.example.com/platform' }))()).not.toHaveLength(0);
    expect(build(props('aws', { allowedRegistries: ['registry.internal:5000'], imageMirror: 'registry.internal:5000/mirror' }))()[0].mirror).toMatch(/^registry\.internal:5000\/mirror\//);
  });
});
