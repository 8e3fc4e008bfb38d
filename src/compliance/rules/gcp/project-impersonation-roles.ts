import type { ResourceRule } from '../../types';

/**
 * Roles that let a principal act as, or take over, service accounts project-wide
 * (Checkov's CKV_GCP_41 / CKV_GCP_49 list, plus Owner and Editor). Narrows their
 * global Checkov skips: the one identity that needs some of them (the CI deploy
 * account) carries a written suppression per grant, and any other grant fails synth.
 */
export const IMPERSONATION_ROLES = [
  'roles/owner',
  'roles/editor',
  'roles/iam.securityAdmin',
  'roles/iam.serviceAccountAdmin',
  'roles/iam.serviceAccountKeyAdmin',
  'roles/iam.serviceAccountUser',
  'roles/iam.serviceAccountTokenCreator',
  'roles/iam.workloadIdentityUser',
] as const;

export const gcpProjectImpersonationRoles: ResourceRule = {
  scope: 'resource',
  name: 'gcp-project-impersonation-roles',
  cloud: 'gcp',
  severity: 'error',
  controls: { 'pci-dss-4': '7.2.2' },
  resourceTypes: ['google_project_iam_member', 'google_project_iam_binding'],
  explanation:
    'No principal may hold, at project level, a role that acts as or manages every service account of the project (Owner, Editor, Service Account User/Admin/Token Creator/Key Admin, Workload Identity User, Security Admin): grant it on the one service account instead.',
  fix: 'Grant the role with google_service_account_iam_member on the specific service account, or suppress with a written reason where the account cannot exist yet (the CI deploy account).',
  evaluate: (attrs) => ((IMPERSONATION_ROLES as readonly string[]).includes(String(attrs.role)) ? 'non-compliant' : 'compliant'),
};
