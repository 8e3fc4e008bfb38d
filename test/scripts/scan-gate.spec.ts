import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exceptionProblems, gateReport, gateScan, parseScanExceptions, type ScanException } from '../../scripts/lib/scan-gate';

/** grype v0.121.3's own JSON presenter snapshot (test/fixtures/grype/README.md): one Low, one Critical match. */
const grypeDocument: unknown = JSON.parse(readFileSync(join(__dirname, '../fixtures/grype/grype-v0.121.3-image.json'), 'utf8'));
const IMAGE = 'docker.io/hashicorp/vault';
const NOW = new Date('2026-12-03T12:00:00Z');

const exception = (extra: Partial<ScanException> = {}): ScanException => ({
  vulnerability: 'CVE-1999-0002',
  image: IMAGE,
  owner: 'platform-security@bank.example',
  reason: 'package-2 is only used by the build stage; the vulnerable code path is not reachable at runtime.',
  expires: '2027-01-31',
  ...extra,
});

describe('gateScan on grype output', () => {
  it('fails an image with a Critical finding and no exception, naming it', () => {
    const result = gateScan(grypeDocument, IMAGE, [], NOW);
    expect(result.passed).toBe(false);
    expect(result.counts).toMatchObject({ Critical: 1, Low: 1, High: 0 });
    expect(result.blocking).toEqual([{ vulnerability: 'CVE-1999-0002', severity: 'Critical', package: 'package-2@2.2.2' }]);
    expect(gateReport(IMAGE, result).join('\n')).toMatch(/FAIL .*\n {2}BLOCKING CVE-1999-0002 Critical in package-2@2\.2\.2: fix it, or record an exception/);
  });

  it('passes when an unexpired exception with owner and reason names the finding for this image', () => {
    const result = gateScan(grypeDocument, IMAGE, [exception()], NOW);
    expect(result.passed).toBe(true);
    expect(result.accepted).toEqual([{ vulnerability: 'CVE-1999-0002', severity: 'Critical', package: 'package-2@2.2.2', owner: 'platform-security@bank.example', expires: '2027-01-31' }]);
  });

  it('still accepts on the expiry day itself, and blocks again the day after', () => {
    expect(gateScan(grypeDocument, IMAGE, [exception({ expires: '2026-12-03' })], NOW).passed).toBe(true);
    const expired = gateScan(grypeDocument, IMAGE, [exception({ expires: '2026-12-02' })], NOW);
    expect(expired.passed).toBe(false);
    expect(expired.notes).toEqual(['exception for CVE-1999-0002 (owner platform-security@bank.example) expired on 2026-12-02: the finding blocks again']);
  });

  it('fails when the exception names another image (an exception never covers every image)', () => {
    const result = gateScan(grypeDocument, IMAGE, [exception({ image: 'docker.io/hashicorp/vault-k8s' })], NOW);
    expect(result.passed).toBe(false);
  });

  it('passes a scan without Critical findings and reports an unused exception for removal', () => {
    const low = { ...(grypeDocument as object), matches: (grypeDocument as { matches: Array<{ vulnerability: { severity: string } }> }).matches.filter((m) => m.vulnerability.severity !== 'Critical') };
    const result = gateScan(low, IMAGE, [exception()], NOW);
    expect(result.passed).toBe(true);
    expect(result.notes).toEqual([expect.stringMatching(/exception for CVE-1999-0002 .* matched no Critical finding: remove it/)]);
  });

  it('rejects input that is not grype JSON output', () => {
    expect(() => gateScan({ matches: [] }, IMAGE, [], NOW)).toThrow(/not a grype JSON document \(grype -o json\): descriptor/);
    expect(() => gateScan({ bomFormat: 'CycloneDX' }, IMAGE, [], NOW)).toThrow(/not a grype JSON document/);
  });
});

describe('scan exceptions file', () => {
  it('accepts a complete exception', () => {
    expect(parseScanExceptions({ exceptions: [exception()] })).toHaveLength(1);
    expect(parseScanExceptions({ exceptions: [] })).toEqual([]);
  });

  it.each([
    ['without an owner', { owner: undefined }, /exceptions\.0\.owner: /],
    ['with an owner that is not an address', { owner: 'bob' }, /exceptions\.0\.owner: an e-mail address of the accountable team or person/],
    ['with a one-word reason', { reason: 'accepted' }, /exceptions\.0\.reason: at least a sentence \(20 characters\)/],
    ['without an expiry', { expires: undefined }, /exceptions\.0\.expires: /],
    ['with an expiry that is not a date', { expires: 'next quarter' }, /exceptions\.0\.expires: a date as YYYY-MM-DD/],
    ['for every image', { image: '*' }, /exceptions\.0\.image: an upstream repository without tag or digest/],
    ['with a tag in the image', { image: 'docker.io/hashicorp/vault:2.0.4' }, /exceptions\.0\.image: an upstream repository without tag or digest/],
  ])('rejects an exception %s', (_name, change, expected) => {
    expect(() => parseScanExceptions({ exceptions: [{ ...exception(), ...change }] })).toThrow(expected);
  });

  it('rejects an unknown field (a typo would silently drop a condition)', () => {
    expect(() => parseScanExceptions({ exceptions: [{ ...exception(), expiry: '2027-01-01' }] })).toThrow(/exceptions\.0: Unrecognized key: "expiry"/);
  });

  it('refuses an expiry more than 90 days ahead, an impossible date and a duplicate', () => {
    expect(exceptionProblems([exception({ expires: '2027-03-03' })], NOW)).toEqual([]);
    expect(exceptionProblems([exception({ expires: '2027-03-04' })], NOW)).toEqual(['scan exceptions: exceptions.0.expires: 2027-03-04 is more than 90 days after 2026-12-03; exceptions are re-reviewed at least quarterly']);
    expect(exceptionProblems([exception({ expires: '2027-02-30' })], NOW)).toEqual(['scan exceptions: exceptions.0.expires: 2027-02-30 is not a calendar date']);
    expect(exceptionProblems([exception(), exception()], NOW)).toEqual(['scan exceptions: exceptions.1: a second exception for CVE-1999-0002 in docker.io/hashicorp/vault']);
  });
});
