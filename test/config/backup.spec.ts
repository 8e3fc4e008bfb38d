import { awsDev, awsProd, azureDev, gcpProd } from '../helpers/environments';
import { formatProblem, validateEnvironment } from '../../src/config';
import { BACKUP_TIER_DEFAULTS, backupSettings } from '../../src/config/schema';

const problemsOf = (raw: unknown): string[] => validateEnvironment(raw).problems.map(formatProblem);
const withBackup = (base: object, backup: Record<string, unknown>): Record<string, unknown> => ({ ...structuredClone(base), backup });

describe('backup settings per tier', () => {
  it('defaults every field from the tier', () => {
    expect(backupSettings(awsDev)).toEqual({ ...BACKUP_TIER_DEFAULTS.dev, secondaryRegion: undefined });
    expect(backupSettings({ tier: 'staging', backup: {} })).toEqual({ ...BACKUP_TIER_DEFAULTS.staging, secondaryRegion: undefined });
    expect(backupSettings(awsProd)).toEqual({ dailyRetentionDays: 35, restrictedRetentionHours: 168, immutabilityDays: 7, secondaryRegion: 'eu-central-1' });
  });

  it('keeps a field set in the environment over the tier default', () => {
    expect(backupSettings({ tier: 'dev', backup: { dailyRetentionDays: 3 } }).dailyRetentionDays).toBe(3);
  });

  it('accepts the reference environments (prod with a second region)', () => {
    for (const config of [awsDev, awsProd, gcpProd, azureDev]) expect(problemsOf(config)).toEqual([]);
  });
});

describe('backup validation', () => {
  it.each([
    ['a shorter daily retention in prod', awsProd, { secondaryRegion: 'eu-central-1', dailyRetentionDays: 14 }, /\[aws\/prod\] backup\.dailyRetentionDays: got 14; allowed: at least 35 days in the prod tier/],
    ['a shorter hourly retention in prod', awsProd, { secondaryRegion: 'eu-central-1', restrictedRetentionHours: 72 }, /\[aws\/prod\] backup\.restrictedRetentionHours: got 72; allowed: at least 168 hours in the prod tier/],
    ['write-once protection off in prod', gcpProd, { secondaryRegion: 'europe-west1', immutabilityDays: 0 }, /\[gcp\/prod\] backup\.immutabilityDays: got 0; allowed: at least 7 days in the prod tier/],
    ['no second region in prod (aws)', awsProd, {}, /\[aws\/prod\] backup\.secondaryRegion: got \(missing\); allowed: a second aws region in the prod tier, so backups survive the loss of eu-west-1/],
    ['no second region in prod (gcp)', gcpProd, {}, /\[gcp\/prod\] backup\.secondaryRegion: got \(missing\); allowed: a second gcp region in the prod tier/],
    ['a second region equal to the cluster region', awsProd, { secondaryRegion: 'eu-west-1' }, /backup\.secondaryRegion: got "eu-west-1"; allowed: a region other than the cluster's \(eu-west-1\)/],
    ['an unknown second region', awsProd, { secondaryRegion: 'eu-wset-2' }, /backup\.secondaryRegion: got "eu-wset-2"; allowed: a region of aws/],
    ['a gcp second region in another multi-region', gcpProd, { secondaryRegion: 'us-east1' }, /backup\.secondaryRegion: got "us-east1"; allowed: a region of the same Cloud Storage multi-region as europe-west2/],
    ['a second region on azure', azureDev, { secondaryRegion: 'northeurope' }, /\[azure\/dev\] backup\.secondaryRegion: got "northeurope"; allowed: no value on azure: geo-redundant storage replicates to the location's paired region/],
    ['a write-once window longer than the shortest TTL', awsDev, { immutabilityDays: 3 }, /\[aws\/dev\] backup\.immutabilityDays: got 3; allowed: at most restrictedRetentionHours \/ 24 \(2\)/],
    ['hourly backups kept longer than daily ones', awsDev, { dailyRetentionDays: 1 }, /backup\.restrictedRetentionHours: got 48; allowed: at most dailyRetentionDays \* 24 \(24\)/],
    ['a fractional retention', awsDev, { dailyRetentionDays: 1.5 }, /backup\.dailyRetentionDays: got 1\.5; allowed: a whole number of days/],
    ['an unknown backup field', awsDev, { retentionDays: 7 }, /backup\.retentionDays: got 7; allowed: /],
  ])('rejects %s', (_what, base, backup, message) => {
    expect(problemsOf(withBackup(base, backup)).join('\n')).toMatch(message);
  });
});
