#!/usr/bin/env node
// Front-end benchmark (issue 4): `nsnet check` work — parse, expand, allocate, check — of a
// generated script with N namespaces on one link with pooled addresses, at 1,000 and
// 10,000 namespaces, reporting wall time against the 1 s target and the 10k/1k ratio
// (≈10 means linear). Pure: no kernel access. Needs dist/ (npm run build).
import { compileText } from "../dist/engine/compile.js";

const TARGET_MS = 1000;

// A bridge takes at most 1023 ports (NS335), so past 1,000 namespaces the link is several
// bridges joined by a veth (`ns swK < bridge br0 < veth to br0 > >`): still one L2 segment.
function script(n) {
  const lines = ["pool p 10.0.0.0/16", "bridge br0 < addr 10.0.0.1/16 >"];
  for (let k = 1; k * 1000 < n; k++) lines.push(`ns sw${k} < bridge br0 < veth to br0 > >`);
  for (let i = 0; i < n; i++) lines.push(`ns n${i} < veth to ${i < 1000 ? "br0" : `sw${Math.floor(i / 1000)}:br0`}; addr auto from p >`);
  return lines.join("\n") + "\n";
}

function best(n, runs) {
  const text = script(n);
  let min = Infinity;
  let errors = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c = compileText(text, `bench-${n}.nsnet`);
    min = Math.min(min, performance.now() - t0);
    errors = c.diagnostics.filter((d) => d.severity === "error").length;
  }
  return { ms: min, errors };
}

best(200, 2); // warm the JIT
const small = best(1000, 3);
const large = best(10000, 3);
if (small.errors || large.errors) {
  console.error(`bench-check: the generated script has errors (${small.errors}, ${large.errors})`);
  process.exit(1);
}
const ratio = large.ms / small.ms;
console.log(`check: 1,000 namespaces: ${small.ms.toFixed(0)} ms`);
console.log(`check: 10,000 namespaces: ${large.ms.toFixed(0)} ms (target < ${TARGET_MS} ms) ${large.ms < TARGET_MS ? "ok" : "MISSED"}`);
console.log(`check: 10k/1k ratio ${ratio.toFixed(1)} (10 = linear) ${ratio < 15 ? "ok" : "MISSED"}`);
