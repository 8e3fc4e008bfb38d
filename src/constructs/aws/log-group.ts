/**
 * A CloudWatch log group encrypted with a customer-managed key, with a
 * bounded retention and deletion protection: the shape every audit log
 * (VPC flow logs, EKS control plane, WAF) shares.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { KeyRef } from './kms';

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export interface EncryptedLogGroupProps {
  /** Log group name. */
  readonly name: string;
  /** Customer-managed key whose policy lets CloudWatch Logs use it. */
  readonly key: KeyRef;
  /**
   * Days to keep events; one of the values CloudWatch Logs accepts.
   * @default 365 - one year online, PCI-DSS 10.5.1
   */
  readonly retentionDays?: number;
}

/**
 * A CloudWatch log group encrypted with a customer-managed key, with bounded retention and deletion protection, so audit
 * evidence is neither readable without the key nor lost to a stray `terraform destroy`.
 */
export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    if (!Token.isUnresolved(retentionDays) && !(LOG_RETENTION_DAYS as readonly number[]).includes(retentionDays)) {
      throw new Error(`log group ${props.name}: retentionDays must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${retentionDays}`);
    }
    this.logGroup = new CloudwatchLogGroup(this, 'group', {
      name: props.name,
      // PCI-DSS 10.5 / CIS AWS 3.x: audit logs encrypted with a key we control and can revoke.
      kmsKeyId: props.key.keyArn,
      retentionInDays: retentionDays,
      // Audit evidence must not disappear with a stray `terraform destroy`.
      deletionProtectionEnabled: true,
    });
    this.logGroupArn = this.logGroup.arn;
  }
}
