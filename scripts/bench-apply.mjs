#!/usr/bin/env node
// Apply benchmark: N namespaces, each with a veth to a host bridge and an address, built
// inside a private sandbox three ways — nsnet's execute() (batched, transactional,
// verified), one hand-written `ip -batch` per place, and one `ip` spawn per command (the
// naive shell script) — printing wall time per way. Usage: bench-apply.mjs [N…] (default 50 200)
// Needs the build (dist/); re-executes itself under `unshare --mount --net`.
import { spawnSync, execFileSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const dist = join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const sizes = process.argv.slice(2).map(Number).filter((n) => Number.isInteger(n) && n > 0 && n <= 1000);
if (sizes.length === 0) sizes.push(50, 200);

if (!process.env.NSNET_BENCH_INNER) {
  const r = spawnSync("unshare", ["--mount", "--net", "--propagation", "private", "--", process.execPath, fileURLToPath(import.meta.url), ...sizes.map(String)], {
    stdio: "inherit",
    env: { ...process.env, NSNET_BENCH_INNER: "1", NSNET_SANDBOX_OUTER_NETNS: readlinkSync("/proc/self/ns/net") },
  });
  process.exit(r.status ?? 1);
}

const { execute } = await import(join(dist, "exec/execute.js"));
const { prepareSandbox } = await import(join(dist, "exec/sandbox.js"));
const { ProcessRunner } = await import(join(dist, "exec/runner.js"));
const runner = new ProcessRunner();
await prepareSandbox(runner, []);

/** [phase, place, line, inverse] for n namespaces (IPv6 documentation addresses, no DAD). */
function lines(n) {
  const out = [["host", "host", "link add br0 type bridge", "link del br0"], ["host", "host", "link set br0 alias nsnet:bench", null], ["host", "host", "link set br0 up", null]];
  for (let i = 0; i < n; i++) {
    out.push(["host", "host", `netns add n${i}`, `netns del n${i}`]);
    out.push(["host", "host", `link add h${i} type veth peer name eth0 netns n${i}`, `link del h${i}`]);
    out.push(["host", "host", `link set h${i} alias nsnet:bench`, null]);
    out.push(["host", "host", `link set h${i} master br0`, null]);
    out.push(["host", "host", `link set h${i} up`, null]);
  }
  for (let i = 0; i < n; i++) {
    out.push(["namespaces", `n${i}`, "link set lo up", null]);
    out.push(["namespaces", `n${i}`, `addr add 2001:db8::${(i + 1).toString(16)}/64 dev eth0 nodad`, null]);
    out.push(["namespaces", `n${i}`, "link set eth0 up", null]);
  }
  return out;
}

function teardown(n) {
  const input = [...Array(n).keys()].map((i) => `netns del n${i}`).concat("link del br0").join("\n") + "\n";
  spawnSync("ip", ["-force", "-batch", "-"], { input });
  // veth host ends die with their namespaces, asynchronously: wait until none is left
  for (let i = 0; i < 100; i++) {
    const links = JSON.parse(execFileSync("ip", ["-j", "link", "show"], { encoding: "utf8" }));
    if (links.length <= 1) return;
    spawnSync("sleep", ["0.05"]);
  }
}

async function time(fn) {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const ways = {
  async nsnet(n) {
    const ops = lines(n).map(([phase, ns, text, inv], i) => ({ index: i + 1, phase, tool: "ip", ns, text, summary: text, inverse: inv && { tool: "ip", ns, text: inv } }));
    const r = await execute(ops, runner, { project: `bench${n}`, stateDir: "/run/nsnet", concurrency: 8 });
    if (r.status !== "ok") throw new Error(`execute: ${r.status}: ${r.failure?.message}`);
    spawnSync("rm", ["-rf", `/run/nsnet/bench${n}`]);
  },
  async batch(n) {
    const byPlace = new Map();
    for (const [, ns, text] of lines(n)) byPlace.set(ns, [...(byPlace.get(ns) ?? []), text]);
    for (const [ns, ls] of byPlace) {
      const argv = ns === "host" ? ["-batch", "-"] : ["-n", ns, "-batch", "-"];
      const r = spawnSync("ip", argv, { input: ls.join("\n") + "\n" });
      if (r.status !== 0) throw new Error(String(r.stderr));
    }
  },
  async naive(n) {
    for (const [, ns, text] of lines(n)) {
      const r = spawnSync("ip", [...(ns === "host" ? [] : ["-n", ns]), ...text.split(" ")]);
      if (r.status !== 0) throw new Error(String(r.stderr));
    }
  },
};

for (const n of sizes) {
  const row = { namespaces: n, commands: lines(n).length };
  for (const [name, fn] of Object.entries(ways)) {
    row[`${name}_ms`] = Math.round(await time(() => fn(n)));
    teardown(n);
  }
  console.log(`n=${n} commands=${row.commands}  nsnet execute: ${row.nsnet_ms} ms  hand-written ip -batch: ${row.batch_ms} ms  one ip per command: ${row.naive_ms} ms`);
  console.log(JSON.stringify(row));
}
