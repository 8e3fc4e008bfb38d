/**
 * `npm run bench`: the full synth (the app command from cdktf.json, as
 * `cdktf synth` runs it: precompiled JS from `npm run build`) against a
 * minimal one-resource cdktf app, compiled the same way and run with the same
 * node, alternately, several times. Prints, per app, the median wall time,
 * the peak RSS, the stacks written and the seconds per stack, and checks the
 * targets of scripts/lib/bench.ts. Exits non-zero only with --enforce and a
 * missed target (and names it).
 *
 *   npm run bench -- --runs 7 --fleet 100 --enforce
 *
 * --fleet N also synthesizes a generated fleet of N environments
 * (scripts/lib/generate-fleet.ts, through PLATFORM_ENVIRONMENTS_DIR) and
 * compares its seconds per stack with today's fleet (environments/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { BenchUsageError, evaluateTargets, formatReport, measure, parseBenchArgs, type BenchOptions, type Sample } from './lib/bench';
import { writeGeneratedFleet } from './lib/generate-fleet';

const root = resolve(__dirname, '..');
const probe = join(root, 'scripts', 'bench', 'rss-probe.cjs');

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof BenchUsageError)) throw error;
  console.error(error.message);
  process.exit(2);
}

const appCommand: string = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')).app;
const [launcher, ...launcherArgs] = appCommand.split(/\s+/);
if (launcher !== 'node') {
  throw new Error(`bench expects the cdktf.json app command to start with node, got: ${appCommand}`);
}
const entry = launcherArgs.pop() as string;

// What `npm run synth` runs first: the bench measures the current source, never a stale dist/.
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) throw new Error(`npm run build failed (${build.status})`);
if (!existsSync(join(root, entry))) throw new Error(`${entry} (the cdktf.json app) does not exist after npm run build`);

const work = mkdtempSync(join(tmpdir(), 'bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/**
 * The yardstick runs as the app does: JavaScript emitted by TypeScript with
 * the build's compiler options, started by plain node (no loader on either
 * side). It is emitted here rather than by the build, whose rootDir is src/.
 * Its imports resolve through a node_modules link to the repository's.
 */
function compileMinimalApp(): string {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('tsconfig.build.json: cannot be read');
  const source = join(root, 'scripts', 'bench', 'minimal-app.ts');
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), { compilerOptions: config.options, fileName: source });
  const dir = join(work, 'minimal');
  mkdirSync(dir);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'minimal-app.js'), outputText);
  return join(dir, 'minimal-app.js');
}

const SELECTION = ['PLATFORM_CLOUDS', 'PLATFORM_ENVIRONMENTS', 'PLATFORM_TIERS'];

let runCount = 0;
function run(script: string, environmentsDir: string): Sample {
  const dir = join(work, `run-${runCount++}`);
  mkdirSync(dir);
  const rssFile = join(dir, 'rss');
  const outdir = join(dir, 'out');
  const env: NodeJS.ProcessEnv = { ...process.env, PLATFORM_ENVIRONMENTS_DIR: environmentsDir, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: rssFile };
  for (const key of SELECTION) delete env[key]; // the whole fleet, whatever the caller's shell selects
  const started = process.hrtime.bigint();
  const result = spawnSync('node', ['--require', probe, ...launcherArgs, script], { cwd: root, env, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${script} failed (${result.status}):\n${result.stderr}`);
  }
  const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  const stacks = readdirSync(join(outdir, 'stacks'), { withFileTypes: true }).filter((e) => e.isDirectory()).length;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rssMb, stacks };
}

const todayDir = join(root, 'environments');
const minimalApp = compileMinimalApp();
let generatedDir: string | undefined;
if (options.fleet !== undefined) {
  generatedDir = join(work, 'fleet');
  writeGeneratedFleet(generatedDir, options.fleet, todayDir);
}

const today: Sample[] = [];
const generated: Sample[] = [];
const minimal: Sample[] = [];
// Warm the filesystem cache (node_modules, dist) once; the generated fleet shares it.
run(entry, todayDir);
run(minimalApp, todayDir);
for (let i = 0; i < options.runs; i++) {
  today.push(run(entry, todayDir));
  if (generatedDir !== undefined) generated.push(run(entry, generatedDir));
  minimal.push(run(minimalApp, todayDir));
}

const results = {
  today: measure("today's fleet", today),
  minimal: measure('minimal app', minimal),
  ...(generatedDir !== undefined ? { generated: measure('generated fleet', generated) } : {}),
};
const header = `bench: app command "${appCommand}" (cdktf.json) vs the minimal app compiled alike, ${options.runs} alternating run(s) each; median time, highest peak RSS`;
process.stdout.write(formatReport(results, header, options.fleet));
const missed = evaluateTargets(results).filter((t) => !t.met);
if (options.enforce && missed.length > 0) {
  console.error(`bench: missed target(s): ${missed.map((t) => `${t.name} ${t.value} (target ${t.target})`).join('; ')}`);
  process.exit(1);
}
