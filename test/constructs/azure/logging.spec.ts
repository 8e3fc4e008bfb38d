import { Diagnostics, LogWorkspace } from '../../../src/constructs/azure/logging';
import { common, only, scope, synth, workspace } from './helpers';

describe('LogWorkspace and Diagnostics', () => {
  it('keeps logs 365 days with local authentication off', () => {
    const w = only(synth((s) => new LogWorkspace(s, 'logs', { ...common, name: 'log-test' })), 'azurerm_log_analytics_workspace');
    expect(w).toMatchObject({ retention_in_days: 365, local_authentication_enabled: false, sku: 'PerGB2018' });
  });

  it('rejects retention under a year', () => {
    expect(() => new LogWorkspace(scope(), 'logs', { ...common, name: 'log-test', retentionDays: 30 })).toThrow(
      'retentionDays must be an integer between 365 and 730 (one year of audit history), got 30',
    );
  });

  it('writes categories and groups to resource-specific tables', () => {
    const d = only(synth((s) => new Diagnostics(s, 'd', { targetResourceId: '/r', workspace, categories: ['a'], categoryGroups: ['audit'], metrics: false })), 'azurerm_monitor_diagnostic_setting');
    expect(d).toMatchObject({ log_analytics_destination_type: 'Dedicated', enabled_log: [{ category: 'a' }, { category_group: 'audit' }] });
    expect(d.enabled_metric).toBeUndefined();
  });

  it('rejects a diagnostic setting that collects nothing', () => {
    expect(() => new Diagnostics(scope(), 'd', { targetResourceId: '/r', workspace })).toThrow('give at least one log category or category group, got none');
  });
});
