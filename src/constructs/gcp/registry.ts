/**
 * The environment's image mirror on GCP: one Artifact Registry Docker
 * repository, encrypted with a customer-managed Cloud KMS key, with
 * immutable tags, a cleanup policy that deletes only old untagged versions
 * and keeps every tagged release, and `roles/artifactregistry.reader` for the
 * node service account only. Supply chain (PCI-DSS 4.0 6.3.2, 6.3.3): the
 * mirroring pipeline fills it; Binary Authorization and the Kyverno registry
 * and signature policies admit nothing else.
 */
import { type ITerraformDependable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import type { KeyRef } from './kms';

/** Read (pull) access to one repository's images, and nothing else. */
export const ARTIFACT_REGISTRY_READER_ROLE = 'roles/artifactregistry.reader';

/** Where an Artifact Registry mirror lives, parsed from `<location>-docker.pkg.dev/<project>/<repository>[/<path>]`. */
export interface ArtifactRegistryMirrorLocation {
  readonly location: string;
  readonly project: string;
  readonly repositoryId: string;
}

/** Parses an Artifact Registry mirror reference; the repository is its first path segment after the project. */
export function artifactRegistryMirrorLocation(imageMirror: string): ArtifactRegistryMirrorLocation {
  if (Token.isUnresolved(imageMirror)) {
    throw new Error('artifact registry: imageMirror must be a literal value (it names the repository), got a token');
  }
  const match = /^([a-z]+-[a-z]+\d)-docker\.pkg\.dev\/([a-z][a-z0-9-]{4,28}[a-z0-9])\/([a-z][a-z0-9-]{0,61}[a-z0-9])(\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.exec(imageMirror);
  if (!match) {
    throw new Error(`artifact registry: imageMirror must be <region>-docker.pkg.dev/<project>/<repository>, got "${imageMirror}"`);
  }
  return { location: match[1], project: match[2], repositoryId: match[3] };
}

export interface MirrorRepositoryProps {
  /** The environment's mirror, `<region>-docker.pkg.dev/<project>/<repository>` (config `platformImageMirror`). */
  readonly imageMirror: string;
  /** Project of the platform: the mirror must live in it. */
  readonly project: string;
  /** Region of the platform: the mirror and its key must live in it. */
  readonly region: string;
  /** Cloud KMS key in `region`; the Artifact Registry service agent must hold encrypter/decrypter on it. */
  readonly encryptionKey: KeyRef;
  /** IAM member of the node service account: the only principal granted the reader role. */
  readonly nodeServiceAccountMember: string;
  /**
   * Days after which an untagged version (an interrupted or superseded push) is deleted.
   * Tagged versions, the releases the baseline pulls, are always kept.
   * @default 30
   */
  readonly untaggedRetentionDays?: number;
  /**
   * Resources that must exist first: the API enablement and the service agent's key grant.
   * @default - none
   */
  readonly dependsOn?: readonly ITerraformDependable[];
  /**
   * GCP labels of the repository.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * The environment's image mirror: an Artifact Registry Docker repository encrypted with a Cloud KMS key, with immutable tags,
 * a cleanup policy that keeps every tagged release and deletes only old untagged versions, and read access for the node account only.
 */
export class MirrorRepository extends Construct {
  readonly repository: ArtifactRegistryRepository;
  /** Full repository name, `projects/<p>/locations/<l>/repositories/<id>`. */
  readonly repositoryName: string;
  readonly nodeReader: ArtifactRegistryRepositoryIamMember;

  constructor(scope: Construct, id: string, props: MirrorRepositoryProps) {
    super(scope, id);
    const location = artifactRegistryMirrorLocation(props.imageMirror);
    if (location.project !== props.project || location.location !== props.region) {
      throw new Error(
        `artifact registry: imageMirror must be in the platform's project and region (${props.region}-docker.pkg.dev/${props.project}/<repository>), got "${props.imageMirror}"`,
      );
    }
    const retentionDays = props.untaggedRetentionDays ?? 30;
    if (Token.isUnresolved(retentionDays) || !Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 3650) {
      throw new Error(`artifact registry ${location.repositoryId}: untaggedRetentionDays must be an integer between 1 and 3650, got ${retentionDays}`);
    }
    if (!Token.isUnresolved(props.nodeServiceAccountMember) && !/^serviceAccount:\S+$/.test(props.nodeServiceAccountMember)) {
      throw new Error(`artifact registry ${location.repositoryId}: nodeServiceAccountMember must be serviceAccount:<email>, got "${props.nodeServiceAccountMember}"`);
    }

    this.repository = new ArtifactRegistryRepository(this, 'repository', {
      project: props.project,
      location: location.location,
      repositoryId: location.repositoryId,
      format: 'DOCKER',
      mode: 'STANDARD_REPOSITORY',
      description: 'Mirror of the images the platform baseline runs: copied by digest, scanned and signed by the mirroring pipeline.',
      // PCI-DSS 3.5.1: images encrypted with our Cloud KMS key (CMEK), not a Google-managed one.
      kmsKeyName: props.encryptionKey.keyId,
      // Supply chain: a tag, once pushed and signed, always names the same digest.
      dockerConfig: { immutableTags: true },
      // The cleanup policies act (not only report).
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        // KEEP wins over DELETE: every tagged version (a release) stays, whatever its age.
        { id: 'keep-tagged-releases', action: 'KEEP', condition: { tagState: 'TAGGED' } },
        { id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: `${retentionDays * 86_400}s` } },
      ],
      labels: props.labels ? { ...props.labels } : undefined,
      dependsOn: props.dependsOn ? [...props.dependsOn] : undefined,
    });
    this.repositoryName = this.repository.id;

    // Member (not binding): additive; the node service account is the only reader this code grants.
    this.nodeReader = new ArtifactRegistryRepositoryIamMember(this, 'node-reader', {
      project: props.project,
      location: location.location,
      repository: this.repository.name,
      role: ARTIFACT_REGISTRY_READER_ROLE,
      member: props.nodeServiceAccountMember,
    });
  }
}
