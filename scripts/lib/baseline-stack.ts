/**
 * Reads a synthesized baseline stack (cdktf.out/stacks/<stack>/cdk.tf.json) into
 * what the render-and-admit check (scripts/verify-baseline.ts) works on: every
 * helm_release with exactly the values the stack synthesizes, its dependencies,
 * the kubernetes_* objects Terraform creates beside them, and the Kubernetes
 * version of the environment (from the platform stack's cluster resource).
 *
 * `${...}` expressions are resolved with documented stand-ins (STANDINS): the
 * remote-state outputs of the platform stack are unknown until it is applied.
 * Any other expression fails the read: nothing is rendered with a guess.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** One helm_release of a baseline stack, resolved. */
export interface StackRelease {
  /** Terraform address, e.g. helm_release.baseline_vault_release_1BE0EC4C. */
  readonly address: string;
  readonly name: string;
  readonly chart: string;
  /** Chart repository URL; undefined for a chart shipped with the stack (local path). */
  readonly repository?: string;
  readonly version: string;
  readonly namespace: string;
  /** The release's values: every `values` document merged in order, stand-ins resolved. */
  readonly values: JsonObject;
  /** Terraform addresses this release depends on (depends_on). */
  readonly dependsOn: readonly string[];
}

/** A kubernetes_* resource of the stack (created by Terraform, not Helm). */
export interface StackObject {
  readonly address: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
}

export interface BaselineStack {
  readonly stack: string;
  readonly dir: string;
  /** Kubernetes minor of the environment, e.g. "1.34". */
  readonly kubeVersion: string;
  readonly releases: readonly StackRelease[];
  readonly objects: readonly StackObject[];
}

/** A stand-in for an expression Terraform resolves at plan time, with the reason it is safe to render with. */
export interface StandIn {
  readonly pattern: RegExp;
  readonly value: string;
  readonly reason: string;
}

/**
 * Stand-ins by the attribute a remote-state output carries (cdktf names outputs
 * `cross-stack-output-<resource type><construct path>_<hash><attribute>`). The
 * values have the shape of the real ones, so templates that parse or quote them
 * behave as they will at apply time.
 */
export const STANDINS: readonly StandIn[] = [
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-aws_eks_cluster[A-Za-z0-9_-]*_[0-9A-F]{8}name$/,
    value: 'standin-eks-cluster',
    reason: 'EKS cluster name from the platform stack (a DNS label)',
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-aws_vpc[A-Za-z0-9_-]*_[0-9A-F]{8}id$/,
    value: 'vpc-0a1b2c3d4e5f60718',
    reason: 'VPC id from the platform stack (vpc- and 17 hex digits)',
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-[a-z_]+[A-Za-z0-9_-]*_[0-9A-F]{8}(key_id|client_id)$/,
    value: '0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
    reason: 'a KMS key id or managed-identity client id from the platform stack (a UUID)',
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-[a-z_]+[A-Za-z0-9_-]*_[0-9A-F]{8}email$/,
    value: 'standin-vault@standin-project.iam.gserviceaccount.com',
    reason: 'a Google service account e-mail from the platform stack',
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-(azurerm|google)_[a-z_]+[A-Za-z0-9_-]*_[0-9A-F]{8}name$/,
    value: 'standin-name',
    reason: 'a Key Vault, key ring or crypto key name from the platform stack',
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-aws_s3_bucket[A-Za-z0-9_-]*_[0-9A-F]{8}bucket$/,
    value: 'standin-velero-111111111111',
    reason: "Velero's S3 backup bucket name from the platform stack (a lowercase bucket name)",
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-aws_kms_key[A-Za-z0-9_-]*_[0-9A-F]{8}arn$/,
    value: 'arn:aws:kms:eu-west-1:111111111111:key/0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5d',
    reason: "the ARN of Velero's backup key from the platform stack (the BackupStorageLocation's kmsKeyId)",
  },
  {
    pattern: /^data\.terraform_remote_state\.[^.]+\.outputs\.cross-stack-output-dataazurerm_client_config[A-Za-z0-9_-]*_[0-9A-F]{8}subscription_id$/,
    value: '0a1b2c3d-4e5f-4a7b-8c9d-0e1f2a3b4c5e',
    reason: 'the Azure subscription id from the platform stack (a UUID; the BackupStorageLocation names it)',
  },
];

/** Replaces every `${...}` in a string with its stand-in; throws naming any expression without one. */
export function resolveStandIns(text: string, where: string, standIns: readonly StandIn[] = STANDINS): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, expression: string) => {
    const standIn = standIns.find((s) => s.pattern.test(expression));
    if (!standIn) {
      throw new Error(`${where}: no stand-in for the expression \${${expression}} (add one to STANDINS in scripts/lib/baseline-stack.ts with its reason)`);
    }
    return standIn.value;
  });
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's merge of values documents: maps merge key by key, anything else is replaced. */
export function mergeValues(base: JsonObject, overlay: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeValues(current, value) : value;
  }
  return out;
}

