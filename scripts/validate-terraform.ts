/**
 * `npm run validate:terraform`: `terraform init -backend=false` and `terraform validate` of every
 * synthesized stack with its pinned providers, with the real Terraform.
 *
 *   node --import tsx scripts/validate-terraform.ts [--outdir cdktf.out] [--stack <name>]... [--self-test]
 *
 * Providers come from a filesystem mirror (TF_PLUGIN_MIRROR, a `terraform providers mirror`
 * layout) when it is set, else from the registry. A stack whose pinned providers cannot be installed
 * is not validated: the run says DID NOT RUN, names every missing provider and version, and exits 2,
 * never 0. Exit 1 on any validation error (one line per diagnostic: stack, severity, summary,
 * address). `--self-test` validates a planted broken configuration (test/fixtures/validate-broken,
 * built-in resources only, so it runs offline) and fails unless Terraform rejects it.
 * The synthesized Terraform is copied, never edited.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

type Json = Record<string, unknown>;

export interface StackResult {
  readonly stack: string;
  readonly status: 'valid' | 'invalid' | 'did-not-run';
  readonly lines: string[];
  /** `source@version` of the providers that could not be installed. */
  readonly missing: string[];
}

const EXIT_OK = 0;
const EXIT_PROBLEM = 1;
const EXIT_DID_NOT_RUN = 2;

function terraform(args: string[], cwd: string, env: NodeJS.ProcessEnv): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** `hashicorp/aws@6.25.0` for each required provider (cdktf writes `aws`, meaning hashicorp/aws). */
export function requiredProviders(config: Json): string[] {
  const req = ((config.terraform as Json | undefined)?.required_providers ?? {}) as Record<string, { source?: string; version?: string }>;
  return Object.entries(req)
    .map(([name, p]) => {
      const source = p.source ?? name;
      return `${source.includes('/') ? source : `hashicorp/${source}`}@${p.version ?? '(no version)'}`;
    })
    .sort();
}

/** A CLI config that installs only from the mirror (no registry fallback), so a miss is a miss. */
function mirrorConfig(dir: string, mirror: string): string {
  const file = join(dir, 'cli.tfrc');
  writeFileSync(file, `provider_installation {\n  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }\n}\n`);
  return file;
}

