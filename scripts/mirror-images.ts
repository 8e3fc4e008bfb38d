/**
 * `npm run mirror:images`: the image mirror pipeline. For every image the baseline runs (every
 * chart's images, `CHART_IMAGES` / `UPSTREAM_IMAGES` in src/constructs/baseline/images.ts, the same
 * list the ECR mirror repositories are derived from), into each selected environment's
 * `platformImageMirror`:
 *
 *   1. copy by digest with crane (`crane digest` of the upstream tag, `crane copy <source>@<digest>`
 *      to `<mirror>/<repository>:<tag>`, then the mirror's tag must resolve to that digest);
 *   2. SBOM with syft (CycloneDX JSON, of the mirrored image by digest);
 *   3. scan with grype (the SBOM against grype's vulnerability database) and the release gate
 *      (scripts/lib/scan-gate.ts: Critical findings fail unless supply-chain/scan-exceptions.yaml
 *      records an unexpired exception with owner and reason);
 *   4. sign the digest with the release key (cosign), attest the SBOM (predicate type
 *      https://cyclonedx.org/bom) and the scan (https://cosign.sigstore.dev/attestation/vuln/v1),
 *      both signed with the same key: what policies/verify-image-signatures verifies at admission;
 *   5. record the digest in the lock file (supply-chain/images.lock.json by default).
 *
 *   node --import tsx scripts/mirror-images.ts --key <ref> [--env <cloud>/<name>]... [--images <file>]
 *     [--lock <file>] [--exceptions <file>] [--platform linux/amd64] [--work <dir>]
 *   node --import tsx scripts/mirror-images.ts --env <cloud>/<name> --print-registry
 *
 *   --key        the release key: a cosign key file (COSIGN_PASSWORD) or a KMS URI (awskms://,
 *                azurekms://, gcpkms://, hashivault://); required (keyless is not what the policy verifies)
 *   --env        environments whose mirrors are filled (default: every environment)
 *   --images     JSON list of { "source": "<upstream ref:tag>", "mirror": "<mirror ref:tag>" } used instead
 *                of the baseline's list (the offline end-to-end test, scripts/verify-mirror.sh)
 *
 * A scan that cannot run (no grype vulnerability database and none downloadable) is reported DID NOT
 * RUN with what is missing, never passed: the image is then mirrored, signed and SBOM-attested but gets
 * NO scan attestation, so a prod-tier cluster refuses it, and the run exits 2. With
 * REQUIRE_IMAGE_SCAN=1 (the workflow) it is a failure (exit 1). Exit 1 on any other failure.
 * Signatures and attestations are not uploaded to the public Rekor log unless MIRROR_TLOG_UPLOAD=1
 * (the image names of a regulated estate stay private; the policy roots trust in the key alone).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadFleetFromDirectory, type EnvironmentConfig } from '../src/config';
import type { BaselineComponent } from '../src/constructs/baseline/helm-defaults';
import { CHART_IMAGES, imagesOf } from '../src/constructs/baseline/images';
import { exceptionProblems, gateReport, gateScan, parseScanExceptions, type GateResult, type ScanException } from './lib/scan-gate';

export const SBOM_PREDICATE_TYPE = 'https://cyclonedx.org/bom';
export const SCAN_PREDICATE_TYPE = 'https://cosign.sigstore.dev/attestation/vuln/v1';
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_DID_NOT_RUN = 2;

/** One copy: an upstream image into one mirror. */
export interface MirrorItem {
  /** Upstream reference with tag, e.g. docker.io/hashicorp/vault:2.0.4 (the lock file key). */
  readonly source: string;
  /** Mirror reference with the same tag, e.g. <platformImageMirror>/hashicorp/vault:2.0.4. */
  readonly mirror: string;
}

/** Every image the baseline runs on each environment's cloud (each once, over every chart) into that environment's mirror, deduplicated by mirror. */
export function mirrorPlan(environments: readonly EnvironmentConfig[]): MirrorItem[] {
  const components = Object.keys(CHART_IMAGES) as BaselineComponent[];
  // One entry per mirror and image; each mirror gets the images its environment's cloud runs (the
  // Velero object-store plugin of that cloud only, CLOUD_ONLY_IMAGES), as imagesOf lists them.
  const seen = new Set<string>();
  const plan: MirrorItem[] = [];
  for (const env of environments) {
    for (const { source, mirror } of imagesOf(components, env.platformImageMirror, env.cloud)) {
      if (!seen.has(mirror)) plan.push({ source, mirror });
      seen.add(mirror);
    }
  }
  return plan;
}

/** `<repo>:<tag>` -> `<repo>` (a registry port is not a tag). */
export function repositoryOf(reference: string): string {
  const at = reference.split('@')[0];
  const slash = at.lastIndexOf('/');
  const colon = at.lastIndexOf(':');
  return colon > slash ? at.slice(0, colon) : at;
}

