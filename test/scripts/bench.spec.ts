/**
 * `npm run bench`: its command line, the statistics and the targets
 * (full synth within 4x of the minimal app, per-stack time of a generated
 * fleet within 1.2x of today's, peak RSS ceilings), without running a synth.
 */
import {
  BenchUsageError,
  evaluateTargets,
  formatReport,
  measure,
  median,
  parseBenchArgs,
  type Measurement,
} from '../../scripts/lib/bench';

const m = (seconds: number, stacks: number, rssMb = 200): Measurement => ({ seconds, rssMb, stacks, secondsPerStack: seconds / stacks });

describe('bench arguments', () => {
  it('defaults to 5 runs of today\'s fleet, report only', () => {
    expect(parseBenchArgs([])).toEqual({ runs: 5, fleet: undefined, enforce: false });
  });

  it('reads --runs, --fleet (separate or with =) and --enforce', () => {
    expect(parseBenchArgs(['--fleet', '100', '--runs', '1'])).toEqual({ runs: 1, fleet: 100, enforce: false });
    expect(parseBenchArgs(['--runs=7', '--fleet=250', '--enforce'])).toEqual({ runs: 7, fleet: 250, enforce: true });
  });

  it.each([
    [['--runs'], '--runs: got nothing; allowed: a positive integer'],
    [['--runs', '0'], '--runs: got "0"; allowed: a positive integer'],
    [['--fleet', '--enforce'], '--fleet: got "--enforce"; allowed: a positive integer'],
    [['--fleet', '2.5'], '--fleet: got "2.5"; allowed: a positive integer'],
    [['--fleet=abc'], '--fleet: got "abc"; allowed: a positive integer'],
    [['--fleet', '251'], '--fleet: got 251; allowed: at most 250'],
    [['--enforce=yes'], 'unknown argument "--enforce=yes"'],
    [['100'], 'unknown argument "100"'],
  ])('rejects %j with a usage message', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
    expect(() => parseBenchArgs(argv)).toThrow('usage: npm run bench -- [--runs N] [--fleet N] [--enforce]');
  });
});

describe('bench statistics', () => {
  it('takes the median time, the highest peak RSS and the seconds per stack', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(
      measure('today', [
        { seconds: 2.2, rssMb: 170, stacks: 27 },
        { seconds: 1.8, rssMb: 190, stacks: 27 },
        { seconds: 2.7, rssMb: 160, stacks: 27 },
      ]),
    ).toEqual({ seconds: 2.2, rssMb: 190, stacks: 27, secondsPerStack: 2.2 / 27 });
  });

  it('fails when runs wrote different numbers of stacks, or none', () => {
    expect(() => measure('today', [{ seconds: 1, rssMb: 1, stacks: 27 }, { seconds: 1, rssMb: 1, stacks: 26 }])).toThrow(
      "today: runs wrote different numbers of stacks (27, 26)",
    );
    expect(() => measure('today', [{ seconds: 1, rssMb: 1, stacks: 0 }])).toThrow('today: wrote no stack');
  });
});

describe('bench targets', () => {
  it('checks only the full/minimal ratio and the RSS of today\'s fleet without --fleet', () => {
    const targets = evaluateTargets({ today: m(1.2, 27, 180), minimal: m(0.3, 1, 70) });
    expect(targets).toEqual([
      { name: 'full synth / minimal app', value: '4.00x', target: '<= 4x', met: true },
      { name: "peak RSS, today's fleet", value: '180 MB', target: '<= 400 MB', met: true },
    ]);
  });

  it('compares the seconds per stack of the generated fleet with today\'s, not the totals', () => {
    // 203 stacks in 10 s is 0.049 s per stack against 0.074 for 27 in 2 s: 0.67x, met.
    const [, , perStack, rss] = evaluateTargets({ today: m(2, 27), minimal: m(0.3, 1), generated: m(10, 203, 1023) });
    expect(perStack).toEqual({ name: 'per stack, generated / today', value: '0.67x', target: '<= 1.2x', met: true });
    expect(rss).toEqual({ name: 'peak RSS, generated fleet', value: '1023 MB', target: '< 1024 MB', met: true });
  });

  it('reports every missed target', () => {
    const missed = evaluateTargets({ today: m(2, 27, 401), minimal: m(0.25, 1), generated: m(18.5, 203, 1024) }).filter((t) => !t.met);
    expect(missed.map((t) => `${t.name} ${t.value}`)).toEqual([
      'full synth / minimal app 8.00x',
      "peak RSS, today's fleet 401 MB",
      'per stack, generated / today 1.23x',
      'peak RSS, generated fleet 1024 MB',
    ]);
  });

  it('prints one row per app and one line per target, met or MISSED', () => {
    const report = formatReport({ today: m(2, 27), minimal: m(0.25, 1), generated: m(10, 203) }, 'bench: header', 100);
    const lines = report.trimEnd().split('\n');
    expect(lines[0]).toBe('bench: header');
    expect(lines[2]).toMatch(/^ {2}full synth, today's fleet +2\.00 s +200 MB +27 +0\.074$/);
    expect(lines[3]).toMatch(/^ {2}full synth, generated fleet \(100 envs\) +10\.00 s +200 MB +203 +0\.049$/);
    expect(lines[4]).toMatch(/^ {2}minimal one-resource app +0\.25 s/);
    expect(lines.slice(5)).toEqual([
      expect.stringMatching(/full synth \/ minimal app +8\.00x \(target <= 4x: MISSED\)$/),
      expect.stringMatching(/peak RSS, today's fleet +200 MB \(target <= 400 MB: met\)$/),
      expect.stringMatching(/per stack, generated \/ today +0\.67x \(target <= 1\.2x: met\)$/),
      expect.stringMatching(/peak RSS, generated fleet +200 MB \(target < 1024 MB: met\)$/),
    ]);
  });
});
