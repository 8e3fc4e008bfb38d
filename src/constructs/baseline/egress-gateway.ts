/**
 * The Istio egress gateway (docs/zero-trust.md#egress): the values of charts/platform-baseline
 * (templates/egress-gateway.yaml) that the baseline sets. The chart renders the gateway, its
 * routing and its policies; the baseline stack creates its namespace (Istio construct) and fills
 * in the mirrored proxy image, the sizing, the security-pool placement and the destinations.
 */
import { SECURITY_POOL_PLACEMENT } from '../contract';
import type { EgressDestination } from './egress-rules';
import { securityPoolPlacement, type HelmValues } from './helm-defaults';
import { mirrorReference } from './images';
import { containerResources, type BaselineSizing } from './resources';
import { BASELINE_NAMESPACES } from './settings';

/** The gateway's workload: its name (Deployment, Service, ServiceAccount) and the labels its pods carry. */
export const EGRESS_GATEWAY = {
  name: 'istio-egressgateway',
  namespace: BASELINE_NAMESPACES.istioEgress,
  podLabels: { istio: 'egressgateway', app: 'istio-egressgateway' },
} as const;

/** What the gateway needs from the environment; omitted: the chart's defaults (used by the offline values check). */
export interface EgressGatewayInput {
  readonly imageMirror: string;
  readonly sizing: BaselineSizing;
  readonly destinations: readonly EgressDestination[];
}

export function egressGatewayChartValues(input?: EgressGatewayInput): HelmValues {
  const values: HelmValues = { enabled: true, namespace: EGRESS_GATEWAY.namespace, name: EGRESS_GATEWAY.name, replicas: 2 };
  if (!input) return { ...values, destinations: [] };
  return {
    ...values,
    // The proxy image istiod injects into every sidecar, from the mirror (same tag as istiod).
    image: mirrorReference(input.imageMirror, 'istioProxy'),
    resources: containerResources(input.sizing, 'egressGateway'),
    ...securityPoolPlacement(SECURITY_POOL_PLACEMENT),
    destinations: input.destinations.map((d) => ({ name: d.name, host: d.host, port: d.port, protocol: d.protocol, namespaces: [...d.namespaces] })),
  };
}
