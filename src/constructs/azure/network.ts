/**
 * The cluster's private network: one VNet, a subnet per role, an NSG on
 * every subnet and a NAT gateway as the only way out. Nodes never get a
 * public IP; the Application Gateway subnet is the only one that accepts
 * traffic from the internet, and only on 443.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { NatGateway } from '@cdktf/provider-azurerm/lib/nat-gateway';
import { NatGatewayPublicIpAssociation } from '@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association';
import { NetworkSecurityGroup } from '@cdktf/provider-azurerm/lib/network-security-group';
import { NetworkSecurityRule } from '@cdktf/provider-azurerm/lib/network-security-rule';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';
import { SubnetNatGatewayAssociation } from '@cdktf/provider-azurerm/lib/subnet-nat-gateway-association';
import { SubnetNetworkSecurityGroupAssociation } from '@cdktf/provider-azurerm/lib/subnet-network-security-group-association';
import { VirtualNetwork } from '@cdktf/provider-azurerm/lib/virtual-network';

export interface NetworkProps {
  /** Prefix of every resource name. */
  readonly name: string;
  /** Resource group of the VNet, subnets, NSGs and NAT gateway. */
  readonly resourceGroupName: string;
  /** Azure region of the network. */
  readonly location: string;
  /** Address space of the VNet (an IPv4 CIDR, never 0.0.0.0/0); the subnets are carved from it. */
  readonly vnetCidr: string;
  /** Worker nodes (pods use the overlay range, not this subnet). */
  readonly nodeSubnetCidr: string;
  /** Delegated to AKS for API server VNet integration; /28 or larger. */
  readonly apiServerSubnetCidr: string;
  /** Application Gateway WAF v2 only. */
  readonly appGatewaySubnetCidr: string;
  /** Private endpoints (Key Vault). */
  readonly privateEndpointSubnetCidr: string;
  /** Networks (VPN, bastion, CI runners) allowed to reach the private API server on 443. */
  readonly adminCidrs: readonly string[];
  /**
   * Azure tags of the VNet, NSGs, NAT gateway and its public IP.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

interface RuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly access: 'Allow' | 'Deny';
  readonly protocol: 'Tcp' | '*';
  readonly sources: readonly string[];
  readonly ports: string;
  /** @default '*' */
  readonly destination?: string;
}

function assertCidr(field: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(value)) {
    throw new Error(`network: ${field} must be an IPv4 CIDR such as 10.0.0.0/16, got "${value}"`);
  }
  if (/^0\.0\.0\.0\/0$/.test(value)) {
    throw new Error(`network: ${field} must be a specific range, never 0.0.0.0/0`);
  }
}

/**
 * The cluster VNet: node, API server (delegated to AKS), Application Gateway and private endpoint subnets, each with an NSG
 * that denies inbound internet traffic except HTTPS to the WAF, and a NAT gateway as the nodes' only way out.
 */
export class Network extends Construct {
  readonly vnet: VirtualNetwork;
  readonly virtualNetworkId: string;
  readonly nodeSubnet: Subnet;
  readonly apiServerSubnet: Subnet;
  readonly appGatewaySubnet: Subnet;
  readonly privateEndpointSubnet: Subnet;
  readonly natGateway: NatGateway;
  /** NSGs by subnet role. */
  readonly securityGroups: Record<'nodes' | 'apiServer' | 'appGateway' | 'privateEndpoints', NetworkSecurityGroup>;
  /** Created before the cluster: AKS checks outbound connectivity during provisioning. */
  readonly natAssociation: SubnetNatGatewayAssociation;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    assertCidr('vnetCidr', props.vnetCidr);
    assertCidr('nodeSubnetCidr', props.nodeSubnetCidr);
    assertCidr('apiServerSubnetCidr', props.apiServerSubnetCidr);
    assertCidr('appGatewaySubnetCidr', props.appGatewaySubnetCidr);
    assertCidr('privateEndpointSubnetCidr', props.privateEndpointSubnetCidr);
    if (props.adminCidrs.length === 0) {
      throw new Error('network: adminCidrs must list at least one network that may reach the private API server, got none');
    }
    props.adminCidrs.forEach((c, i) => assertCidr(`adminCidrs[${i}]`, c));

    const { name, resourceGroupName, location } = props;
    const tags = props.tags ? { ...props.tags } : undefined;

    this.vnet = new VirtualNetwork(this, 'vnet', { name: `vnet-${name}`, resourceGroupName, location, addressSpace: [props.vnetCidr], tags });
    this.virtualNetworkId = this.vnet.id;

    const subnet = (sid: string, subnetName: string, cidr: string, extra: Partial<ConstructorParameters<typeof Subnet>[2]> = {}): Subnet =>
      new Subnet(this, sid, {
        name: subnetName,
        resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefixes: [cidr],
        // No implicit default outbound IPs: egress only through the NAT gateway we control.
        defaultOutboundAccessEnabled: false,
        ...extra,
      });
    this.nodeSubnet = subnet('nodes', 'snet-nodes', props.nodeSubnetCidr);
    this.apiServerSubnet = subnet('api-server', 'snet-api-server', props.apiServerSubnetCidr, {
      delegation: [
        {
          name: 'aks-api-server',
          serviceDelegation: { name: 'Microsoft.ContainerService/managedClusters', actions: ['Microsoft.Network/virtualNetworks/subnets/join/action'] },
        },
      ],
    });
    // Application Gateway v2 needs default outbound for its own management plane.
    this.appGatewaySubnet = subnet('app-gateway', 'snet-app-gateway', props.appGatewaySubnetCidr, { defaultOutboundAccessEnabled: true });
    this.privateEndpointSubnet = subnet('private-endpoints', 'snet-private-endpoints', props.privateEndpointSubnetCidr, {
      // NSG rules apply to private endpoints too (off by default in Azure).
      privateEndpointNetworkPolicies: 'Enabled',
    });

