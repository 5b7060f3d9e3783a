// Prints the plain closing line CI reads: `N passed, N failed` (the type-check and the
// lint + format check count as one test each).
import { readFileSync, existsSync } from "node:fs";
const [file, typecheckFailed, lintFailed] = process.argv.slice(2);
let passed = 0;
let failed = 0;
if (existsSync(file)) {
  const r = JSON.parse(readFileSync(file, "utf8"));
  passed = r.numPassedTests ?? 0;
  failed = r.numFailedTests ?? 0;
  // a test file that failed without a failing test (an import or syntax error) counts once
  for (const f of r.testResults ?? []) {
    if (f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed")) failed += 1;
  }
} else {
  failed = 1;
}
for (const check of [typecheckFailed, lintFailed]) {
  if (check === "1") failed += 1;
  else if (check === "0") passed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
