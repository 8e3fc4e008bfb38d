import type { ResourceRule } from '../../types';
import { block, isSet } from '../attributes';

/** Key Vault keys rotate automatically. */
export const azureKeyRotation: ResourceRule = {
  scope: 'resource',
  name: 'azure-key-rotation',
  cloud: 'azure',
  severity: 'error',
  controls: { 'pci-dss-4': '3.7.4' },
  resourceTypes: ['azurerm_key_vault_key'],
  explanation:
    'Key Vault keys must carry a rotation policy with automatic rotation, which bounds each key version\'s cryptoperiod.',
  fix: 'Set rotation_policy { expire_after = "P2Y", automatic { time_after_creation = "P1Y" } } (or time_before_expiry).',
  evaluate: (attrs) => {
    const automatic = block(block(attrs, 'rotation_policy'), 'automatic');
    return isSet(automatic?.time_after_creation) || isSet(automatic?.time_before_expiry) ? 'compliant' : 'non-compliant';
  },
};
