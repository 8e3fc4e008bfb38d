/**
 * The evidence an auditor receives: `npm run synth` (src/main.ts) writes a JSON
 * and a Markdown report per stack, and docs/compliance.md documents every rule.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packDefinition } from '../../src/compliance/pack';
import type { StackReport } from '../../src/compliance/report';

const root = resolve(__dirname, '..', '..');

describe('the synthesized evidence report', () => {
  let outdir: string;
  let status: number | null;
  let stderr: string;

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'compliance-evidence-'));
    const result = spawnSync('node', ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { ...process.env, PLATFORM_CLOUDS: 'aws', PLATFORM_ENVIRONMENTS: 'prod', CDKTF_OUTDIR: outdir, GIT_COMMIT: 'feedc0de' },
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
    expect(report.project).toEqual({ name: pkg.name, version: pkg.version, commit: 'feedc0de' });
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
