/**
 * `regulated-k8s-platform/compliance`: the PCI-DSS and CIS packs, their rules, `suppress`, and the
 * evidence reports, for an app of one's own (`applyCompliancePacks(app)`).
 */
export * from './compliance/index';
