import { BinaryAuthorizationPolicy } from '../../../src/constructs/gcp/binary-authorization';
import { type Json, only, synth } from './helpers';

const REGISTRIES = ['europe-west2-docker.pkg.dev/test-project-01', 'europe-docker.pkg.dev/test-project-01/releases'];

describe('BinaryAuthorizationPolicy defaults', () => {
  let json: Json;
  let construct: BinaryAuthorizationPolicy;
  beforeAll(() => {
    json = synth((scope) => {
      construct = new BinaryAuthorizationPolicy(scope, 'binauthz', { project: 'test-project-01', allowedRegistries: REGISTRIES });
    });
  });

  it('denies every image by default, blocking and audit-logging each refusal', () => {
    const policy = only(json, 'google_binary_authorization_policy');
    expect(policy.project).toBe('test-project-01');
    expect(policy.default_admission_rule).toEqual({ evaluation_mode: 'ALWAYS_DENY', enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' });
    expect(policy.cluster_admission_rules).toBeUndefined();
  });

  it('admits each allowed registry recursively with a trailing **', () => {
    const policy = only(json, 'google_binary_authorization_policy');
    expect(policy.admission_whitelist_patterns).toEqual([
      { name_pattern: 'europe-west2-docker.pkg.dev/test-project-01/**' },
      { name_pattern: 'europe-docker.pkg.dev/test-project-01/releases/**' },
    ]);
    expect(construct.admittedPatterns).toEqual(REGISTRIES.map((r) => `${r}/**`));
  });

  it('evaluates the Google-maintained system policy so GKE system images still run', () => {
    expect(only(json, 'google_binary_authorization_policy').global_policy_evaluation_mode).toBe('ENABLE');
  });

  it('describes the policy as managed here', () => {
    expect(only(json, 'google_binary_authorization_policy').description).toContain('deny by default');
  });
});

describe('BinaryAuthorizationPolicy input checks', () => {
  const build = (allowedRegistries: readonly string[]) => () =>
    synth((scope) => new BinaryAuthorizationPolicy(scope, 'binauthz', { project: 'test-project-01', allowedRegistries }));

  it('rejects an empty registry list', () => {
    expect(build([])).toThrow('binary authorization policy: allowedRegistries must list at least one registry; with none, deny-by-default blocks every workload image');
  });

  it('rejects a wildcard-only entry', () => {
    expect(build(['*'])).toThrow('allowedRegistries entries must be a registry path without wildcards (the policy appends "/**" itself; "*" alone would admit every image), got "*"');
    expect(build(['**'])).toThrow('must be a registry path without wildcards');
  });

  it('rejects an entry that already carries a wildcard', () => {
    expect(build(['europe-west2-docker.pkg.dev/test-project-01/*'])).toThrow('got "europe-west2-docker.pkg.dev/test-project-01/*"');
  });

  it('rejects a scheme-prefixed entry', () => {
    expect(build(['https://europe-west2-docker.pkg.dev/test-project-01'])).toThrow(
      'allowedRegistries entries must not carry a scheme (drop "https://": image names have none), got "https://europe-west2-docker.pkg.dev/test-project-01"',
    );
    expect(build(['oci://europe-west2-docker.pkg.dev/test-project-01'])).toThrow('must not carry a scheme (drop "oci://"');
  });

  it('rejects uppercase, whitespace and a trailing slash', () => {
    for (const bad of ['Europe-west2-docker.pkg.dev/p', 'europe-west2-docker.pkg.dev/p ', 'europe-west2-docker.pkg.dev/p/']) {
      expect(build([bad])).toThrow(`must be a lowercase registry host with an optional path and no trailing slash, e.g. europe-west2-docker.pkg.dev/my-project, got "${bad}"`);
    }
  });

  it('rejects a bare shared registry host that would admit every tenant', () => {
    expect(build(['europe-west2-docker.pkg.dev'])).toThrow(
      'must name the organisation\'s path on the shared registry host (e.g. europe-west2-docker.pkg.dev/my-project), not the bare host that admits every tenant\'s images, got "europe-west2-docker.pkg.dev"',
    );
    for (const host of ['gcr.io', 'eu.gcr.io', 'docker.io', 'ghcr.io', 'quay.io']) {
      expect(build([host])).toThrow(`not the bare host that admits every tenant's images, got "${host}"`);
    }
  });

  it('accepts a private registry host of its own', () => {
    expect(build(['registry.finplat.example:5000'])).not.toThrow();
  });

  it('rejects a repeated entry', () => {
    expect(build([REGISTRIES[0], REGISTRIES[0]])).toThrow(`binary authorization policy: allowedRegistries must not repeat an entry, got "${REGISTRIES[0]}" twice`);
  });
});
