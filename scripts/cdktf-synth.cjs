#!/usr/bin/env node
/**
 * `npm run synth` after the build: `cdktf synth` with the environment the project needs, so a first
 * run prints no unexplained error lines (issue 13, "first contact is clean"):
 *
 * - CHECKPOINT_DISABLE=1 (unless set): cdktf's version check calls checkpoint-api.hashicorp.com on
 *   every synth and logs `[ERROR] ... getaddrinfo ENOTFOUND` where that host is unreachable;
 * - TF_CLI_CONFIG_FILE naming a file that does not exist is dropped, with one note line: synth never
 *   runs Terraform against providers, but cdktf asks `terraform version`, which prints "Unable to open
 *   CLI configuration file" four times for a missing file.
 *
 * - the configuration is validated first (`node dist/check.js`, no providers loaded): a config error is
 *   printed once, not twice as cdktf prints an app's stderr, and synth does not start.
 *
 * Plain JavaScript, so it starts without a transpiler. Arguments pass through to `cdktf synth`.
 */
'use strict';
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');

/** The environment for cdktf synth, and the notes to print about what was changed. */
function synthEnvironment(env, fileExists = existsSync) {
  const next = { ...env };
  const notes = [];
  if (next.CHECKPOINT_DISABLE === undefined) next.CHECKPOINT_DISABLE = '1';
  if (next.TF_CLI_CONFIG_FILE && !fileExists(next.TF_CLI_CONFIG_FILE)) {
    notes.push(`note: TF_CLI_CONFIG_FILE=${next.TF_CLI_CONFIG_FILE} does not exist; synth runs without it (Terraform would warn four times)`);
    delete next.TF_CLI_CONFIG_FILE;
  }
  return { env: next, notes };
}

function main() {
  const { env, notes } = synthEnvironment(process.env);
  for (const note of notes) process.stderr.write(`${note}\n`);
  const check = spawnSync(process.execPath, [require('node:path').join(__dirname, '..', 'dist', 'check.js')], { stdio: 'inherit', env });
  if (check.error) throw check.error;
  if (check.status !== 0) process.exit(check.status === null ? 1 : check.status);
  const cdktf = require.resolve('cdktf-cli/bundle/bin/cdktf');
  const result = spawnSync(process.execPath, [cdktf, 'synth', ...process.argv.slice(2)], { stdio: 'inherit', env });
  if (result.error) throw result.error;
  process.exit(result.status === null ? 1 : result.status);
}

module.exports = { synthEnvironment };
if (require.main === module) main();
