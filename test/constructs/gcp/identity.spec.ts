import { GoogleServiceAccount, NODE_SERVICE_ACCOUNT_ROLES, WorkloadIdentityBinding } from '../../../src/constructs/gcp/identity';
import { type Json, only, resources, synth } from './helpers';

describe('GoogleServiceAccount and WorkloadIdentityBinding', () => {
  let json: Json;
  beforeAll(() => {
    json = synth((scope) => {
      new GoogleServiceAccount(scope, 'nodes', { accountId: 'test-nodes', project: 'test-project-01', displayName: 'nodes', projectRoles: NODE_SERVICE_ACCOUNT_ROLES });
      const vault = new GoogleServiceAccount(scope, 'vault', { accountId: 'test-vault', project: 'test-project-01', displayName: 'vault' });
      new WorkloadIdentityBinding(scope, 'vault-wi', {
        googleServiceAccount: vault,
        workloadPool: 'test-project-01.svc.id.goog',
        serviceAccount: { namespace: 'vault', name: 'vault' },
      });
    });
  });

  it('grants the node account exactly the four least-privilege project roles (image pulls are per repository), as additive members', () => {
    const grants = resources(json, 'google_project_iam_member');
    expect(grants.map((g) => g.role).sort()).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
      'roles/monitoring.viewer',
      'roles/stackdriver.resourceMetadata.writer',
    ]);
    for (const g of grants) {
      expect(g.project).toBe('test-project-01');
      expect(g.member).toMatch(/^\$\{google_service_account\.nodes_account_[A-F0-9]+\.member\}$/);
    }
    expect(resources(json, 'google_project_iam_binding')).toHaveLength(0);
  });

  it('lets only vault/vault impersonate the vault account', () => {
    const binding = only(json, 'google_service_account_iam_member');
    expect(binding.role).toBe('roles/iam.workloadIdentityUser');
    expect(binding.member).toBe('serviceAccount:test-project-01.svc.id.goog[vault/vault]');
    expect(binding.service_account_id).toMatch(/google_service_account\.vault_account_[A-F0-9]+\.name/);
  });
});

describe('identity input checks', () => {
  it('rejects owner/editor project roles', () => {
    expect(() => synth((scope) => new GoogleServiceAccount(scope, 'x', { accountId: 'test-nodes', project: 'p', displayName: 'x', projectRoles: ['roles/editor'] }))).toThrow(
      'google service account test-nodes: project role "roles/editor" is too broad',
    );
  });

  it('rejects an account id outside 6-30 characters', () => {
    expect(() => synth((scope) => new GoogleServiceAccount(scope, 'x', { accountId: 'abc', project: 'p', displayName: 'x' }))).toThrow(
      'accountId must be 6-30 lowercase letters, digits or hyphens starting with a letter, got "abc"',
    );
  });

  it('rejects a wildcard Kubernetes service account', () => {
    expect(() =>
      synth((scope) => {
        const gsa = new GoogleServiceAccount(scope, 'x', { accountId: 'test-vault', project: 'p', displayName: 'x' });
        new WorkloadIdentityBinding(scope, 'wi', { googleServiceAccount: gsa, workloadPool: 'test-project-01.svc.id.goog', serviceAccount: { namespace: 'vault', name: '*' } });
      }),
    ).toThrow('serviceAccount.name must be a Kubernetes name (no wildcards), got "*"');
  });

  it('rejects a workload pool that is not <project>.svc.id.goog', () => {
    expect(() =>
      synth((scope) => {
        const gsa = new GoogleServiceAccount(scope, 'x', { accountId: 'test-vault', project: 'p', displayName: 'x' });
        new WorkloadIdentityBinding(scope, 'wi', { googleServiceAccount: gsa, workloadPool: 'evil.example.com', serviceAccount: { namespace: 'vault', name: 'vault' } });
      }),
    ).toThrow('workloadPool must be <project>.svc.id.goog, got "evil.example.com"');
  });
});
