/**
 * The evidence an auditor receives: `npm run synth` (src/main.ts) writes a JSON
 * and a Markdown report per stack, recording the commit and whether the working
 * tree was dirty, and docs/compliance.md documents every rule.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { packDefinition } from '../../src/compliance/pack';
import { readProjectInfo } from '../../src/compliance/project-info';
import { buildStackReport, renderJson, renderMarkdown, type ProjectInfo, type StackReport } from '../../src/compliance/report';

const root = resolve(__dirname, '..', '..');

describe('the synthesized evidence report', () => {
  let outdir: string;
  let status: number | null;
  let stderr: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'compliance-evidence-'));
    const result = spawnSync('node', ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PLATFORM_CLOUDS: 'aws', PLATFORM_ENVIRONMENTS: 'prod', CDKTF_OUTDIR: outdir, GIT_COMMIT: 'feedc0de', GIT_TREE_STATE: 'clean' },
      encoding: 'utf8',
    });
    status = result.status;
    stderr = result.stderr;
  });

  it('writes compliance-report.json and .md beside each stack', () => {
    expect([status, stderr]).toEqual([0, '']);
    expect(readdirSync(join(outdir, 'stacks', 'aws-prod-platform')).sort()).toEqual(['cdk.tf.json', 'compliance-report.json', 'compliance-report.md', 'versions.tf.json']);
    // The baseline ships the platform-pki chart with the stack (a cdktf asset Helm installs from its path).
    expect(readdirSync(join(outdir, 'stacks', 'aws-prod-baseline')).sort()).toEqual(['assets', 'cdk.tf.json', 'compliance-report.json', 'compliance-report.md', 'versions.tf.json']);
  });

  it('carries the project version and commit, and every control with its resources and status', () => {
    const report = JSON.parse(readFileSync(join(outdir, 'stacks', 'aws-prod-platform', 'compliance-report.json'), 'utf8')) as StackReport;
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(report.project).toEqual(expect.objectContaining({ name: pkg.name, version: pkg.version, commit: 'feedc0de' }));
    expect(report.project.workingTree).toBe('clean');
    expect(report.summary['non-compliant']).toBe(0);
    const privateEndpoint = report.controls.find((c) => c.control === 'PCI-DSS v4.0 1.4.1');
    expect(privateEndpoint?.rules[0]).toEqual(
      expect.objectContaining({
        id: 'PCI-DSS-4-1.4.1-eks-private-endpoint',
        resources: [expect.objectContaining({ address: expect.stringMatching(/^aws_eks_cluster\./), status: 'compliant' })],
      }),
    );
    const md = readFileSync(join(outdir, 'stacks', 'aws-prod-platform', 'compliance-report.md'), 'utf8');
    expect(md).toContain('Commit: `feedc0de`');
    expect(md).toContain('## Suppressions');
  });
});

/** Git for the fixture repositories: no system or user config (signing, hooks, templates), no inherited GIT_* variables. */
function fixtureGit(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: dirname(cwd) },
  });
}

function write(dir: string, path: string, content = 'x\n'): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

