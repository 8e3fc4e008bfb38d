/** Compliance as code: rule packs (Aspects), suppressions and the evidence report. */
export {
  CompliancePack,
  applyCompliancePacks,
  cisKubernetesManagedPack,
  message,
  packDefinition,
  packRule,
  pciDss4Pack,
  type PackDefinition,
  type PackRule,
} from './pack';
export { DEFAULT_IGNORED_PATHS, readProjectInfo, type ReadProjectInfoOptions } from './project-info';
export {
  buildStackReport,
  buildStackReports,
  renderJson,
  renderMarkdown,
  type ProjectInfo,
  type StackReport,
  type WorkingTreeState,
} from './report';
export { ALL_RULES, AWS_RULES, AZURE_RULES, GCP_RULES } from './rules';
export { suppress, suppressionsFor, validateSuppression, type Suppression } from './suppressions';
export type * from './types';
