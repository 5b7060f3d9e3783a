#!/usr/bin/env node
// Front-end benchmark (issue 4): `nsnet check` work — parse, expand, allocate, check — of a
// generated script with N namespaces on one link with pooled addresses, at 1,000 and
// 10,000 namespaces, reporting wall time against the 1 s target and the 10k/1k ratio
// (≈10 means linear). Pure: no kernel access. Needs dist/ (npm run build).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compileText } from "../dist/engine/compile.js";
import { DEFAULT_MAX_NAMESPACES } from "../dist/expand/expansion.js";
import { MAX_TOKENS } from "../dist/syntax/limits.js";

const TARGET_MS = 1000;
// README "Decisions and limits": a check of any script stays under this (peak RSS)
const MEMORY_BUDGET_MB = 1024;

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

/**
 * The scripts at the size limits, each checked in a fresh process whose peak RSS is the
 * answer: the namespace limit (on bridges, as above), the most tokens one file may hold
 * (all of it parsed; expansion stops at the namespace limit), and the largest file a script
 * may be (8 MiB: lexed, then refused by the token limit before it is parsed).
 */
const AT_LIMIT = {
  // (the bridges' own namespaces count too: one per thousand)
  namespaces: () => script(DEFAULT_MAX_NAMESPACES - 20),
  tokens: () => Array.from({ length: Math.floor(MAX_TOKENS / 3) }, (_, i) => `ns n${i}\n`).join(""),
  "8 MiB file": () => {
    let text = "";
    for (let i = 0; text.length < 8 * 1024 * 1024 - 16; i++) text += `ns n${i}\n`;
    return text;
  },
};
if (process.argv[2] === "--peak") {
  const c = compileText(AT_LIMIT[process.argv[3]](), "limit.nsnet");
  const codes = [...new Set(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.code))];
  console.log(JSON.stringify({ mb: Math.round(process.resourceUsage().maxRSS / 1024), codes }));
  process.exit(0);
}
function peak(kind) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--peak", kind], { encoding: "utf8" });
  if (r.status !== 0) return { mb: NaN, codes: [`exit ${r.status}: ${r.stderr.trim().split("\n").pop()}`] };
  return JSON.parse(r.stdout.trim().split("\n").pop());
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
for (const kind of Object.keys(AT_LIMIT)) {
  const p = peak(kind);
  const said = p.codes.length ? ` (${p.codes.join(", ")})` : "";
  console.log(`check at the limit, ${kind}: ${p.mb} MB peak${said} (budget < ${MEMORY_BUDGET_MB} MB) ${p.mb < MEMORY_BUDGET_MB ? "ok" : "MISSED"}`);
}
