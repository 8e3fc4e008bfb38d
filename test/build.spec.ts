/**
 * The app runs precompiled: `npm run synth` builds src/ to dist/ (tsconfig.build.json) and cdktf.json
 * starts `node dist/main.js`. Checked on the configuration, without building: the specs never read dist/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const REPO = resolve(__dirname, '..');
const json = (file: string) => JSON.parse(readFileSync(join(REPO, file), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

describe('the build', () => {
  const build = json('tsconfig.build.json');
  const scripts: Record<string, string> = json('package.json').scripts;

  it('compiles src/ only, to dist/ at the same depth, so every __dirname-relative path resolves alike', () => {
    expect(build.extends).toBe('./tsconfig.json');
    expect(build.include).toEqual(['src/**/*.ts']);
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    // e.g. src/stacks/baseline-stack.ts: resolve(__dirname, '../../charts/platform-pki')
    const uses = sourceFiles(join(REPO, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/__dirname(\s*,\s*'([^']*)')?/g)].map((m) => ({ file: relative(REPO, file), path: m[2] })),
    );
    expect(uses.length).toBeGreaterThan(0);
    for (const { file, path } of uses) {
      // Only `(__dirname, '<literal>')` can be followed here; any other use must be checked by hand and this test extended.
      expect({ file, path }).toEqual({ file, path: expect.any(String) });
      const fromSource = resolve(REPO, dirname(file), path);
      const fromBuild = resolve(REPO, build.compilerOptions.outDir, relative('src', dirname(file)), path);
      expect({ file, fromBuild }).toEqual({ file, fromBuild: fromSource });
      expect({ file, exists: existsSync(fromSource) }).toEqual({ file, exists: true });
    }
  });

  it('keeps its incremental state inside dist/, so deleting dist/ always rebuilds it', () => {
    expect(build.compilerOptions.tsBuildInfoFile).toMatch(/^dist\//);
  });

  it('runs before every synth, and cdktf starts the built entry point with plain node', () => {
    expect(scripts.build).toBe('tsc -b tsconfig.build.json');
    expect(scripts.synth).toBe('npm run build && node scripts/cdktf-synth.cjs');
    expect(json('cdktf.json').app).toBe('node dist/main.js');
  });

  it('is never committed', () => {
    expect(readFileSync(join(REPO, '.gitignore'), 'utf8').split('\n')).toContain('dist/');
  });
});
