/**
 * Every rule the project ships, grouped by cloud. Packs select from this list
 * by the controls each rule names, so adding a rule here and giving it a
 * control is all it takes to put it into a pack.
 */
import type { Rule } from '../types';
import { eksAuditLogging } from './aws/eks-audit-logging';
import { eksNetworkPolicy } from './aws/eks-network-policy';
import { eksPrivateEndpoint } from './aws/eks-private-endpoint';
import { eksSecretsEncryption } from './aws/eks-secrets-encryption';
import { eksWorkloadIdentity } from './aws/eks-workload-identity';
import { kmsKeyRotation } from './aws/kms-key-rotation';
import { lbTls } from './aws/lb-tls';
import { logGroupProtection } from './aws/log-group-protection';
import { nodeDiskEncryption } from './aws/node-disk-encryption';
import { nodeImdsv2 } from './aws/node-imdsv2';
import { nodeNoPublicAccess } from './aws/node-no-public-access';
import { s3AccessLogging } from './aws/s3-access-logging';
import { s3BucketProtection } from './aws/s3-bucket-protection';
import { s3ObjectLockCompliance } from './aws/s3-object-lock-compliance';
import { stateEncryption } from './aws/state-encryption';
import { vpcFlowLogs } from './aws/vpc-flow-logs';
import { wafLogging } from './aws/waf-logging';
import { aksAuditLogging } from './azure/aks-audit-logging';
import { aksEntraRbac } from './azure/aks-entra-rbac';
import { aksNetworkPolicy } from './azure/aks-network-policy';
import { aksNodeDiskEncryption } from './azure/aks-node-disk-encryption';
import { aksNodeMetadata } from './azure/aks-node-metadata';
import { aksNodeNoPublicAccess } from './azure/aks-node-no-public-access';
import { aksPrivateCluster } from './azure/aks-private-cluster';
import { aksSecretsEncryption } from './azure/aks-secrets-encryption';
import { aksWorkloadIdentity } from './azure/aks-workload-identity';
import { azureFlowLogs } from './azure/flow-logs';
import { azureGatewayTls } from './azure/gateway-tls';
import { azureKeyRotation } from './azure/key-rotation';
import { azureStateEncryption } from './azure/state-encryption';
import { azureStorageBlobAudit } from './azure/storage-blob-audit';
import { azureStorageNetwork } from './azure/storage-network';
import { azureStorageProtection } from './azure/storage-protection';
import { azureStorageImmutabilityLocked } from './azure/storage-immutability-locked';
import { azureWafLogging } from './azure/waf-logging';
import { gcpCloudArmor } from './gcp/cloud-armor';
import { gkeAuditLogging } from './gcp/gke-audit-logging';
import { gkeNetworkPolicy } from './gcp/gke-network-policy';
import { gkeNodeDiskEncryption } from './gcp/gke-node-disk-encryption';
import { gkeNodeMetadata } from './gcp/gke-node-metadata';
import { gkePrivateEndpoint } from './gcp/gke-private-endpoint';
import { gkePrivateNodes } from './gcp/gke-private-nodes';
import { gkeSecretsEncryption } from './gcp/gke-secrets-encryption';
import { gkeWorkloadIdentity } from './gcp/gke-workload-identity';
import { gcpKmsKeyRotation } from './gcp/kms-key-rotation';
import { gcpProjectImpersonationRoles } from './gcp/project-impersonation-roles';
import { gcpSslPolicyTls } from './gcp/ssl-policy-tls';
import { gcpStateEncryption } from './gcp/state-encryption';
import { gcpStorageAccessAudit } from './gcp/storage-access-audit';
import { gcpStorageBucketProtection } from './gcp/storage-bucket-protection';
import { gcpStorageRetentionLocked } from './gcp/storage-retention-locked';
import { gcpSubnetFlowLogs } from './gcp/subnet-flow-logs';

export const AWS_RULES: readonly Rule[] = [
  eksPrivateEndpoint,
  eksAuditLogging,
  eksSecretsEncryption,
  eksNetworkPolicy,
  eksWorkloadIdentity,
  nodeImdsv2,
  nodeDiskEncryption,
  nodeNoPublicAccess,
  wafLogging,
  vpcFlowLogs,
  kmsKeyRotation,
  logGroupProtection,
  lbTls,
  stateEncryption,
  s3BucketProtection,
  s3ObjectLockCompliance,
  s3AccessLogging,
];

export const AZURE_RULES: readonly Rule[] = [
  aksPrivateCluster,
  aksAuditLogging,
  aksSecretsEncryption,
  aksNetworkPolicy,
  aksWorkloadIdentity,
  aksEntraRbac,
  aksNodeMetadata,
  aksNodeDiskEncryption,
  aksNodeNoPublicAccess,
  azureWafLogging,
  azureFlowLogs,
  azureKeyRotation,
  azureGatewayTls,
  azureStateEncryption,
  azureStorageNetwork,
  azureStorageProtection,
  azureStorageImmutabilityLocked,
  azureStorageBlobAudit,
];

export const GCP_RULES: readonly Rule[] = [
  gkePrivateEndpoint,
  gkeAuditLogging,
  gkeSecretsEncryption,
  gkeNetworkPolicy,
  gkeWorkloadIdentity,
  gkeNodeMetadata,
  gkeNodeDiskEncryption,
  gkePrivateNodes,
  gcpCloudArmor,
  gcpSubnetFlowLogs,
  gcpKmsKeyRotation,
  gcpSslPolicyTls,
  gcpStateEncryption,
  gcpStorageBucketProtection,
  gcpStorageRetentionLocked,
  gcpStorageAccessAudit,
  gcpProjectImpersonationRoles,
];

export const ALL_RULES: readonly Rule[] = [...AWS_RULES, ...AZURE_RULES, ...GCP_RULES];
