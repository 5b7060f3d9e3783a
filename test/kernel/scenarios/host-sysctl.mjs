// The host's sysctls are written through /proc/sys by nsnet itself, no `sysctl` process
// (runner.writeHostSysctl): a write takes effect and is undone like `sysctl -w`'s, and a
// refused one fails its op with sysctl's own words and rolls the transaction back.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { execute, ProcessRunner, readLive, runner, sandbox, out, sameWorld, StateStore } from "./lib.mjs";

await sandbox();
const stateDir = "/run/nsnet";
const procSys = (key) => readFileSync(`/proc/sys/${key.replaceAll(".", "/")}`, "utf8").trim();
const sysctl = (index, key, value) => ({
  index,
  phase: "sysctl",
  tool: "sysctl",
  ns: "host",
  text: `${key}=${value}`,
  summary: `${key}=${value}`,
  effect: { k: "sysctl", ns: "host", key, value },
  inverse: null,
});
const bridge = {
  index: 1,
  phase: "host",
  tool: "ip",
  ns: "host",
  text: "link add br7 type bridge",
  summary: "link add br7 type bridge",
  effect: { k: "link", at: "host", ns: "host", name: "br7", kind: "bridge" },
  inverse: { k: "link-del", ns: "host", name: "br7" },
};

// 1. applied: both keys set; the originals recorded; down puts them back
const forwardBefore = procSys("net.ipv4.ip_forward");
const spawned = [];
const watched = new ProcessRunner((line) => spawned.push(line));
const good = await execute([bridge, sysctl(2, "net.ipv4.conf.br7.proxy_arp", "1"), sysctl(3, "net.ipv4.ip_forward", "1")], watched, {
  project: "hs",
  stateDir,
});
const applied = { proxyArp: procSys("net.ipv4.conf.br7.proxy_arp"), forward: procSys("net.ipv4.ip_forward") };
const originals = (await new StateStore("hs", stateDir).readState()).sysctlOriginals;

// 2. refused: a key with no /proc/sys file; the bridge and the first key are undone
const before = await readLive(runner, { sysctls: [{ ns: "host", key: "net.ipv4.conf.all.proxy_arp" }] });
const bad = await execute(
  [
    { ...bridge, text: "link add br8 type bridge", effect: { ...bridge.effect, name: "br8" }, inverse: { k: "link-del", ns: "host", name: "br8" } },
    sysctl(2, "net.ipv4.conf.all.proxy_arp", "1"),
    sysctl(3, "net.ipv4.conf.nosuch.proxy_arp", "1"),
  ],
  runner,
  { project: "hs2", stateDir },
);
const after = await readLive(runner, { sysctls: [{ ns: "host", key: "net.ipv4.conf.all.proxy_arp" }] });
// what sysctl itself says for that key, to compare words
const words = spawnSync("sysctl", ["-w", "net.ipv4.conf.nosuch.proxy_arp=1"], { encoding: "utf8" }).stderr.trim();

out({
  good: { status: good.status, changed: good.changed },
  commands: spawned.filter((l) => l.startsWith("+ ")),
  forwardBefore,
  applied,
  originals,
  bad: { status: bad.status, failedOp: bad.failure?.op?.index, message: bad.failure?.message },
  sysctlSays: words,
  diff: sameWorld(before, after),
  allProxyArp: after.sysctls.host?.["net.ipv4.conf.all.proxy_arp"],
});