describe('readProjectInfo', () => {
  const pkg = { name: 'fixture-project', version: '1.2.3' };
  let base: string;
  let count = 0;

  /** A fresh directory with a package.json; with `git`, a repository whose first commit holds it (and `files`). */
  function project(opts: { git: boolean; subdir?: string; files?: readonly string[] }): { root: string; cwd: string } {
    count += 1;
    const root = join(base, `project-${count}`);
    const cwd = join(root, opts.subdir ?? '');
    write(cwd, 'package.json', `${JSON.stringify(pkg)}\n`);
    for (const f of opts.files ?? []) write(root, f);
    if (opts.git) {
      fixtureGit(root, 'init', '-q');
      fixtureGit(root, 'config', 'user.email', 'test@example.com');
      fixtureGit(root, 'config', 'user.name', 'Test');
      fixtureGit(root, 'config', 'commit.gpgsign', 'false');
      fixtureGit(root, 'add', '-A');
      fixtureGit(root, 'commit', '-q', '-m', 'initial');
    }
    return { root, cwd };
  }

  /**
   * readProjectInfo in a fresh node with exactly `env` (jest's `process.env` is a copy: changing it does not
   * reach the git that child_process starts). GIT_CEILING_DIRECTORIES keeps a repository above the temp dir out.
   */
  function readInChild(cwd: string, processEnv: NodeJS.ProcessEnv, overrides: NodeJS.ProcessEnv = {}): unknown {
    const script = [
      "const { readProjectInfo } = require('./src/compliance/project-info');",
      'const info = readProjectInfo({ cwd: process.argv[1], env: JSON.parse(process.argv[2]) });',
      'process.stdout.write(JSON.stringify(info));',
    ].join(' ');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script, cwd, JSON.stringify(overrides)], {
      cwd: root,
      env: { ...processEnv, GIT_CEILING_DIRECTORIES: base },
      encoding: 'utf8',
    });
    expect([result.status, result.stderr]).toEqual([0, '']);
    return JSON.parse(result.stdout);
  }

  beforeAll(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'project-info-')));
  });

  afterAll(() => {
    rmSync(base, { recursive: true, force: true });
  });

  it('reads name and version from package.json, the HEAD commit, and a clean tree after a commit', () => {
    const { cwd } = project({ git: true });
    const head = fixtureGit(cwd, 'rev-parse', 'HEAD').trim();
    expect(head).toMatch(/^[0-9a-f]{40}$/);
    expect(readProjectInfo({ cwd, env: {} })).toEqual({ ...pkg, commit: head, workingTree: 'clean' });
  });

  it('is dirty with an untracked file, and clean again once it is gone', () => {
    const { cwd } = project({ git: true });
    write(cwd, 'notes.txt');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
    rmSync(join(cwd, 'notes.txt'));
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('clean');
  });

  it('is dirty with a modified, a staged or a deleted tracked file', () => {
    const { cwd } = project({ git: true, files: ['a.txt', 'b.txt', 'c.txt'] });
    write(cwd, 'a.txt', 'changed\n');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
    fixtureGit(cwd, 'checkout', '--', 'a.txt');
    write(cwd, 'b.txt', 'staged\n');
    fixtureGit(cwd, 'add', 'b.txt');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
    fixtureGit(cwd, 'reset', '-q', '--hard');
    rmSync(join(cwd, 'c.txt'));
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
  });

  it('stays clean with files under cdktf.out/ only, but not with a sibling that merely starts with the name', () => {
    const { cwd } = project({ git: true });
    write(cwd, 'cdktf.out/stacks/aws-prod-platform/compliance-report.json');
    write(cwd, 'cdktf.out/manifest.json');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('clean');
    write(cwd, 'cdktf.output.txt');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
  });

  it('ignores changes to tracked files under cdktf.out/ as well', () => {
    const { cwd } = project({ git: true, files: ['cdktf.out/manifest.json', 'cdktf.out/stacks/old/cdk.tf.json'] });
    write(cwd, 'cdktf.out/manifest.json', 'regenerated\n');
    rmSync(join(cwd, 'cdktf.out/stacks/old'), { recursive: true });
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('clean');
  });

  it('takes the ignored path prefixes from the ignore option instead of the default', () => {
    const { cwd } = project({ git: true });
    write(cwd, 'out/stack/cdk.tf.json');
    expect(readProjectInfo({ cwd, env: {}, ignore: ['out/'] }).workingTree).toBe('clean');
    expect(readProjectInfo({ cwd, env: {}, ignore: ['./out'] }).workingTree).toBe('clean');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
    write(cwd, 'cdktf.out/manifest.json');
    expect(readProjectInfo({ cwd, env: {}, ignore: ['out/'] }).workingTree).toBe('dirty');
  });

  it('resolves the ignore list relative to cwd when the project is a subdirectory of the repository', () => {
    const { root, cwd } = project({ git: true, subdir: 'app' });
    write(cwd, 'cdktf.out/manifest.json');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('clean');
    // A top-level cdktf.out/ is not the project's synth output.
    write(root, 'cdktf.out/manifest.json');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
    rmSync(join(root, 'cdktf.out'), { recursive: true });
    // A change anywhere else in the repository makes the evidence dirty, not only one below cwd.
    write(root, 'other/file.txt');
    expect(readProjectInfo({ cwd, env: {} }).workingTree).toBe('dirty');
  });

  it('prefers GIT_COMMIT to git rev-parse HEAD, and ignores it when blank', () => {
    const { cwd } = project({ git: true });
    const head = fixtureGit(cwd, 'rev-parse', 'HEAD').trim();
    expect(readProjectInfo({ cwd, env: { GIT_COMMIT: ' feedc0de\n' } })).toEqual({ ...pkg, commit: 'feedc0de', workingTree: 'clean' });
    expect(readProjectInfo({ cwd, env: { GIT_COMMIT: '  ' } }).commit).toBe(head);
  });

  it('prefers GIT_TREE_STATE to git status, and rejects any other value', () => {
    const { cwd } = project({ git: true });
    expect(readProjectInfo({ cwd, env: { GIT_TREE_STATE: 'dirty' } }).workingTree).toBe('dirty');
    write(cwd, 'notes.txt');
    expect(readProjectInfo({ cwd, env: { GIT_TREE_STATE: 'clean' } }).workingTree).toBe('clean');
    expect(readProjectInfo({ cwd, env: { GIT_TREE_STATE: '' } }).workingTree).toBe('dirty');
    expect(() => readProjectInfo({ cwd, env: { GIT_TREE_STATE: 'modified' } })).toThrow(/GIT_TREE_STATE must be one of clean, dirty/);
  });

  it('reads the overrides from process.env by default', () => {
    const { cwd } = project({ git: true });
    process.env.GIT_COMMIT = 'c0ffee';
    process.env.GIT_TREE_STATE = 'dirty';
    try {
      expect(readProjectInfo({ cwd })).toEqual({ ...pkg, commit: 'c0ffee', workingTree: 'dirty' });
    } finally {
      delete process.env.GIT_COMMIT;
      delete process.env.GIT_TREE_STATE;
    }
  });

  it('reports commit and working tree unknown outside a repository', () => {
    const { cwd } = project({ git: false });
    expect(readInChild(cwd, { PATH: process.env.PATH })).toEqual({ ...pkg, commit: 'unknown', workingTree: 'unknown' });
    // GIT_COMMIT still names the commit; the tree stays unknown.
    expect(readInChild(cwd, { PATH: process.env.PATH }, { GIT_COMMIT: 'feedc0de' })).toEqual({ ...pkg, commit: 'feedc0de', workingTree: 'unknown' });
  });

  it('reports commit and working tree unknown when git is not installed', () => {
    const { cwd } = project({ git: true });
    expect(readInChild(cwd, { PATH: join(base, 'no-such-bin') })).toEqual({ ...pkg, commit: 'unknown', workingTree: 'unknown' });
  });

  it('fails without a package.json', () => {
    const dir = join(base, 'empty');
    mkdirSync(dir);
    expect(() => readProjectInfo({ cwd: dir, env: {} })).toThrow(/package\.json/);
  });
});

