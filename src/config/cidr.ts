/**
 * IPv4 CIDR arithmetic for validating address plans before synth.
 * Pure functions, no dependencies: the config layer must reject a bad plan
 * before any construct sees it.
 */

export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefixLength: number;
  /** The text the CIDR was parsed from. */
  readonly text: string;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns a reason string when the text is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Ipv4Cidr | string {
  const match = CIDR_PATTERN.exec(text);
  if (!match) {
    return 'not an IPv4 CIDR of the form a.b.c.d/n';
  }
  const octets = match.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) {
    return 'octets must be 0-255';
  }
  const prefixLength = Number(match[5]);
  if (prefixLength > 32) {
    return 'prefix length must be 0-32';
  }
  const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const network = (address & maskOf(prefixLength)) >>> 0;
  if (network !== address) {
    return `host bits are set; the network address is ${formatAddress(network)}/${prefixLength}`;
  }
  return { network, prefixLength, text };
}

export function parseAddress(text: string): number | undefined {
  const parsed = parseCidr(`${text}/32`);
  return typeof parsed === 'string' ? undefined : parsed.network;
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
}

function formatAddress(address: number): string {
  return [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefixLength >= outer.prefixLength && ((inner.network & maskOf(outer.prefixLength)) >>> 0) === outer.network;
}

export function containsAddress(outer: Ipv4Cidr, address: number): boolean {
  return ((address & maskOf(outer.prefixLength)) >>> 0) === outer.network;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return contains(a, b) || contains(b, a);
}

/** A /0 admits every address: never an acceptable allow-list entry. */
export function isAnyAddress(cidr: Ipv4Cidr): boolean {
  return cidr.prefixLength === 0;
}
