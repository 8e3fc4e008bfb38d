/**
 * A private endpoint with its privatelink DNS zone linked to the VNet, so
 * clients inside the network resolve the service to a private address and
 * the service's public endpoint can stay closed.
 */
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { PrivateDnsZone } from '@cdktf/provider-azurerm/lib/private-dns-zone';
import { PrivateDnsZoneVirtualNetworkLink } from '@cdktf/provider-azurerm/lib/private-dns-zone-virtual-network-link';
import { PrivateEndpoint } from '@cdktf/provider-azurerm/lib/private-endpoint';

/** An existing privatelink DNS zone (one per zone name per VNet: Azure refuses a second link). */
export interface PrivateDnsZoneRef {
  readonly zoneId: string;
  readonly zoneName: string;
}

export interface PrivateLinkProps {
  /** Name of the endpoint (prefixed `pe-`). */
  readonly name: string;
  /** Resource group of the endpoint and, when created, the DNS zone and its VNet link. */
  readonly resourceGroupName: string;
  /** Azure region of the endpoint (that of its subnet). */
  readonly location: string;
  /** Resource the endpoint connects to. */
  readonly targetResourceId: string;
  /** Sub-resource, e.g. `vault` or `blob`. */
  readonly subresource: string;
  /** privatelink zone, e.g. `privatelink.vaultcore.azure.net`. */
  readonly dnsZoneName: string;
  /** Subnet the endpoint's private IP address comes from (the private endpoint subnet, whose NSG applies to it). */
  readonly subnetId: string;
  /** VNet the created DNS zone is linked to, so clients in it resolve the private address; unused when `dnsZone` is given. */
  readonly virtualNetworkId: string;
  /**
   * A zone of the same name already linked to the VNet (another endpoint of the same sub-resource type).
   * @default - creates the zone and links it to the VNet
   */
  readonly dnsZone?: PrivateDnsZoneRef;
  /**
   * Azure tags of the endpoint and, when created, the DNS zone and its VNet link.
   * @default - none
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A private endpoint to one sub-resource of a service, registered in a privatelink DNS zone linked to the VNet, so clients
 * inside the network reach the service on a private address and its public endpoint can stay closed.
 */
export class PrivateLink extends Construct implements PrivateDnsZoneRef {
  readonly endpoint: PrivateEndpoint;
  readonly zoneId: string;
  readonly zoneName: string;

  constructor(scope: Construct, id: string, props: PrivateLinkProps) {
    super(scope, id);
    if (!/^privatelink\./.test(props.dnsZoneName)) {
      throw new Error(`private link ${props.name}: dnsZoneName must be a privatelink.* zone, got "${props.dnsZoneName}"`);
    }
    const tags = props.tags ? { ...props.tags } : undefined;
    if (props.dnsZone && !Token.isUnresolved(props.dnsZone.zoneName) && props.dnsZone.zoneName !== props.dnsZoneName) {
      throw new Error(`private link ${props.name}: dnsZone must be the ${props.dnsZoneName} zone, got "${props.dnsZone.zoneName}"`);
    }
    let zone: PrivateDnsZoneRef | undefined = props.dnsZone;
    if (!zone) {
      const created = new PrivateDnsZone(this, 'dns', { name: props.dnsZoneName, resourceGroupName: props.resourceGroupName, tags });
      new PrivateDnsZoneVirtualNetworkLink(this, 'dns-link', {
        name: `${props.name}-vnet`,
        resourceGroupName: props.resourceGroupName,
        privateDnsZoneName: created.name,
        virtualNetworkId: props.virtualNetworkId,
        registrationEnabled: false,
        tags,
      });
      zone = { zoneId: created.id, zoneName: props.dnsZoneName };
    }
    this.zoneId = zone.zoneId;
    this.zoneName = zone.zoneName;
    this.endpoint = new PrivateEndpoint(this, 'endpoint', {
      name: `pe-${props.name}`,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      subnetId: props.subnetId,
      privateServiceConnection: {
        name: `${props.name}-${props.subresource}`,
        privateConnectionResourceId: props.targetResourceId,
        subresourceNames: [props.subresource],
        isManualConnection: false,
      },
      privateDnsZoneGroup: { name: props.subresource, privateDnsZoneIds: [zone.zoneId] },
      tags,
    });
  }
}