const CLUSTER_VERSION_ATTRIBUTES: ReadonlyArray<readonly [string, string]> = [
  ['aws_eks_cluster', 'version'],
  ['azurerm_kubernetes_cluster', 'kubernetes_version'],
  ['google_container_cluster', 'min_master_version'],
];

/** The Kubernetes minor of the cluster in a synthesized platform stack. */
export function clusterKubeVersion(platform: { resource?: Record<string, Record<string, JsonObject>> }, where: string): string {
  for (const [type, attribute] of CLUSTER_VERSION_ATTRIBUTES) {
    for (const resource of Object.values(platform.resource?.[type] ?? {})) {
      const version = resource[attribute];
      if (typeof version === 'string') {
        const minor = /^(\d+\.\d+)/.exec(version);
        if (minor) return minor[1];
      }
    }
  }
  throw new Error(`${where}: no cluster resource with a Kubernetes version (${CLUSTER_VERSION_ATTRIBUTES.map(([t, a]) => `${t}.${a}`).join(', ')})`);
}

function stringMap(value: Json | undefined): Record<string, string> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** kubernetes_<kind>_v1 -> Kind. */
const OBJECT_KINDS: Readonly<Record<string, string>> = {
  kubernetes_namespace_v1: 'Namespace',
  kubernetes_config_map_v1: 'ConfigMap',
  kubernetes_secret_v1: 'Secret',
  kubernetes_cluster_role_binding_v1: 'ClusterRoleBinding',
};

/**
 * Reads `<outdir>/stacks/<stack>/cdk.tf.json` and the platform stack it reads
 * its cluster from (`<cloud>-<env>-platform`, same outdir).
 */
export function readBaselineStack(outdir: string, stack: string): BaselineStack {
  const dir = resolve(outdir, 'stacks', stack);
  const file = join(dir, 'cdk.tf.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { resource?: Record<string, Record<string, JsonObject>> };
  const platformStack = stack.replace(/-baseline$/, '-platform');
  const platformFile = resolve(outdir, 'stacks', platformStack, 'cdk.tf.json');
  if (!existsSync(platformFile)) throw new Error(`${stack}: platform stack ${platformStack} not synthesized (${platformFile})`);
  const kubeVersion = clusterKubeVersion(JSON.parse(readFileSync(platformFile, 'utf8')), platformStack);

  const releases: StackRelease[] = [];
  for (const [id, r] of Object.entries(doc.resource?.helm_release ?? {})) {
    const address = `helm_release.${id}`;
    const where = `${stack} ${address}`;
    const documents = Array.isArray(r.values) ? r.values : [];
    let values: JsonObject = {};
    for (const document of documents) {
      if (typeof document !== 'string') throw new Error(`${where}: values entries must be strings`);
      const parsed = JSON.parse(resolveStandIns(document, where)) as Json;
      if (!isObject(parsed)) throw new Error(`${where}: a values document is not a map`);
      values = mergeValues(values, parsed);
    }
    if (r.set !== undefined || r.set_sensitive !== undefined) {
      throw new Error(`${where}: set/set_sensitive are not read by this check; pass values documents`);
    }
    const field = (name: string): string => {
      const v = r[name];
      if (typeof v !== 'string') throw new Error(`${where}: ${name} missing`);
      return resolveStandIns(v, where);
    };
    releases.push({
      address,
      name: field('name'),
      chart: field('chart'),
      repository: typeof r.repository === 'string' ? r.repository : undefined,
      version: field('version'),
      namespace: typeof r.namespace === 'string' ? r.namespace : 'default',
      values,
      dependsOn: Array.isArray(r.depends_on) ? r.depends_on.filter((d): d is string => typeof d === 'string') : [],
    });
  }

  const objects: StackObject[] = [];
  for (const [type, kind] of Object.entries(OBJECT_KINDS)) {
    for (const [id, r] of Object.entries(doc.resource?.[type] ?? {})) {
      const metadata = (Array.isArray(r.metadata) ? r.metadata[0] : r.metadata) as JsonObject | undefined;
      objects.push({
        address: `${type}.${id}`,
        kind,
        name: String(metadata?.name ?? ''),
        namespace: typeof metadata?.namespace === 'string' ? metadata.namespace : undefined,
        labels: stringMap(metadata?.labels),
        data: stringMap(r.data),
        dependsOn: Array.isArray(r.depends_on) ? r.depends_on.filter((d): d is string => typeof d === 'string') : [],
      });
    }
  }
  return { stack, dir, kubeVersion, releases, objects };
}

/** Every Terraform address `address` depends on, directly or through others (releases and objects). */
export function transitiveDependencies(stack: BaselineStack, address: string): Set<string> {
  const edges = new Map<string, readonly string[]>();
  for (const r of stack.releases) edges.set(r.address, r.dependsOn);
  for (const o of stack.objects) edges.set(o.address, o.dependsOn);
  const seen = new Set<string>();
  const visit = (a: string): void => {
    for (const d of edges.get(a) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        visit(d);
      }
    }
  };
  visit(address);
  return seen;
}
