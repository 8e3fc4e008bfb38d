import type { StackRule } from '../../types';
import { references } from '../attributes';

/**
 * Every S3 bucket's requests are logged. The bucket that receives access logs
 * is the one bucket that does not log itself (logging into itself loops, into
 * another bucket only moves the question): it is exempt only because it is a
 * logging target. (Checkov's CKV_AWS_18 passes it for the same reason: it counts
 * any aws_s3_bucket_logging that references the bucket.)
 */
export const s3AccessLogging: StackRule = {
  scope: 'stack',
  name: 'aws-s3-access-logging',
  cloud: 'aws',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1' },
  explanation:
    'Every S3 bucket must have server access logging (aws_s3_bucket_logging) into a log bucket, so every read and write of Terraform state is recorded with the caller; only a bucket that is itself the target of access logging is exempt.',
  fix: 'Add aws_s3_bucket_logging { bucket = <bucket>.id, target_bucket = <log bucket>.id } (the StateBucket construct does).',
  evaluate: (resources) => {
    const buckets = resources.filter((r) => r.type === 'aws_s3_bucket');
    if (buckets.length === 0) return { status: 'not-applicable' };
    const logging = resources.filter((r) => r.type === 'aws_s3_bucket_logging');
    const unlogged = buckets.filter(
      (b) => !logging.some((l) => references(l.attrs.bucket, b.type, b.name) || references(l.attrs.target_bucket, b.type, b.name)),
    );
    return unlogged.length === 0
      ? { status: 'compliant', resources: [...buckets, ...logging].map((r) => r.path) }
      : { status: 'non-compliant', resources: unlogged.map((r) => r.path) };
  },
};
