import { Lazy } from 'cdktf';
import { awsDev, awsProd } from '../../helpers/environments';
import type { AwsEnvironmentConfig } from '../../../src/config/schema';
import { baselineImages } from '../../../src/constructs/baseline/security-baseline';
import { mirroredRepositoryPaths } from '../../../src/constructs/aws/platform';
import { MirrorRegistry, type MirrorRegistryProps, ecrMirrorLocation } from '../../../src/constructs/aws/registry';
import { AwsPlatformStack } from '../../../src/stacks/aws-platform-stack';
import { baselineProps } from '../../../src/stacks/baseline-stack';
import { synthStack } from '../../helpers/terraform-json';
import { type Json, TEST_KEY, resources, statementsOf, synth } from './helpers';

const MIRROR = '111111111111.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror';
const NODE_ROLES = ['arn:aws:iam::111111111111:role/test-app-node', 'arn:aws:iam::111111111111:role/test-security-node'];
const base: MirrorRegistryProps = {
  imageMirror: MIRROR,
  accountId: '111111111111',
  region: 'eu-west-1',
  repositories: ['hashicorp/vault', 'docker/library/redis'],
  encryptionKey: TEST_KEY,
  pullRoleArns: NODE_ROLES,
};

describe('MirrorRegistry (ECR) defaults', () => {
  let json: Json;
  let repositories: Json[];
  beforeAll(() => {
    json = synth((scope) => new MirrorRegistry(scope, 'registry', base));
    repositories = resources(json, 'aws_ecr_repository');
  });

  it('creates one repository per upstream path, under the mirror path', () => {
    expect(repositories.map((r) => r.name).sort()).toEqual(['platform-mirror/docker/library/redis', 'platform-mirror/hashicorp/vault']);
  });

  it('makes tags immutable, scans on push and encrypts with the customer-managed key', () => {
    for (const repository of repositories) {
      expect(repository.image_tag_mutability).toBe('IMMUTABLE');
      expect(repository.image_scanning_configuration).toEqual({ scan_on_push: true });
      expect(repository.encryption_configuration).toEqual([{ encryption_type: 'KMS', kms_key: TEST_KEY.keyArn }]);
      expect(repository.force_delete).toBe(false);
    }
  });

  it('lets only the node roles pull, and grants them nothing but pulls', () => {
    const policies = resources(json, 'aws_ecr_repository_policy');
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      expect(statementsOf(policy.policy)).toEqual([
        { Sid: 'NodesPull', Effect: 'Allow', Principal: { AWS: NODE_ROLES }, Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] },
      ]);
    }
    expect(policies.map((p) => p.repository).sort()).toEqual(
      Object.keys(json.resource.aws_ecr_repository as Json).map((id) => `\${aws_ecr_repository.${id}.name}`).sort(),
    );
  });

  it('expires only untagged images, after 30 days: tagged releases are never expired', () => {
    const policies = resources(json, 'aws_ecr_lifecycle_policy');
    expect(policies).toHaveLength(2);
    for (const policy of policies) {
      const { rules } = JSON.parse(policy.policy) as { rules: Json[] };
      expect(rules).toEqual([
        {
          rulePriority: 1,
          description: 'Expire untagged images 30 days after push; tagged releases are kept',
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 30 },
          action: { type: 'expire' },
        },
      ]);
    }
  });

  it('takes another untagged expiry', () => {
    const custom = synth((scope) => new MirrorRegistry(scope, 'registry', { ...base, untaggedExpiryDays: 7 }));
    const [policy] = resources(custom, 'aws_ecr_lifecycle_policy');
    expect(JSON.parse(policy.policy).rules[0].selection.countNumber).toBe(7);
  });
});

describe('ecrMirrorLocation', () => {
  it('parses the host, the repository prefix and the ARN pattern of the mirror', () => {
    expect(ecrMirrorLocation(MIRROR, '111111111111', 'eu-west-1')).toEqual({
      host: '111111111111.dkr.ecr.eu-west-1.amazonaws.com',
      prefix: 'platform-mirror',
      repositoryArnPattern: 'arn:aws:ecr:eu-west-1:111111111111:repository/platform-mirror/*',
    });
  });
});

