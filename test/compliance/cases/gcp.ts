import { gcpCloudArmor } from '../../../src/compliance/rules/gcp/cloud-armor';
import { gkeAuditLogging } from '../../../src/compliance/rules/gcp/gke-audit-logging';
import { gkeNetworkPolicy } from '../../../src/compliance/rules/gcp/gke-network-policy';
import { gkeNodeDiskEncryption } from '../../../src/compliance/rules/gcp/gke-node-disk-encryption';
import { gkeNodeMetadata } from '../../../src/compliance/rules/gcp/gke-node-metadata';
import { gkePrivateEndpoint } from '../../../src/compliance/rules/gcp/gke-private-endpoint';
import { gkePrivateNodes } from '../../../src/compliance/rules/gcp/gke-private-nodes';
import { gkeSecretsEncryption } from '../../../src/compliance/rules/gcp/gke-secrets-encryption';
import { gkeWorkloadIdentity } from '../../../src/compliance/rules/gcp/gke-workload-identity';
import { gcpKmsKeyRotation } from '../../../src/compliance/rules/gcp/kms-key-rotation';
import { gcpSslPolicyTls } from '../../../src/compliance/rules/gcp/ssl-policy-tls';
import { gcpProjectImpersonationRoles } from '../../../src/compliance/rules/gcp/project-impersonation-roles';
import { gcpStateEncryption } from '../../../src/compliance/rules/gcp/state-encryption';
import { gcpStorageAccessAudit } from '../../../src/compliance/rules/gcp/storage-access-audit';
import { gcpStorageBucketProtection } from '../../../src/compliance/rules/gcp/storage-bucket-protection';
import { gcpSubnetFlowLogs } from '../../../src/compliance/rules/gcp/subnet-flow-logs';
import { gcpStorageRetentionLocked } from '../../../src/compliance/rules/gcp/storage-retention-locked';
import { ref, res, type ResourceCase, type StackCase } from './types';

const KEY = ref('google_kms_crypto_key', 'nodes');
const goodNode = { workload_metadata_config: { mode: 'GKE_METADATA' }, boot_disk_kms_key: KEY, metadata: { 'disable-legacy-endpoints': 'true' } };

const protectedBucket = {
  uniform_bucket_level_access: true,
  public_access_prevention: 'enforced',
  versioning: { enabled: true },
  encryption: { default_kms_key_name: ref('google_kms_crypto_key', 'state') },
};

