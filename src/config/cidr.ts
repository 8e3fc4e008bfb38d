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

/**
 * Address space that is never routed on the internet: RFC 1918 private ranges
 * and the RFC 6598 shared address space (carrier-grade NAT, common for VPNs).
 */
export const PRIVATE_RANGES: readonly Ipv4Cidr[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((text) => parseCidr(text) as Ipv4Cidr);

/** True when the whole range lies inside PRIVATE_RANGES. */
export function isPrivate(cidr: Ipv4Cidr): boolean {
  return PRIVATE_RANGES.some((range) => contains(range, cidr));
}

/** Number of addresses of a range (2^(32 - prefix)). */
function sizeOf(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefixLength);
}

/**
 * True when the ranges together admit every IPv4 address, e.g. `0.0.0.0/1` and
 * `128.0.0.0/1`: an allow-list that is `0.0.0.0/0` in all but name.
 */
export function coversEverything(ranges: readonly Ipv4Cidr[]): boolean {
  const sorted = [...ranges].sort((a, b) => a.network - b.network);
  let next = 0;
  for (const range of sorted) {
    if (range.network > next) return false;
    next = Math.max(next, range.network + sizeOf(range));
  }
  return next >= 2 ** 32;
}
