import type { StackRule, StackResource } from '../../types';
import { blocks, everyCovered } from '../attributes';

const AUDIT_CATEGORIES = ['kube-audit', 'kube-audit-admin'];
const AUDIT_GROUPS = ['audit', 'allLogs'];

function exportsAudit(setting: StackResource): boolean {
  return blocks(setting.attrs, 'enabled_log').some(
    (l) =>
      (typeof l.category === 'string' && AUDIT_CATEGORIES.includes(l.category)) ||
      (typeof l.category_group === 'string' && AUDIT_GROUPS.includes(l.category_group)),
  );
}

/** Kubernetes audit events leave the cluster through a diagnostic setting. */
export const aksAuditLogging: StackRule = {
  scope: 'stack',
  name: 'aks-audit-logging',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '10.2.1', 'cis-kubernetes-managed': 'AKS 2.1.1' },
  explanation:
    'Every AKS cluster must have a diagnostic setting that exports the kube-audit (or kube-audit-admin) log category: without it no access to the cluster can be reconstructed.',
  fix: 'Add an azurerm_monitor_diagnostic_setting with target_resource_id = <cluster>.id and enabled_log { category = "kube-audit-admin" } to a Log Analytics workspace.',
  evaluate: (resources) =>
    everyCovered(
      resources,
      'azurerm_kubernetes_cluster',
      (r) => r.type === 'azurerm_monitor_diagnostic_setting' && exportsAudit(r),
      'target_resource_id',
    ),
};
