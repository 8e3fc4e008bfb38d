/**
 * The project's Binary Authorization policy: the policy GKE enforces when a
 * cluster runs with `PROJECT_SINGLETON_POLICY_ENFORCE`. Without it the
 * project keeps Google's default policy, which admits every image, so the
 * cluster setting alone proves nothing (CIS GKE 5.10.5, PCI-DSS 4.0 6.3.2 /
 * 6.4.x: only images from the organisation's own registries run).
 *
 * Deny by default, block and audit-log every refusal; admit the listed
 * registries (each as `<registry>/**`) and, through Google's global (system)
 * policy, the Google-maintained images GKE itself runs. One policy per
 * project: the construct manages the singleton.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { BinaryAuthorizationPolicy as PolicyResource } from '@cdktf/provider-google/lib/binary-authorization-policy';

/**
 * Registry hosts shared by every tenant of the service: a bare host would
 * admit anyone's images (any GCP project's Artifact Registry, any Docker Hub
 * account). Entries on these hosts must name the organisation's own path.
 */
const SHARED_REGISTRY_HOSTS = [/(^|\.)pkg\.dev$/, /(^|\.)gcr\.io$/, /^docker\.io$/, /^registry-1\.docker\.io$/, /^index\.docker\.io$/, /^ghcr\.io$/, /^quay\.io$/, /^registry\.k8s\.io$/];

/** Host (optional port) then lowercase path segments: the form an image reference starts with. */
const REGISTRY_PATH = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9._-]+)*$/;

export interface BinaryAuthorizationPolicyProps {
  /** Project whose singleton policy this is (the cluster's project). */
  readonly project: string;
  /**
   * The organisation's own registries, host and path without scheme or
   * wildcard (`europe-west2-docker.pkg.dev/finplat-prod-0001`). Each is
   * admitted recursively as `<registry>/**`: every repository and image below
   * it, at any tag or digest. Everything else is denied.
   */
  readonly allowedRegistries: readonly string[];
  /** @default 'Managed by CDKTF: deny by default, admit the organisation registries and Google system images.' */
  readonly description?: string;
  /**
   * Resources that must exist first (the project's API enablements).
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/** Throws unless `registry` is a host/path the policy can safely turn into `<registry>/**`. */
function assertRegistry(registry: string): void {
  if (Token.isUnresolved(registry)) return;
  const what = 'binary authorization policy: allowedRegistries entries';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(registry)) {
    throw new Error(`${what} must not carry a scheme (drop "${registry.split('://')[0]}://": image names have none), got "${registry}"`);
  }
  if (registry.includes('*')) {
    throw new Error(`${what} must be a registry path without wildcards (the policy appends "/**" itself; "*" alone would admit every image), got "${registry}"`);
  }
  if (!REGISTRY_PATH.test(registry)) {
    throw new Error(`${what} must be a lowercase registry host with an optional path and no trailing slash, e.g. europe-west2-docker.pkg.dev/my-project, got "${registry}"`);
  }
  const [host, ...path] = registry.split('/');
  if (path.length === 0 && SHARED_REGISTRY_HOSTS.some((shared) => shared.test(host.replace(/:\d+$/, '')))) {
    throw new Error(`${what} must name the organisation's path on the shared registry host (e.g. ${host}/my-project), not the bare host that admits every tenant's images, got "${registry}"`);
  }
}

/**
 * The project's singleton Binary Authorization policy: deny every image by default, block and audit-log each refusal, and
 * admit only the organisation's registries (`<registry>/**`) and, through Google's system policy, the images GKE itself runs.
 */
export class BinaryAuthorizationPolicy extends Construct {
  readonly policy: PolicyResource;
  /** The `admission_whitelist_patterns` name patterns, one per allowed registry. */
  readonly admittedPatterns: readonly string[];

  constructor(scope: Construct, id: string, props: BinaryAuthorizationPolicyProps) {
    super(scope, id);
    if (props.allowedRegistries.length === 0) {
      throw new Error('binary authorization policy: allowedRegistries must list at least one registry; with none, deny-by-default blocks every workload image');
    }
    props.allowedRegistries.forEach(assertRegistry);
    const duplicate = props.allowedRegistries.find((r, i) => props.allowedRegistries.indexOf(r) !== i);
    if (duplicate !== undefined) {
      throw new Error(`binary authorization policy: allowedRegistries must not repeat an entry, got "${duplicate}" twice`);
    }
    // `**` matches across "/" (nested repositories, tag and digest); a single `*` would stop at the next segment.
    this.admittedPatterns = props.allowedRegistries.map((registry) => `${registry}/**`);

    this.policy = new PolicyResource(this, 'policy', {
      project: props.project,
      description: props.description ?? 'Managed by CDKTF: deny by default, admit the organisation registries and Google system images.',
      // Google's system policy admits the Google-maintained images GKE runs (kube-system, logging, managed
      // Prometheus agents); without it deny-by-default would break the cluster itself.
      globalPolicyEvaluationMode: 'ENABLE',
      admissionWhitelistPatterns: this.admittedPatterns.map((namePattern) => ({ namePattern })),
      // CIS GKE 5.10.5 / PCI-DSS 6.4.x: images from anywhere else never start, and each refusal is audit-logged.
      defaultAdmissionRule: {
        evaluationMode: 'ALWAYS_DENY',
        enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
      },
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
  }
}
