/**
 * IAM policy documents as typed data. Policies are rendered to JSON strings
 * at synth; tokens (ARNs of other resources) inside them resolve normally.
 */

/** One IAM policy statement, in the JSON shape IAM expects. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Action: string | readonly string[];
  /** Omitted only in trust policies. */
  readonly Resource?: string | readonly string[];
  /** Every resource but these (instead of Resource). */
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * Trust policy letting one AWS service assume a role, optionally only on
 * behalf of this account (confused-deputy protection).
 */
export function serviceTrustPolicy(service: string, actions: readonly string[] = ['sts:AssumeRole'], sourceAccount?: string): string {
  return policyDocument([
    {
      Effect: 'Allow',
      Principal: { Service: service },
      Action: actions,
      ...(sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': sourceAccount } } } : {}),
    },
  ]);
}

/**
 * A bucket policy's transport statements: deny every request without TLS, and every request over
 * TLS older than 1.2 (PCI-DSS 4.0 4.2.1), for the bucket and its objects.
 */
export function tlsOnlyStatements(bucketArn: string): PolicyStatement[] {
  return [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyTlsBelow12',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } },
    },
  ];
}
