/**
 * The packs over tiny stacks built with real provider classes: an error
 * aborts synth with the resource path and the fix (including an unencrypted
 * GCS state backend), a warning is reported without failing synth, a
 * suppression is recorded in the synthesized JSON and listed in the report,
 * and a suppression without a reason is rejected where it is declared.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, GcsBackend, S3Backend, TerraformResource, TerraformStack } from 'cdktf';
import { EksCluster } from '@cdktf/provider-aws/lib/eks-cluster';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KubernetesCluster } from '@cdktf/provider-azurerm/lib/kubernetes-cluster';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import {
  CompliancePack,
  applyCompliancePacks,
  buildStackReports,
  packDefinition,
  renderJson,
  renderMarkdown,
  suppress,
  type StackReport,
} from '../../src/compliance';
import { aksNodeMetadata } from '../../src/compliance/rules/azure/aks-node-metadata';

const PROJECT = { name: 'regulated-k8s-platform', version: '0.1.0', commit: '0123456789abcdef0123456789abcdef01234567', workingTree: 'clean' as const };
const FLOW_LOG_REASON = 'The proxy-only range is reserved for Envoy proxies and carries no workload traffic to record.';
/** A Cloud KMS crypto key id, as config stateBackend.kmsEncryptionKey carries it. */
const STATE_KEY = 'projects/finplat-dev-0001/locations/europe-west2/keyRings/tfstate/cryptoKeys/state';

interface Manifest {
  stacks: Record<string, { annotations: { level: string; message: string; constructPath: string }[] }>;
}

function outdir(): string {
  return mkdtempSync(join(tmpdir(), 'compliance-'));
}

/**
 * Builds one stack named `stackName` in a fresh app (own outdir), applies the packs and
 * synthesizes; returns the synth error (if any) instead of throwing it.
 */
function synthWithPacks(
  stackName: string,
  build: (stack: TerraformStack) => void,
): { dir: string; error: Error | undefined; packs: readonly CompliancePack[] } {
  const dir = outdir();
  const app = new App({ outdir: dir });
  build(new TerraformStack(app, stackName));
  const packs = applyCompliancePacks(app);
  let error: Error | undefined;
  try {
    app.synth();
  } catch (e) {
    error = e as Error;
  }
  return { dir, error, packs };
}