    const denyInternet: RuleSpec = { name: 'deny-internet-inbound', priority: 4000, access: 'Deny', protocol: '*', sources: ['Internet'], ports: '*' };
    this.securityGroups = {
      nodes: this.nsg('nodes-nsg', `nsg-${name}-nodes`, this.nodeSubnet, props, [denyInternet]),
      apiServer: this.nsg('api-server-nsg', `nsg-${name}-api-server`, this.apiServerSubnet, props, [
        // Only nodes (pods are SNATed to node IPs in overlay mode) and admin networks reach the API server.
        { name: 'allow-nodes-https', priority: 100, access: 'Allow', protocol: 'Tcp', sources: [props.nodeSubnetCidr], ports: '443' },
        { name: 'allow-admin-https', priority: 110, access: 'Allow', protocol: 'Tcp', sources: props.adminCidrs, ports: '443' },
        { name: 'allow-api-server-subnet', priority: 120, access: 'Allow', protocol: '*', sources: [props.apiServerSubnetCidr], ports: '*' },
        { name: 'allow-azure-load-balancer', priority: 130, access: 'Allow', protocol: '*', sources: ['AzureLoadBalancer'], ports: '*' },
        { name: 'deny-vnet-inbound', priority: 3900, access: 'Deny', protocol: '*', sources: ['VirtualNetwork'], ports: '*' },
        denyInternet,
      ]),
      appGateway: this.nsg('app-gateway-nsg', `nsg-${name}-app-gateway`, this.appGatewaySubnet, props, [
        // Required by Application Gateway v2: infrastructure health probes from Azure.
        { name: 'allow-gateway-manager', priority: 100, access: 'Allow', protocol: 'Tcp', sources: ['GatewayManager'], ports: '65200-65535' },
        { name: 'allow-azure-load-balancer', priority: 110, access: 'Allow', protocol: '*', sources: ['AzureLoadBalancer'], ports: '*' },
        // PCI-DSS 1.3.1: inbound internet traffic only to the WAF, only HTTPS.
        { name: 'allow-internet-https', priority: 120, access: 'Allow', protocol: 'Tcp', sources: ['Internet'], ports: '443', destination: props.appGatewaySubnetCidr },
        denyInternet,
      ]),
      privateEndpoints: this.nsg('private-endpoints-nsg', `nsg-${name}-private-endpoints`, this.privateEndpointSubnet, props, [
        { name: 'allow-vnet-https', priority: 100, access: 'Allow', protocol: 'Tcp', sources: ['VirtualNetwork'], ports: '443' },
        { name: 'deny-vnet-inbound', priority: 3900, access: 'Deny', protocol: '*', sources: ['VirtualNetwork'], ports: '*' },
        denyInternet,
      ]),
    };

    // Egress: one NAT gateway with a static IP that partners can allow-list; nodes have no public IPs.
    const egressIp = new PublicIp(this, 'nat-ip', {
      name: `pip-${name}-nat`,
      resourceGroupName,
      location,
      allocationMethod: 'Static',
      sku: 'Standard',
      zones: ['1', '2', '3'],
      tags,
    });
    this.natGateway = new NatGateway(this, 'nat', { name: `ng-${name}`, resourceGroupName, location, skuName: 'Standard', idleTimeoutInMinutes: 4, tags });
    new NatGatewayPublicIpAssociation(this, 'nat-ip-association', { natGatewayId: this.natGateway.id, publicIpAddressId: egressIp.id });
    this.natAssociation = new SubnetNatGatewayAssociation(this, 'nodes-nat', { subnetId: this.nodeSubnet.id, natGatewayId: this.natGateway.id });
  }

  private nsg(id: string, nsgName: string, subnet: Subnet, props: NetworkProps, rules: readonly RuleSpec[]): NetworkSecurityGroup {
    const group = new NetworkSecurityGroup(this, id, {
      name: nsgName,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    for (const rule of rules) {
      const multi = rule.sources.length > 1;
      new NetworkSecurityRule(this, `${id}-${rule.name}`, {
        name: rule.name,
        resourceGroupName: props.resourceGroupName,
        networkSecurityGroupName: group.name,
        priority: rule.priority,
        direction: 'Inbound',
        access: rule.access,
        protocol: rule.protocol,
        sourcePortRange: '*',
        destinationPortRange: rule.ports,
        sourceAddressPrefix: multi ? undefined : rule.sources[0],
        sourceAddressPrefixes: multi ? [...rule.sources] : undefined,
        destinationAddressPrefix: rule.destination ?? '*',
      });
    }
    new SubnetNetworkSecurityGroupAssociation(this, `${id}-association`, { subnetId: subnet.id, networkSecurityGroupId: group.id });
    return group;
  }
}