/** The lock file: upstream reference -> digest, written by this pipeline only. */
export interface ImageLock {
  readonly comment: string;
  readonly images: Record<string, { readonly digest: string; readonly sbom: string; readonly scan: string }>;
}

export function readLock(file: string): ImageLock {
  const empty: ImageLock = { comment: LOCK_COMMENT, images: {} };
  if (!existsSync(file)) return empty;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<ImageLock>;
  return { comment: LOCK_COMMENT, images: { ...(raw.images ?? {}) } };
}

const LOCK_COMMENT = 'Written by scripts/mirror-images.ts (npm run mirror:images): the digest each upstream image:tag was mirrored, signed and attested at. Do not edit by hand.';

export function writeLock(file: string, lock: ImageLock): void {
  const images = Object.fromEntries(Object.entries(lock.images).sort(([a], [b]) => a.localeCompare(b)));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ comment: LOCK_COMMENT, images }, null, 2)}\n`);
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const r = spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) return { code: 127, stdout: '', stderr: `${command}: ${r.error.message}` };
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

function tail(text: string, lines = 6): string {
  // eslint-disable-next-line no-control-regex -- grype colours its log lines even without a terminal
  return text.replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(-lines).join(' | ');
}

/** Whether grype has a usable vulnerability database, after trying to fetch one; the reason if not. */
export function grypeDatabase(env: NodeJS.ProcessEnv): { ready: true; built: string } | { ready: false; missing: string } {
  let status = run('grype', ['db', 'status', '-o', 'json'], env);
  if (status.code !== 0) {
    const update = run('grype', ['db', 'update'], env);
    if (update.code !== 0) {
      return { ready: false, missing: `grype vulnerability database: none in ${env.GRYPE_DB_CACHE_DIR ?? '~/.cache/grype/db'} and \`grype db update\` failed (${tail(update.stderr || update.stdout, 2)})` };
    }
    status = run('grype', ['db', 'status', '-o', 'json'], env);
    if (status.code !== 0) return { ready: false, missing: `grype vulnerability database: invalid after update (${tail(status.stderr || status.stdout, 2)})` };
  }
  let built = 'unknown';
  try {
    built = String((JSON.parse(status.stdout) as { built?: string }).built ?? 'unknown');
  } catch {
    // status printed text: the database is still valid (exit 0)
  }
  return { ready: true, built };
}

export interface ItemResult {
  readonly item: MirrorItem;
  readonly digest?: string;
  readonly scan: 'passed' | 'failed' | 'did-not-run';
  readonly errors: string[];
  readonly lines: string[];
}

interface Options {
  readonly key: string;
  readonly items: readonly MirrorItem[];
  readonly lockFile: string;
  readonly exceptions: readonly ScanException[];
  readonly platform: string;
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
  readonly requireScan: boolean;
}

function cosignArgs(env: NodeJS.ProcessEnv): string[] {
  // Legacy .sig/.att storage: the form Kyverno v1.19 ClusterPolicy verifyImages finds (docs/supply-chain.md).
  const tlog = env.MIRROR_TLOG_UPLOAD === '1';
  return ['--yes', `--tlog-upload=${tlog}`, '--use-signing-config=false', '--new-bundle-format=false'];
}

