/**
 * Where the evidence report comes from: the project (package.json), the git
 * commit and whether the working tree held uncommitted changes. The one place
 * of the compliance module that does I/O (reads package.json, runs git), kept
 * apart from the pure report so `main.ts` only has to call it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectInfo, WorkingTreeState } from './report';

export interface ReadProjectInfoOptions {
  /** The project directory: holds package.json; git runs here. Default: `process.cwd()`. */
  readonly cwd?: string;
  /** Where `GIT_COMMIT` and `GIT_TREE_STATE` are read from. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Paths, relative to `cwd`, whose changes do not make the tree dirty: the
   * synth output the report itself is written to. A prefix matches whole path
   * segments (`cdktf.out/` and `cdktf.out` both match `cdktf.out/stacks/x`, not
   * `cdktf.output`). Default: `['cdktf.out/']`.
   */
  readonly ignore?: readonly string[];
}

/** The default of {@link ReadProjectInfoOptions.ignore}: the cdktf synth outdir. */
export const DEFAULT_IGNORED_PATHS: readonly string[] = ['cdktf.out/'];

const TREE_STATES: readonly WorkingTreeState[] = ['clean', 'dirty'];

/** Runs git in `cwd` without a shell; stderr is discarded. Returns stdout, or undefined when git fails or is missing. */
function git(cwd: string, args: readonly string[]): string | undefined {
  try {
    return execFileSync('git', [...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      // A large untracked tree must not overflow the default 1 MiB buffer.
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch {
    return undefined;
  }
}

/** `GIT_COMMIT`, else `git rev-parse HEAD`, else `unknown` (no git, not a repository, no commit yet). */
function readCommit(cwd: string, env: NodeJS.ProcessEnv): string {
  const fromEnv = env.GIT_COMMIT?.trim() ?? '';
  if (fromEnv !== '') return fromEnv;
  return git(cwd, ['rev-parse', 'HEAD'])?.trim() || 'unknown';
}

/** `cdktf.out/`, `./cdktf.out` -> `cdktf.out`: a path relative to the repository root, without trailing slashes. */
function normalizePrefix(repoPrefix: string, path: string): string {
  const relative = path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  return `${repoPrefix}${relative}`;
}

function isIgnored(path: string, prefixes: readonly string[]): boolean {
  const p = path.replace(/\/+$/, '');
  return prefixes.some((prefix) => prefix !== '' && (p === prefix || p.startsWith(`${prefix}/`)));
}

/**
 * The paths of `git status --porcelain -z` output. Entries are `XY <path>`,
 * NUL-terminated and unquoted; a rename or copy (`R`/`C` in X or Y) is
 * followed by one more entry holding its source path. Paths are relative to
 * the repository root.
 */
function statusPaths(output: string): string[] {
  const entries = output.split('\0');
  const paths: string[] = [];
  for (let i = 0; i < entries.length; i += 1) {
    const entry = entries[i];
    if (entry.length < 4) continue;
    paths.push(entry.slice(3));
    if (/[RC]/.test(entry.slice(0, 2)) && i + 1 < entries.length) {
      i += 1;
      paths.push(entries[i]);
    }
  }
  return paths;
}

/**
 * `GIT_TREE_STATE` (`clean` or `dirty`, set by CI) when present, else
 * `git status --porcelain --untracked-files=normal` in `cwd`: dirty when it
 * lists any path outside `ignore` (modified, staged, deleted or untracked
 * files; ignored files never count), clean when it lists none, and `unknown`
 * when git is missing or `cwd` is not in a repository.
 *
 * @throws Error when `GIT_TREE_STATE` is set to anything but `clean` or `dirty`.
 */
function readWorkingTree(cwd: string, env: NodeJS.ProcessEnv, ignore: readonly string[]): WorkingTreeState {
  const fromEnv = env.GIT_TREE_STATE?.trim().toLowerCase() ?? '';
  if (fromEnv !== '') {
    const state = TREE_STATES.find((s) => s === fromEnv);
    if (state === undefined) {
      throw new Error(`GIT_TREE_STATE must be one of ${TREE_STATES.join(', ')} (or unset), got ${JSON.stringify(env.GIT_TREE_STATE)}`);
    }
    return state;
  }
  // Porcelain paths are relative to the repository root; the ignore list is relative to cwd.
  const repoPrefix = git(cwd, ['rev-parse', '--show-prefix']);
  if (repoPrefix === undefined) return 'unknown';
  // --no-optional-locks: a read-only status must not take index.lock from a concurrent git command.
  const status = git(cwd, ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=normal']);
  if (status === undefined) return 'unknown';
  const prefixes = ignore.map((p) => normalizePrefix(repoPrefix.trim(), p));
  return statusPaths(status).some((path) => !isIgnored(path, prefixes)) ? 'dirty' : 'clean';
}

/**
 * The {@link ProjectInfo} of the project in `cwd`, for the evidence report:
 *  - `name`, `version`: package.json in `cwd` (throws if it is missing or not JSON);
 *  - `commit`: `GIT_COMMIT`, else `git rev-parse HEAD`, else `unknown`;
 *  - `workingTree`: `GIT_TREE_STATE`, else derived from `git status` (see {@link ReadProjectInfoOptions.ignore}),
 *    `unknown` when git is unavailable or `cwd` is not a repository.
 *
 * Git runs via `execFileSync` (no shell) with the process environment; `options.env` only supplies the overrides.
 */
export function readProjectInfo(options: ReadProjectInfoOptions = {}): ProjectInfo {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const pkg = JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as { name: string; version: string };
  return {
    name: pkg.name,
    version: pkg.version,
    commit: readCommit(cwd, env),
    workingTree: readWorkingTree(cwd, env, options.ignore ?? DEFAULT_IGNORED_PATHS),
  };
}
