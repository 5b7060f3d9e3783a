// Prints the plain closing line CI reads: `N passed, N failed` (the type-check counts as one test).
import { readFileSync, existsSync } from "node:fs";
const [file, typecheckFailed] = process.argv.slice(2);
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
if (typecheckFailed === "1") failed += 1;
else passed += 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
