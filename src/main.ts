/**
 * The cdktf app: config -> stacks. The only place that reads the process
 * environment. The environments are read from PLATFORM_ENVIRONMENTS_DIR
 * (default ./environments) and the whole fleet is validated before any
 * construct is created, so invalid input exits non-zero without writing (or
 * touching) cdktf.out.
 *
 * PLATFORM_CLOUDS, PLATFORM_ENVIRONMENTS (names or globs) and PLATFORM_TIERS
 * (comma-separated) narrow the synthesized set, e.g. PLATFORM_CLOUDS=aws
 * PLATFORM_ENVIRONMENTS='prod-*'. The state bootstrap stack of every backend
 * holding a selected environment's state comes with it, built from every
 * environment that uses that backend.
 *
 * This file only reads the environment and exits; the work is `synthesizeFleet` (src/synth.ts),
 * which library users call from an app of their own. Importing the library (src/index.ts) never
 * runs this.
 */
import { selectionFromEnv } from './config';
import { disableTokenStackTraces, exitOnSynthError, synthesizeFleet } from './synth';

function main(): void {
  // CDKTF_TOKEN_STACK_TRACES=1 keeps cdktf's token stack traces, for debugging a token error.
  disableTokenStackTraces(process.env.CDKTF_TOKEN_STACK_TRACES === '1');
  try {
    synthesizeFleet({
      environmentsDir: process.env.PLATFORM_ENVIRONMENTS_DIR || undefined,
      selection: selectionFromEnv(process.env),
    });
  } catch (error) {
    exitOnSynthError(error);
  }
}

main();
