import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkChart,
  findUnknownKeys,
  loadUpstreamDir,
  publishedVersion,
  sourcesTag,
  run,
  sampleBaselineProps,
  validateSchema,
  type UpstreamChart,
} from '../../scripts/check-helm-values';
import { awsDev, awsProd, awsStaging } from '../helpers/environments';
import { azureDev, azureProd, azureStaging } from '../helpers/environments';
import { gcpDev, gcpProd, gcpStaging } from '../helpers/environments';
import { baselineChartValues } from '../../src/constructs/baseline/security-baseline';

const UPSTREAM_DIR = '/work/shared/upstream';
const REPO_ROOT = join(__dirname, '..', '..');

describe('check-helm-values: rules', () => {
  const upstream: UpstreamChart = {
    values: { podAnnotations: {}, extraEnv: [], affinity: '{{ template }}', server: { replicas: 1, tls: { enabled: false } } },
    version: '1.2.3',
  };

  it('fails a bogus key, naming the chart, key path and value', () => {
    const problems = checkChart({ label: 'demo 1.2.3', chart: 'demo', version: '1.2.3', values: { server: { replicas: 2, bogus: 'x' } } }, upstream);
    expect(problems).toEqual([{ chart: 'demo 1.2.3', path: 'server.bogus', value: '"x"', message: 'unknown key (not in upstream values.yaml or schema)' }]);
  });

  it('fails a version that differs from upstream Chart.yaml', () => {
    const problems = checkChart({ label: 'demo', chart: 'demo', version: '1.2.4', values: {} }, upstream);
    expect(problems).toEqual([{ chart: 'demo', path: '(version)', value: '1.2.4', message: 'upstream chart version is 1.2.3' }]);
  });

  it('accepts keys under maps upstream leaves open ({}, [] or a template string)', () => {
    expect(findUnknownKeys('demo', { podAnnotations: { a: '1' }, extraEnv: [{ name: 'X' }], affinity: { podAntiAffinity: {} } }, upstream)).toEqual([]);
  });

  it('accepts keys below the documented open paths only', () => {
    const istiod = { values: { meshConfig: { enablePrometheusMerge: true }, pdb: { minAvailable: 1 } } };
    expect(findUnknownKeys('istiod', { meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } } }, istiod)).toEqual([]);
    expect(findUnknownKeys('istiod', { pdb: { minAvilable: 1 } }, istiod)).toEqual([{ path: 'pdb.minAvilable', value: '1' }]);
  });

  it('accepts an open path upstream values.yaml does not show (istio cni global.platform), and nothing beside it', () => {
    const cni = { values: { global: { hub: 'docker.io/istio' } } };
    expect(findUnknownKeys('cni', { global: { platform: 'gke' } }, cni)).toEqual([]);
    expect(findUnknownKeys('cni', { global: { platfrom: 'gke' } }, cni)).toHaveLength(1);
    expect(findUnknownKeys('istiod', { global: { platform: 'gke' } }, cni)).toHaveLength(1);
  });

  it('accepts keys a schema opens with additionalProperties, but never at the top level', () => {
    const schema = { type: 'object', additionalProperties: true, properties: { loki: { type: 'object', properties: { storage: { type: 'object', additionalProperties: true } } } } };
    const chart: UpstreamChart = { values: { loki: { storage: { type: 's3' } } }, schema };
    expect(findUnknownKeys('x', { loki: { storage: { filesystem: { dir: '/x' } } } }, chart)).toEqual([]);
    expect(findUnknownKeys('x', { typo: true }, chart)).toEqual([{ path: 'typo', value: 'true' }]);
  });

  it('validates merged values against the schema (types, enums, additionalProperties false)', () => {
    const schema = {
      type: 'object',
      properties: { mode: { type: 'string', enum: ['a', 'b'] }, n: { type: 'integer' }, closed: { type: 'object', additionalProperties: false, properties: { x: { type: 'boolean' } } } },
    };
    expect(validateSchema(schema, schema, { mode: 'c', n: 'one', closed: { y: 1 } }).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'mode: must be one of ["a","b"]',
      'n: must be integer, is string',
      'closed.y: is not allowed (additionalProperties: false)',
    ]);
  });

  it('quotes key segments containing dots', () => {
    const chart: UpstreamChart = { values: { configs: { cm: { 'admin.enabled': true } } } };
    expect(findUnknownKeys('demo', { configs: { cm: { 'admin.enbled': false } } }, chart)).toEqual([{ path: 'configs.cm["admin.enbled"]', value: 'false' }]);
  });
});

