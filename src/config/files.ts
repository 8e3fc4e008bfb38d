/**
 * Environments as data: one YAML file per environment under a directory (any
 * depth, `*.yaml` / `*.yml`). A file may `extends:` another file by a path
 * relative to itself; the two are deep-merged (objects merge key by key, lists
 * and scalars of the extending file replace the base's), so shared values live
 * once. Files whose name starts with `_` are bases only: they are merged into
 * the files that extend them and never become environments themselves.
 *
 * Problems with the files themselves (YAML syntax, an `extends` that is missing
 * or circular, a root that is not a mapping) are reported together, one line
 * each naming the file, before any environment is validated.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { loadFleet, type EnvironmentDefinition, type Fleet } from './fleet';
import { ConfigError, type ConfigProblem } from './validate';

/** The key a file names its base with; removed before validation. */
export const EXTENDS_KEY = 'extends';

/** The default environments directory, relative to the working directory the app runs in. */
export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

type Mapping = Record<string, unknown>;

const isMapping = (value: unknown): value is Mapping => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Deep merge: mappings merge key by key; anything else in `override` (lists included) replaces `base`.
 * A mapping whose `kind` differs from its base's (`stateBackend: { kind: hcp-terraform, ... }` over a
 * base's S3 fields) is a different thing, not a variant: it replaces the base's mapping whole.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isMapping(base) || !isMapping(override)) return override;
  if ('kind' in override && override.kind !== base.kind) return override;
  const merged: Mapping = { ...base };
  for (const [key, value] of Object.entries(override)) {
    merged[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return merged;
}

function listYamlFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listYamlFiles(path));
    else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(path);
  }
  return found;
}

export interface ReadOptions {
  /**
   * Directory the file names in messages are relative to.
   * @default - the working directory
   */
  readonly relativeTo?: string;
}

/**
 * Reads every environment file under `dir` with its `extends` chain resolved.
 * Throws a ConfigError naming every unreadable file; returns the definitions
 * (not yet validated) in path order otherwise.
 */
export function readEnvironmentFiles(dir: string, options: ReadOptions = {}): EnvironmentDefinition[] {
  const root = resolve(dir);
  const base = resolve(options.relativeTo ?? process.cwd());
  const display = (path: string): string => {
    const rel = relative(base, path);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
  };
  const problems: ConfigProblem[] = [];
  const fileProblem = (path: string, field: string, value: unknown, allowed: string) =>
    problems.push({ file: display(path), environment: '', cloud: '', field, value, allowed });

  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    // reported below
  }
  if (!isDirectory) {
    throw new ConfigError([{ environment: '', cloud: '', field: 'environments directory', value: root, allowed: 'a directory of environment YAML files (PLATFORM_ENVIRONMENTS_DIR, default ./environments)' }]);
  }

  const parsed = new Map<string, Mapping | undefined>();
  const parse = (path: string): Mapping | undefined => {
    if (parsed.has(path)) return parsed.get(path);
    parsed.set(path, undefined);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      fileProblem(path, EXTENDS_KEY, path, 'a readable YAML file');
      return undefined;
    }
    const lines = new LineCounter();
    const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true, lineCounter: lines });
    const [error] = document.errors;
    if (error) {
      // Only the first syntax error: the parser's later ones are mostly consequences of it.
      const at = lines.linePos(error.pos[0]);
      fileProblem(path, `(line ${at.line}, column ${at.col})`, error.code, `valid YAML: ${error.message.split('\n')[0]}`);
      return undefined;
    }
    const value: unknown = document.toJS();
    if (!isMapping(value)) {
      fileProblem(path, '(root)', value, 'a YAML mapping of environment fields');
      return undefined;
    }
    parsed.set(path, value);
    return value;
  };

  const resolved = new Map<string, Mapping | undefined>();
  const resolveFile = (path: string, chain: readonly string[]): Mapping | undefined => {
    if (resolved.has(path)) return resolved.get(path);
    const own = parse(path);
    if (!own) return undefined;
    const { [EXTENDS_KEY]: parent, ...fields } = own;
    let result: Mapping | undefined = fields;
    if (parent !== undefined) {
      if (typeof parent !== 'string' || parent.length === 0) {
        fileProblem(path, EXTENDS_KEY, parent, 'a path to another YAML file, relative to this one');
        result = undefined;
      } else {
        const target = resolve(dirname(path), parent);
        if (chain.includes(target)) {
          fileProblem(path, EXTENDS_KEY, parent, `a chain without cycles (${[...chain, target].map(display).join(' -> ')})`);
          result = undefined;
        } else {
          let exists = false;
          try {
            exists = statSync(target).isFile();
          } catch {
            // reported below
          }
          if (!exists) {
            fileProblem(path, EXTENDS_KEY, parent, `a file that exists (${display(target)} does not)`);
            result = undefined;
          } else {
            const inherited = resolveFile(target, [...chain, target]);
            result = inherited ? (deepMerge(inherited, fields) as Mapping) : undefined;
          }
        }
      }
    }
    resolved.set(path, result);
    return result;
  };

  const definitions: EnvironmentDefinition[] = [];
  for (const path of listYamlFiles(root)) {
    const isBase = path.split(sep).pop()?.startsWith('_') ?? false;
    const config = resolveFile(path, [path]);
    if (!isBase && config) definitions.push({ file: display(path), config });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return definitions;
}

/** Reads and validates the fleet of a directory (default: ./environments). Throws a ConfigError with every problem. */
export function loadFleetFromDirectory(dir: string = DEFAULT_ENVIRONMENTS_DIR, options: ReadOptions = {}): Fleet {
  return loadFleet(readEnvironmentFiles(dir, options));
}
