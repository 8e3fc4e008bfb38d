/**
 * The environment's image mirror on ECR: one private repository per image
 * path the baseline pulls (`<mirror path>/<upstream repository path>`), with
 * immutable tags, scan on push, a customer-managed KMS key, a lifecycle policy
 * that only ever expires untagged manifests, and a repository policy that
 * grants pulls to the cluster's node roles and to nobody else. Supply chain
 * (PCI-DSS 4.0 6.3.2, 6.3.3): the mirroring pipeline fills these repositories;
 * the Kyverno registry and signature policies admit nothing else.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { EcrRepositoryPolicy } from '@cdktf/provider-aws/lib/ecr-repository-policy';
import { policyDocument } from './iam';
import type { KeyRef } from './kms';
import { ECR_PULL_ACTIONS } from './node-pool';

/** Where an ECR mirror lives, parsed from `<account>.dkr.ecr.<region>.amazonaws.com/<path>`. */
export interface EcrMirrorLocation {
  /** Registry host, `<account>.dkr.ecr.<region>.amazonaws.com`. */
  readonly host: string;
  /** Repository name prefix under the host, e.g. `platform-mirror`. */
  readonly prefix: string;
  /** ARN pattern matching every repository of the mirror (for identity policies). */
  readonly repositoryArnPattern: string;
}

/** An ECR repository name segment (the API's pattern): lowercase letters and digits, separated by `.`, `_` or `-`. */
const SEGMENT = '[a-z0-9]+(?:[._-][a-z0-9]+)*';
const REPOSITORY_PATH = new RegExp(`^${SEGMENT}(?:/${SEGMENT})*$`);

/**
 * Parses and checks an ECR mirror reference: the host must be this account's
 * registry in this region (the nodes and the repository policy live there),
 * and a path is required so the mirror never mixes with other repositories.
 */
export function ecrMirrorLocation(imageMirror: string, accountId: string, region: string): EcrMirrorLocation {
  if (Token.isUnresolved(imageMirror) || Token.isUnresolved(accountId) || Token.isUnresolved(region)) {
    throw new Error('ecr mirror: imageMirror, accountId and region must be literal values (they name the repositories), got a token');
  }
  const host = `${accountId}.dkr.ecr.${region}.amazonaws.com`;
  const [first, ...rest] = imageMirror.split('/');
  const prefix = rest.join('/');
  if (first !== host || !REPOSITORY_PATH.test(prefix)) {
    throw new Error(`ecr mirror: imageMirror must be ${host}/<path> (this account's registry in ${region}, with a repository path), got "${imageMirror}"`);
  }
  return { host, prefix, repositoryArnPattern: `arn:aws:ecr:${region}:${accountId}:repository/${prefix}/*` };
}

export interface MirrorRegistryProps {
  /** The environment's mirror, `<account>.dkr.ecr.<region>.amazonaws.com/<path>` (config `platformImageMirror`). */
  readonly imageMirror: string;
  /** AWS account ID whose registry hosts the mirror: `imageMirror` must be this account's registry. */
  readonly accountId: string;
  /** AWS region of the mirror: `imageMirror` must be this region's registry, where the nodes pull from. */
  readonly region: string;
  /**
   * Upstream repository paths mirrored 1:1 under the mirror path, one ECR
   * repository each (e.g. `hashicorp/vault` -> `platform-mirror/hashicorp/vault`).
   * Each path is also the repository's construct id: adding or removing an
   * image never replaces another image's repository.
   */
  readonly repositories: readonly string[];
  /** Customer-managed key that encrypts every layer and manifest. */
  readonly encryptionKey: KeyRef;
  /** The only principals the repository policy lets pull: the cluster's node roles. */
  readonly pullRoleArns: readonly string[];
  /**
   * Days after its push an untagged image (an interrupted or superseded push) is expired.
   * Tagged images, the releases the baseline pulls, are never expired by the policy.
   * @default 30
   */
  readonly untaggedExpiryDays?: number;
}

/**
 * The environment's ECR image mirror: one repository per upstream image path, with immutable tags, scan on push, a
 * customer-managed key, a lifecycle policy that only expires untagged images, and pulls granted to the node roles only.
 */