export const GCP_RESOURCE_CASES: readonly ResourceCase[] = [
  {
    rule: gcpStorageRetentionLocked,
    compliant: [{ retention_policy: { is_locked: true, retention_period: 604_800 } }],
    nonCompliant: [{ retention_policy: { is_locked: false, retention_period: 604_800 } }, { retention_policy: { retention_period: 604_800 } }, { retention_policy: { is_locked: true, retention_period: 60 } }],
    notApplicable: [{}, protectedBucket],
  },
  {
    rule: gcpStorageBucketProtection,
    // Write-once instead of versioned (Cloud Storage allows no versioning next to a retention policy).
    compliant: [{ ...protectedBucket, versioning: { enabled: false }, retention_policy: { is_locked: true, retention_period: 604_800 } }],
    nonCompliant: [{ ...protectedBucket, versioning: { enabled: false }, retention_policy: { is_locked: false, retention_period: 604_800 } }],
  },
  {
    rule: gcpStorageBucketProtection,
    compliant: [protectedBucket],
    nonCompliant: [
      {},
      { ...protectedBucket, uniform_bucket_level_access: false },
      { ...protectedBucket, public_access_prevention: 'inherited' },
      { ...protectedBucket, versioning: { enabled: false } },
      { ...protectedBucket, encryption: undefined },
    ],
  },
  {
    rule: gcpProjectImpersonationRoles,
    compliant: [{ role: 'roles/logging.logWriter', member: 'serviceAccount:n@p.iam.gserviceaccount.com' }, { role: 'roles/container.clusterViewer' }],
    nonCompliant: ['roles/owner', 'roles/editor', 'roles/iam.serviceAccountUser', 'roles/iam.serviceAccountAdmin', 'roles/iam.serviceAccountTokenCreator', 'roles/iam.workloadIdentityUser'].map((role) => ({ role })),
  },
  {
    rule: gcpProjectImpersonationRoles,
    type: 'google_project_iam_binding',
    compliant: [{ role: 'roles/monitoring.viewer', members: ['group:a@example.com'] }],
    nonCompliant: [{ role: 'roles/iam.serviceAccountKeyAdmin', members: ['group:a@example.com'] }],
  },
  {
    rule: gkePrivateEndpoint,
    compliant: [
      { private_cluster_config: { enable_private_endpoint: true, enable_private_nodes: true } },
      { control_plane_endpoints_config: { ip_endpoints_config: { enabled: false }, dns_endpoint_config: { allow_external_traffic: false } } },
    ],
    nonCompliant: [
      {},
      { private_cluster_config: { enable_private_endpoint: false, enable_private_nodes: true } },
      { control_plane_endpoints_config: { ip_endpoints_config: { enabled: false }, dns_endpoint_config: { allow_external_traffic: true } } },
    ],
  },
  {
    rule: gkeAuditLogging,
    compliant: [{ logging_config: { enable_components: ['SYSTEM_COMPONENTS', 'APISERVER', 'WORKLOADS'] } }],
    nonCompliant: [{}, { logging_config: { enable_components: ['SYSTEM_COMPONENTS'] } }, { logging_service: 'none', logging_config: { enable_components: ['SYSTEM_COMPONENTS', 'APISERVER'] } }],
  },
  {
    rule: gkeSecretsEncryption,
    compliant: [{ database_encryption: { state: 'ENCRYPTED', key_name: ref('google_kms_crypto_key', 'etcd') } }],
    nonCompliant: [{}, { database_encryption: { state: 'DECRYPTED' } }, { database_encryption: { state: 'ENCRYPTED' } }],
  },
  {
    rule: gkeNetworkPolicy,
    compliant: [{ datapath_provider: 'ADVANCED_DATAPATH' }, { network_policy: { enabled: true, provider: 'CALICO' } }],
    nonCompliant: [{}, { datapath_provider: 'LEGACY_DATAPATH' }],
  },
  {
    rule: gkeWorkloadIdentity,
    compliant: [{ workload_identity_config: { workload_pool: 'finplat-dev-0001.svc.id.goog' } }],
    nonCompliant: [{}, { workload_identity_config: {} }],
  },
  {
    rule: gkeNodeMetadata,
    type: 'google_container_node_pool',
    compliant: [{ node_config: goodNode }],
    nonCompliant: [
      { node_config: { workload_metadata_config: { mode: 'GCE_METADATA' } } },
      { node_config: { workload_metadata_config: { mode: 'GKE_METADATA' }, metadata: { 'disable-legacy-endpoints': 'false' } } },
      {},
    ],
  },
  {
    rule: gkeNodeMetadata,
    type: 'google_container_cluster',
    compliant: [{ node_config: goodNode }],
    nonCompliant: [{ node_config: {} }],
    notApplicable: [{ remove_default_node_pool: true }],
  },
  {
    rule: gkeNodeDiskEncryption,
    type: 'google_container_node_pool',
    compliant: [{ node_config: goodNode }],
    nonCompliant: [{ node_config: { disk_type: 'pd-balanced' } }, {}],
  },
  {
    rule: gkeNodeDiskEncryption,
    type: 'google_container_cluster',
    compliant: [{ node_config: goodNode }],
    nonCompliant: [{ node_config: {} }],
    notApplicable: [{}],
  },
  {
    rule: gkePrivateNodes,
    type: 'google_container_cluster',
    compliant: [{ private_cluster_config: { enable_private_nodes: true } }],
    nonCompliant: [{}, { private_cluster_config: { enable_private_nodes: false } }],
  },
  {
    rule: gkePrivateNodes,
    type: 'google_container_node_pool',
    compliant: [{}, { network_config: { enable_private_nodes: true } }],
    nonCompliant: [{ network_config: { enable_private_nodes: false } }],
  },
  {
    rule: gcpSubnetFlowLogs,
    compliant: [{ log_config: { aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 1 } }, { purpose: 'PRIVATE', log_config: [{ flow_sampling: 0.5 }] }],
    nonCompliant: [{}, { enable_flow_logs: false, log_config: {} }],
    notApplicable: [{ purpose: 'REGIONAL_MANAGED_PROXY', role: 'ACTIVE' }],
  },
  {
    rule: gcpKmsKeyRotation,
    compliant: [{ rotation_period: '7776000s' }, { purpose: 'ENCRYPT_DECRYPT', rotation_period: '2592000s' }],
    nonCompliant: [{}, { rotation_period: '31536000s' }],
    notApplicable: [{ purpose: 'ASYMMETRIC_SIGN' }],
  },
  {
    rule: gcpSslPolicyTls,
    compliant: [{ min_tls_version: 'TLS_1_2', profile: 'RESTRICTED' }, { min_tls_version: 'TLS_1_2', profile: 'MODERN' }],
    nonCompliant: [{}, { min_tls_version: 'TLS_1_0', profile: 'MODERN' }, { min_tls_version: 'TLS_1_2', profile: 'COMPATIBLE' }],
  },
  {
    rule: gcpStateEncryption,
    type: 'backend:gcs',
    compliant: [{ bucket: 'b', kms_encryption_key: 'projects/p/locations/l/keyRings/r/cryptoKeys/state' }],
    nonCompliant: [{ bucket: 'b' }, { bucket: 'b', encryption_key: 'c2VjcmV0' }],
  },
];

const gke = res('google_container_cluster', 'gke');
const armor = (expression: string, action = 'deny(403)') =>
  res('google_compute_security_policy', 'armor', { rule: [{ action, match: { expr: { expression } } }] });

const gcsBucket = res('google_storage_bucket', 'state');
const auditConfig = (service: string, logTypes: string[]) =>
  res('google_project_iam_audit_config', 'audit', { service, audit_log_config: logTypes.map((log_type) => ({ log_type })) });

export const GCP_STACK_CASES: readonly StackCase[] = [
  {
    rule: gcpStorageAccessAudit,
    compliant: [[gcsBucket, auditConfig('storage.googleapis.com', ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'])], [gcsBucket, auditConfig('allServices', ['DATA_READ', 'DATA_WRITE'])]],
    nonCompliant: [[gcsBucket], [gcsBucket, auditConfig('storage.googleapis.com', ['DATA_WRITE'])], [gcsBucket, auditConfig('container.googleapis.com', ['DATA_READ', 'DATA_WRITE'])]],
    notApplicable: [[res('google_container_cluster', 'gke')]],
  },
  {
    rule: gcpCloudArmor,
    compliant: [[gke, armor("evaluatePreconfiguredWaf('sqli-v33-stable')")]],
    nonCompliant: [[gke], [gke, armor("origin.region_code == 'RU'")], [gke, armor("evaluatePreconfiguredWaf('xss-v33-stable')", 'allow')]],
    notApplicable: [[res('google_compute_network', 'vpc')]],
  },
];
