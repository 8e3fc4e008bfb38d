import { eksAuditLogging } from '../../../src/compliance/rules/aws/eks-audit-logging';
import { eksNetworkPolicy } from '../../../src/compliance/rules/aws/eks-network-policy';
import { eksPrivateEndpoint } from '../../../src/compliance/rules/aws/eks-private-endpoint';
import { eksSecretsEncryption } from '../../../src/compliance/rules/aws/eks-secrets-encryption';
import { eksWorkloadIdentity } from '../../../src/compliance/rules/aws/eks-workload-identity';
import { kmsKeyRotation } from '../../../src/compliance/rules/aws/kms-key-rotation';
import { lbTls } from '../../../src/compliance/rules/aws/lb-tls';
import { logGroupProtection } from '../../../src/compliance/rules/aws/log-group-protection';
import { nodeDiskEncryption } from '../../../src/compliance/rules/aws/node-disk-encryption';
import { nodeImdsv2 } from '../../../src/compliance/rules/aws/node-imdsv2';
import { nodeNoPublicAccess } from '../../../src/compliance/rules/aws/node-no-public-access';
import { s3AccessLogging } from '../../../src/compliance/rules/aws/s3-access-logging';
import { s3BucketProtection } from '../../../src/compliance/rules/aws/s3-bucket-protection';
import { stateEncryption } from '../../../src/compliance/rules/aws/state-encryption';
import { vpcFlowLogs } from '../../../src/compliance/rules/aws/vpc-flow-logs';
import { wafLogging } from '../../../src/compliance/rules/aws/waf-logging';
import { s3ObjectLockCompliance } from '../../../src/compliance/rules/aws/s3-object-lock-compliance';
import { ref, res, type ResourceCase, type StackCase } from './types';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234';
const cluster = res('aws_eks_cluster', 'cluster');

export const AWS_RESOURCE_CASES: readonly ResourceCase[] = [
  {
    rule: s3ObjectLockCompliance,
    compliant: [{ rule: { default_retention: { mode: 'COMPLIANCE', days: 7 } } }, { rule: { default_retention: { mode: 'COMPLIANCE', years: 1 } } }],
    nonCompliant: [{}, { rule: { default_retention: { mode: 'GOVERNANCE', days: 7 } } }, { rule: { default_retention: { mode: 'COMPLIANCE', days: 0 } } }],
  },
  {
    rule: eksPrivateEndpoint,
    compliant: [{ vpc_config: { endpoint_private_access: true, endpoint_public_access: false } }],
    nonCompliant: [
      { vpc_config: { endpoint_private_access: true, endpoint_public_access: true, public_access_cidrs: ['203.0.113.0/24'] } },
      { vpc_config: { subnet_ids: ['a'] } },
      {},
    ],
  },
  {
    rule: eksAuditLogging,
    compliant: [{ enabled_cluster_log_types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'] }],
    nonCompliant: [{ enabled_cluster_log_types: ['api', 'authenticator'] }, {}],
  },
  {
    rule: eksSecretsEncryption,
    compliant: [{ encryption_config: { resources: ['secrets'], provider: { key_arn: ref('aws_kms_key', 'secrets', 'arn') } } }],
    nonCompliant: [{}, { encryption_config: { resources: ['secrets'], provider: {} } }, { encryption_config: [{ resources: [], provider: { key_arn: KEY } }] }],
  },
  {
    rule: nodeImdsv2,
    compliant: [{ metadata_options: { http_endpoint: 'enabled', http_tokens: 'required', http_put_response_hop_limit: 1 } }],
    nonCompliant: [
      { metadata_options: { http_tokens: 'optional', http_put_response_hop_limit: 1 } },
      { metadata_options: { http_tokens: 'required', http_put_response_hop_limit: 2 } },
      {},
    ],
  },
  {
    rule: nodeDiskEncryption,
    compliant: [{ block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'true', kms_key_id: KEY } }] }],
    nonCompliant: [
      {},
      { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: 'false', kms_key_id: KEY } }] },
      { block_device_mappings: [{ device_name: '/dev/xvda', ebs: { encrypted: true } }] },
    ],
  },
  {
    rule: nodeNoPublicAccess,
    type: 'aws_launch_template',
    compliant: [{ network_interfaces: [{ associate_public_ip_address: 'false' }] }, {}],
    nonCompliant: [{ key_name: 'ops' }, { network_interfaces: [{ associate_public_ip_address: true }] }],
  },
  {
    rule: nodeNoPublicAccess,
    type: 'aws_eks_node_group',
    compliant: [{ node_group_name: 'app' }],
    nonCompliant: [{ remote_access: { ec2_ssh_key: 'ops' } }],
  },
  {
    rule: nodeNoPublicAccess,
    type: 'aws_subnet',
    compliant: [{ map_public_ip_on_launch: false }, {}],
    nonCompliant: [{ map_public_ip_on_launch: true }],
  },
  {
    rule: kmsKeyRotation,
    compliant: [{ enable_key_rotation: true }, { enable_key_rotation: true, customer_master_key_spec: 'SYMMETRIC_DEFAULT' }],
    nonCompliant: [{ enable_key_rotation: false }, {}],
    notApplicable: [{ customer_master_key_spec: 'RSA_2048' }],
  },
  {
    rule: logGroupProtection,
    compliant: [{ kms_key_id: KEY, retention_in_days: 365 }],
    nonCompliant: [{ retention_in_days: 365 }, { kms_key_id: KEY, retention_in_days: 30 }, { kms_key_id: KEY }],
  },
  {
    rule: lbTls,
    compliant: [
      { protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' },
      { protocol: 'HTTP', default_action: [{ type: 'redirect', redirect: { protocol: 'HTTPS', status_code: 'HTTP_301' } }] },
    ],
    nonCompliant: [
      { protocol: 'HTTPS', ssl_policy: 'ELBSecurityPolicy-2016-08' },
      { protocol: 'HTTPS' },
      { protocol: 'HTTP', default_action: [{ type: 'forward' }] },
    ],
  },
  {
    rule: stateEncryption,
    type: 'backend:s3',
    compliant: [{ bucket: 'b', encrypt: true, kms_key_id: KEY }],
    nonCompliant: [{ bucket: 'b', encrypt: true }, { bucket: 'b', kms_key_id: KEY }],
  },
];