describe('check-helm-values: upstream data', () => {
  it('reads the version istio charts are published as (Chart.yaml says 1.0.0)', () => {
    expect(publishedVersion(UPSTREAM_DIR, 'istiod')).toBe('1.30.3');
    expect(loadUpstreamDir(UPSTREAM_DIR, 'base')?.version).toBe('1.30.3');
  });

  it('falls back to the whole chart under chart-sources, with the tag SOURCES.md records for a git placeholder version', () => {
    expect(loadUpstreamDir(UPSTREAM_DIR, 'cert-manager')).toBeUndefined();
    const certManager = loadUpstreamDir(UPSTREAM_DIR, 'cert-manager', 'v1.21.1')!;
    expect(certManager.version).toBe('v1.21.1'); // Chart.yaml in git: v0.0.0
    expect(certManager.values).toHaveProperty('webhook.replicaCount');
    expect(certManager.schema).toBeDefined();
    expect(loadUpstreamDir(UPSTREAM_DIR, 'cni', '1.30.3')?.version).toBe('1.30.3'); // Chart.yaml: 1.0.0
    expect(sourcesTag(UPSTREAM_DIR, 'no-such-chart-1.0.0')).toBeUndefined();
  });

  it('catches a key cert-manager does not have, through its values.schema.json too', () => {
    const certManager = loadUpstreamDir(UPSTREAM_DIR, 'cert-manager', 'v1.21.1')!;
    const problems = checkChart({ label: 'cert-manager', chart: 'cert-manager', version: 'v1.21.1', values: { webhook: { replicaCount: 'two', bogus: 1 } } }, certManager);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['webhook.bogus']));
    expect(problems.length).toBeGreaterThanOrEqual(2);
  });

  it('lifts istio defaults out of _internal_defaults_do_not_set', () => {
    const istiod = loadUpstreamDir(UPSTREAM_DIR, 'istiod')!;
    expect(istiod.values).toHaveProperty('meshConfig');
    expect(istiod.values).toHaveProperty('pdb.minAvailable', 1);
  });

  it('reads kube-prometheus-stack grafana keys from the grafana subchart', () => {
    expect(loadUpstreamDir(UPSTREAM_DIR, 'kube-prometheus-stack')!.values).toHaveProperty('grafana.persistence.enabled');
  });

  it('reads kube-state-metrics keys from the subchart inside the whole chart (chart-sources)', () => {
    expect(loadUpstreamDir(UPSTREAM_DIR, 'kube-prometheus-stack')!.values).not.toHaveProperty('kube-state-metrics.image.registry');
    const kps = loadUpstreamDir(UPSTREAM_DIR, 'kube-prometheus-stack', '88.5.3')!;
    expect(kps.values).toHaveProperty('kube-state-metrics.image.registry');
    const problems = checkChart({ label: 'kps', chart: 'kube-prometheus-stack', version: '88.5.3', values: { 'kube-state-metrics': { image: { bogus: 'x' } } } }, kps);
    expect(problems.map((p) => p.path)).toEqual(['kube-state-metrics.image.bogus']);
  });

  it('catches a key vault does not have, through its values.schema.json too', () => {
    const vault = loadUpstreamDir(UPSTREAM_DIR, 'vault')!;
    const problems = checkChart({ label: 'vault', chart: 'vault', version: '0.34.1', values: { server: { ha: { replicas: 'three', raft: { bogus: true } } } } }, vault);
    expect(problems.map((p) => p.path)).toEqual(['server.ha.raft.bogus', 'server.ha.replicas']);
  });
});

