/**
 * The release gate on a grype scan (PCI-DSS 4.0 6.3.3): an image with a Critical finding is not
 * released to the mirror unless a recorded, unexpired exception names that vulnerability for that
 * image, with an owner and a reason. Pure: the scan (grype `-o json`), the exceptions file and the
 * clock come in; the decision and every line an auditor needs go out.
 */
import { z } from 'zod';

/** Severities grype reports, highest first. */
export const GRYPE_SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Negligible', 'Unknown'] as const;

/** The part of grype's JSON document (`grype -o json`, models.Document) the gate reads. */
const grypeDocumentSchema = z.object({
  matches: z.array(
    z.object({
      vulnerability: z.object({ id: z.string().min(1), severity: z.string() }),
      artifact: z.object({ name: z.string(), version: z.string() }),
    }),
  ),
  descriptor: z.object({ name: z.literal('grype'), version: z.string() }),
});

/** The longest an exception may stay open: it is re-reviewed at least quarterly. */
export const MAX_EXCEPTION_DAYS = 90;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

const exceptionSchema = z.strictObject({
  /** The vulnerability id exactly as grype reports it (CVE-..., GHSA-...). */
  vulnerability: z.string().regex(/^(CVE-\d{4}-\d{4,}|GHSA(-[23456789cfghjmpqrvwx]{4}){3}|[A-Z]+-[A-Za-z0-9-]+)$/, 'a vulnerability id as grype reports it, e.g. CVE-2025-12345 or GHSA-xxxx-xxxx-xxxx'),
  /** The upstream image without tag, e.g. docker.io/hashicorp/vault: an exception never covers every image. */
  image: z.string().regex(/^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+$/, 'an upstream repository without tag or digest, e.g. docker.io/hashicorp/vault'),
  /** Who answers for the risk: a team or person reachable by mail. */
  owner: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address of the accountable team or person'),
  /** Why the finding is acceptable (not exploitable here, compensating control ...): at least a sentence. */
  reason: z.string().trim().min(20, 'at least a sentence (20 characters): why the finding is acceptable here'),
  /** Last day the exception holds (UTC); at most MAX_EXCEPTION_DAYS after it is checked. */
  expires: isoDate,
});

export const scanExceptionsSchema = z.strictObject({ exceptions: z.array(exceptionSchema) });

export type ScanException = z.infer<typeof exceptionSchema>;

export interface GateFinding {
  readonly vulnerability: string;
  readonly severity: string;
  readonly package: string;
}

export interface GateResult {
  /** True when no Critical finding is left without a valid exception. */
  readonly passed: boolean;
  readonly scanner: string;
  /** Matches per severity (every grype severity, zero included). */
  readonly counts: Readonly<Record<string, number>>;
  /** Critical findings that block the release. */
  readonly blocking: readonly GateFinding[];
  /** Critical findings accepted by an exception, with its owner and expiry. */
  readonly accepted: ReadonlyArray<GateFinding & { readonly owner: string; readonly expires: string }>;
  /** Exceptions for this image that matched nothing (candidates for removal) or have expired. */
  readonly notes: readonly string[];
}

/** Parses the exceptions file content (already YAML-decoded); throws one line per problem. */
export function parseScanExceptions(raw: unknown): ScanException[] {
  const parsed = scanExceptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `scan exceptions: ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(lines.join('\n'));
  }
  return parsed.data.exceptions;
}

function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Problems with the exceptions as of `now` that make the file itself unacceptable: an expiry that
 * is not a real date or lies more than MAX_EXCEPTION_DAYS ahead, or two entries for one finding.
 */
export function exceptionProblems(exceptions: readonly ScanException[], now: Date): string[] {
  const problems: string[] = [];
  const today = dayOf(now);
  const seen = new Set<string>();
  exceptions.forEach((e, i) => {
    if (Number.isNaN(Date.parse(`${e.expires}T00:00:00Z`)) || dayOf(new Date(`${e.expires}T00:00:00Z`)) !== e.expires) {
      problems.push(`scan exceptions: exceptions.${i}.expires: ${e.expires} is not a calendar date`);
    } else if (daysBetween(today, e.expires) > MAX_EXCEPTION_DAYS) {
      problems.push(`scan exceptions: exceptions.${i}.expires: ${e.expires} is more than ${MAX_EXCEPTION_DAYS} days after ${today}; exceptions are re-reviewed at least quarterly`);
    }
    const key = `${e.image} ${e.vulnerability}`;
    if (seen.has(key)) problems.push(`scan exceptions: exceptions.${i}: a second exception for ${e.vulnerability} in ${e.image}`);
    seen.add(key);
  });
  return problems;
}

/**
 * Applies the gate to one image's grype JSON document. `image` is the upstream repository (no tag),
 * matched exactly against each exception's `image`. An exception whose expiry day has passed
 * (`expires` < today, UTC) no longer accepts anything.
 */
export function gateScan(document: unknown, image: string, exceptions: readonly ScanException[], now: Date): GateResult {
  const parsed = grypeDocumentSchema.safeParse(document);
  if (!parsed.success) {
    throw new Error(`not a grype JSON document (grype -o json): ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const scan = parsed.data;
  const today = dayOf(now);
  const counts: Record<string, number> = Object.fromEntries(GRYPE_SEVERITIES.map((s) => [s, 0]));
  const blocking: GateFinding[] = [];
  const accepted: Array<GateFinding & { owner: string; expires: string }> = [];
  const mine = exceptions.filter((e) => e.image === image);
  const used = new Set<ScanException>();
  const notes: string[] = [];
  const seen = new Set<string>();
  for (const match of scan.matches) {
    const severity = (GRYPE_SEVERITIES as readonly string[]).includes(match.vulnerability.severity) ? match.vulnerability.severity : 'Unknown';
    counts[severity] += 1;
    if (severity !== 'Critical') continue;
    const finding = { vulnerability: match.vulnerability.id, severity, package: `${match.artifact.name}@${match.artifact.version}` };
    const key = `${finding.vulnerability} ${finding.package}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const exception = mine.find((e) => e.vulnerability === finding.vulnerability);
    if (exception && exception.expires >= today) {
      used.add(exception);
      accepted.push({ ...finding, owner: exception.owner, expires: exception.expires });
    } else {
      if (exception) {
        used.add(exception);
        notes.push(`exception for ${exception.vulnerability} (owner ${exception.owner}) expired on ${exception.expires}: the finding blocks again`);
      }
      blocking.push(finding);
    }
  }
  for (const e of mine) {
    if (!used.has(e)) notes.push(`exception for ${e.vulnerability} (owner ${e.owner}, expires ${e.expires}) matched no Critical finding: remove it`);
  }
  return { passed: blocking.length === 0, scanner: `${scan.descriptor.name} ${scan.descriptor.version}`, counts, blocking, accepted, notes };
}

/** One line per finding and note, for the pipeline log and the attestation. */
export function gateReport(image: string, result: GateResult): string[] {
  const lines = [
    `${image}: ${result.passed ? 'PASS' : 'FAIL'} (${result.scanner}; ${GRYPE_SEVERITIES.map((s) => `${s} ${result.counts[s] ?? 0}`).join(', ')})`,
  ];
  for (const f of result.blocking) lines.push(`  BLOCKING ${f.vulnerability} ${f.severity} in ${f.package}: fix it, or record an exception (owner, reason, expiry)`);
  for (const f of result.accepted) lines.push(`  accepted ${f.vulnerability} ${f.severity} in ${f.package}: exception of ${f.owner}, expires ${f.expires}`);
  for (const n of result.notes) lines.push(`  note: ${n}`);
  return lines;
}