describe('compliance packs on a compliant stack with a suppression', () => {
  let dir: string;
  let packs: readonly CompliancePack[];
  let synthesized: {
    resource: Record<string, Record<string, { '//': { compliance_suppressions?: unknown; metadata: { path: string } } }>>;
  };
  let report: StackReport;
  let manifest: Manifest;

  beforeAll(() => {
    dir = outdir();
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, 'gcp-dev-platform');
    // PCI-DSS 3.5.1: state encrypted with a customer-managed key, as configureBackend writes it.
    new GcsBackend(stack, { bucket: 'finplat-dev-tfstate', prefix: 'platform/gcp-dev-platform', kmsEncryptionKey: STATE_KEY });
    new GoogleProvider(stack, 'google', { project: 'finplat-dev-0001', region: 'europe-west2' });
    new KmsCryptoKey(stack, 'etcd-key', { name: 'etcd', keyRing: 'projects/p/locations/europe-west2/keyRings/platform', rotationPeriod: '7776000s' });
    new ComputeSslPolicy(stack, 'tls', { name: 'tls12', minTlsVersion: 'TLS_1_2', profile: 'RESTRICTED' });
    const subnet = new ComputeSubnetwork(stack, 'subnet', { name: 'nodes', network: 'vpc', ipCidrRange: '10.0.0.0/20' });
    suppress(subnet, [{ id: 'PCI-DSS-4-10.2.1-gcp-subnet-flow-logs', reason: FLOW_LOG_REASON }]);
    suppress(subnet, [{ id: 'CIS-GKE-5.6.1-gcp-subnet-flow-logs', reason: FLOW_LOG_REASON }]);
    packs = applyCompliancePacks(app);
    app.synth();
    synthesized = JSON.parse(readFileSync(join(dir, 'stacks', 'gcp-dev-platform', 'cdk.tf.json'), 'utf8'));
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    [report] = buildStackReports(packs, PROJECT);
  });

  it('synthesizes (no error findings) and records the suppressions in the resource comment block', () => {
    const subnet = synthesized.resource.google_compute_subnetwork.subnet;
    expect(subnet['//'].compliance_suppressions).toEqual([
      { rule: 'PCI-DSS-4-10.2.1-gcp-subnet-flow-logs', reason: FLOW_LOG_REASON, declared_at: 'gcp-dev-platform/subnet' },
      { rule: 'CIS-GKE-5.6.1-gcp-subnet-flow-logs', reason: FLOW_LOG_REASON, declared_at: 'gcp-dev-platform/subnet' },
    ]);
    // cdktf's own metadata survives next to it.
    expect(subnet['//'].metadata.path).toBe('gcp-dev-platform/subnet');
  });

  it('writes the backend with its customer-managed key and raises no warning', () => {
    expect((synthesized as unknown as { terraform: { backend: { gcs: unknown } } }).terraform.backend.gcs).toEqual(
      expect.objectContaining({ bucket: 'finplat-dev-tfstate', kms_encryption_key: STATE_KEY }),
    );
    expect(manifest.stacks['gcp-dev-platform'].annotations.filter((a) => a.level === '@cdktf/warn')).toEqual([]);
  });

  it('lists each control with its resources and their status', () => {
    const control = (c: string) => report.controls.find((x) => x.control === c);
    expect(control('PCI-DSS v4.0 3.7.4')).toEqual(
      expect.objectContaining({
        pack: 'pci-dss-4',
        status: 'compliant',
        rules: [
          expect.objectContaining({
            id: 'PCI-DSS-4-3.7.4-gcp-kms-key-rotation',
            resources: [{ path: 'gcp-dev-platform/etcd-key', address: 'google_kms_crypto_key.etcd-key', status: 'compliant' }],
          }),
        ],
      }),
    );
    expect(control('PCI-DSS v4.0 4.2.1')?.rules[0].resources[0]).toEqual(
      expect.objectContaining({ address: 'google_compute_ssl_policy.tls', status: 'compliant' }),
    );
    expect(control('PCI-DSS v4.0 3.5.1')).toEqual(
      expect.objectContaining({
        status: 'compliant',
        rules: [
          expect.objectContaining({
            id: 'PCI-DSS-4-3.5.1-gcp-state-encryption',
            severity: 'error',
            resources: [{ path: 'gcp-dev-platform/backend', address: 'terraform.backend.gcs', status: 'compliant' }],
          }),
        ],
      }),
    );
    expect(report.summary).toEqual({ compliant: 3, 'non-compliant': 0, suppressed: 2 });
  });

  it('lists every suppression with its rule, resource and reason', () => {
    expect(report.suppressions).toEqual([
      expect.objectContaining({
        ruleId: 'CIS-GKE-5.6.1-gcp-subnet-flow-logs',
        address: 'google_compute_subnetwork.subnet',
        reason: `${FLOW_LOG_REASON} (declared at gcp-dev-platform/subnet)`,
      }),
      expect.objectContaining({ ruleId: 'PCI-DSS-4-10.2.1-gcp-subnet-flow-logs', control: 'PCI-DSS v4.0 10.2.1' }),
    ]);
  });

  it('carries the project version and git commit, in JSON and Markdown', () => {
    expect(JSON.parse(renderJson(report)).project).toEqual(PROJECT);
    const md = renderMarkdown(report);
    expect(md).toContain('# Compliance report: gcp-dev-platform');
    expect(md).toContain(`Commit: \`${PROJECT.commit}\``);
    expect(md).toContain('regulated-k8s-platform 0.1.0');
    expect(md).toContain(`| \`PCI-DSS-4-10.2.1-gcp-subnet-flow-logs\` | PCI-DSS v4.0 10.2.1 | \`google_compute_subnetwork.subnet\` | ${FLOW_LOG_REASON}`);
    expect(md).toContain('| PCI-DSS v4.0 3.7.4 | compliant | `PCI-DSS-4-3.7.4-gcp-kms-key-rotation` | error | `google_kms_crypto_key.etcd-key` | compliant |');
    expect(md).toContain('- Findings: 3 compliant, 0 non-compliant, 2 suppressed');
  });
});

