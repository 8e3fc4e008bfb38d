import { REFERENCE_DEFINITIONS } from './helpers/environments';
/**
 * The whole app: 36 stacks (a platform, a baseline and a vault stack per cloud and
 * environment, a state bootstrap stack per account / subscription / project
 * holding state), each with its backend and providers, the baseline reading its
 * cluster from the platform stack's remote state.
 */
import { Testing } from 'cdktf';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../src/app';
import { buildStackReports, type StackReport } from '../src/compliance';
import { loadEnvironments, stateBackendGroups } from '../src/config';
import { writeTerraformVersions } from '../src/stacks/common';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One per AWS account, Azure subscription and GCP project of the reference configuration (each environment has its own). */
const STATE_STACKS = [
  'aws-state-111111111111',
  'aws-state-222222222222',
  'aws-state-333333333333',
  'azure-state-11111111-1111-4111-8111-111111111111',
  'azure-state-22222222-2222-4222-8222-222222222222',
  'azure-state-33333333-3333-4333-8333-333333333333',
  'gcp-state-finplat-dev-0001',
  'gcp-state-finplat-staging-0001',
  'gcp-state-finplat-prod-0001',
];

describe('the app', () => {
  let outdir: string;
  let manifest: Json;
  let reports: StackReport[];
  const stack = (name: string): Json => JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8'));

  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'app-spec-'));
    const app = Testing.app({ outdir, stackTraces: false });
    const { packs } = buildApp(app, loadEnvironments(REFERENCE_DEFINITIONS));
    app.synth();
    reports = [...buildStackReports(packs, { name: 'test', version: '0.0.0', commit: 'test', workingTree: 'clean' })];
    manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  });

  it('synthesizes a platform, a baseline and a vault stack per cloud and environment, and a state bootstrap stack per state account (36)', () => {
    const names = Object.keys(manifest.stacks).sort();
    const expected = [
      ...['aws', 'azure', 'gcp'].flatMap((c) => ['dev', 'staging', 'prod'].flatMap((e) => [`${c}-${e}-baseline`, `${c}-${e}-platform`, `${c}-${e}-vault`])),
      ...STATE_STACKS,
    ].sort();
    expect(names).toEqual(expected);
    expect(names).toHaveLength(36);
  });

  it('orders each vault stack after its baseline stack, and pins the Vault provider', () => {
    for (const c of ['aws', 'azure', 'gcp']) for (const e of ['dev', 'staging', 'prod']) expect(manifest.stacks[`${c}-${e}-vault`].dependencies).toEqual([`${c}-${e}-baseline`]);
    expect(stack('aws-prod-vault').terraform.required_providers.vault).toEqual({ source: 'hashicorp/vault', version: '5.6.0' });
  });

  it.each(STATE_STACKS)('keeps %s on a local state in its own directory, depending on no other stack', (name) => {
    expect(stack(name).terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    expect(manifest.stacks[name].dependencies).toEqual([]);
  });

  it('runs both compliance packs over every state bootstrap stack with no open error finding, and writes their reports', () => {
    const bootstrapReports = reports.filter((r) => r.stack.includes('-state-'));
    expect(bootstrapReports.map((r) => r.stack).sort()).toEqual([...STATE_STACKS].sort());
    for (const report of bootstrapReports) {
      expect(report.packs.map((p) => p.name).sort()).toEqual(['cis-kubernetes-managed', 'pci-dss-4']);
      const openErrors = report.controls.flatMap((c) => c.rules).filter((r) => r.severity === 'error' && r.resources.some((x) => x.status === 'non-compliant'));
      expect([report.stack, openErrors]).toEqual([report.stack, []]);
      const ruleIds = report.controls.flatMap((c) => c.rules).map((r) => r.id);
      const cloud = report.stack.split('-')[0];
      const expectedRules = {
        aws: ['PCI-DSS-4-3.5.1-aws-s3-bucket-protection', 'PCI-DSS-4-10.2.1-aws-s3-access-logging', 'PCI-DSS-4-3.7.4-aws-kms-key-rotation'],
        azure: ['PCI-DSS-4-3.5.1-azure-storage-protection', 'PCI-DSS-4-10.2.1-azure-storage-blob-audit', 'PCI-DSS-4-1.4.1-azure-storage-network', 'PCI-DSS-4-3.7.4-azure-key-rotation', 'PCI-DSS-4-10.2.1-azure-flow-logs'],
        gcp: ['PCI-DSS-4-3.5.1-gcp-storage-bucket-protection', 'PCI-DSS-4-10.2.1-gcp-storage-access-audit', 'PCI-DSS-4-3.7.4-gcp-kms-key-rotation', 'PCI-DSS-4-7.2.2-gcp-project-impersonation-roles'],
      }[cloud];
      expect(ruleIds).toEqual(expect.arrayContaining(expectedRules ?? ['(unknown cloud)']));
    }
  });

  it('synthesizes a state bootstrap stack identically whatever the selection (it trusts every environment of its backend)', () => {
    const selectedOut = mkdtempSync(join(tmpdir(), 'app-spec-selected-'));
    const app = Testing.app({ outdir: selectedOut, stackTraces: false });
    const all = loadEnvironments(REFERENCE_DEFINITIONS, { clouds: ['aws'] });
    buildApp(app, loadEnvironments(REFERENCE_DEFINITIONS, { clouds: ['aws'], environments: ['staging'] }), { stateBackends: stateBackendGroups(all) });
    app.synth();
    const selected = JSON.parse(readFileSync(join(selectedOut, 'manifest.json'), 'utf8')) as Json;
    expect(Object.keys(selected.stacks).sort()).toEqual(['aws-staging-baseline', 'aws-staging-platform', 'aws-staging-vault', 'aws-state-222222222222']);
    expect(readFileSync(join(selectedOut, 'stacks', 'aws-state-222222222222', 'cdk.tf.json'), 'utf8')).toBe(
      readFileSync(join(outdir, 'stacks', 'aws-state-222222222222', 'cdk.tf.json'), 'utf8'),
    );
  });

  it.each(['aws', 'azure', 'gcp'].flatMap((c) => ['dev', 'staging', 'prod'].map((e) => [c, e])))(
    'makes %s-%s baseline depend on its platform stack',
    (cloud, env) => {
      expect(manifest.stacks[`${cloud}-${env}-baseline`].dependencies).toEqual([`${cloud}-${env}-platform`]);
    },
  );

  it('pins exact provider versions in every stack, and keeps required_version out of cdk.tf.json (Checkov #7454)', () => {
    for (const name of Object.keys(manifest.stacks)) {
      const terraform = stack(name).terraform;
      expect([name, terraform.required_version]).toEqual([name, undefined]);
      for (const [provider, req] of Object.entries(terraform.required_providers as Json)) {
        expect([name, provider, (req as Json).version]).toEqual([name, provider, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
      }
    }
  });

  it('writes versions.tf.json with required_version >= 1.11 (write-only arguments, S3-native locking) beside every cdk.tf.json', () => {
    writeTerraformVersions(outdir);
    for (const name of Object.keys(manifest.stacks)) {
      expect([name, JSON.parse(readFileSync(join(outdir, 'stacks', name, 'versions.tf.json'), 'utf8'))]).toEqual([name, { terraform: { required_version: '>= 1.11.0, < 2.0.0' } }]);
    }
  });

  it('writes depends_on as plain references in every stack (terraform init rejects "${...}" there)', () => {
    for (const name of Object.keys(manifest.stacks)) {
      const bad: string[] = [];
      for (const [type, byName] of Object.entries((stack(name).resource ?? {}) as Json)) {
        for (const [id, r] of Object.entries(byName as Json)) for (const d of ((r as Json).depends_on ?? []) as string[]) if (d.includes('${')) bad.push(`${type}.${id}: ${d}`);
      }
      expect([name, bad]).toEqual([name, []]);
    }
  });

  it('stores AWS state in S3 with a customer-managed KMS key and native locking, one object per stack', () => {
    for (const role of ['platform', 'baseline', 'vault']) {
      const s3 = stack(`aws-prod-${role}`).terraform.backend.s3;
      expect(s3).toEqual({
        bucket: 'finplat-tfstate-333333333333',
        key: `aws/prod/aws-prod-${role}.tfstate`,
        region: 'eu-west-1',
        encrypt: true,
        kms_key_id: 'arn:aws:kms:eu-west-1:333333333333:alias/terraform-state',
        use_lockfile: true,
      });
    }
  });

  it('stores Azure state with Entra ID authentication (no storage keys)', () => {
    const backend = stack('azure-prod-platform').terraform.backend.azurerm;
    expect(backend).toMatchObject({
      storage_account_name: 'finplattfstateprod',
      container_name: 'tfstate',
      key: 'azure/prod/azure-prod-platform.tfstate',
      use_azuread_auth: true,
      subscription_id: '33333333-3333-4333-8333-333333333333',
    });
    expect(backend.access_key).toBeUndefined();
  });

  it('stores GCP state in GCS under a per-stack prefix, encrypted with a customer-managed key', () => {
    expect(stack('gcp-prod-baseline').terraform.backend.gcs).toEqual({
      bucket: 'finplat-tfstate-prod',
      prefix: 'gcp/prod/gcp-prod-baseline',
      kms_encryption_key: 'projects/finplat-prod-0001/locations/europe-west2/keyRings/terraform-state/cryptoKeys/state',
    });
  });

  it.each(['aws', 'azure', 'gcp'])('configures the %s baseline providers from the platform stack remote state, with exec credentials', (cloud) => {
    const baseline = stack(`${cloud}-prod-baseline`);
    const remoteStates = Object.values(baseline.data.terraform_remote_state as Json);
    expect(remoteStates.length).toBeGreaterThanOrEqual(1);
    const kubernetes = baseline.provider.kubernetes[0];
    expect(kubernetes.host).toMatch(/data\.terraform_remote_state\./);
    expect(kubernetes.cluster_ca_certificate).toMatch(/data\.terraform_remote_state\./);
    expect(kubernetes.exec[0].api_version).toBe('client.authentication.k8s.io/v1beta1');
    expect(kubernetes.token).toBeUndefined();
    const helm = baseline.provider.helm[0].kubernetes;
    expect(helm.host).toBe(kubernetes.host);
    expect(helm.exec.command).toBe(kubernetes.exec[0].command);
  });

  it('pins every provider to the version its prebuilt package was generated for', () => {
    const providers = stack('aws-prod-platform').terraform.required_providers;
    expect(providers.aws.version).toMatch(/^\d+\.\d+\.\d+$/);
    const baselineProviders = stack('aws-prod-baseline').terraform.required_providers;
    expect(baselineProviders.helm.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(baselineProviders.kubernetes.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs both compliance packs over every platform stack with no open error finding', () => {
    const platformReports = reports.filter((r) => r.stack.endsWith('-platform'));
    expect(platformReports.map((r) => r.stack).sort()).toHaveLength(9);
    for (const report of platformReports) {
      expect(report.packs.map((p) => p.name).sort()).toEqual(['cis-kubernetes-managed', 'pci-dss-4']);
      expect(report.summary.compliant).toBeGreaterThan(20);
      const openErrors = report.controls.flatMap((c) => c.rules).filter((r) => r.severity === 'error' && r.resources.some((x) => x.status === 'non-compliant'));
      expect(openErrors).toEqual([]);
    }
  });

  it('installs the AWS Load Balancer Controller on EKS with the VPC and region from the platform stack', () => {
    const releases = Object.values(stack('aws-prod-baseline').resource.helm_release as Json);
    const lbc = releases.find((r) => r.name === 'aws-load-balancer-controller');
    expect(lbc).toBeDefined();
    const values = JSON.parse(lbc.values[0]);
    expect(values.vpcId).toMatch(/data\.terraform_remote_state\./);
    expect(values.region).toBe('eu-west-1');
    for (const cloud of ['azure', 'gcp']) {
      const other = Object.values(stack(`${cloud}-prod-baseline`).resource.helm_release as Json);
      expect(other.map((r) => r.name)).not.toContain('aws-load-balancer-controller');
    }
  });

  it('binds the GKE admin groups to cluster-admin in the baseline, and nobody on EKS/AKS', () => {
    const subjects = Object.values(stack('gcp-prod-baseline').resource.kubernetes_cluster_role_binding_v1 as Json).map((b) => b.subject[0].name);
    expect(subjects.sort()).toEqual(['platform-admins@example.com', 'platform-break-glass@example.com']);
    expect(stack('aws-prod-baseline').resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
    expect(stack('azure-prod-baseline').resource.kubernetes_cluster_role_binding_v1).toBeUndefined();
  });
});
