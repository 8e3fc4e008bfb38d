import { TerraformStack, Testing } from 'cdktf';
import type { KeyRef } from '../../../src/constructs/azure/key-vault';
import type { WorkspaceRef } from '../../../src/constructs/azure/logging';

export { type Json, only, resources, synth } from '../../helpers/terraform-json';

export const workspace: WorkspaceRef = {
  workspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log',
  workspaceGuid: '00000000-0000-4000-8000-000000000000',
  location: 'westeurope',
};

export const key: KeyRef = {
  keyName: 'k',
  keyId: 'https://kv.vault.azure.net/keys/k/0123',
  versionlessKeyId: 'https://kv.vault.azure.net/keys/k',
  keyScope: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/keys/k',
};

export const common = { resourceGroupName: 'rg-test', location: 'westeurope' };

/** A stack to construct into when only the constructor's validation matters. */
export function scope(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}
