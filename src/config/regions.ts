/**
 * The regions each cloud really has, so a typo (`eu-wset-1`, `westeurope2`) stops synth instead of
 * surfacing as a provider error at plan time in the one environment that has it.
 *
 * The lists are data, reviewed by hand against each cloud's published region list; the date below is
 * shown in every message, so a reader knows how fresh the list is. A region a cloud opens later is a
 * one-line addition here (with a test in test/config/regions.spec.ts); there is deliberately no
 * "accept anything" switch, because the check exists to catch names that look right.
 */
import type { CloudName } from './schema';

/** When the lists were last compared with the clouds' published region lists. */
export const REGIONS_REVIEWED = '2026-11';

/** AWS commercial regions, AWS GovCloud (US), AWS China and the AWS European Sovereign Cloud. */
export const AWS_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'eu-south-1', 'eu-south-2', 'eu-north-1',
  'il-central-1', 'me-south-1', 'me-central-1', 'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'us-gov-east-1', 'us-gov-west-1',
  'cn-north-1', 'cn-northwest-1',
  'eusc-de-east-1',
];

/**
 * Azure physical regions in their canonical (programmatic) form, as `az account list-locations`
 * prints them in `name`; logical-only locations (`europe`, `global`) cannot host an AKS cluster.
 * Includes Azure Government and Azure operated by 21Vianet.
 */
export const AZURE_LOCATIONS: readonly string[] = [
  'eastus', 'eastus2', 'centralus', 'northcentralus', 'southcentralus', 'westcentralus', 'westus', 'westus2', 'westus3',
  'canadacentral', 'canadaeast', 'mexicocentral', 'brazilsouth', 'brazilsoutheast', 'chilecentral',
  'northeurope', 'westeurope', 'uksouth', 'ukwest', 'francecentral', 'francesouth',
  'germanywestcentral', 'germanynorth', 'switzerlandnorth', 'switzerlandwest',
  'norwayeast', 'norwaywest', 'swedencentral', 'swedensouth', 'polandcentral', 'italynorth', 'spaincentral', 'belgiumcentral',
  'uaenorth', 'uaecentral', 'qatarcentral', 'israelcentral', 'southafricanorth', 'southafricawest',
  'centralindia', 'southindia', 'westindia', 'jioindiawest', 'jioindiacentral',
  'eastasia', 'southeastasia', 'japaneast', 'japanwest', 'koreacentral', 'koreasouth',
  'australiaeast', 'australiasoutheast', 'australiacentral', 'australiacentral2', 'newzealandnorth',
  'indonesiacentral', 'malaysiawest',
  'usgovvirginia', 'usgovarizona', 'usgovtexas',
  'chinanorth', 'chinanorth2', 'chinanorth3', 'chinaeast', 'chinaeast2', 'chinaeast3',
];

/** Google Cloud regions (`gcloud compute regions list`). */
export const GCP_REGIONS: readonly string[] = [
  'us-central1', 'us-east1', 'us-east4', 'us-east5', 'us-south1', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
  'northamerica-northeast1', 'northamerica-northeast2', 'northamerica-south1',
  'southamerica-east1', 'southamerica-west1',
  'europe-central2', 'europe-north1', 'europe-north2', 'europe-southwest1',
  'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west8', 'europe-west9', 'europe-west10', 'europe-west12',
  'me-central1', 'me-central2', 'me-west1', 'africa-south1',
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2',
  'australia-southeast1', 'australia-southeast2',
];

const REGIONS: Record<CloudName, ReadonlySet<string>> = {
  aws: new Set(AWS_REGIONS),
  azure: new Set(AZURE_LOCATIONS),
  gcp: new Set(GCP_REGIONS),
};

/** Whether `region` is one of the cloud's regions, exactly as the provider expects it. */
export function isKnownRegion(cloud: CloudName, region: string): boolean {
  return REGIONS[cloud].has(region);
}

/**
 * Up to `max` known regions nearest to `region` by edit distance (ties in list order), ignoring case
 * and spaces, so `West Europe` points at `westeurope`. Only names as near as the nearest (or one edit
 * further) are offered, and nothing when every name is far away (more than a third of the longer
 * name differs): a wrong guess is worse than none.
 */
export function closestRegions(cloud: CloudName, region: string, max = 3): string[] {
  const wanted = region.toLowerCase().replace(/\s+/g, '');
  const scored = [...REGIONS[cloud]].map((name, index) => ({ name, index, distance: levenshtein(wanted, name) }));
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored
    .filter(({ name, distance }) => distance <= best + 1 && distance <= Math.max(2, Math.floor(Math.max(name.length, wanted.length) / 3)))
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, max)
    .map(({ name }) => name);
}

/** Edit distance (insertions, deletions, substitutions) between two strings. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = current;
  }
  return previous[b.length]!;
}