describe('MirrorRegistry (ECR) validation', () => {
  const build = (props: Partial<MirrorRegistryProps>) => () => synth((scope) => new MirrorRegistry(scope, 'registry', { ...base, ...props }));

  it('rejects a mirror in another account', () => {
    expect(build({ imageMirror: '222222222222.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror' })).toThrow(
      'ecr mirror: imageMirror must be 111111111111.dkr.ecr.eu-west-1.amazonaws.com/<path> (this account\'s registry in eu-west-1, with a repository path), got "222222222222.dkr.ecr.eu-west-1.amazonaws.com/platform-mirror"',
    );
  });

  it('rejects a mirror in another region', () => {
    expect(build({ imageMirror: '111111111111.dkr.ecr.eu-central-1.amazonaws.com/platform-mirror' })).toThrow('imageMirror must be 111111111111.dkr.ecr.eu-west-1.amazonaws.com/<path>');
  });

  it('rejects a mirror without a repository path', () => {
    expect(build({ imageMirror: '111111111111.dkr.ecr.eu-west-1.amazonaws.com' })).toThrow(
      'got "111111111111.dkr.ecr.eu-west-1.amazonaws.com"',
    );
  });

  it('rejects a mirror path ECR would refuse', () => {
    expect(build({ imageMirror: '111111111111.dkr.ecr.eu-west-1.amazonaws.com/Platform_Mirror/' })).toThrow('with a repository path), got "111111111111.dkr.ecr.eu-west-1.amazonaws.com/Platform_Mirror/"');
  });

  it('rejects a mirror given as a token', () => {
    expect(build({ imageMirror: Lazy.stringValue({ produce: () => MIRROR }) })).toThrow('ecr mirror: imageMirror, accountId and region must be literal values (they name the repositories), got a token');
  });

  it('rejects an empty repository list', () => {
    expect(build({ repositories: [] })).toThrow('ecr mirror: repositories must list at least one upstream repository path, got none');
  });

  it('rejects a repeated repository path', () => {
    expect(build({ repositories: ['hashicorp/vault', 'hashicorp/vault'] })).toThrow('ecr mirror: repositories must not repeat a path, got "hashicorp/vault" twice');
  });

  it('rejects a repository path that is not an ECR name', () => {
    expect(build({ repositories: ['HashiCorp/vault:2.0'] })).toThrow('ecr mirror: repositories entries must be repository paths such as hashicorp/vault, got "HashiCorp/vault:2.0"');
  });

  it('rejects a registry no node may pull from', () => {
    expect(build({ pullRoleArns: [] })).toThrow('ecr mirror: pullRoleArns must list the node roles, or no node can pull from the mirror');
  });

  it('rejects a puller that is not an IAM role (e.g. a wildcard principal)', () => {
    expect(build({ pullRoleArns: ['*'] })).toThrow('ecr mirror: pullRoleArns entries must be IAM role ARNs, got "*"');
  });

  it.each([0, 366, 1.5])('rejects an untagged expiry of %p days', (days) => {
    expect(build({ untaggedExpiryDays: days })).toThrow(`ecr mirror: untaggedExpiryDays must be an integer between 1 and 365, got ${days}`);
  });
});

describe.each([
  ['dev', awsDev],
  ['prod', awsProd],
])('ECR mirror of the aws %s platform', (env, config) => {
  let stack: AwsPlatformStack;
  let json: Json;
  let repositories: Json[];
  beforeAll(() => {
    ({ stack, json } = synthStack((app) => new AwsPlatformStack(app, `aws-${env}-platform`, { config })));
    repositories = resources(json, 'aws_ecr_repository');
  });

  it('has exactly one repository per image the baseline pulls from the mirror (the two lists cannot diverge)', () => {
    const mirror = config.platformImageMirror;
    const pulled = baselineImages(baselineProps(config, stack.contract)).map((image) => {
      expect(image.mirror.startsWith(`${mirror}/`)).toBe(true);
      return image.mirror.slice(mirror.length + 1).replace(/[:@].*$/, '');
    });
    const names = repositories.map((r) => r.name);
    expect(new Set(names)).toEqual(new Set(pulled.map((path) => `platform-mirror/${path}`)));
    expect(names).toHaveLength(new Set(names).size);
    expect([...names].sort()).toEqual(mirroredRepositoryPaths().map((path) => `platform-mirror/${path}`).sort());
  });

  it('makes every repository immutable, scanned on push and encrypted with the mirror key', () => {
    for (const repository of repositories) {
      expect(repository).toMatchObject({
        image_tag_mutability: 'IMMUTABLE',
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: 'KMS', kms_key: expect.stringContaining('aws_kms_key.platform_ecr-mirror-key') }],
      });
    }
  });

  it('encrypts the mirror with its own rotating, undeletable key', () => {
    const [key] = Object.entries(json.resource.aws_kms_key as Record<string, Json>).filter(([id]) => id.includes('ecr-mirror-key'));
    expect(key[1]).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: true } });
    expect(statementsOf(key[1].policy)).toEqual([expect.objectContaining({ Sid: 'AccountAdministration', Principal: { AWS: `arn:aws:iam::${config.accountId}:root` } })]);
    expect(resources(json, 'aws_kms_alias').map((a) => a.name)).toContain(`alias/finplat-${env}/ecr-mirror`);
  });

  it('lets only the two node roles pull', () => {
    const nodeRoles = Object.entries(json.resource.aws_iam_role as Record<string, Json>)
      .filter(([, r]) => /-(app|security)-node$/.test(r.name))
      .map(([id]) => `\${aws_iam_role.${id}.arn}`);
    expect(nodeRoles).toHaveLength(2);
    const policies = resources(json, 'aws_ecr_repository_policy');
    expect(policies).toHaveLength(repositories.length);
    for (const policy of policies) {
      const statements = statementsOf(policy.policy);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({ Effect: 'Allow', Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'] });
      expect([...statements[0].Principal.AWS].sort()).toEqual([...nodeRoles].sort());
    }
  });

  it('narrows node pulls to the mirror and the EKS add-on images (no AmazonEC2ContainerRegistryPullOnly)', () => {
    const attached = resources(json, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(attached.filter((arn) => /AmazonEC2ContainerRegistry/.test(arn))).toEqual([]);
    const pulls = resources(json, 'aws_iam_role_policy').filter((p) => p.name === 'image-pull');
    expect(pulls).toHaveLength(2);
    for (const pull of pulls) {
      expect(statementsOf(pull.policy)[1]).toEqual({
        Sid: 'PullAllowedRepositories',
        Effect: 'Allow',
        Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        Resource: [`arn:aws:ecr:${config.region}:${config.accountId}:repository/platform-mirror/*`, `arn:aws:ecr:${config.region}:602401143452:repository/*`],
      });
    }
  });

  it('rejects a mirror outside the platform account', () => {
    const elsewhere: AwsEnvironmentConfig = { ...config, platformImageMirror: `999999999999.dkr.ecr.${config.region}.amazonaws.com/platform-mirror` };
    expect(() => synthStack((app) => new AwsPlatformStack(app, 'aws-x-platform', { config: elsewhere }))).toThrow(
      `ecr mirror: imageMirror must be ${config.accountId}.dkr.ecr.${config.region}.amazonaws.com/<path>`,
    );
  });
});
