/**
 * The Log Analytics workspace every Azure resource of the platform reports
 * to, and the diagnostic setting that wires a resource's logs into it.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { LogAnalyticsWorkspace } from '@cdktf/provider-azurerm/lib/log-analytics-workspace';
import { MonitorDiagnosticSetting } from '@cdktf/provider-azurerm/lib/monitor-diagnostic-setting';

/** How other constructs refer to the workspace. */
export interface WorkspaceRef {
  /** ARM resource id. */
  readonly workspaceId: string;
  /** Workspace (customer) GUID, used by traffic analytics. */
  readonly workspaceGuid: string;
  readonly location: string;
}

export interface LogWorkspaceProps {
  /** Log Analytics workspace name. */
  readonly name: string;
  /** Resource group of the workspace. */
  readonly resourceGroupName: string;
  /** Azure region of the workspace. */
  readonly location: string;
  /**
   * Days logs stay queryable (365-730).
   * @default 365 - PCI-DSS 10.5.1: one year of audit history
   */
  readonly retentionDays?: number;
  /**
   * Azure tags of the workspace.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The Log Analytics workspace the platform's audit logs go to, with at least a year of retention and local (shared key)
 * authentication disabled, so only Entra ID identities can write or read logs.
 */
export class LogWorkspace extends Construct implements WorkspaceRef {
  readonly workspace: LogAnalyticsWorkspace;
  readonly workspaceId: string;
  readonly workspaceGuid: string;
  readonly location: string;

  constructor(scope: Construct, id: string, props: LogWorkspaceProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    if (!Token.isUnresolved(retentionDays) && (!Number.isInteger(retentionDays) || retentionDays < 365 || retentionDays > 730)) {
      throw new Error(`log workspace ${props.name}: retentionDays must be an integer between 365 and 730 (one year of audit history), got ${retentionDays}`);
    }
    this.workspace = new LogAnalyticsWorkspace(this, 'workspace', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      sku: 'PerGB2018',
      retentionInDays: retentionDays,
      // Entra ID only: no shared workspace keys that could be leaked to inject or read logs.
      localAuthenticationEnabled: false,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.workspaceId = this.workspace.id;
    this.workspaceGuid = this.workspace.workspaceId;
    this.location = props.location;
  }
}

export interface DiagnosticsProps {
  /** Resource whose logs are collected. */
  readonly targetResourceId: string;
  /** Workspace the logs are sent to, into resource-specific (`Dedicated`) tables. */
  readonly workspace: WorkspaceRef;
  /**
   * Log categories (e.g. `kube-audit`); each must be collected. With `categoryGroups`, at least one category or group is required.
   * @default - none
   */
  readonly categories?: readonly string[];
  /**
   * Category groups (e.g. `audit`, `allLogs`). With `categories`, at least one category or group is required.
   * @default - none
   */
  readonly categoryGroups?: readonly string[];
  /**
   * Also send platform metrics.
   * @default true
   */
  readonly metrics?: boolean;
}

/**
 * A diagnostic setting to the workspace in resource-specific tables.
 * PCI-DSS 10.2: audit trails of the control plane, WAF and key usage.
 */
export class Diagnostics extends Construct {
  readonly setting: MonitorDiagnosticSetting;

  constructor(scope: Construct, id: string, props: DiagnosticsProps) {
    super(scope, id);
    const categories = props.categories ?? [];
    const groups = props.categoryGroups ?? [];
    if (categories.length + groups.length === 0) {
      throw new Error('diagnostics: give at least one log category or category group, got none');
    }
    this.setting = new MonitorDiagnosticSetting(this, 'setting', {
      name: 'to-log-analytics',
      targetResourceId: props.targetResourceId,
      logAnalyticsWorkspaceId: props.workspace.workspaceId,
      logAnalyticsDestinationType: 'Dedicated',
      enabledLog: [...categories.map((category) => ({ category })), ...groups.map((categoryGroup) => ({ categoryGroup }))],
      enabledMetric: props.metrics === false ? undefined : [{ category: 'AllMetrics' }],
    });
  }
}
