/**
 * The public API's documentation rule (issue 13): every exported construct and stack under src/constructs and
 * src/stacks has a TSDoc comment, every field of an exported `*Props` interface has one, and every optional field
 * states its `@default` (scripts/lib/api-docs.ts). The checker itself is shown to catch planted problems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { apiDocProblems } from '../scripts/lib/api-docs';

const REPO = resolve(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the API documentation', () => {
  const files = ['src/constructs', 'src/stacks'].flatMap((dir) => sourceFiles(join(REPO, dir)));

  it('documents every exported construct, every props field and the default of every optional one', () => {
    expect(files.length).toBeGreaterThan(40);
    const problems = files.flatMap((file) => apiDocProblems(relative(REPO, file), readFileSync(file, 'utf8')));
    // One `file symbol: problem` line each, so a failure names what to document.
    expect(problems.map((p) => `${p.file} ${p.symbol}: ${p.problem}`)).toEqual([]);
  });
});

describe('apiDocProblems', () => {
  const planted = [
    "import { Construct } from 'constructs';",
    'export interface WidgetProps {',
    '  readonly name: string;',
    '  /** Days the widget keeps its logs. */',
    '  readonly retentionDays?: number;',
    '}',
    'export class Widget extends Construct {}',
  ].join('\n');

  it('reports an undocumented props field, an optional field without @default and an undocumented construct', () => {
    expect(apiDocProblems('widget.ts', planted)).toEqual([
      { file: 'widget.ts', symbol: 'WidgetProps.name', problem: 'props field without a TSDoc comment' },
      { file: 'widget.ts', symbol: 'WidgetProps.retentionDays', problem: 'optional props field without @default' },
      { file: 'widget.ts', symbol: 'Widget', problem: 'exported construct without a TSDoc comment' },
    ]);
  });

  it('reports nothing for a fully documented construct and its props', () => {
    const documented = [
      "import { Construct } from 'constructs';",
      'export interface WidgetProps {',
      '  /** Widget name. */',
      '  readonly name: string;',
      '  /**',
      '   * Days the widget keeps its logs.',
      '   * @default 365',
      '   */',
      '  readonly retentionDays?: number;',
      '}',
      '/** A widget with bounded log retention. */',
      'export class Widget extends Construct {}',
    ].join('\n');
    expect(apiDocProblems('widget.ts', documented)).toEqual([]);
  });
});