describe('check-helm-values: run', () => {
  it('does not run, and exits 2, without UPSTREAM_DIR or --helm', () => {
    expect(run([], {}, REPO_ROOT)).toEqual({ exitCode: 2, lines: ['helm values check DID NOT RUN: set UPSTREAM_DIR or pass --helm'] });
  });

  it('passes the baseline against the upstream data and lists the charts it cannot verify', () => {
    const result = run([], { UPSTREAM_DIR }, REPO_ROOT);
    expect(result.lines.filter((l) => l.startsWith('problem:'))).toEqual([]);
    expect(result.exitCode).toBe(0);
    // Charts without a charts/<chart> entry are read from the whole chart under chart-sources/.
    expect(result.lines).toContain('ok: aws-load-balancer-controller 1.14.0 (aws, release aws-load-balancer-controller) [UPSTREAM_DIR]');
    expect(result.lines).toContain('ok: cert-manager v1.21.1 (gcp, release cert-manager) [UPSTREAM_DIR]');
    expect(result.lines).toContain('ok: platform-pki 0.1.0 (azure, release platform-pki) [charts/platform-pki]');
    expect(result.lines.filter((l) => l.startsWith('not verified'))).toEqual([]);
    expect(result.lines.filter((l) => l.startsWith('ok: vault 0.34.1'))).toHaveLength(3);
  });

  describe('with a changed upstream', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'upstream-'));
      cpSync(join(UPSTREAM_DIR, 'README.md'), join(dir, 'README.md'));
      cpSync(join(UPSTREAM_DIR, 'charts'), join(dir, 'charts'), { recursive: true });
      symlinkSync(join(UPSTREAM_DIR, 'chart-sources'), join(dir, 'chart-sources'));
      // Upstream renames a key the baseline sets, and publishes another version.
      const falco = join(dir, 'charts', 'falco', 'values.yaml');
      writeFileSync(falco, readFileSync(falco, 'utf8').replace(/^ {2}watch_config_files: true$/m, '  watch_config_files_renamed: true'));
      const kyverno = join(dir, 'charts', 'kyverno', 'Chart.yaml');
      writeFileSync(kyverno, readFileSync(kyverno, 'utf8').replace(/^version: 3\.9\.0/m, 'version: 3.9.1'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('exits 1 with one line per problem', () => {
      const result = run([], { UPSTREAM_DIR: dir }, REPO_ROOT);
      expect(result.exitCode).toBe(1);
      const problems = result.lines.filter((l) => l.startsWith('problem:'));
      expect(problems).toContain('problem: falco 9.1.0 (aws, release falco): falco.watch_config_files = true: unknown key (not in upstream values.yaml or schema)');
      expect(problems).toContain('problem: kyverno 3.9.0 (gcp, release kyverno): (version) = 3.9.0: upstream chart version is 3.9.1');
      expect(problems).toHaveLength(6); // two problems x three clouds
    });
  });
});

describe('check-helm-values: sample environments', () => {
  it.each([
    ['aws dev', awsDev],
    ['aws staging', awsStaging],
    ['aws prod', awsProd],
    ['azure dev', azureDev],
    ['azure staging', azureStaging],
    ['azure prod', azureProd],
    ['gcp dev', gcpDev],
    ['gcp staging', gcpStaging],
    ['gcp prod', gcpProd],
  ])('builds the baseline values for %s (every configured registry and mirror is accepted)', (_name, config) => {
    const sample = sampleBaselineProps(config);
    expect(sample.imageMirror).toBe(config.platformImageMirror);
    const charts = baselineChartValues(sample);
    expect(charts.map((c) => c.chart)).toEqual(expect.arrayContaining(['kyverno', 'istiod', 'vault', 'falco', 'argo-cd', 'kube-prometheus-stack', 'loki', 'tempo']));
    const apps = charts.find((c) => c.releaseName === 'platform-policies')!.values as { applications: Record<string, { source: { targetRevision: string } }> };
    expect(apps.applications['platform-policies'].source.targetRevision).toBe(config.gitOps.targetRevision);
  });
});

describe('check-helm-values: --helm without helm or network', () => {
  it('exits 2 when no upstream chart could be read, even though the local platform chart was checked', () => {
    const result = run(['--helm'], { PATH: '/nonexistent' }, REPO_ROOT);
    expect(result.exitCode).toBe(2);
    expect(result.lines[result.lines.length - 1]).toBe('helm values check DID NOT RUN: no upstream chart could be read');
  });
});
