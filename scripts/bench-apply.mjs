#!/usr/bin/env node
// Apply benchmark: "star N" (a bridge, N namespaces, each with a veth port, an address from
// a pool, lo up and a default route) built each way in its own fresh sandbox, verified,
// N = 50, 200, 1000, medians of 3 rounds. Every figure is printed as a ratio to the
// hand-written `ip -batch` of the same round (each round measures every way back to back,
// so a busy machine shifts them together). Ways: nsnet (the installed binary: up, up again
// with nothing to do, down), hand (one host batch + `ip -n cI -batch` per namespace, and
// its batch delete), naive (one `ip` per command; N ≤ 200), cni (the reference bridge +
// host-local + loopback plugins, once per container), mininet (LinuxBridge, no controller).
// Usage: bench-apply.mjs [--sizes 50,200,1000] [--runs 3] [--ways hand,nsnet,naive,cni,mininet] [--json FILE]
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const opt = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = opt("sizes", "50,200,1000").split(",").map(Number);
const runs = Number(opt("runs", "3"));
const ways = opt("ways", "hand,nsnet,naive,cni,mininet").split(",");
const NAIVE_MAX = 200;

// what `npm install -g` / PATH would run: package.json's bin
const pkg = JSON.parse(readFileSync(join(repo, "package.json"), "utf8"));
const bin = join(repo, typeof pkg.bin === "string" ? pkg.bin : pkg.bin.nsnet);

/** Tools only the benchmark needs, installed here (scripts/setup does not). */
function ensureTools() {
  const need = [];
  if (!existsSync("/usr/bin/time")) need.push("time");
  if (ways.includes("cni") && !existsSync("/usr/lib/cni/bridge")) need.push("containernetworking-plugins");
  if (ways.includes("mininet") && (!existsSync("/usr/bin/mnexec") || !existsSync("/usr/sbin/brctl"))) need.push("mininet", "bridge-utils");
  if (!need.length) return;
  console.error(`bench: installing ${need.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore", env });
  // --no-install-recommends: Mininet runs its LinuxBridge switch without Open vSwitch
  const r = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...need], { stdio: ["ignore", "ignore", "inherit"], env });
  if (r.status !== 0) throw new Error("bench: apt-get install failed");
}

/** One measurement in a fresh sandbox (a private mount + network namespace). */
function measure(way, n) {
  const r = spawnSync("unshare", ["--mount", "--net", "--propagation", "private", "--", process.execPath, join(here, "bench-star.mjs"), way, String(n), bin], {
    encoding: "utf8",
    env: { ...process.env, NSNET_SANDBOX_OUTER_NETNS: readlinkSync("/proc/self/ns/net") },
    maxBuffer: 1 << 26,
  });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !last.startsWith("{")) return { way, n, error: (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ") };
  return JSON.parse(last);
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const s = (ms) => (ms === undefined ? "—" : `${(ms / 1000).toFixed(2)} s`);
const x = (r) => (r === undefined ? "—" : `${r.toFixed(2)}×`);

ensureTools();
const machine = `${cpus().length} cores, kernel ${spawnSync("uname", ["-r"], { encoding: "utf8" }).stdout.trim()}, load ${loadavg()
  .map((l) => l.toFixed(1))
  .join(" ")} at start`;
const binKind =
  readFileSync(bin, "utf8").includes('from "./') || readFileSync(bin, "utf8").includes("from '../") ? "ES modules compiled by tsc" : "single file";
console.log(`apply benchmark — ${machine}; nsnet = ${bin.replace(repo + "/", "")} (${binKind})`);

const results = [];
for (const n of sizes) {
  const rounds = [];
  for (let round = 0; round < runs; round++) {
    const row = {};
    // rotate the order per round, so no way always runs first after a quiet spell
    const order = ways.filter((w) => !(w === "naive" && n > NAIVE_MAX));
    for (let k = 0; k < order.length; k++) {
      const w = order[(k + round) % order.length];
      row[w] = measure(w, n);
      if (row[w].error || row[w].verified !== true) console.error(`bench: ${w} n=${n}: ${row[w].error ?? `not verified: ${row[w].verified}`}`);
    }
    rounds.push(row);
  }
  const ok = (w, r) => r[w] && !r[w].error && r[w].verified === true;
  const ratio = (w, key = "build_ms", base = "build_ms", baseWay = "hand") =>
    median(rounds.map((r) => (ok(w, r) && ok(baseWay, r) ? r[w][key] / r[baseWay][base] : undefined)));
  const med = (w, key = "build_ms") => median(rounds.map((r) => (ok(w, r) ? r[w][key] : undefined)));
  const res = {
    n,
    hand_ms: med("hand"),
    hand_down_ms: med("hand", "down_ms"),
    hand_down_settled_ms: med("hand", "down_settled_ms"),
    nsnet_ms: med("nsnet"),
    nsnet_x: ratio("nsnet"),
    noop_ms: med("nsnet", "noop_ms"),
    noop_x_hand: ratio("nsnet", "noop_ms"),
    noop_x_build: ratio("nsnet", "noop_ms", "build_ms", "nsnet"),
    down_ms: med("nsnet", "down_ms"),
    down_x_hand_settled: ratio("nsnet", "down_ms", "down_settled_ms"),
    down_x_hand_returned: ratio("nsnet", "down_ms", "down_ms"),
    rss_mb: med("nsnet", "rss_kb") === undefined ? undefined : med("nsnet", "rss_kb") / 1024,
    naive_x: ratio("naive"),
    cni_x: ratio("cni"),
    cni_ms: med("cni"),
    mininet_x: ratio("mininet"),
    mininet_ms: med("mininet"),
    rounds,
  };
  results.push(res);
  console.log(
    `n=${n}: hand ip -batch ${s(res.hand_ms)} = 1 · nsnet up ${x(res.nsnet_x)} (${s(res.nsnet_ms)}, peak RSS ${res.rss_mb?.toFixed(0) ?? "—"} MB)` +
      ` · up again, nothing to do ${x(res.noop_x_hand)} (${s(res.noop_ms)}; ${x(res.noop_x_build)} of its build)` +
      ` · nsnet down ${s(res.down_ms)} = ${x(res.down_x_hand_settled)} hand delete until gone (${s(res.hand_down_settled_ms)}; returns in ${s(res.hand_down_ms)})` +
      ` · naive ${x(res.naive_x)} · CNI plugins ${x(res.cni_x)} (${s(res.cni_ms)}) · Mininet ${x(res.mininet_x)} (${s(res.mininet_ms)})`,
  );
}
if (results.length > 1) {
  const a = results.find((r) => r.n === 200);
  const b = results.find((r) => r.n === 1000);
  if (a?.nsnet_ms && b?.nsnet_ms)
    console.log(`nsnet t(1000)/t(200) = ${(b.nsnet_ms / a.nsnet_ms).toFixed(1)} (5 = linear; hand: ${(b.hand_ms / a.hand_ms).toFixed(1)})`);
}
console.log(
  `load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at end`,
);
const jsonOut = opt("json");
if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ machine, bin, results }, null, 2) + "\n");
