/**
 * Assertions on the synthesized output of examples/bank-app (scripts/verify-example.sh): what the
 * example promises in its README. Prints one line per failed assertion and exits 1 on any; plain
 * JavaScript so it runs with node alone.
 *
 *   node scripts/lib/check-example.cjs <cdktf.out>
 */
'use strict';
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const RULE_ID = 'PCI-DSS-4-2.2.1-bank-eks-approved-node-image';

function checkExample(outdir) {
  const failures = [];
  const fail = (text) => failures.push(text);
  const json = (stack, file) => {
    const path = join(outdir, 'stacks', stack, file);
    if (!existsSync(path)) {
      fail(`${stack}: ${file} is missing`);
      return undefined;
    }
    return JSON.parse(readFileSync(path, 'utf8'));
  };
  const stacksDir = join(outdir, 'stacks');
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  const expected = ['aws-dr-baseline', 'aws-dr-platform', 'aws-dr-vault', 'aws-prod-baseline', 'aws-prod-platform', 'aws-prod-vault', 'aws-state-333333333333'];
  if (JSON.stringify(stacks) !== JSON.stringify(expected)) fail(`stacks: got ${JSON.stringify(stacks)}; expected ${JSON.stringify(expected)}`);

  const dr = json('aws-dr-platform', 'cdk.tf.json');
  if (dr) {
    const groups = Object.values((dr.resource && dr.resource.aws_eks_node_group) || {});
    const names = groups.map((g) => (g.labels || {}).workload).sort();
    if (JSON.stringify(names) !== JSON.stringify(['app', 'batch', 'security'])) fail(`aws-dr-platform: node pools ${JSON.stringify(names)}; expected app, batch and security`);
    const batch = groups.find((g) => (g.labels || {}).workload === 'batch');
    const taint = batch && Array.isArray(batch.taint) && batch.taint.length === 1 ? batch.taint[0] : {};
    if (batch && (batch.labels.team !== 'risk' || taint.key !== 'dedicated' || taint.value !== 'batch' || taint.effect !== 'NO_SCHEDULE')) {
      fail(`aws-dr-platform: the batch pool lacks its label team=risk or its taint dedicated=batch:NoSchedule (${JSON.stringify({ labels: batch.labels, taint: batch.taint })})`);
    }
    const s3 = dr.terraform && dr.terraform.backend && dr.terraform.backend.s3;
    if (!s3 || s3.bucket !== 'finplat-tfstate-333333333333' || s3.key !== 'aws/dr/aws-dr-platform.tfstate') fail(`aws-dr-platform: state at ${JSON.stringify(s3 && { bucket: s3.bucket, key: s3.key })}; expected finplat-tfstate-333333333333 aws/dr/aws-dr-platform.tfstate`);
    if (!dr.provider || !dr.provider.aws || dr.provider.aws[0].region !== 'eu-central-1') fail('aws-dr-platform: provider region is not eu-central-1');
  }

  for (const stack of ['aws-prod-platform', 'aws-dr-platform']) {
    const report = json(stack, 'compliance-report.json');
    if (!report) continue;
    const rules = report.controls.flatMap((c) => c.rules || []);
    const rule = rules.find((r) => r.id === RULE_ID);
    if (!rule) fail(`${stack}: the compliance report does not list the bank's rule ${RULE_ID}`);
    else {
      const statuses = rule.resources.map((r) => r.status);
      const want = stack === 'aws-dr-platform' ? 3 : 2;
      if (statuses.length !== want || statuses.some((s) => s !== 'compliant')) fail(`${stack}: ${RULE_ID} judged ${statuses.length} node groups (${statuses.join(', ')}); expected ${want}, all compliant`);
    }
    if (report.project.name !== 'bank-app') fail(`${stack}: the evidence names project ${JSON.stringify(report.project.name)}, not bank-app`);
  }

  const bootstrap = json('aws-state-333333333333', 'cdk.tf.json');
  if (bootstrap) {
    const outputs = Object.keys(bootstrap.output || {});
    for (const name of ['prod-plan-role-arn', 'dr-plan-role-arn', 'dr-deploy-role-arn']) if (!outputs.includes(name)) fail(`aws-state-333333333333: no output ${name} (CI identities of both environments of the account)`);
  }
  return failures;
}

module.exports = { checkExample, RULE_ID };

if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) {
    process.stderr.write('usage: node scripts/lib/check-example.cjs <cdktf.out>\n');
    process.exit(2);
  }
  const failures = checkExample(outdir);
  for (const f of failures) process.stdout.write(`FAIL ${f}\n`);
  process.exit(failures.length === 0 ? 0 : 1);
}
