import { AWS_REGIONS, AZURE_LOCATIONS, GCP_REGIONS, REGIONS_REVIEWED, isKnownRegion } from '../../src/config';
import { closestRegions, levenshtein } from '../../src/config/regions';

describe('region lists', () => {
  it.each([
    ['aws', AWS_REGIONS, /^(?:[a-z]{2}|us-gov|eusc)-[a-z]+(?:-[a-z]+)?-\d$/],
    ['azure', AZURE_LOCATIONS, /^[a-z]+\d?$/],
    ['gcp', GCP_REGIONS, /^[a-z]+-[a-z]+\d+$/],
  ] as const)('%s names are unique and in the provider form', (_cloud, list, form) => {
    expect(new Set(list).size).toBe(list.length);
    for (const name of list) expect(name).toMatch(form);
  });

  it('knows the regions banks use, including sovereign partitions', () => {
    for (const region of ['eu-west-1', 'eu-central-1', 'us-gov-west-1', 'cn-north-1', 'eusc-de-east-1']) expect(isKnownRegion('aws', region)).toBe(true);
    for (const location of ['westeurope', 'uksouth', 'swedencentral', 'usgovvirginia']) expect(isKnownRegion('azure', location)).toBe(true);
    for (const region of ['europe-west2', 'europe-west3', 'us-central1']) expect(isKnownRegion('gcp', region)).toBe(true);
  });

  it('rejects look-alikes, other clouds\' names and display names', () => {
    expect(isKnownRegion('aws', 'eu-west-9')).toBe(false);
    expect(isKnownRegion('aws', 'europe-west2')).toBe(false);
    expect(isKnownRegion('azure', 'West Europe')).toBe(false);
    expect(isKnownRegion('azure', 'europe')).toBe(false);
    expect(isKnownRegion('gcp', 'europe-west5')).toBe(false);
    expect(isKnownRegion('gcp', 'EUROPE-WEST2')).toBe(false);
  });

  it('suggests the nearest names, closest first, and nothing for a name far from all', () => {
    expect(closestRegions('aws', 'eu-wset-1')[0]).toBe('eu-west-1');
    expect(closestRegions('aws', 'eu-west-9')).toEqual(['eu-west-1', 'eu-west-2', 'eu-west-3']);
    expect(closestRegions('azure', 'West Europe')).toEqual(['westeurope']);
    expect(closestRegions('gcp', 'europe-west5', 1)).toEqual(['europe-west1']);
    expect(closestRegions('gcp', 'mars-north1-and-beyond')).toEqual([]);
  });

  it('computes edit distances', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
    expect(levenshtein('vpcCdir', 'vpcCidr')).toBe(2);
    expect(levenshtein('same', 'same')).toBe(0);
  });

  it('carries the review date shown in messages', () => {
    expect(REGIONS_REVIEWED).toMatch(/^\d{4}-\d{2}$/);
  });
});
