import { TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import type { KeyRef } from '../../../src/constructs/azure/key-vault';
import type { WorkspaceRef } from '../../../src/constructs/azure/logging';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped

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

/** Synthesizes the constructs `build` adds to a fresh stack. */
export function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build)) as Json;
}

/** A stack to construct into when only the constructor's validation matters. */
export function scope(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

export function resources(json: Json, type: string): Json[] {
  return Object.values((json.resource?.[type] ?? {}) as Record<string, Json>);
}

export function only(json: Json, type: string): Json {
  const list = resources(json, type);
  if (list.length !== 1) throw new Error(`expected one ${type}, found ${list.length}`);
  return list[0];
}
