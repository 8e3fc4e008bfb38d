import { EncryptionKey } from '../../../src/constructs/aws/kms';
import { type Json, only, statementsOf, synth } from './helpers';

const base = { description: 'test key', alias: 'test/logs', accountId: '111111111111', region: 'eu-west-1' };

describe('EncryptionKey defaults', () => {
  let key: Json;
  let alias: Json;
  beforeAll(() => {
    const json = synth((scope) => new EncryptionKey(scope, 'key', base));
    key = only(json, 'aws_kms_key');
    alias = only(json, 'aws_kms_alias');
  });

  it('rotates key material yearly', () => {
    expect(key.enable_key_rotation).toBe(true);
  });

  it('cannot be destroyed by terraform (prevent_destroy) and has the longest deletion window', () => {
    expect(key.lifecycle).toEqual({ prevent_destroy: true });
    expect(key.deletion_window_in_days).toBe(30);
  });

  it('has an explicit key policy administered by the owning account only', () => {
    const statements = statementsOf(key.policy);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: 'kms:*' });
  });

  it('gets an alias under the given name', () => {
    expect(alias.name).toBe('alias/test/logs');
  });
});

describe('EncryptionKey service grants', () => {
  let statements: Json[];
  beforeAll(() => {
    const json = synth((scope) => new EncryptionKey(scope, 'key', { ...base, services: ['logs', 'autoscaling-ebs'] }));
    statements = statementsOf(only(json, 'aws_kms_key').policy);
  });

  it('lets CloudWatch Logs of this region use the key only for this account\'s log groups', () => {
    const logs = statements.find((s) => s.Sid === 'CloudWatchLogs');
    expect(logs?.Principal).toEqual({ Service: 'logs.eu-west-1.amazonaws.com' });
    expect(logs?.Condition).toEqual({ ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*' } });
  });

  it('lets the Auto Scaling service-linked role use the key and create grants for AWS resources only', () => {
    const role = 'arn:aws:iam::111111111111:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling';
    const use = statements.find((s) => s.Sid === 'AutoScalingUseForEbs');
    const grants = statements.find((s) => s.Sid === 'AutoScalingGrantsForEbs');
    expect(use?.Principal).toEqual({ AWS: role });
    expect(grants).toMatchObject({ Principal: { AWS: role }, Action: 'kms:CreateGrant', Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } });
  });
});

describe('EncryptionKey validation', () => {
  it('rejects a deletion window outside 7-30 days', () => {
    expect(() => synth((scope) => new EncryptionKey(scope, 'key', { ...base, deletionWindowDays: 3 }))).toThrow(
      'encryption key test/logs: deletionWindowDays must be an integer between 7 and 30, got 3',
    );
  });

  it('rejects an alias in the AWS-reserved namespace', () => {
    expect(() => synth((scope) => new EncryptionKey(scope, 'key', { ...base, alias: 'aws/ebs' }))).toThrow('must not start with "aws/"');
  });
});