describe('a warning-severity finding (aks-node-metadata)', () => {
  // aks-node-metadata is the only warning rule; its two prerequisites are also
  // error rules (aks-workload-identity, aks-network-policy), so under the full
  // packs it never fires alone. A pack of just this real rule isolates it.
  let dir: string;
  let packs: readonly CompliancePack[];
  let manifest: Manifest;
  let report: StackReport;

  beforeAll(() => {
    dir = outdir();
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, 'azure-dev-platform');
    new AzurermProvider(stack, 'azurerm', { features: [{}] });
    new KubernetesCluster(stack, 'aks', {
      name: 'finplat-dev',
      location: 'uksouth',
      resourceGroupName: 'platform',
      dnsPrefix: 'finplat-dev',
      oidcIssuerEnabled: true,
      workloadIdentityEnabled: true,
      defaultNodePool: { name: 'system', vmSize: 'Standard_D4s_v5', nodeCount: 1 },
      identity: { type: 'SystemAssigned' },
      // No network_policy: the baseline's IMDS egress deny would not be enforced.
      networkProfile: { networkPlugin: 'azure' },
    });
    packs = applyCompliancePacks(app, [new CompliancePack(packDefinition('pci-dss-4', [aksNodeMetadata]))]);
    app.synth();
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    [report] = buildStackReports(packs, PROJECT);
  });

  it('is a warning rule of the pci-dss-4 pack', () => {
    expect(packDefinition('pci-dss-4').rules.filter((r) => r.rule.severity === 'warning').map((r) => r.id)).toContain(
      'PCI-DSS-4-7.2.5-aks-node-metadata',
    );
  });

  it('does not fail synth: the stack is written', () => {
    expect(existsSync(join(dir, 'stacks', 'azure-dev-platform', 'cdk.tf.json'))).toBe(true);
  });

  it('is a construct warning on the resource, with the rule id, control and fix', () => {
    expect(manifest.stacks['azure-dev-platform'].annotations.filter((a) => a.level === '@cdktf/warn')).toEqual([
      expect.objectContaining({
        constructPath: 'azure-dev-platform/aks',
        message: expect.stringContaining(
          '[PCI-DSS-4-7.2.5-aks-node-metadata] PCI-DSS v4.0 7.2.5 not met (warning) by azurerm_kubernetes_cluster.aks (azure-dev-platform/aks)',
        ),
      }),
    ]);
    const [warning] = manifest.stacks['azure-dev-platform'].annotations;
    expect(warning.message).toContain('Fix: Set workload_identity_enabled = true and network_profile.network_policy = "cilium"');
  });

  it('is reported as a non-compliant finding with severity warning', () => {
    expect(report.summary).toEqual({ compliant: 0, 'non-compliant': 1, suppressed: 0 });
    expect(report.controls).toEqual([
      expect.objectContaining({
        control: 'PCI-DSS v4.0 7.2.5',
        status: 'non-compliant',
        rules: [
          expect.objectContaining({
            id: 'PCI-DSS-4-7.2.5-aks-node-metadata',
            severity: 'warning',
            resources: [{ path: 'azure-dev-platform/aks', address: 'azurerm_kubernetes_cluster.aks', status: 'non-compliant' }],
          }),
        ],
      }),
    ]);
    expect(renderMarkdown(report)).toContain(
      '| PCI-DSS v4.0 7.2.5 | **NON-COMPLIANT** | `PCI-DSS-4-7.2.5-aks-node-metadata` | warning | `azurerm_kubernetes_cluster.aks` | **NON-COMPLIANT** |',
    );
  });
});

// A customer-supplied AES-256 key as the gcs backend takes it (base64), built at run time so that no
// credential-shaped literal sits in the repository for the secret scanner to (rightly) flag.
const RAW_STATE_KEY = Buffer.alloc(32, 7).toString('base64');

