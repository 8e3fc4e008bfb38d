/**
 * Every rule against compliant and non-compliant synthesized attributes. The
 * rules are pure functions of one resource's Terraform JSON (or of a stack's
 * resources), so these run without synthesizing.
 */
import { ALL_RULES } from '../../src/compliance/rules';
import { packDefinition } from '../../src/compliance/pack';
import { AWS_RESOURCE_CASES, AWS_STACK_CASES } from './cases/aws';
import { AZURE_RESOURCE_CASES, AZURE_STACK_CASES } from './cases/azure';
import { GCP_RESOURCE_CASES, GCP_STACK_CASES } from './cases/gcp';
import type { ResourceCase, StackCase } from './cases/types';

const RESOURCE_CASES: readonly ResourceCase[] = [...AWS_RESOURCE_CASES, ...AZURE_RESOURCE_CASES, ...GCP_RESOURCE_CASES];
const STACK_CASES: readonly StackCase[] = [...AWS_STACK_CASES, ...AZURE_STACK_CASES, ...GCP_STACK_CASES];

describe('resource rules', () => {
  describe.each(RESOURCE_CASES.map((c) => [`${c.rule.name} on ${c.type ?? c.rule.resourceTypes[0]}`, c] as const))('%s', (_label, c) => {
    const type = c.type ?? c.rule.resourceTypes[0];
    it('accepts compliant configuration', () => {
      for (const attrs of c.compliant) expect([attrs, c.rule.evaluate(attrs, type)]).toEqual([attrs, 'compliant']);
    });
    it('rejects non-compliant configuration', () => {
      for (const attrs of c.nonCompliant) expect([attrs, c.rule.evaluate(attrs, type)]).toEqual([attrs, 'non-compliant']);
    });
    if (c.notApplicable) {
      it('does not apply where the control does not apply', () => {
        for (const attrs of c.notApplicable ?? []) expect([attrs, c.rule.evaluate(attrs, type)]).toEqual([attrs, 'not-applicable']);
      });
    }
  });
});

describe('stack rules', () => {
  describe.each(STACK_CASES.map((c) => [c.rule.name, c] as const))('%s', (_label, c) => {
    it('accepts a compliant stack', () => {
      for (const resources of c.compliant) expect(c.rule.evaluate(resources).status).toBe('compliant');
    });
    it('rejects a non-compliant stack', () => {
      for (const resources of c.nonCompliant) expect(c.rule.evaluate(resources).status).toBe('non-compliant');
    });
    it('does not apply to a stack without the service', () => {
      for (const resources of c.notApplicable ?? []) expect(c.rule.evaluate(resources).status).toBe('not-applicable');
    });
  });
});

describe('the rule set', () => {
  it('tests every rule against compliant and non-compliant input', () => {
    const tested = new Set([...RESOURCE_CASES.map((c) => c.rule.name), ...STACK_CASES.map((c) => c.rule.name)]);
    expect(ALL_RULES.map((r) => r.name).filter((n) => !tested.has(n))).toEqual([]);
  });

  it('tests every resource type of every resource rule', () => {
    const tested = new Set(RESOURCE_CASES.map((c) => `${c.rule.name}:${c.type ?? c.rule.resourceTypes[0]}`));
    const missing = ALL_RULES.flatMap((r) => (r.scope === 'resource' ? r.resourceTypes.map((t) => `${r.name}:${t}`) : [])).filter(
      (k) => !tested.has(k),
    );
    expect(missing).toEqual([]);
  });

  it('gives every rule a unique name, an explanation, a fix and at least one control', () => {
    expect(new Set(ALL_RULES.map((r) => r.name)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect(r.explanation.length).toBeGreaterThan(40);
      expect(r.fix.length).toBeGreaterThan(20);
      expect(Object.keys(r.controls).length).toBeGreaterThan(0);
    }
  });

  it('covers the issue 5 controls on all three clouds in the pci-dss-4 pack', () => {
    const pci = packDefinition('pci-dss-4');
    const byCloud = (cloud: string) => new Set(pci.rules.filter((r) => r.rule.cloud === cloud).map((r) => r.control));
    // private endpoint, network policy, no public nodes, audit + flow logs, WAF, secrets/disk/state encryption,
    // key rotation, TLS, workload identity, node metadata.
    const required = ['1.4.1', '1.3.1', '1.4.4', '10.2.1', '6.4.2', '3.5.1', '3.7.4', '4.2.1', '8.6.2', '7.2.5'].map((c) => `PCI-DSS v4.0 ${c}`);
    for (const cloud of ['aws', 'azure', 'gcp']) expect(required.filter((c) => !byCloud(cloud).has(c))).toEqual([]);
  });

  it('builds stable rule ids per pack from the same rule file', () => {
    const pci = packDefinition('pci-dss-4').rules.find((r) => r.rule.name === 'eks-private-endpoint');
    const cis = packDefinition('cis-kubernetes-managed').rules.find((r) => r.rule.name === 'eks-private-endpoint');
    expect(pci?.id).toBe('PCI-DSS-4-1.4.1-eks-private-endpoint');
    expect(cis?.id).toBe('CIS-EKS-5.4.2-eks-private-endpoint');
    expect(pci?.rule).toBe(cis?.rule);
  });
});
