import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINER_SIZES, containerResources, type ContainerSize } from '../../../src/constructs/baseline/resources';

/** Kubernetes quantity to a number (cores or bytes): 100m, 2, 512Mi, 4Gi. */
function quantity(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti)?$/.exec(q);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const unit = { '': 1, m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2] ?? ''] as number;
  return Number(m[1]) * unit;
}

const format = (s: ContainerSize): string => `${s.cpu} / ${s.memory} / ${s.memoryLimit}`;

/** The rows of the "### Sizing table" section of docs/baseline.md, by container name. */
function documentedSizes(): Map<string, [string, string]> {
  const doc = readFileSync(join(__dirname, '../../../docs/baseline.md'), 'utf8');
  const section = doc.split('### Sizing table')[1]?.split(/\n#{2,3} /)[0];
  if (!section) throw new Error('docs/baseline.md has no "### Sizing table" section');
  const rows = new Map<string, [string, string]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Za-z]+)` \| ([^|]+) \| ([^|]+) \|$/.exec(line);
    if (m) rows.set(m[1], [m[2].trim(), m[3].trim()]);
  }
  return rows;
}

describe('baseline sizing table', () => {
  const entries = Object.entries(CONTAINER_SIZES);

  it('is documented row by row in docs/baseline.md, and nothing else is', () => {
    const rows = documentedSizes();
    expect([...rows.keys()].sort()).toEqual(entries.map(([name]) => name).sort());
    for (const [name, s] of entries) expect([name, rows.get(name)]).toEqual([name, [format(s.production), format(s.minimal)]]);
  });

  it.each(entries)('%s: memory limit at or above the request, minimal at or below production', (_name, s) => {
    for (const size of [s.production, s.minimal]) {
      expect(quantity(size.memoryLimit)).toBeGreaterThanOrEqual(quantity(size.memory));
      expect(quantity(size.cpu)).toBeGreaterThan(0);
    }
    expect(quantity(s.minimal.cpu)).toBeLessThanOrEqual(quantity(s.production.cpu));
    expect(quantity(s.minimal.memory)).toBeLessThanOrEqual(quantity(s.production.memory));
    expect(quantity(s.minimal.memoryLimit)).toBeLessThanOrEqual(quantity(s.production.memoryLimit));
  });

  it('renders requests and a memory limit, no cpu limit', () => {
    expect(containerResources('production', 'istiod')).toEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } });
    expect(containerResources('minimal', 'istiod')).toEqual({ requests: { cpu: '100m', memory: '512Mi' }, limits: { memory: '1Gi' } });
  });

  it('reads quantities the way Kubernetes does (the comparisons above are not vacuous)', () => {
    expect(quantity('1Gi')).toBeGreaterThan(quantity('768Mi'));
    expect(quantity('100m')).toBeLessThan(quantity('1'));
    expect(() => quantity('1GB')).toThrow('not a quantity: 1GB');
  });
});
