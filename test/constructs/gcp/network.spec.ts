import { CONTROL_PLANE_TO_NODE_PORTS, GOOGLE_HEALTH_CHECK_RANGES, Network, type NetworkProps } from '../../../src/constructs/gcp/network';
import { type Json, named, only, resources, synth } from './helpers';

const base: NetworkProps = {
  name: 'test',
  project: 'test-project-01',
  region: 'europe-west2',
  nodesCidr: '10.70.0.0/20',
  podsCidr: '10.72.0.0/14',
  servicesCidr: '10.76.0.0/20',
  masterCidr: '172.16.0.0/28',
  proxyOnlyCidr: '10.70.16.0/26',
  nodeTag: 'test-node',
};

describe('Network defaults', () => {
  let json: Json;
  let nodes: Json;
  beforeAll(() => {
    json = synth((scope) => new Network(scope, 'network', base));
    nodes = named(json, 'google_compute_subnetwork', '_nodes_');
  });

  it('is a custom-mode VPC with regional routing', () => {
    expect(only(json, 'google_compute_network')).toMatchObject({ name: 'test-vpc', auto_create_subnetworks: false, routing_mode: 'REGIONAL' });
  });

  it('gives the node subnet pod and service secondary ranges and private Google access', () => {
    expect(nodes.ip_cidr_range).toBe('10.70.0.0/20');
    expect(nodes.secondary_ip_range).toEqual([
      { range_name: 'pods', ip_cidr_range: '10.72.0.0/14' },
      { range_name: 'services', ip_cidr_range: '10.76.0.0/20' },
    ]);
    expect(nodes.private_ip_google_access).toBe(true);
  });

  it('logs every flow with all metadata at 5-second aggregation', () => {
    expect(nodes.log_config).toEqual({ aggregation_interval: 'INTERVAL_5_SEC', flow_sampling: 1, metadata: 'INCLUDE_ALL_METADATA' });
  });

  it('creates an active proxy-only subnet for internal L7 load balancers', () => {
    expect(named(json, 'google_compute_subnetwork', 'proxy-only')).toMatchObject({
      ip_cidr_range: '10.70.16.0/26',
      purpose: 'REGIONAL_MANAGED_PROXY',
      role: 'ACTIVE',
    });
  });

  it('gives private nodes egress through Cloud NAT for the node subnet only, logging errors', () => {
    const nat = only(json, 'google_compute_router_nat');
    expect(nat.source_subnetwork_ip_ranges_to_nat).toBe('LIST_OF_SUBNETWORKS');
    expect(nat.subnetwork).toEqual([{ name: expect.stringContaining('google_compute_subnetwork.network_nodes_'), source_ip_ranges_to_nat: ['ALL_IP_RANGES'] }]);
    expect(nat.log_config).toEqual({ enable: true, filter: 'ERRORS_ONLY' });
    expect(nat.router).toContain('google_compute_router.network_router_');
  });

  it('denies all ingress at the lowest explicit priority, logged', () => {
    const deny = named(json, 'google_compute_firewall', 'deny-all-ingress');
    expect(deny).toMatchObject({ direction: 'INGRESS', priority: 65534, source_ranges: ['0.0.0.0/0'], deny: [{ protocol: 'all' }] });
    expect(deny.allow).toBeUndefined();
  });

  it('allows the control plane to reach kubelet and webhooks (incl. istio 15017) on nodes only', () => {
    const rule = named(json, 'google_compute_firewall', 'allow-control-plane');
    expect(rule.source_ranges).toEqual(['172.16.0.0/28']);
    expect(rule.target_tags).toEqual(['test-node']);
    expect(rule.allow).toEqual([{ protocol: 'tcp', ports: [...CONTROL_PLANE_TO_NODE_PORTS] }]);
    expect(rule.allow[0].ports).toEqual(expect.arrayContaining(['443', '8443', '9443', '15017']));
  });

  it('allows health checks and proxy-only ranges to nodes, and logs every rule', () => {
    expect(named(json, 'google_compute_firewall', 'allow-health-checks').source_ranges).toEqual([...GOOGLE_HEALTH_CHECK_RANGES]);
    expect(named(json, 'google_compute_firewall', 'allow-proxy-only').source_ranges).toEqual(['10.70.16.0/26']);
    const rules = resources(json, 'google_compute_firewall');
    expect(rules).toHaveLength(5);
    for (const rule of rules) {
      expect(rule.log_config).toEqual({ metadata: 'INCLUDE_ALL_METADATA' });
      if (rule.allow) {
        expect(rule.target_tags).toEqual(['test-node']);
        expect(rule.source_ranges).not.toContain('0.0.0.0/0');
      }
    }
  });
});

describe('Network settings and input checks', () => {
  it('applies a lower flow sampling when asked', () => {
    const json = synth((scope) => new Network(scope, 'network', { ...base, flowLogs: { flowSampling: 0.5, aggregationInterval: 'INTERVAL_30_SEC' } }));
    expect(named(json, 'google_compute_subnetwork', '_nodes_').log_config).toMatchObject({ flow_sampling: 0.5, aggregation_interval: 'INTERVAL_30_SEC' });
  });

  it('rejects switching flow logs off through a zero sampling rate', () => {
    expect(() => synth((scope) => new Network(scope, 'network', { ...base, flowLogs: { flowSampling: 0 } }))).toThrow(
      'network test: flowLogs.flowSampling must be in (0, 1] (flow logs cannot be switched off), got 0',
    );
  });

  it('rejects a malformed CIDR', () => {
    expect(() => synth((scope) => new Network(scope, 'network', { ...base, podsCidr: '10.72.0.0' }))).toThrow('network test: podsCidr must be an IPv4 CIDR such as 10.0.0.0/20, got "10.72.0.0"');
  });

  it('rejects 0.0.0.0/0 as a source range', () => {
    expect(() => synth((scope) => new Network(scope, 'network', { ...base, masterCidr: '0.0.0.0/0' }))).toThrow('network test: masterCidr must not contain "0.0.0.0/0"');
  });
});