describe.each([
  ['without a customer-managed key', {}],
  ['with a raw customer-supplied key next to the KMS key', { kmsEncryptionKey: STATE_KEY, encryptionKey: RAW_STATE_KEY }],
])('an unencrypted GCS state backend (%s)', (_label, encryption) => {
  let dir: string;
  let error: Error | undefined;

  beforeAll(() => {
    ({ dir, error } = synthWithPacks('gcp-dev-platform', (stack) => {
      new GcsBackend(stack, { bucket: 'finplat-dev-tfstate', prefix: 'platform/gcp-dev-platform', ...encryption });
      new GoogleProvider(stack, 'google', { project: 'finplat-dev-0001', region: 'europe-west2' });
      new KmsCryptoKey(stack, 'etcd-key', { name: 'etcd', keyRing: 'projects/p/locations/europe-west2/keyRings/platform', rotationPeriod: '7776000s' });
    }));
  });

  it('fails synth before writing the stack', () => {
    expect(error).toBeDefined();
    expect(existsSync(join(dir, 'stacks', 'gcp-dev-platform', 'cdk.tf.json'))).toBe(false);
  });

  it('names the backend path, the rule id, the control and the fix', () => {
    expect(error?.message).toContain(
      '[gcp-dev-platform] [PCI-DSS-4-3.5.1-gcp-state-encryption] PCI-DSS v4.0 3.5.1 violated by terraform.backend.gcs (gcp-dev-platform/backend)',
    );
    expect(error?.message).toContain(
      'Fix: Configure the gcs backend with kms_encryption_key = <crypto key id> (config stateBackend.kmsEncryptionKey) and no encryption_key.',
    );
  });
});

describe('compliance packs on a non-compliant stack', () => {
  let dir: string;
  let error: Error | undefined;
  let packs: readonly CompliancePack[];

  beforeAll(() => {
    ({ dir, error, packs } = synthWithPacks('aws-dev-platform', (stack) => {
      new S3Backend(stack, { bucket: 'state', key: 'k', region: 'eu-west-1', encrypt: true });
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new EksCluster(stack, 'cluster', {
        name: 'c',
        roleArn: 'arn:aws:iam::111122223333:role/eks',
        vpcConfig: { subnetIds: ['subnet-a', 'subnet-b'], endpointPrivateAccess: true, endpointPublicAccess: true },
      });
      new KmsKey(stack, 'key', { enableKeyRotation: true });
    }));
  });

  it('fails synth before writing the stack', () => {
    expect(error).toBeDefined();
    expect(existsSync(join(dir, 'stacks', 'aws-dev-platform', 'cdk.tf.json'))).toBe(false);
  });

  it('names the resource path, the rule id, the control and the fix of each error', () => {
    expect(error?.message).toContain(
      '[aws-dev-platform] [PCI-DSS-4-1.4.1-eks-private-endpoint] PCI-DSS v4.0 1.4.1 violated by aws_eks_cluster.cluster (aws-dev-platform/cluster)',
    );
    expect(error?.message).toContain('Fix: Set vpc_config.endpoint_private_access = true and endpoint_public_access = false');
    expect(error?.message).toContain('[CIS-EKS-5.4.2-eks-private-endpoint]');
    expect(error?.message).toContain('[PCI-DSS-4-3.5.1-aws-state-encryption]');
    expect(error?.message).toContain('Fix: Configure the S3 backend with encrypt = true and kms_key_id');
    // Stack-scope rules report on the stack.
    expect(error?.message).toContain('[aws-dev-platform] [PCI-DSS-4-6.4.2-aws-waf-logging]');
  });

  it('still records compliant resources for the report', () => {
    const findings = packs.flatMap((p) => p.findings);
    expect(findings).toContainEqual(
      expect.objectContaining({ ruleId: 'PCI-DSS-4-3.7.4-aws-kms-key-rotation', address: 'aws_kms_key.key', status: 'compliant' }),
    );
  });
});