function mirrorOne(item: MirrorItem, index: number, options: Options, database: ReturnType<typeof grypeDatabase>, grypeVersion: string): ItemResult {
  const errors: string[] = [];
  const lines: string[] = [];
  const { env } = options;
  const fail = (what: string, r: Run): ItemResult => {
    errors.push(`${what} failed (exit ${r.code}): ${tail(r.stderr || r.stdout)}`);
    return { item, scan: 'did-not-run', errors, lines };
  };

  // 1. copy by digest
  const resolved = run('crane', ['digest', item.source], env);
  if (resolved.code !== 0) return fail(`crane digest ${item.source}`, resolved);
  const digest = resolved.stdout.trim();
  const copied = run('crane', ['copy', `${repositoryOf(item.source)}@${digest}`, item.mirror], env);
  if (copied.code !== 0) return fail(`crane copy ${item.source}@${digest} ${item.mirror}`, copied);
  const check = run('crane', ['digest', item.mirror], env);
  if (check.code !== 0) return fail(`crane digest ${item.mirror}`, check);
  if (check.stdout.trim() !== digest) {
    errors.push(`${item.mirror} resolves to ${check.stdout.trim()}, not the copied ${digest}: the mirror tag was moved`);
    return { item, digest, scan: 'did-not-run', errors, lines };
  }
  const pinned = `${repositoryOf(item.mirror)}@${digest}`;
  lines.push(`copied ${item.source} -> ${pinned}`);

  // 2. SBOM (CycloneDX) of exactly that digest
  const dir = join(options.work, String(index));
  mkdirSync(dir, { recursive: true });
  const sbomFile = join(dir, 'sbom.cdx.json');
  const sbom = run('syft', ['scan', `registry:${pinned}`, '--platform', options.platform, '-o', `cyclonedx-json=${sbomFile}`, '-q'], env);
  if (sbom.code !== 0 || !existsSync(sbomFile)) return { ...fail(`syft scan ${pinned}`, sbom), digest };
  const components = ((JSON.parse(readFileSync(sbomFile, 'utf8')) as { components?: unknown[] }).components ?? []).length;
  lines.push(`SBOM: CycloneDX, ${components} components`);

  // 3. scan + gate
  let scan: ItemResult['scan'] = 'did-not-run';
  let gate: GateResult | undefined;
  let started = '';
  let finished = '';
  if (!database.ready) {
    lines.push(`scan: DID NOT RUN (${database.missing})`);
  } else {
    started = new Date().toISOString();
    const scanned = run('grype', [`sbom:${sbomFile}`, '-o', 'json'], { ...env, GRYPE_DB_AUTO_UPDATE: 'false' });
    finished = new Date().toISOString();
    if (scanned.code !== 0) return { ...fail(`grype sbom:${sbomFile}`, scanned), digest };
    gate = gateScan(JSON.parse(scanned.stdout), repositoryOf(item.source), options.exceptions, new Date(finished));
    for (const l of gateReport(repositoryOf(item.source), gate)) lines.push(`scan: ${l}`);
    scan = gate.passed ? 'passed' : 'failed';
    if (!gate.passed) {
      errors.push(`release gate: ${gate.blocking.length} Critical finding(s) without a valid exception (not signed, not attested)`);
      return { item, digest, scan, errors, lines };
    }
  }

  // 4. sign and attest with the release key
  const keyArgs = ['--key', options.key];
  const signed = run('cosign', ['sign', ...cosignArgs(env), ...keyArgs, pinned], env);
  if (signed.code !== 0) return { ...fail(`cosign sign ${pinned}`, signed), digest, scan };
  const sbomAttested = run('cosign', ['attest', ...cosignArgs(env), ...keyArgs, '--type', 'cyclonedx', '--predicate', sbomFile, pinned], env);
  if (sbomAttested.code !== 0) return { ...fail(`cosign attest (SBOM) ${pinned}`, sbomAttested), digest, scan };
  lines.push(`signed and SBOM-attested (${SBOM_PREDICATE_TYPE})`);
  if (gate && database.ready) {
    const predicateFile = join(dir, 'scan.vuln.json');
    writeFileSync(
      predicateFile,
      JSON.stringify({
        invocation: { parameters: null, uri: 'scripts/mirror-images.ts', event_id: env.GITHUB_RUN_ID ?? '', 'builder.id': env.GITHUB_WORKFLOW_REF ?? 'local' },
        scanner: {
          uri: `pkg:golang/github.com/anchore/grype@${grypeVersion}`,
          version: grypeVersion,
          db: { uri: 'grype vulnerability database', version: database.built },
          result: { gate: { passed: gate.passed, counts: gate.counts, accepted: gate.accepted, notes: gate.notes } },
        },
        metadata: { scanStartedOn: started, scanFinishedOn: finished },
      }),
    );
    const scanAttested = run('cosign', ['attest', ...cosignArgs(env), ...keyArgs, '--type', 'vuln', '--predicate', predicateFile, pinned], env);
    if (scanAttested.code !== 0) return { ...fail(`cosign attest (scan) ${pinned}`, scanAttested), digest, scan };
    lines.push(`scan attested (${SCAN_PREDICATE_TYPE}, finished ${finished})`);
  }
  return { item, digest, scan, errors, lines };
}

const FLAGS = ['print-registry'];

function parseArgs(argv: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${JSON.stringify(a)}`);
    if (FLAGS.includes(a.slice(2))) {
      out[a.slice(2)] = ['true'];
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${a} needs a value`);
    (out[a.slice(2)] ??= []).push(value);
    i++;
  }
  const known = ['key', 'env', 'images', 'lock', 'exceptions', 'platform', 'work', ...FLAGS];
  for (const k of Object.keys(out)) if (!known.includes(k)) throw new Error(`unknown option --${k} (options: ${known.map((o) => `--${o}`).join(', ')})`);
  return out;
}

