// Guards the Kyverno CLI tests against a blind spot: kyverno test (v1.19) reports a resource
// that a rule EXCLUDES as "Pass" whatever result the test expected, so an expected `fail`
// (or `pass`) on an excluded resource can never fail and tests nothing.
//
// Reads the `kyverno test --detailed-results` log and every kyverno-test.yaml it names, and
// fails when an "Excluded" row belongs to an expectation other than `skip`.
//
//   node scripts/lib/excluded-results.mjs <kyverno-test.log>
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const [logFile] = process.argv.slice(2);
if (!logFile) {
  console.error('usage: excluded-results.mjs <kyverno-test.log>');
  process.exit(2);
}

const problems = [];
let excludedRows = 0;
let expectations = [];
let testFile = '';
for (const line of readFileSync(logFile, 'utf8').split('\n')) {
  const header = /Loading test\s+\(\s*(\S+kyverno-test\.yaml)\s*\)/.exec(line);
  if (header) {
    testFile = header[1];
    const test = parse(readFileSync(testFile, 'utf8'));
    expectations = test.results ?? [];
    continue;
  }
  const cells = line.split('│').map((c) => c.trim());
  // │ ID │ POLICY │ RULE │ RESOURCE │ RESULT │ REASON │ MESSAGE │
  if (cells.length < 8 || cells[6] !== 'Excluded') continue;
  excludedRows++;
  const [, , policy, rule, resource] = cells;
  const name = resource.split('/').pop();
  const matching = expectations.filter(
    (r) => r.policy === policy && r.rule === rule && [...(r.resources ?? []), r.resource].includes(name),
  );
  for (const expectation of matching) {
    if (expectation.result !== 'skip') {
      problems.push(`${testFile}: ${policy}/${rule} expects '${expectation.result}' for ${resource}, which the rule excludes (the CLI passes it whatever is expected; expect 'skip')`);
    }
  }
  if (matching.length === 0) {
    problems.push(`${testFile}: excluded row ${policy}/${rule} ${resource} matches no expectation`);
  }
}
for (const problem of problems) console.error(problem);
console.log(`excluded-results: ${excludedRows} excluded result(s) checked, ${problems.length} vacuous`);
process.exit(problems.length ? 1 : 0);