export class MirrorRegistry extends Construct {
  /** ECR repositories by upstream repository path. */
  readonly repositories: Readonly<Record<string, EcrRepository>>;
  /** Repository names, e.g. `platform-mirror/hashicorp/vault`, in the order given. */
  readonly repositoryNames: readonly string[];
  /** ARN pattern matching every repository of the mirror. */
  readonly repositoryArnPattern: string;
  readonly registryHost: string;

  constructor(scope: Construct, id: string, props: MirrorRegistryProps) {
    super(scope, id);
    const location = ecrMirrorLocation(props.imageMirror, props.accountId, props.region);
    const untaggedExpiryDays = props.untaggedExpiryDays ?? 30;
    if (Token.isUnresolved(untaggedExpiryDays) || !Number.isInteger(untaggedExpiryDays) || untaggedExpiryDays < 1 || untaggedExpiryDays > 365) {
      throw new Error(`ecr mirror: untaggedExpiryDays must be an integer between 1 and 365, got ${untaggedExpiryDays}`);
    }
    if (props.repositories.length === 0) {
      throw new Error('ecr mirror: repositories must list at least one upstream repository path, got none');
    }
    if (props.pullRoleArns.length === 0) {
      throw new Error('ecr mirror: pullRoleArns must list the node roles, or no node can pull from the mirror');
    }
    for (const arn of props.pullRoleArns) {
      if (!Token.isUnresolved(arn) && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
        throw new Error(`ecr mirror: pullRoleArns entries must be IAM role ARNs, got "${arn}"`);
      }
    }

    const pullPolicy = policyDocument([
      {
        // Only the node roles: the resource policy grants cross-principal pulls to nobody else
        // (in-account principals still need an identity policy of their own, e.g. the pipeline's).
        Sid: 'NodesPull',
        Effect: 'Allow',
        Principal: { AWS: [...props.pullRoleArns] },
        Action: [...ECR_PULL_ACTIONS],
      },
    ]);
    const lifecyclePolicy = JSON.stringify({
      rules: [
        {
          rulePriority: 1,
          description: `Expire untagged images ${untaggedExpiryDays} days after push; tagged releases are kept`,
          selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countUnit: 'days', countNumber: untaggedExpiryDays },
          action: { type: 'expire' },
        },
      ],
    });

    const repositories: Record<string, EcrRepository> = {};
    for (const path of props.repositories) {
      if (Token.isUnresolved(path) || !REPOSITORY_PATH.test(path)) {
        throw new Error(`ecr mirror: repositories entries must be repository paths such as hashicorp/vault, got "${path}"`);
      }
      if (repositories[path]) throw new Error(`ecr mirror: repositories must not repeat a path, got "${path}" twice`);
      const name = `${location.prefix}/${path}`;
      if (name.length > 256) throw new Error(`ecr mirror: repository name "${name}" is longer than 256 characters`);
      const scopeId = path.replace(/\//g, '_');
      const repository = new EcrRepository(this, scopeId, {
        name,
        // Supply chain: a tag, once pushed and signed, always names the same digest.
        imageTagMutability: 'IMMUTABLE',
        // Basic scanning on push; the pipeline's own scan (with recorded exceptions) gates the release.
        imageScanningConfiguration: { scanOnPush: true },
        // PCI-DSS 3.5.1: layers and manifests encrypted with our key, not the AWS managed one.
        encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: props.encryptionKey.keyArn }],
        // A repository holding images is never deleted by a plan (destroy fails instead).
        forceDelete: false,
      });
      new EcrRepositoryPolicy(this, `${scopeId}-policy`, { repository: repository.name, policy: pullPolicy });
      new EcrLifecyclePolicy(this, `${scopeId}-lifecycle`, { repository: repository.name, policy: lifecyclePolicy });
      repositories[path] = repository;
    }
    this.repositories = repositories;
    this.repositoryNames = props.repositories.map((path) => `${location.prefix}/${path}`);
    this.repositoryArnPattern = location.repositoryArnPattern;
    this.registryHost = location.host;
  }
}