describe('the working tree in the rendered report', () => {
  const report = (workingTree: ProjectInfo['workingTree']): StackReport =>
    buildStackReport('aws-prod-platform', [], [], { name: 'p', version: '1.0.0', commit: 'abc123', workingTree });

  it('is a JSON field right after the commit', () => {
    for (const state of ['clean', 'dirty', 'unknown'] as const) {
      const project = (JSON.parse(renderJson(report(state))) as StackReport).project;
      expect(project).toEqual({ name: 'p', version: '1.0.0', commit: 'abc123', workingTree: state });
      expect(Object.keys(project)).toEqual(['name', 'version', 'commit', 'workingTree']);
    }
  });

  it('is stated beside the commit in the Markdown, without a warning when clean', () => {
    const md = renderMarkdown(report('clean'));
    expect(md).toContain('- Commit: `abc123` (working tree: clean)');
    expect(md).not.toMatch(/warning|dirty|unknown/i);
  });

  it('flags a dirty tree in the Markdown', () => {
    const md = renderMarkdown(report('dirty'));
    expect(md).toContain('- Commit: `abc123` (working tree: **dirty** — evidence not from a committed revision)');
    expect(md).toMatch(/^> \*\*Warning:\*\* the working tree was dirty at synth time: this evidence may not match commit `abc123`\.$/m);
  });

  it('flags an unknown tree in the Markdown', () => {
    const md = renderMarkdown(report('unknown'));
    expect(md).toContain('- Commit: `abc123` (working tree: **unknown**');
    expect(md).toMatch(/^> \*\*Warning:\*\* the working tree was not verified clean/m);
  });

  it('flags a report whose project lacks the state (an untyped caller) as unknown in the Markdown', () => {
    const untyped = { name: 'p', version: '1.0.0', commit: 'abc123' } as ProjectInfo;
    const md = renderMarkdown(buildStackReport('s', [], [], untyped));
    expect(md).toContain('- Commit: `abc123` (working tree: **unknown**');
    expect(md).toContain('> **Warning:**');
  });
});

describe('docs/compliance.md', () => {
  const doc = readFileSync(join(root, 'docs', 'compliance.md'), 'utf8');

  it('documents every rule id of both packs', () => {
    const ids = [...packDefinition('pci-dss-4').rules, ...packDefinition('cis-kubernetes-managed').rules].map((r) => r.id);
    expect(ids.filter((id) => !doc.includes(`\`${id}\``))).toEqual([]);
  });

  it('lists every Checkov skip of .checkov.yaml', () => {
    const config = readFileSync(join(root, '.checkov.yaml'), 'utf8');
    const skips = [...config.matchAll(/^\s*-\s*(CKV2?_[A-Z0-9_]+)/gm)].map((m) => m[1]);
    expect(skips.filter((id) => !doc.includes(id))).toEqual([]);
  });
});
