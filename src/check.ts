/**
 * `node dist/check.js`: validates the fleet and the selection exactly as `src/main.ts` does, and
 * nothing else: no construct, no provider, well under a second. `npm run synth` runs it before
 * `cdktf synth`, so a configuration error is printed once (cdktf prints an app's stderr twice) and
 * synth does not start. Exit 0 when valid, 1 with one line per problem.
 */
import { ConfigError, configErrorReport, DEFAULT_ENVIRONMENTS_DIR, loadFleet, readEnvironmentFiles, selectEnvironments, selectionFromEnv } from './config/index';

try {
  const fleet = loadFleet(readEnvironmentFiles(process.env.PLATFORM_ENVIRONMENTS_DIR || DEFAULT_ENVIRONMENTS_DIR));
  selectEnvironments(fleet.environments, selectionFromEnv(process.env));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(configErrorReport(error));
  process.exit(1);
}
