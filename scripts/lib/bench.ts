/**
 * The pure part of `npm run bench` (scripts/bench.ts): its command line, the
 * statistics of the samples and the targets. It does no I/O, so the
 * spec checks every branch without running a synth.
 */
import { MAX_GENERATED_ENVIRONMENTS } from './generate-fleet';

/** Full synth of today's fleet within this many times the minimal one-resource app (on the way to 2x). */
export const TARGET_TIME_RATIO = 4;
/** Seconds per stack of the generated fleet within this many times that of today's fleet. */
export const TARGET_PER_STACK_RATIO = 1.2;
/** Peak RSS of the full synth of today's fleet. */
export const TARGET_PEAK_RSS_MB = 400;
/** Peak RSS of the full synth of the generated fleet (--fleet N). */
export const TARGET_FLEET_PEAK_RSS_MB = 1024;

export const BENCH_USAGE = 'usage: npm run bench -- [--runs N] [--fleet N] [--enforce]';

export interface BenchOptions {
  /** Measured runs of each app, alternating (after one unmeasured warm-up). */
  readonly runs: number;
  /** Environments of the generated fleet, or undefined for today's fleet only. */
  readonly fleet: number | undefined;
  /** Exit non-zero when a target is missed. */
  readonly enforce: boolean;
}

export class BenchUsageError extends Error {}

function positiveInteger(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value.startsWith('--') || !Number.isInteger(n) || n < 1) {
    throw new BenchUsageError(`${flag}: got ${value === undefined ? 'nothing' : JSON.stringify(value)}; allowed: a positive integer\n${BENCH_USAGE}`);
  }
  return n;
}

/** Parses the arguments after `npm run bench --`; throws BenchUsageError on anything else. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let runs = 5;
  let fleet: number | undefined;
  let enforce = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--enforce' && inline === undefined) enforce = true;
    else if (flag === '--runs') runs = positiveInteger(flag, inline ?? argv[++i]);
    else if (flag === '--fleet') {
      fleet = positiveInteger(flag, inline ?? argv[++i]);
      if (fleet > MAX_GENERATED_ENVIRONMENTS) {
        throw new BenchUsageError(`--fleet: got ${fleet}; allowed: at most ${MAX_GENERATED_ENVIRONMENTS} (one /16 per environment in 10.0.0.0/8)\n${BENCH_USAGE}`);
      }
    } else throw new BenchUsageError(`unknown argument ${JSON.stringify(arg)}\n${BENCH_USAGE}`);
  }
  return { runs, fleet, enforce };
}

export interface Sample {
  readonly seconds: number;
  /** Peak resident set size of the process, in MB. */
  readonly rssMb: number;
  /** Stack directories the run wrote under <outdir>/stacks. */
  readonly stacks: number;
}

export interface Measurement {
  /** Median wall time, in seconds. */
  readonly seconds: number;
  /** Highest peak RSS of any run, in MB (a ceiling target is about the worst run). */
  readonly rssMb: number;
  readonly stacks: number;
  readonly secondsPerStack: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median time and worst peak RSS of one app's runs; every run must have written the same stacks. */
export function measure(label: string, samples: readonly Sample[]): Measurement {
  const stacks = new Set(samples.map((s) => s.stacks));
  if (stacks.size !== 1) throw new Error(`${label}: runs wrote different numbers of stacks (${[...stacks].join(', ')})`);
  const [count] = stacks;
  if (count < 1) throw new Error(`${label}: wrote no stack`);
  const seconds = median(samples.map((s) => s.seconds));
  return { seconds, rssMb: Math.max(...samples.map((s) => s.rssMb)), stacks: count, secondsPerStack: seconds / count };
}

export interface TargetResult {
  readonly name: string;
  readonly value: string;
  readonly target: string;
  readonly met: boolean;
}

export interface BenchResults {
  readonly today: Measurement;
  readonly minimal: Measurement;
  /** The generated fleet, when --fleet was given. */
  readonly generated?: Measurement;
}

/** Every target that applies to the results, met or not. */
export function evaluateTargets(results: BenchResults): TargetResult[] {
  const { today, minimal, generated } = results;
  const timeRatio = today.seconds / minimal.seconds;
  const targets: TargetResult[] = [
    { name: 'full synth / minimal app', value: `${timeRatio.toFixed(2)}x`, target: `<= ${TARGET_TIME_RATIO}x`, met: timeRatio <= TARGET_TIME_RATIO },
    { name: "peak RSS, today's fleet", value: `${today.rssMb.toFixed(0)} MB`, target: `<= ${TARGET_PEAK_RSS_MB} MB`, met: today.rssMb <= TARGET_PEAK_RSS_MB },
  ];
  if (generated) {
    const perStack = generated.secondsPerStack / today.secondsPerStack;
    targets.push(
      { name: 'per stack, generated / today', value: `${perStack.toFixed(2)}x`, target: `<= ${TARGET_PER_STACK_RATIO}x`, met: perStack <= TARGET_PER_STACK_RATIO },
      { name: 'peak RSS, generated fleet', value: `${generated.rssMb.toFixed(0)} MB`, target: `< ${TARGET_FLEET_PEAK_RSS_MB} MB`, met: generated.rssMb < TARGET_FLEET_PEAK_RSS_MB },
    );
  }
  return targets;
}

const LABEL_WIDTH = 40;

function row(label: string, m: Measurement): string {
  return `  ${label.padEnd(LABEL_WIDTH)} ${m.seconds.toFixed(2).padStart(6)} s ${m.rssMb.toFixed(0).padStart(6)} MB ${String(m.stacks).padStart(6)} ${m.secondsPerStack.toFixed(3).padStart(9)}`;
}

/** The report `npm run bench` prints. */
export function formatReport(results: BenchResults, header: string, fleetSize?: number): string {
  const lines = [
    header,
    `  ${'app'.padEnd(LABEL_WIDTH)} ${'median'.padStart(8)} ${'peak RSS'.padStart(9)} ${'stacks'.padStart(6)} ${'s/stack'.padStart(9)}`,
    row("full synth, today's fleet", results.today),
  ];
  if (results.generated) lines.push(row(`full synth, generated fleet (${fleetSize ?? '?'} envs)`, results.generated));
  lines.push(row('minimal one-resource app', results.minimal));
  for (const t of evaluateTargets(results)) {
    lines.push(`  ${t.name.padEnd(LABEL_WIDTH)} ${t.value.padStart(8)} (target ${t.target}: ${t.met ? 'met' : 'MISSED'})`);
  }
  return `${lines.join('\n')}\n`;
}
