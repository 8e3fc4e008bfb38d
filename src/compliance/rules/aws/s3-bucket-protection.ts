import type { StackResource, StackRule } from '../../types';
import { block, blocks, isSet, isTrue, references } from '../attributes';

const coveredBy = (resources: readonly StackResource[], bucket: StackResource, type: string, ok: (r: StackResource) => boolean): boolean =>
  resources.some((r) => r.type === type && references(r.attrs.bucket, bucket.type, bucket.name) && ok(r));

/** The TLS-only statement as policyDocument renders it (a JSON string). */
function deniesInsecureTransport(policy: unknown): boolean {
  if (typeof policy !== 'string') return false;
  try {
    const doc = JSON.parse(policy) as { Statement?: { Effect?: string; Condition?: { Bool?: Record<string, unknown> } }[] };
    return (doc.Statement ?? []).some((s) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');
  } catch {
    return false;
  }
}

/**
 * Every S3 bucket (the Terraform state bucket and its access-log bucket) has the
 * properties docs/runbooks.md section 1 lists and the compliance report assumes.
 */
export const s3BucketProtection: StackRule = {
  scope: 'stack',
  name: 'aws-s3-bucket-protection',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '3.5.1' },
  explanation:
    'Every S3 bucket (Terraform state holds secrets; its access logs are evidence) must have versioning enabled, SSE-KMS default encryption with a customer-managed key, all four public access block settings on, and a bucket policy that denies requests without TLS.',
  fix: 'Use the StateBucket construct, or add aws_s3_bucket_versioning (Enabled), aws_s3_bucket_server_side_encryption_configuration (aws:kms with kms_master_key_id), aws_s3_bucket_public_access_block (all true) and an aws_s3_bucket_policy denying aws:SecureTransport = false.',
  evaluate: (resources) => {
    const buckets = resources.filter((r) => r.type === 'aws_s3_bucket');
    if (buckets.length === 0) return { status: 'not-applicable' };
    const unprotected = buckets.filter(
      (bucket) =>
        !(
          coveredBy(resources, bucket, 'aws_s3_bucket_versioning', (r) => block(r.attrs, 'versioning_configuration')?.status === 'Enabled') &&
          coveredBy(resources, bucket, 'aws_s3_bucket_server_side_encryption_configuration', (r) =>
            blocks(r.attrs, 'rule').some((rule) => {
              const sse = block(rule, 'apply_server_side_encryption_by_default');
              return sse?.sse_algorithm === 'aws:kms' && isSet(sse.kms_master_key_id);
            }),
          ) &&
          coveredBy(resources, bucket, 'aws_s3_bucket_public_access_block', (r) =>
            ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => isTrue(r.attrs[k])),
          ) &&
          coveredBy(resources, bucket, 'aws_s3_bucket_policy', (r) => deniesInsecureTransport(r.attrs.policy))
        ),
    );
    return unprotected.length === 0
      ? { status: 'compliant', resources: buckets.map((b) => b.path) }
      : { status: 'non-compliant', resources: unprotected.map((b) => b.path) };
  },
};