const bucket = res('aws_s3_bucket', 'state');
const logBucket = res('aws_s3_bucket', 'logs');
const TLS_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] });
const protectionOf = (b: typeof bucket, overrides: Record<string, Record<string, unknown>> = {}) => {
  const on = { bucket: ref('aws_s3_bucket', b.name) };
  return [
    res('aws_s3_bucket_versioning', `${b.name}-v`, { ...on, versioning_configuration: { status: 'Enabled' }, ...overrides.versioning }),
    res('aws_s3_bucket_server_side_encryption_configuration', `${b.name}-e`, {
      ...on,
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: ref('aws_kms_key', 'k', 'arn') } }],
      ...overrides.encryption,
    }),
    res('aws_s3_bucket_public_access_block', `${b.name}-p`, { ...on, block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true, ...overrides.publicAccess }),
    res('aws_s3_bucket_policy', `${b.name}-pol`, { ...on, policy: TLS_ONLY, ...overrides.policy }),
  ];
};

export const AWS_STACK_CASES: readonly StackCase[] = [
  {
    rule: s3BucketProtection,
    compliant: [[bucket, ...protectionOf(bucket)], [bucket, logBucket, ...protectionOf(bucket), ...protectionOf(logBucket)]],
    nonCompliant: [
      [bucket],
      [bucket, ...protectionOf(bucket, { versioning: { versioning_configuration: { status: 'Suspended' } } })],
      [bucket, ...protectionOf(bucket, { encryption: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } }] } })],
      [bucket, ...protectionOf(bucket, { encryption: { rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms' } }] } })],
      [bucket, ...protectionOf(bucket, { publicAccess: { restrict_public_buckets: false } })],
      [bucket, ...protectionOf(bucket, { policy: { policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] }) } })],
      [bucket, ...protectionOf(bucket, { policy: { policy: 'not json' } })],
      [bucket, logBucket, ...protectionOf(bucket)],
    ],
    notApplicable: [[cluster]],
  },
  {
    rule: s3AccessLogging,
    compliant: [
      [bucket, logBucket, res('aws_s3_bucket_logging', 'l', { bucket: ref('aws_s3_bucket', 'state'), target_bucket: ref('aws_s3_bucket', 'logs') })],
    ],
    nonCompliant: [
      [bucket],
      [bucket, logBucket, res('aws_s3_bucket', 'other'), res('aws_s3_bucket_logging', 'l', { bucket: ref('aws_s3_bucket', 'state'), target_bucket: ref('aws_s3_bucket', 'logs') })],
    ],
    notApplicable: [[cluster]],
  },
  {
    rule: eksNetworkPolicy,
    compliant: [[cluster, res('aws_eks_addon', 'vpc-cni', { addon_name: 'vpc-cni', configuration_values: '{"enableNetworkPolicy":"true"}' })]],
    nonCompliant: [
      [cluster],
      [cluster, res('aws_eks_addon', 'vpc-cni', { addon_name: 'vpc-cni' })],
      [cluster, res('aws_eks_addon', 'vpc-cni', { addon_name: 'vpc-cni', configuration_values: '{"enableNetworkPolicy":"false"}' })],
    ],
    notApplicable: [[res('aws_vpc', 'vpc')]],
  },
  {
    rule: eksWorkloadIdentity,
    compliant: [[cluster, res('aws_eks_pod_identity_association', 'vault')], [cluster, res('aws_iam_openid_connect_provider', 'oidc')]],
    nonCompliant: [[cluster]],
    notApplicable: [[]],
  },
  {
    rule: wafLogging,
    compliant: [
      [
        cluster,
        res('aws_wafv2_web_acl', 'acl', { scope: 'REGIONAL' }),
        res('aws_wafv2_web_acl_logging_configuration', 'logging', { resource_arn: ref('aws_wafv2_web_acl', 'acl', 'arn') }),
      ],
    ],
    nonCompliant: [
      [cluster],
      [cluster, res('aws_wafv2_web_acl', 'acl', { scope: 'REGIONAL' })],
      [
        cluster,
        res('aws_wafv2_web_acl', 'acl', { scope: 'CLOUDFRONT' }),
        res('aws_wafv2_web_acl_logging_configuration', 'logging', { resource_arn: ref('aws_wafv2_web_acl', 'acl', 'arn') }),
      ],
    ],
    notApplicable: [[res('aws_vpc', 'vpc')]],
  },
  {
    rule: vpcFlowLogs,
    compliant: [[res('aws_vpc', 'vpc'), res('aws_flow_log', 'fl', { vpc_id: ref('aws_vpc', 'vpc'), traffic_type: 'ALL' })]],
    nonCompliant: [
      [res('aws_vpc', 'vpc')],
      [res('aws_vpc', 'vpc'), res('aws_flow_log', 'fl', { vpc_id: ref('aws_vpc', 'vpc'), traffic_type: 'REJECT' })],
      [res('aws_vpc', 'vpc'), res('aws_vpc', 'other'), res('aws_flow_log', 'fl', { vpc_id: ref('aws_vpc', 'vpc'), traffic_type: 'ALL' })],
    ],
    notApplicable: [[cluster]],
  },
];
