import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requiredProviders, validateStack } from '../../scripts/validate-terraform';

const REPO = resolve(__dirname, '../..');

describe('validate-terraform (real terraform)', () => {
  let dir: string;
  const stackDir = (name: string, config: object): string => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'cdk.tf.json'), JSON.stringify(config));
    return d;
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-spec-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the pinned providers of a stack as source@version', () => {
    expect(requiredProviders({ terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' }, x: { source: 'acme/x', version: '1.0.0' } } } })).toEqual([
      'acme/x@1.0.0',
      'hashicorp/aws@6.25.0',
    ]);
  });

  it('rejects the planted broken configuration with the diagnostic', () => {
    const r = validateStack('validate-broken', join(REPO, 'test/fixtures/validate-broken'), process.env);
    expect(r.status).toBe('invalid');
    expect(r.lines.join('\n')).toContain('validate-broken: error: Reference to undeclared resource');
  });

  it('fails a configuration terraform init cannot parse, even when the providers are missing (a "${...}" string in depends_on)', () => {
    const mirror = join(dir, 'empty-mirror-2');
    mkdirSync(mirror);
    const d = stackDir('bad-depends-on', {
      terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
      resource: { terraform_data: { a: { input: 'x' }, b: { input: 'y', depends_on: ['${terraform_data.a}'] } } },
    });
    const r = validateStack('bad-depends-on', d, { ...process.env, TF_PLUGIN_MIRROR: mirror, TF_PLUGIN_CACHE_DIR: join(dir, 'cache') });
    expect(r.status).toBe('invalid');
    expect(r.lines.join('\n')).toContain('Invalid expression');
  });

  it('passes a valid configuration', () => {
    const d = stackDir('valid', { terraform: { required_version: '>= 1.10.0, < 2.0.0' }, resource: { terraform_data: { a: { input: 'x' } } } });
    expect(validateStack('valid', d, process.env)).toMatchObject({ status: 'valid', missing: [] });
  });

  it('does not run, naming the provider, when the pinned version is not in the mirror', () => {
    const mirror = join(dir, 'empty-mirror');
    mkdirSync(mirror);
    const d = stackDir('missing', { terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } } });
    const r = validateStack('missing', d, { ...process.env, TF_PLUGIN_MIRROR: mirror, TF_PLUGIN_CACHE_DIR: join(dir, 'cache') });
    expect(r).toEqual({ stack: 'missing', status: 'did-not-run', lines: ['missing: DID NOT RUN: pinned providers not available: hashicorp/aws@6.25.0 (configuration parsed; not validated against the provider schemas)'], missing: ['hashicorp/aws@6.25.0'] });
  });
});