function main(): number {
  const root = resolve(__dirname, '..');
  const args = parseArgs(process.argv.slice(2));
  const env = process.env;
  if (args['print-registry']) {
    // The registry host of one environment's mirror (the workflow logs in to it before the run).
    const fleet = loadFleetFromDirectory(join(root, 'environments'));
    const target = fleet.environments.filter((e) => (args.env ?? []).includes(`${e.cloud}/${e.name}`));
    if (target.length !== 1) {
      console.error('mirror: --print-registry needs exactly one --env <cloud>/<name> of the fleet');
      return EXIT_FAILED;
    }
    console.log(target[0].platformImageMirror.split('/')[0]);
    return EXIT_OK;
  }
  const key = args.key?.[0] ?? env.COSIGN_KEY;
  if (!key) {
    console.error('mirror: --key (or COSIGN_KEY) is required: the release key file or KMS URI (docs/supply-chain.md#keys)');
    return EXIT_FAILED;
  }
  let items: MirrorItem[];
  if (args.images) {
    items = JSON.parse(readFileSync(args.images[0], 'utf8')) as MirrorItem[];
  } else {
    const fleet = loadFleetFromDirectory(join(root, 'environments'));
    const wanted = args.env ?? [];
    const environments = wanted.length === 0 ? fleet.environments : fleet.environments.filter((e) => wanted.includes(`${e.cloud}/${e.name}`));
    const unknown = wanted.filter((w) => !fleet.environments.some((e) => `${e.cloud}/${e.name}` === w));
    if (unknown.length > 0) {
      console.error(`mirror: unknown environment(s) ${unknown.join(', ')} (as <cloud>/<name>)`);
      return EXIT_FAILED;
    }
    items = mirrorPlan(environments);
  }
  const exceptionsFile = args.exceptions?.[0] ?? join(root, 'supply-chain/scan-exceptions.yaml');
  const exceptions = parseScanExceptions(parseYaml(readFileSync(exceptionsFile, 'utf8')));
  const problems = exceptionProblems(exceptions, new Date());
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    return EXIT_FAILED;
  }
  const lockFile = resolve(args.lock?.[0] ?? join(root, 'supply-chain/images.lock.json'));
  const requireScan = env.REQUIRE_IMAGE_SCAN === '1';
  const work = args.work?.[0] ?? mkdtempSync(join(tmpdir(), 'mirror-images-'));
  const options: Options = { key, items, lockFile, exceptions, platform: args.platform?.[0] ?? 'linux/amd64', work, env, requireScan };

  const grypeVersion = (run('grype', ['version', '-o', 'json'], env).stdout.match(/"version":\s*"([^"]+)"/) ?? [])[1] ?? 'unknown';
  const database = grypeDatabase(env);
  console.log(`mirror: ${items.length} image(s); scanner grype ${grypeVersion}, database ${database.ready ? `built ${database.built}` : 'MISSING'}`);

  const lock = readLock(lockFile);
  const results = items.map((item, i) => {
    const r = mirrorOne(item, i, options, database, grypeVersion);
    console.log(`${r.errors.length === 0 ? 'ok  ' : 'FAIL'} ${item.source} -> ${item.mirror}`);
    for (const l of r.lines) console.log(`     ${l}`);
    for (const e of r.errors) console.log(`     ERROR ${e}`);
    if (r.errors.length === 0 && r.digest) {
      const previous = lock.images[item.source];
      if (previous && previous.digest !== r.digest) console.log(`     note: upstream ${item.source} moved from ${previous.digest} to ${r.digest}`);
      lock.images[item.source] = { digest: r.digest, sbom: SBOM_PREDICATE_TYPE, scan: r.scan === 'passed' ? SCAN_PREDICATE_TYPE : 'did-not-run' };
    }
    return r;
  });
  writeLock(lockFile, lock);
  if (!args.work) rmSync(work, { recursive: true, force: true });

  const failed = results.filter((r) => r.errors.length > 0).length;
  const notScanned = results.filter((r) => r.errors.length === 0 && r.scan === 'did-not-run').length;
  console.log(`mirror: ${results.length - failed} mirrored, ${failed} failed; scan: ${results.filter((r) => r.scan === 'passed').length} passed, ${results.filter((r) => r.scan === 'failed').length} blocked, ${notScanned} DID NOT RUN; lock ${lockFile}`);
  if (failed > 0) return EXIT_FAILED;
  if (notScanned > 0) {
    const why = database.ready ? '' : database.missing;
    if (requireScan) {
      console.error(`mirror: the scan DID NOT RUN (${why}) and REQUIRE_IMAGE_SCAN=1: failing`);
      return EXIT_FAILED;
    }
    console.error(`mirror: the scan DID NOT RUN for ${notScanned} image(s) (${why}): not a pass; those images carry no scan attestation, so prod-tier clusters refuse them`);
    return EXIT_DID_NOT_RUN;
  }
  return EXIT_OK;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (error) {
    console.error(`mirror: ${(error as Error).message}`);
    process.exit(EXIT_FAILED);
  }
}
