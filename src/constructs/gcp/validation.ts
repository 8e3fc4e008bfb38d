/**
 * Eager input checks shared by the GCP constructs. Every check skips values
 * that are still tokens: they are only known at plan time.
 */
import { Token } from 'cdktf';

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Throws unless `value` is an IPv4 CIDR; `what` names the construct and field in the message. */
export function assertCidr(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  const match = IPV4_CIDR.exec(value);
  if (!match || match.slice(1, 5).some((o) => Number(o) > 255) || Number(match[5]) > 32) {
    throw new Error(`${what} must be an IPv4 CIDR such as 10.0.0.0/20, got "${value}"`);
  }
}

/** Throws when a network list would open something to the whole internet. */
export function assertNotAnyAddress(what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (/^0\.0\.0\.0\/0$|^::\/0$/.test(value.trim())) {
    throw new Error(`${what} must not contain "${value}" (the whole internet); list specific networks`);
  }
}

/** Throws when `value` is not a GCP resource name (lowercase letter first, then letters, digits, hyphens). */
export function assertResourceName(what: string, value: string, maxLength = 63): void {
  if (Token.isUnresolved(value)) return;
  if (value.length > maxLength || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value)) {
    throw new Error(`${what} must be 1-${maxLength} lowercase letters, digits or hyphens starting with a letter, got "${value}"`);
  }
}