describe('a suppressed stack-scope rule on a real GKE cluster', () => {
  const REASON = 'Cloud Armor for this cluster is attached by the shared edge project, reviewed in SEC-1234.';
  let synthesized: { '//': { compliance_suppressions?: unknown; metadata: { stackName: string } } };
  let report: StackReport;

  beforeAll(() => {
    const dir = outdir();
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, 'gcp-prod-platform');
    new GcsBackend(stack, { bucket: 'finplat-prod-tfstate', prefix: 'platform/gcp-prod-platform', kmsEncryptionKey: STATE_KEY });
    new GoogleProvider(stack, 'google', { project: 'finplat-prod-0001', region: 'europe-west2' });
    new ContainerCluster(stack, 'gke', {
      name: 'finplat-prod',
      location: 'europe-west2',
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      privateClusterConfig: { enablePrivateEndpoint: true, enablePrivateNodes: true, masterIpv4CidrBlock: '172.16.0.0/28' },
      databaseEncryption: { state: 'ENCRYPTED', keyName: 'projects/p/locations/europe-west2/keyRings/r/cryptoKeys/etcd' },
      datapathProvider: 'ADVANCED_DATAPATH',
      workloadIdentityConfig: { workloadPool: 'finplat-prod-0001.svc.id.goog' },
      loggingConfig: { enableComponents: ['SYSTEM_COMPONENTS', 'APISERVER', 'WORKLOADS'] },
    });
    suppress(stack, [{ id: 'PCI-DSS-4-6.4.2-gcp-cloud-armor', reason: REASON }]);
    const packs = applyCompliancePacks(app);
    app.synth();
    synthesized = JSON.parse(readFileSync(join(dir, 'stacks', 'gcp-prod-platform', 'cdk.tf.json'), 'utf8'));
    [report] = buildStackReports(packs, PROJECT);
  });

  it('evaluates the GKE rules on the synthesized cluster', () => {
    const statusOf = (id: string) => report.controls.flatMap((c) => c.rules).find((r) => r.id === id)?.resources[0].status;
    for (const id of [
      'PCI-DSS-4-1.4.1-gke-private-endpoint',
      'PCI-DSS-4-3.5.1-gke-secrets-encryption',
      'PCI-DSS-4-1.3.1-gke-network-policy',
      'PCI-DSS-4-8.6.2-gke-workload-identity',
      'PCI-DSS-4-10.2.1-gke-audit-logging',
      'CIS-GKE-5.6.5-gke-private-nodes',
    ]) {
      expect([id, statusOf(id)]).toEqual([id, 'compliant']);
    }
  });

  it('records the stack-level suppression in the stack comment block and the report', () => {
    expect(synthesized['//'].metadata.stackName).toBe('gcp-prod-platform');
    expect(synthesized['//'].compliance_suppressions).toEqual([
      { rule: 'PCI-DSS-4-6.4.2-gcp-cloud-armor', reason: REASON, declared_at: 'gcp-prod-platform' },
    ]);
    expect(report.suppressions).toEqual([
      { ruleId: 'PCI-DSS-4-6.4.2-gcp-cloud-armor', control: 'PCI-DSS v4.0 6.4.2', path: 'gcp-prod-platform', reason: `${REASON} (declared at gcp-prod-platform)` },
    ]);
  });
});

describe('evaluation order', () => {
  it('checks resources as written, after Aspects that change them', () => {
    const app = new App({ outdir: outdir() });
    const stack = new TerraformStack(app, 'stack');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const key = new KmsKey(stack, 'key', { enableKeyRotation: false });
    const packs = applyCompliancePacks(app);
    // Added below the stack, so cdktf invokes it after the packs on the key.
    Aspects.of(key).add({ visit: (node) => TerraformResource.isTerraformResource(node) && node.addOverride('enable_key_rotation', true) });
    expect(() => app.synth()).not.toThrow();
    expect(packs[0].findings).toContainEqual(expect.objectContaining({ ruleId: 'PCI-DSS-4-3.7.4-aws-kms-key-rotation', status: 'compliant' }));
  });
});

describe('suppressions', () => {
  const stack = () => new TerraformStack(new App({ outdir: outdir() }), 'stack');

  it.each([
    ['no reason', ''],
    ['a word', 'dev'],
    ['a fragment without a full stop', 'temporary exception for the dev sandbox'],
    ['too short', 'Not needed.'],
  ])('rejects a suppression with %s', (_label, reason) => {
    expect(() => suppress(stack(), [{ id: 'PCI-DSS-4-1.4.1-eks-private-endpoint', reason }])).toThrow(
      `suppression of PCI-DSS-4-1.4.1-eks-private-endpoint at stack: the reason must be at least one sentence (20+ characters, 4+ words, ending with a full stop) saying why the exception is acceptable, got "${reason}"`,
    );
  });

  it('rejects a suppression that does not name a rule id', () => {
    expect(() => suppress(stack(), [{ id: 'eks-private-endpoint', reason: FLOW_LOG_REASON }])).toThrow(
      'suppression at stack: rule id must look like PCI-DSS-4-<requirement>-<rule> or CIS-<EKS|AKS|GKE>-<item>-<rule>, got "eks-private-endpoint"',
    );
  });

  it('accepts a one-sentence reason', () => {
    expect(() => suppress(stack(), [{ id: 'CIS-GKE-5.6.1-gcp-subnet-flow-logs', reason: FLOW_LOG_REASON }])).not.toThrow();
  });
});
