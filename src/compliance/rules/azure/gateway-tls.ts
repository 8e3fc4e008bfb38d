import type { ResourceRule } from '../../types';
import { block } from '../attributes';

/** Predefined Application Gateway policies that negotiate TLS 1.2+ only. */
const TLS12_POLICIES = ['AppGwSslPolicy20170401S', 'AppGwSslPolicy20220101', 'AppGwSslPolicy20220101S'];
const TLS12_VERSIONS = ['TLSv1_2', 'TLSv1_3'];

/** The ingress gateway terminates TLS 1.2+ only. */
export const azureGatewayTls: ResourceRule = {
  scope: 'resource',
  name: 'azure-gateway-tls',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '4.2.1', 'cis-kubernetes-managed': 'AKS 5.4.5' },
  resourceTypes: ['azurerm_application_gateway'],
  explanation:
    'The Application Gateway must set an explicit TLS policy with TLS 1.2 as the minimum; older gateway defaults still allow TLS 1.0/1.1.',
  fix: 'Set ssl_policy { policy_type = "Predefined", policy_name = "AppGwSslPolicy20220101S" } (or a Custom/CustomV2 policy with min_protocol_version = "TLSv1_2").',
  evaluate: (attrs) => {
    const policy = block(attrs, 'ssl_policy');
    if (policy === undefined) return 'non-compliant';
    if (policy.policy_type === 'Predefined') {
      return typeof policy.policy_name === 'string' && TLS12_POLICIES.includes(policy.policy_name) ? 'compliant' : 'non-compliant';
    }
    return typeof policy.min_protocol_version === 'string' && TLS12_VERSIONS.includes(policy.min_protocol_version)
      ? 'compliant'
      : 'non-compliant';
  },
};
