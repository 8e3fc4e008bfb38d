/**
 * `npm run bench`: runs the full synth (the app command from cdktf.json, as
 * `cdktf synth` runs it) and a minimal one-resource cdktf app alternately,
 * several times, and prints the median wall time and peak RSS of each and
 * their ratio. Exits non-zero only with --enforce and a missed target.
 *
 *   npm run bench -- --runs 7 --enforce
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const TARGET_TIME_RATIO = 4;
const TARGET_PEAK_RSS_MB = 400;

interface Sample {
  readonly seconds: number;
  readonly rssMb: number;
}

function argValue(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

const root = resolve(__dirname, '..');
const probe = join(root, 'scripts', 'bench', 'rss-probe.cjs');
const appCommand: string = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')).app;
const [launcher, ...launcherArgs] = appCommand.split(/\s+/);
if (launcher !== 'node') {
  throw new Error(`bench expects the cdktf.json app command to start with node, got: ${appCommand}`);
}
const entry = launcherArgs.pop() as string;

function run(script: string): Sample {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const rssFile = join(dir, 'rss');
  const started = process.hrtime.bigint();
  const result = spawnSync('node', ['--require', probe, ...launcherArgs, script], {
    cwd: root,
    env: { ...process.env, CDKTF_OUTDIR: join(dir, 'out'), BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    throw new Error(`${script} failed (${result.status}):\n${result.stderr}`);
  }
  const rssMb = Number(readFileSync(rssFile, 'utf8')) / 1024;
  rmSync(dir, { recursive: true, force: true });
  return { seconds, rssMb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const runs = argValue('--runs', 5);
const full: Sample[] = [];
const minimal: Sample[] = [];
run(entry); // warm the filesystem cache and tsx's transform cache once
for (let i = 0; i < runs; i++) {
  full.push(run(entry));
  minimal.push(run('scripts/bench/minimal-app.ts'));
}

const fullTime = median(full.map((s) => s.seconds));
const minimalTime = median(minimal.map((s) => s.seconds));
const fullRss = median(full.map((s) => s.rssMb));
const minimalRss = median(minimal.map((s) => s.rssMb));
const ratio = fullTime / minimalTime;
const timeOk = ratio <= TARGET_TIME_RATIO;
const rssOk = fullRss <= TARGET_PEAK_RSS_MB;

console.log(`bench: app command "${appCommand}", ${runs} alternating runs each, medians`);
console.log(`  full synth (all stacks)  ${fullTime.toFixed(2)} s  peak RSS ${fullRss.toFixed(0)} MB`);
console.log(`  minimal one-resource app ${minimalTime.toFixed(2)} s  peak RSS ${minimalRss.toFixed(0)} MB`);
console.log(`  ratio ${ratio.toFixed(2)}x (target <= ${TARGET_TIME_RATIO}x: ${timeOk ? 'met' : 'MISSED'}); peak RSS target <= ${TARGET_PEAK_RSS_MB} MB: ${rssOk ? 'met' : 'MISSED'}`);
if (process.argv.includes('--enforce') && !(timeOk && rssOk)) {
  process.exit(1);
}
