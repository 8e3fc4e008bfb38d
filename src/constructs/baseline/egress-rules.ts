/**
 * The shapes of the egress allow-list (docs/zero-trust.md#egress), shared by the environment
 * schema (src/config/schema.ts), the fleet validation (src/config/validate.ts) and the
 * construct's own checks for library users (settings.ts). Imports only the namespace lists: the
 * config layer loads it without cdktf.
 */
import { BASELINE_NAMESPACES, KUBERNETES_SYSTEM_NAMESPACES } from './namespaces';

/** Protocols a destination may use. Both are TLS end to end (the gateway routes on SNI); plaintext egress is not offered. */
export const EGRESS_PROTOCOLS = ['TLS', 'HTTPS'] as const;
export type EgressProtocol = (typeof EGRESS_PROTOCOLS)[number];

/** One external destination workloads may reach, through the egress gateway only. */
export interface EgressDestination {
  /** DNS label naming the destination in object names (ServiceEntry egress-<name>, ...). */
  readonly name: string;
  /** Fully qualified DNS name of the external service (no wildcard, no IP address). */
  readonly host: string;
  /** TCP port of the external service (1-65535; not Istio's own 15000-15099). */
  readonly port: number;
  /** TLS (any TLS protocol) or HTTPS; the application does the TLS handshake with the destination itself. */
  readonly protocol: EgressProtocol;
  /** Namespaces whose workloads may use the destination (the gateway's AuthorizationPolicy names them). */
  readonly namespaces: readonly string[];
}

/** A DNS label (RFC 1123): destination and namespace names. */
export const EGRESS_NAME = /^(?=.{1,40}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A namespace name (DNS label, at most 63 characters). */
export const EGRESS_NAMESPACE = /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/**
 * A fully qualified DNS name of at least two labels, lower case, no wildcard, no trailing dot;
 * the last label starts with a letter, so an IP address (not routed by SNI) never matches.
 */
export const EGRESS_HOST = /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)+[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** Ports Istio's proxies use themselves (admin, inbound/outbound capture, health, metrics, HBONE). */
export const ISTIO_RESERVED_PORTS = { from: 15000, to: 15099 } as const;
/** Suffixes of in-cluster names: they are services in the mesh, not egress destinations. */
const IN_CLUSTER_SUFFIXES = ['.cluster.local', '.svc', '.local'];
/** Namespaces that never use the egress gateway (the control plane and the gateway's own). */
export const EGRESS_FORBIDDEN_NAMESPACES: readonly string[] = [...KUBERNETES_SYSTEM_NAMESPACES, BASELINE_NAMESPACES.istio, BASELINE_NAMESPACES.istioEgress];

export interface EgressProblem {
  /** Field path below the egress block, e.g. `destinations[1].port`. */
  readonly field: string;
  readonly value: unknown;
  readonly allowed: string;
}

export const EGRESS_ALLOWED = {
  name: 'a DNS label of at most 40 characters (lowercase letters, digits and -)',
  host: 'a fully qualified DNS name such as api.card-network.example.com (lowercase; no wildcard, IP address or in-cluster name)',
  port: `a TCP port from 1 to 65535 outside Istio's own ${ISTIO_RESERVED_PORTS.from}-${ISTIO_RESERVED_PORTS.to}`,
  protocol: `one of ${EGRESS_PROTOCOLS.join(', ')} (TLS end to end; plaintext egress is not offered)`,
  namespace: 'a namespace name (DNS label) other than the control plane and gateway namespaces',
} as const;

/** Every problem of one destination list, in order: the construct throws the first, the fleet validation reports them all. */
export function egressDestinationProblems(destinations: readonly EgressDestination[]): EgressProblem[] {
  const problems: EgressProblem[] = [];
  const names = new Map<string, number>();
  const endpoints = new Map<string, number>();
  destinations.forEach((d, i) => {
    const at = `destinations[${i}]`;
    if (typeof d.name !== 'string' || !EGRESS_NAME.test(d.name)) problems.push({ field: `${at}.name`, value: d.name, allowed: EGRESS_ALLOWED.name });
    else if (names.has(d.name)) problems.push({ field: `${at}.name`, value: d.name, allowed: `a name used once (destinations[${names.get(d.name)}] has it)` });
    else names.set(d.name, i);
    const host = typeof d.host === 'string' ? d.host : '';
    if (!EGRESS_HOST.test(host) || IN_CLUSTER_SUFFIXES.some((s) => host.endsWith(s))) problems.push({ field: `${at}.host`, value: d.host, allowed: EGRESS_ALLOWED.host });
    const port = d.port;
    if (!Number.isInteger(port) || port < 1 || port > 65535 || (port >= ISTIO_RESERVED_PORTS.from && port <= ISTIO_RESERVED_PORTS.to)) {
      problems.push({ field: `${at}.port`, value: port, allowed: EGRESS_ALLOWED.port });
    }
    const endpoint = `${host}:${port}`;
    if (endpoints.has(endpoint)) problems.push({ field: `${at}.host`, value: endpoint, allowed: `each host and port once (destinations[${endpoints.get(endpoint)}] declares it)` });
    else endpoints.set(endpoint, i);
    if (!(EGRESS_PROTOCOLS as readonly string[]).includes(d.protocol)) problems.push({ field: `${at}.protocol`, value: d.protocol, allowed: EGRESS_ALLOWED.protocol });
    const namespaces = Array.isArray(d.namespaces) ? d.namespaces : [];
    if (namespaces.length === 0) problems.push({ field: `${at}.namespaces`, value: d.namespaces, allowed: 'at least one namespace whose workloads may use the destination (least privilege: no wildcard)' });
    namespaces.forEach((ns, j) => {
      if (typeof ns !== 'string' || !EGRESS_NAMESPACE.test(ns) || EGRESS_FORBIDDEN_NAMESPACES.includes(ns)) {
        problems.push({ field: `${at}.namespaces[${j}]`, value: ns, allowed: EGRESS_ALLOWED.namespace });
      } else if (namespaces.indexOf(ns) !== j) problems.push({ field: `${at}.namespaces[${j}]`, value: ns, allowed: 'each namespace once' });
    });
  });
  return problems;
}
