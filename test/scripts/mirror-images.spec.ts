import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mirrorPlan, readLock, repositoryOf, writeLock } from '../../scripts/mirror-images';
import { mirroredRepositoryPaths } from '../../src/constructs/aws/platform';
import { REFERENCE_FLEET } from '../helpers/environments';

describe('mirrorPlan', () => {
  const envs = REFERENCE_FLEET.environments;
  const plan = mirrorPlan(envs);

  it('copies every baseline image into every environment mirror once, keeping repository path and tag', () => {
    // Each environment's mirror gets the images its cloud runs: on AWS exactly the ECR repositories the platform creates.
    const aws = envs.filter((e) => e.cloud === 'aws');
    expect(plan.filter((i) => aws.some((e) => i.mirror.startsWith(`${e.platformImageMirror}/`)))).toHaveLength(aws.length * mirroredRepositoryPaths().length);
    for (const env of envs) {
      const mirror = env.platformImageMirror;
      const mine = plan.filter((i) => i.mirror.startsWith(`${mirror}/`));
      const repositories = new Set(mine.map((i) => repositoryOf(i.mirror).slice(mirror.length + 1)));
      expect(repositories.size).toBe(mine.length);
      expect(repositories.has(`velero/velero-plugin-for-${env.cloud === 'azure' ? 'microsoft-azure' : env.cloud}`)).toBe(true);
      for (const other of ['aws', 'microsoft-azure', 'gcp'].filter((c) => c !== (env.cloud === 'azure' ? 'microsoft-azure' : env.cloud))) expect(repositories.has(`velero/velero-plugin-for-${other}`)).toBe(false);
      if (env.cloud === 'aws') expect(repositories).toEqual(new Set(mirroredRepositoryPaths()));
      for (const item of mine) expect(item.mirror.split(':').pop()).toBe(item.source.split(':').pop());
    }
    expect(plan).toContainEqual({ source: 'docker.io/hashicorp/vault:2.0.4', mirror: `${envs[0].platformImageMirror}/hashicorp/vault:2.0.4` });
  });
});

describe('repositoryOf', () => {
  it.each([
    ['docker.io/hashicorp/vault:2.0.4', 'docker.io/hashicorp/vault'],
    ['localhost:5125/mirror/api:1.0.0', 'localhost:5125/mirror/api'],
    ['localhost:5125/mirror/api', 'localhost:5125/mirror/api'],
    ['quay.io/argoproj/argocd@sha256:abc', 'quay.io/argoproj/argocd'],
  ])('%s -> %s', (ref, repo) => expect(repositoryOf(ref)).toBe(repo));
});

describe('the lock file', () => {
  it('round-trips sorted by upstream reference, with the do-not-edit comment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    try {
      const file = join(dir, 'images.lock.json');
      expect(readLock(file).images).toEqual({});
      writeLock(file, { comment: '', images: { 'quay.io/b:1': { digest: 'sha256:2', sbom: 's', scan: 'did-not-run' }, 'docker.io/a:1': { digest: 'sha256:1', sbom: 's', scan: 'v' } } });
      const text = readFileSync(file, 'utf8');
      expect(Object.keys(JSON.parse(text).images)).toEqual(['docker.io/a:1', 'quay.io/b:1']);
      expect(JSON.parse(text).comment).toMatch(/Written by scripts\/mirror-images\.ts .* Do not edit by hand/);
      expect(readLock(file).images['quay.io/b:1'].digest).toBe('sha256:2');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
