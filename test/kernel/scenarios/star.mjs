// A star of namespaces big enough for the fast paths (fan-out, read-back in the applying
// process, multicast hold-off): applied through the CLI, looked at with plain `ip -n` (not
// nsnet's reader), IPv6 link-local tried between two namespaces, re-applied (0 ops); then,
// with the executor alone, a mismatch only a fresh read can see (an IPv6 sysctl removing an
// address after the batch that added it) and faults inside the fanned-out stage, each of
// which must roll back to exactly the world before; finally `down`.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execute, readLive, runner, sandbox, out, sameWorld, effectOf } from "./lib.mjs";

await sandbox();
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../../../dist/cli/nsnet.cjs");
const N = 12;
const res = {};

const file = "/run/star.nsnet";
writeFileSync(
  file,
  [
    "pool p 2001:db8:100::/64",
    "bridge br0 < addr 2001:db8:100::1/64 >",
    `for i in 1..${N} <`,
    "  ns c$i < veth to br0; addr auto from p; route default via 2001:db8:100::1 >",
    ">",
    "",
  ].join("\n"),
);
const cli = (...args) => {
  const r = spawnSync(process.execPath, [CLI, ...args, file, "--state-dir", "/run/st"], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};
const ipj = (...args) => {
  const r = spawnSync("ip", ["-j", ...args], { encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() ? JSON.parse(r.stdout) : [];
};

const up = cli("up", "--json");
res.up = { status: up.status, ops: up.status === 0 ? JSON.parse(up.stdout).ops : up.stderr };

// what the kernel shows, read the plain way
res.namespaces = [];
for (let i = 1; i <= N; i++) {
  const links = ipj("-n", `c${i}`, "addr", "show");
  const eth = links.find((l) => l.ifname === "eth0");
  res.namespaces.push({
    lo: links.find((l) => l.ifname === "lo")?.flags.includes("UP") ?? false,
    up: eth?.flags.includes("UP") ?? false,
    addrs: (eth?.addr_info ?? []).filter((a) => a.scope === "global").map((a) => `${a.local}/${a.prefixlen}`),
    gw: ipj("-n", `c${i}`, "-6", "route", "show", "default").map((r) => r.gateway),
  });
}
const ports = ipj("-d", "link", "show", "master", "br0");
res.ports = ports.length;
// the hold-off is over: every port floods multicast again (the kernel's default)
res.floodOn = ports.filter((l) => l.linkinfo?.info_slave_data?.mcast_flood === true).length;

// IPv6 link-local from c1 to c2 (the addresses may still be tentative: bounded retries)
const ll = (ns) => ipj("-n", ns, "addr", "show", "dev", "eth0")[0]?.addr_info.find((a) => a.scope === "link")?.local;
const target = ll("c2");
res.linkLocal = null;
for (let t = 0; t < 8 && res.linkLocal !== 0; t++) {
  res.linkLocal = spawnSync("ip", ["netns", "exec", "c1", "ping", "-6", "-n", "-c1", "-W1", `${target}%eth0`], { encoding: "utf8", timeout: 5000 }).status;
  if (res.linkLocal !== 0) spawnSync("sleep", ["1"]);
}
// and all nodes on the link answer c1 (flooded multicast reaches every port)
const all = spawnSync("ip", ["netns", "exec", "c1", "ping", "-6", "-n", "-c2", "-i0.5", "-w3", "ff02::1%eth0"], { encoding: "utf8", timeout: 6000 });
res.allNodes = new Set([...all.stdout.matchAll(/from (fe80::[0-9a-f:]+)/g)].map((m) => m[1])).size;

const again = cli("up", "--json");
res.reapply = again.status === 0 ? JSON.parse(again.stdout).ops : again.stderr;

// --- the executor alone, another project in namespaces v1..v9 on bridge br1
const alias = "nsnet:vm";
function vOps({ sysctlIn } = {}) {
  const list = [
    ["host", "host", "link add br1 type bridge", "link del br1"],
    ["host", "host", `link set br1 alias ${alias}`, null],
  ];
  for (let i = 1; i <= 9; i++) {
    list.push(["host", "host", `netns add v${i}`, `netns del v${i}`]);
    list.push(["host", "host", `link add v${i}_veth0 type veth peer name eth0 netns v${i}`, `link del v${i}_veth0`]);
    list.push(["host", "host", `link set v${i}_veth0 alias ${alias}`, null]);
    list.push(["host", "host", `link set v${i}_veth0 master br1`, `link set v${i}_veth0 nomaster`]);
    list.push(["host", "host", `link set v${i}_veth0 up`, `link set v${i}_veth0 down`]);
  }
  list.push(["host", "host", "link set br1 up", "link set br1 down"]);
  for (let i = 1; i <= 9; i++) {
    const a = `2001:db8:200::${(i + 1).toString(16)}/64`;
    list.push(["namespaces", `v${i}`, "link set lo up", "link set lo down"]);
    list.push(["namespaces", `v${i}`, `addr add ${a} dev eth0`, `addr del ${a} dev eth0`]);
    list.push(["namespaces", `v${i}`, "link set eth0 up", "link set eth0 down"]);
  }
  if (sysctlIn) list.push(["sysctl", sysctlIn, "net.ipv6.conf.eth0.disable_ipv6=1", null]);
  return list.map(([phase, ns, text, inv], k) => {
    const tool = phase === "sysctl" ? "sysctl" : "ip";
    const op = {
      index: k + 1,
      phase,
      tool,
      ns,
      text,
      summary: text,
      effect: effectOf({ tool, ns, text }),
      inverse: inv === null ? null : effectOf({ tool, ns, text: inv }),
    };
    if (!op.effect || (inv !== null && !op.inverse)) throw new Error(`vOps: not an nsnet text: ${text} / ${inv}`);
    // an alias goes with its link; a sysctl without inverse is restored from what was found
    if (inv === null && tool === "ip") op.undoneWith = "link";
    return op;
  });
}

const before = await readLive(runner);
const vm = { project: "vm", stateDir: "/run/st" };
// v5's address is added by its batch, then taken away by the sysctl phase: only a read after
// that phase sees it, and the executor must not take v5's earlier read-back for the truth
const mismatch = await execute(vOps({ sysctlIn: "v5" }), runner, vm);
res.mismatch = { status: mismatch.status, mismatches: mismatch.failure?.mismatches ?? [], diff: sameWorld(before, await readLive(runner)) };

res.faults = [];
const ops = vOps();
const at = (ns, prefix) => ops.find((o) => o.ns === ns && o.text.startsWith(prefix)).index;
for (const failAt of [at("v1", "link set lo up"), at("v4", "addr add"), at("v9", "link set eth0 up"), at("host", "link set br1 up")]) {
  const r = await execute(ops, runner, { ...vm, failAt });
  res.faults.push({ failAt, status: r.status, failedOp: r.failure?.op?.index, diff: sameWorld(before, await readLive(runner)) });
}

// --- down: when it returns, nothing of the star is left (veth ends go with their namespaces)
const down = cli("down");
res.down = down.status;
res.afterDown = {
  namespaces: ipj("netns", "list").map((n) => n.name),
  links: ipj("link", "show")
    .map((l) => l.ifname)
    .filter((n) => n !== "lo"),
};
out(res);