export function validateStack(stack: string, stackDir: string, env: NodeJS.ProcessEnv): StackResult {
  const work = mkdtempSync(join(tmpdir(), `validate-${stack}-`));
  try {
    // Only what Terraform reads: the configuration and the assets it references by path.
    for (const f of readdirSync(stackDir).filter((n) => n.endsWith('.tf.json'))) cpSync(join(stackDir, f), join(work, f));
    if (existsSync(join(stackDir, 'assets'))) cpSync(join(stackDir, 'assets'), join(work, 'assets'), { recursive: true });
    const config = JSON.parse(readFileSync(join(work, 'cdk.tf.json'), 'utf8')) as Json;
    const providers = requiredProviders(config);
    // One provider download for all stacks (the aws provider alone is hundreds of MB).
    const pluginCache = env.TF_PLUGIN_CACHE_DIR ?? join(env.PLATFORM_TOOLS_CACHE ?? join(homedir(), '.cache/platform-tools'), 'terraform-plugins');
    mkdirSync(pluginCache, { recursive: true });
    const runEnv: NodeJS.ProcessEnv = { ...env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_PLUGIN_CACHE_DIR: pluginCache };
    if (env.TF_PLUGIN_MIRROR) runEnv.TF_CLI_CONFIG_FILE = mirrorConfig(work, resolve(env.TF_PLUGIN_MIRROR));
    const init = terraform(['init', '-backend=false', '-input=false', '-no-color'], work, runEnv);
    if (init.code !== 0) {
      const text = init.stdout + init.stderr;
      const missing = providers.filter((p) => {
        const [source, version] = p.split('@');
        const installed = existsSync(join(work, '.terraform', 'providers', 'registry.terraform.io', source, version));
        return !installed;
      });
      if (missing.length > 0 && /Failed to query available provider packages|Failed to install provider|could not connect|no available releases match|Incompatible provider version|does not have a package/i.test(text)) {
        // init parses the whole configuration before it installs providers: a parse error would have
        // failed above. What did not run is validation against the providers' schemas.
        return {
          stack,
          status: 'did-not-run',
          lines: [`${stack}: DID NOT RUN: pinned providers not available: ${missing.join(', ')} (configuration parsed; not validated against the provider schemas)`],
          missing,
        };
      }
      return { stack, status: 'invalid', lines: [`${stack}: terraform init failed: ${text.split('\n').filter((l) => /Error/.test(l)).join(' ') || text.trim().split('\n').at(-1)}`], missing: [] };
    }
    const validate = terraform(['validate', '-json', '-no-color'], work, runEnv);
    const result = JSON.parse(validate.stdout) as { valid: boolean; diagnostics?: Array<{ severity: string; summary: string; detail?: string; address?: string; range?: { filename: string } }> };
    const lines = (result.diagnostics ?? [])
      .filter((d) => d.severity === 'error' || !result.valid)
      .map((d) => `${stack}: ${d.severity}: ${d.summary}${d.address ? ` (${d.address})` : ''}${d.detail ? `: ${d.detail.split('\n')[0]}` : ''}`);
    return { stack, status: result.valid ? 'valid' : 'invalid', lines: result.valid ? [`${stack}: valid (${providers.join(', ')})`] : lines, missing: [] };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function selfTest(repoRoot: string, env: NodeJS.ProcessEnv): number {
  const fixture = join(repoRoot, 'test/fixtures/validate-broken');
  const broken = validateStack('validate-broken', fixture, env);
  const caught = broken.status === 'invalid' && broken.lines.some((l) => /Reference to undeclared resource/.test(l));
  for (const l of broken.lines) console.log(`[validate-terraform] self-test: ${l}`);
  console.log(`validate-terraform self-test: ${caught ? 'PASS (the planted reference to an undeclared resource was rejected)' : 'FAIL (the planted defect was not rejected)'}`);
  return caught ? EXIT_OK : EXIT_PROBLEM;
}

export function main(args: readonly string[], env: NodeJS.ProcessEnv, repoRoot: string): number {
  if (spawnSync('terraform', ['version'], { encoding: 'utf8' }).error) {
    console.log('validate-terraform DID NOT RUN: terraform is not installed');
    return EXIT_DID_NOT_RUN;
  }
  if (args.includes('--self-test')) return selfTest(repoRoot, env);
  let outdir = join(repoRoot, 'cdktf.out');
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--outdir') outdir = resolve(args[++i]);
    else if (args[i] === '--stack') only.push(args[++i]);
    else {
      console.log(`validate-terraform DID NOT RUN: unknown argument ${args[i]}`);
      return EXIT_DID_NOT_RUN;
    }
  }
  const stacksDir = join(outdir, 'stacks');
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).filter((s) => existsSync(join(stacksDir, s, 'cdk.tf.json'))).filter((s) => only.length === 0 || only.includes(s)) : [];
  if (stacks.length === 0) {
    console.log(`validate-terraform DID NOT RUN: no synthesized stack under ${stacksDir} (run npm run synth)`);
    return EXIT_DID_NOT_RUN;
  }
  const started = Date.now();
  const results = stacks.sort().map((s) => validateStack(s, join(stacksDir, s), env));
  for (const r of results) for (const l of r.lines) console.log(`[validate-terraform] ${l}`);
  const count = (st: StackResult['status']): number => results.filter((r) => r.status === st).length;
  const missing = [...new Set(results.flatMap((r) => r.missing))].sort();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (count('invalid') > 0) {
    console.log(`validate-terraform: FAIL (${count('invalid')} invalid, ${count('valid')} valid, ${count('did-not-run')} not run; ${seconds}s)`);
    return EXIT_PROBLEM;
  }
  if (count('did-not-run') > 0) {
    console.log(
      `validate-terraform DID NOT RUN for ${count('did-not-run')} of ${results.length} stacks (${count('valid')} valid): providers missing: ${missing.join(', ')}. ` +
        'Set TF_PLUGIN_MIRROR to a mirror holding them (terraform providers mirror), or run where the registry is reachable.',
    );
    return EXIT_DID_NOT_RUN;
  }
  console.log(`validate-terraform: PASS (${results.length} stacks valid with their pinned providers; ${seconds}s)`);
  return EXIT_OK;
}

if (require.main === module) process.exit(main(process.argv.slice(2), process.env, resolve(__dirname, '..')));
