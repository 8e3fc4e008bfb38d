/**
 * The bank's app: the platform's fleet model and stacks, its own environments (environments/), a
 * rule of its own in the PCI-DSS pack, and the same evidence `cdktf synth` writes for the platform.
 *
 *   npm run synth      (CDKTF_OUTDIR sets where; PLATFORM_* select as in the platform)
 */
import { join } from 'node:path';
import { App } from 'cdktf';
import {
  ALL_RULES,
  CompliancePack,
  cisKubernetesManagedPack,
  disableTokenStackTraces,
  exitOnSynthError,
  packDefinition,
  selectionFromEnv,
  synthesizeFleet,
} from 'regulated-k8s-platform';
import { bankApprovedNodeImage } from './rules';

disableTokenStackTraces();
try {
  const { reports } = synthesizeFleet({
    environmentsDir: process.env.PLATFORM_ENVIRONMENTS_DIR || join(__dirname, '..', 'environments'),
    selection: selectionFromEnv(process.env),
    app: () => new App(),
    packs: [new CompliancePack(packDefinition('pci-dss-4', [...ALL_RULES, bankApprovedNodeImage])), cisKubernetesManagedPack()],
  });
  process.stdout.write(`bank-app: ${reports.length} stacks synthesized with evidence\n`);
} catch (error) {
  exitOnSynthError(error);
}
