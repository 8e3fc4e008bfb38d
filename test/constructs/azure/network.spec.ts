import { Network, type NetworkProps } from '../../../src/constructs/azure/network';
import { type Json, common, only, resources, scope, synth } from './helpers';

const props: NetworkProps = {
  ...common,
  name: 'test',
  vnetCidr: '10.40.0.0/16',
  nodeSubnetCidr: '10.40.0.0/20',
  apiServerSubnetCidr: '10.40.16.0/28',
  appGatewaySubnetCidr: '10.40.17.0/24',
  privateEndpointSubnetCidr: '10.40.18.0/24',
  adminCidrs: ['10.255.0.0/20', '10.254.0.0/24'],
};

describe('Network', () => {
  let json: Json;
  const rule = (name: string): Json => resources(json, 'azurerm_network_security_rule').find((r) => r.name === name && r.network_security_group_name.includes('api-server-nsg'))!;
  beforeAll(() => {
    json = synth((s) => new Network(s, 'network', props));
  });

  it('creates four subnets with default outbound off except the gateway subnet', () => {
    const subnets = resources(json, 'azurerm_subnet');
    expect(subnets).toHaveLength(4);
    const byName = Object.fromEntries(subnets.map((s) => [s.name, s]));
    expect(byName['snet-nodes'].default_outbound_access_enabled).toBe(false);
    expect(byName['snet-api-server'].default_outbound_access_enabled).toBe(false);
    expect(byName['snet-private-endpoints'].private_endpoint_network_policies).toBe('Enabled');
    expect(byName['snet-app-gateway'].default_outbound_access_enabled).toBe(true);
    expect(byName['snet-api-server'].delegation[0].service_delegation.name).toBe('Microsoft.ContainerService/managedClusters');
  });

  it('associates an NSG with every subnet', () => {
    expect(resources(json, 'azurerm_network_security_group')).toHaveLength(4);
    expect(resources(json, 'azurerm_subnet_network_security_group_association')).toHaveLength(4);
  });

  it('lets only nodes and admin networks reach the API server on 443', () => {
    expect(rule('allow-nodes-https')).toMatchObject({ access: 'Allow', protocol: 'Tcp', source_address_prefix: '10.40.0.0/20', destination_port_range: '443' });
    expect(rule('allow-admin-https')).toMatchObject({ source_address_prefixes: ['10.255.0.0/20', '10.254.0.0/24'], destination_port_range: '443' });
    expect(rule('deny-vnet-inbound')).toMatchObject({ access: 'Deny', source_address_prefix: 'VirtualNetwork', priority: 3900 });
  });

  it('accepts internet traffic only on 443 to the gateway subnet', () => {
    const internet = resources(json, 'azurerm_network_security_rule').filter((r) => r.source_address_prefix === 'Internet' && r.access === 'Allow');
    expect(internet).toHaveLength(1);
    expect(internet[0]).toMatchObject({ destination_port_range: '443', destination_address_prefix: '10.40.17.0/24' });
  });

  it('sends node egress through a NAT gateway with a static IP', () => {
    expect(only(json, 'azurerm_nat_gateway').sku_name).toBe('Standard');
    expect(only(json, 'azurerm_public_ip')).toMatchObject({ allocation_method: 'Static', sku: 'Standard' });
    expect(only(json, 'azurerm_subnet_nat_gateway_association').subnet_id).toContain('network_nodes_');
  });

  it.each([
    ['an admin CIDR of 0.0.0.0/0', { adminCidrs: ['0.0.0.0/0'] }, 'adminCidrs[0] must be a specific range, never 0.0.0.0/0'],
    ['no admin CIDRs', { adminCidrs: [] }, 'adminCidrs must list at least one network'],
    ['a malformed subnet', { nodeSubnetCidr: '10.40.0.0' }, 'nodeSubnetCidr must be an IPv4 CIDR such as 10.0.0.0/16, got "10.40.0.0"'],
  ])('rejects %s', (_case, override, message) => {
    expect(() => new Network(scope(), 'network', { ...props, ...override })).toThrow(message);
  });
});
