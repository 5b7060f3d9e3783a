// nsnet's helper (helper/: one perl process for many namespaces) against `ip`, the oracle.
// Reading: on a kernel full of the things nsnet reads — veths across namespaces, a bridge and
// its ports, macvlans of four modes, aliases with quotes and backslashes, mtus, IPv4 and
// IPv6 addresses, routes via, onlink, with a protocol, scoped, unreachable, through an IPv6
// gateway, proxy entries of both families — both must give the same model, in the same
// order; a namespace that is gone is omitted by both. Writing: twin namespaces given the
// same ops, one through the helper and one through `ip -batch`, must end the same; a refused
// op stops both at the same place. Sysctls and nft rulesets go through it into the right
// namespace. And an apply whose helpers' stderr is full of noise (perl's locale warning,
// translated messages) under a locale this machine lacks is not rolled back.
import { spawnSync } from "node:child_process";
import { readLive, runner, sandbox, out } from "./lib.mjs";

const B = process.env.NSNET_BUILD;
const { readByNetlink } = await import(`${B}/exec/netlink-read.js`);
const { readPlaces, readSysctls } = await import(`${B}/exec/live.js`);
const { runHelper } = await import(`${B}/exec/fanout.js`);
const { helperArgv } = await import(`${B}/exec/helper.js`);
const { execute } = await import(`${B}/exec/execute.js`);
const { effectOf } = await import(`${B}/plan/read.js`);

await sandbox();
const failed = [];
const ip = (...args) => {
  const r = spawnSync("ip", args, { encoding: "utf8" });
  if (r.status !== 0) failed.push(`ip ${args.join(" ")}: ${r.stderr.trim()}`);
};

ip("netns", "add", "lan");
ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", "lan");
ip("link", "set", "eth0", "up");
ip("addr", "add", "198.51.100.2/24", "dev", "eth0");
ip("-n", "lan", "link", "set", "eth0", "up");
ip("-n", "lan", "addr", "add", "198.51.100.1/24", "dev", "eth0");
ip("link", "add", "br0", "type", "bridge");
ip("link", "set", "br0", "up");
ip("addr", "add", "192.0.2.1/24", "dev", "br0");
ip("addr", "add", "2001:db8:7::1/64", "dev", "br0");
for (const [i, mode] of ["bridge", "private", "vepa", "source"].entries()) {
  const ns = `m${i}`;
  ip("netns", "add", ns);
  ip("link", "add", `mv${i}`, "link", "eth0", "type", "macvlan", "mode", mode);
  ip("link", "set", `mv${i}`, "netns", ns);
  ip("-n", ns, "link", "set", `mv${i}`, "up");
  ip("-n", ns, "addr", "add", `198.51.100.${10 + i}/24`, "dev", `mv${i}`);
}
for (let i = 1; i <= 10; i++) {
  const ns = `c${i}`;
  ip("netns", "add", ns);
  ip("link", "add", `c${i}_veth0`, "type", "veth", "peer", "name", "eth0", "netns", ns);
  ip("link", "set", `c${i}_veth0`, "master", "br0", "up");
  ip("-n", ns, "link", "set", "lo", "up");
  ip("-n", ns, "link", "set", "lo", "alias", `nsnet:p${i}`);
  ip("-n", ns, "link", "set", "eth0", "up", "mtu", String(1300 + i));
  ip("-n", ns, "addr", "add", `192.0.2.${10 + i}/24`, "dev", "eth0");
  ip("-n", ns, "addr", "add", `2001:db8:7::${10 + i}/64`, "dev", "eth0", "nodad");
  ip("-n", ns, "route", "add", "default", "via", "192.0.2.1");
  ip("-n", ns, "-6", "route", "add", "default", "via", "2001:db8:7::1");
}
// the odd ones, in c1
ip("-n", "c1", "link", "set", "eth0", "alias", 'we"ird\\al ias');
ip("-n", "c1", "link", "add", "inner0", "type", "veth", "peer", "name", "inner1");
ip("-n", "c1", "link", "add", "br1", "type", "bridge");
ip("-n", "c1", "link", "set", "inner0", "master", "br1");
ip("-n", "c1", "route", "add", "203.0.113.7", "dev", "eth0");
ip("-n", "c1", "route", "add", "203.0.113.64/26", "via", "198.51.100.1", "dev", "eth0", "onlink", "proto", "static");
ip("-n", "c1", "route", "add", "unreachable", "203.0.113.128/25");
ip("-n", "c1", "route", "add", "203.0.113.32/27", "dev", "eth0", "scope", "link", "proto", "99");
ip("-n", "c1", "route", "add", "198.18.0.0/15", "via", "inet6", "2001:db8:7::1", "dev", "eth0");
ip("-n", "c1", "-6", "route", "add", "2001:db8:9::/48", "via", "2001:db8:7::1");
ip("-n", "c1", "route", "add", "203.0.113.0/28", "dev", "eth0", "table", "100");
ip("-n", "c1", "neigh", "add", "proxy", "192.0.2.99", "dev", "eth0");
ip("-n", "c1", "neigh", "add", "proxy", "2001:db8:7::99", "dev", "eth0");
ip("-n", "c2", "link", "set", "eth0", "down");

const byIp = await readLive(runner, { via: "ip" });
const byNetlink = await readLive(runner, { via: "netlink" });
const direct = await readByNetlink(runner, byIp.namespaces, 2);
const gone = await readPlaces(runner, ["c3", "nosuch", "c4"], 2, "netlink");
// the reader itself on a name with no /run/netns entry (readPlaces uses it from 8 names up)
const goneDirect = await readByNetlink(runner, ["c3", "nosuch"], 1);
const goneIp = await readPlaces(runner, ["c3", "nosuch", "c4"], 2, "ip");

const sh = (...args) => spawnSync(args[0], args.slice(1), { encoding: "utf8" });

// --- twins: the same ops through the helper (t1) and through ip (t2) ---
for (const t of ["t1", "t2", "t3", "t4"]) {
  ip("netns", "add", t);
  ip("link", "add", `${t}_veth0`, "type", "veth", "peer", "name", "eth0", "netns", t);
  ip("link", "set", `${t}_veth0`, "master", "br0", "up");
  // a bridge and a port inside: master and the multicast hold-off
  ip("-n", t, "link", "add", "br9", "type", "bridge");
  ip("-n", t, "link", "add", "p0", "type", "veth", "peer", "name", "p1");
}
const last = (ns) => (ns === "t1" ? 51 : 52);
// [typed op, the ip line it is]
const twinOps = (ns) => [
  [{ k: "updown", dev: "lo", up: true }, "link set lo up"],
  [{ k: "alias", dev: "lo", alias: `nsnet:${ns}` }, `link set lo alias nsnet:${ns}`],
  [{ k: "addr", add: true, dev: "lo", cidr: "127.0.0.2/8" }, "addr add 127.0.0.2/8 brd + dev lo"],
  [{ k: "addr", add: true, dev: "eth0", cidr: `192.0.2.${last(ns)}/24` }, `addr add 192.0.2.${last(ns)}/24 brd + dev eth0`],
  [{ k: "addr", add: true, dev: "eth0", cidr: `2001:db8:7::${last(ns)}/64` }, `addr add 2001:db8:7::${last(ns)}/64 dev eth0`],
  [{ k: "addr", add: true, dev: "eth0", cidr: "192.0.2.99/24" }, "addr add 192.0.2.99/24 brd + dev eth0"],
  [{ k: "mtu", dev: "eth0", mtu: 1400 }, "link set eth0 mtu 1400"],
  [{ k: "updown", dev: "eth0", up: true }, "link set eth0 up"],
  [{ k: "route", add: true, dst: "default", via: "192.0.2.1" }, "route add default via 192.0.2.1"],
  [
    { k: "route", add: true, dst: "198.51.100.0/24", via: "192.0.2.254", dev: "eth0", onlink: true },
    "route add 198.51.100.0/24 via 192.0.2.254 dev eth0 onlink",
  ],
  [{ k: "route", add: true, dst: "203.0.113.0/25", via: "192.0.2.1", dev: "eth0" }, "route add 203.0.113.0/25 via 192.0.2.1 dev eth0"],
  [{ k: "route", add: true, dst: "203.0.113.200/32", dev: "eth0" }, "route add 203.0.113.200/32 dev eth0"],
  [{ k: "route", add: true, dst: "default", via: "2001:db8:7::1" }, "route add default via 2001:db8:7::1"],
  [{ k: "route", add: true, dst: "2001:db8:9::/48", via: "2001:db8:7::1", dev: "eth0" }, "route add 2001:db8:9::/48 via 2001:db8:7::1 dev eth0"],
  [{ k: "proxy", add: true, dev: "eth0", addr: "192.0.2.77" }, "neigh add proxy 192.0.2.77 dev eth0"],
  [{ k: "proxy", add: true, dev: "eth0", addr: "2001:db8:7::77" }, "neigh add proxy 2001:db8:7::77 dev eth0"],
  [{ k: "proxy", add: true, dev: "eth0", addr: "192.0.2.78" }, "neigh add proxy 192.0.2.78 dev eth0"],
  [{ k: "route", add: false, dst: "203.0.113.0/25", via: "192.0.2.1" }, "route del 203.0.113.0/25 via 192.0.2.1"],
  [{ k: "addr", add: false, dev: "eth0", cidr: "192.0.2.99/24" }, "addr del 192.0.2.99/24 dev eth0"],
  [{ k: "proxy", add: false, dev: "eth0", addr: "192.0.2.78" }, "neigh del proxy 192.0.2.78 dev eth0"],
  [{ k: "master", dev: "p0", master: "br9" }, "link set p0 master br9"],
  [{ k: "hold", dev: "p0", flood: false }, "link set dev p0 type bridge_slave mcast_flood off"],
  [{ k: "master", dev: "p1", master: "br9" }, "link set p1 master br9"],
  [{ k: "master", dev: "p1", master: null }, "link set p1 nomaster"],
];
const viaHelper = async (ns, pairs, extra = {}) => (await runHelper(runner, [{ ns, ops: pairs.map(([o]) => o), ...extra }])).records.get(ns);
const ipBatch = (ns, lines) =>
  spawnSync("nsenter", [`--net=/run/netns/${ns}`, "--", "ip", "-batch", "-"], { input: lines.join("\n") + "\n", encoding: "utf8" });
const helperT1 = await viaHelper("t1", twinOps("t1"), { state: true });
const ipT2 = ipBatch(
  "t2",
  twinOps("t2").map(([, l]) => l),
);
const afterTwins = await readLive(runner, { via: "ip", namespaces: ["t1", "t2"] });
const flood = (ns) => JSON.parse(sh("ip", "-n", ns, "-d", "-j", "link", "show", "p0").stdout)[0]?.linkinfo?.info_slave_data?.mcast_flood ?? null;
// a refused op: the same address twice, at op 3 of 4 (both stop there)
const refused = [
  [{ k: "updown", dev: "lo", up: true }, "link set lo up"],
  [{ k: "addr", add: true, dev: "eth0", cidr: "192.0.2.60/24" }, "addr add 192.0.2.60/24 brd + dev eth0"],
  [{ k: "addr", add: true, dev: "eth0", cidr: "192.0.2.60/24" }, "addr add 192.0.2.60/24 brd + dev eth0"],
  [{ k: "updown", dev: "eth0", up: true }, "link set eth0 up"],
];
const refusedHelper = await viaHelper("t3", refused, { state: true });
const refusedIp = ipBatch(
  "t4",
  refused.map(([, l]) => l),
);
const noDevice = await viaHelper("t3", [[{ k: "updown", dev: "nosuch0", up: true }]]);
const upAfter = (ns) => JSON.parse(sh("ip", "-n", ns, "-j", "link", "show", "eth0").stdout)[0].flags.includes("UP");

// --- hostile entries in /run/netns: a FIFO (an open would block), a symlink to PID 1's
// namespace, a plain file: none is entered, none hangs the helper ---
sh("mkfifo", "/run/netns/fifo");
sh("ln", "-s", "/proc/1/ns/net", "/run/netns/link");
sh("touch", "/run/netns/plain");
const hostile = await runHelper(
  runner,
  ["fifo", "link", "plain"].map((ns) => ({ ns, ops: [{ k: "updown", dev: "lo", up: false }], state: true })),
);
sh("rm", "/run/netns/fifo", "/run/netns/link", "/run/netns/plain");

// --- sysctls and nft through the helper, in the namespace and nowhere else ---
const fwd = "net.ipv4.conf.eth0.forwarding";
const hostFwdBefore = sh("sysctl", "-n", "net.ipv4.conf.all.forwarding").stdout.trim();
const sysctlWrite = await viaHelper("t1", [[{ k: "sysctl", key: fwd, value: "1" }], [{ k: "sysctl", key: "net.ipv4.conf.eth0.nosuch", value: "1" }]]);
const sysctlRead = await readSysctls(runner, [
  { ns: "t1", key: fwd },
  { ns: "t2", key: fwd },
  { ns: "t1", key: "net.ipv4.conf.eth0.nosuch" },
]);
const sysctlOracle = ["t1", "t2"].map((ns) => sh("nsenter", `--net=/run/netns/${ns}`, "--", "sysctl", "-n", fwd).stdout.trim());
const ruleset = "table inet nsnet_twin {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n";
const nftOk = await viaHelper("t1", [[{ k: "nft", ruleset }]]);
const nftBad = await viaHelper("t1", [[{ k: "nft", ruleset: "table inet nsnet_twin {\n\tchain c {\n\t\ttype filter hook nosuch priority 0;\n\t}\n}\n" }]]);
const tables = (ns) => sh(...(ns ? ["nsenter", `--net=/run/netns/${ns}`, "--"] : []), "nft", "list", "tables").stdout.trim();

// --- an apply whose helpers say anything at all on stderr, under a locale this machine
// lacks: the records decide, and it is not rolled back ---
class NoisyRunner {
  constructor(inner) {
    this.inner = inner;
    this.noisy = 0;
  }
  async run(argv, opts) {
    const r = await this.inner.run(argv, opts);
    if (argv[0] !== "perl") return r;
    this.noisy++;
    return {
      ...r,
      stderr: `perl: warning: Setting locale failed.\nnsenter: Wiedereinstieg in Namensraum »/run/netns/n3« fehlgeschlagen: Ungültiges Argument\nCommand failed /x/n2:3\n${r.stderr}`,
    };
  }
  note() {}
}
const N = 9;
const noisyOps = [];
const push = (phase, ns, text, inverse, extra = {}) =>
  noisyOps.push({
    index: noisyOps.length + 1,
    phase,
    tool: phase === "sysctl" ? "sysctl" : "ip",
    ns,
    text,
    summary: text,
    effect: effectOf({ tool: phase === "sysctl" ? "sysctl" : "ip", ns, text }),
    inverse: inverse && effectOf({ tool: "ip", ns: "host", text: inverse }),
    ...extra,
  });
for (let i = 1; i <= N; i++) {
  push("host", "host", `netns add n${i}`, `netns del n${i}`);
  push("host", "host", `link add n${i}_v type veth peer name eth0 netns n${i}`, `link del n${i}_v`);
}
for (let i = 1; i <= N; i++) {
  push("namespaces", `n${i}`, "link set lo up", null, { undoneWith: "namespace" });
  push("namespaces", `n${i}`, `addr add 198.51.100.${i + 10}/24 dev eth0`, null, { undoneWith: "namespace" });
  push("namespaces", `n${i}`, "link set eth0 up", null, { undoneWith: "namespace" });
}
for (let i = 1; i <= N; i++) push("sysctl", `n${i}`, "net.ipv4.conf.all.forwarding=1", null, { undoneWith: "namespace" });
const saved = { LANG: process.env.LANG, LC_ALL: process.env.LC_ALL };
process.env.LANG = process.env.LC_ALL = "de_DE.UTF-8";
const noisy = new NoisyRunner(runner);
const applied = await execute(noisyOps, noisy, { project: "noisy", stateDir: "/run/nsnet-noisy" });
Object.assign(process.env, saved);
const noisyAfter = await readLive(runner, { via: "ip", namespaces: ["n1", `n${N}`] });

out({
  helper: helperArgv()?.[0] ?? null,
  twins: {
    helper: helperT1,
    ipExit: ipT2.status,
    ipStderr: ipT2.stderr,
    kernel: afterTwins,
    flood: [flood("t1"), flood("t2")],
    refusedHelper,
    refusedIp: { status: refusedIp.status, stderr: refusedIp.stderr },
    refusedUp: [upAfter("t3"), upAfter("t4")],
    noDevice,
  },
  sysctl: {
    write: sysctlWrite,
    read: sysctlRead,
    oracle: sysctlOracle,
    hostBefore: hostFwdBefore,
    hostAfter: sh("sysctl", "-n", "net.ipv4.conf.all.forwarding").stdout.trim(),
  },
  hostile: Object.fromEntries([...hostile.records].map(([ns, r]) => [ns, r.enter ?? r])),
  hostLoUp: JSON.parse(sh("ip", "-j", "link", "show", "lo").stdout)[0].flags.includes("UP"),
  nft: { ok: nftOk, bad: nftBad, t1: tables("t1"), t2: tables("t2"), host: tables(null) },
  noisy: {
    status: applied.status,
    changed: applied.changed ?? null,
    failure: applied.failure ?? null,
    helperRuns: noisy.noisy,
    addrs: noisyAfter.addrs
      .filter((a) => a.dev === "eth0")
      .map((a) => `${a.ns} ${a.cidr}`)
      .filter((a) => !a.includes("fe80")),
    forwarding: (await readSysctls(runner, [{ ns: `n${N}`, key: "net.ipv4.conf.all.forwarding" }]))[`n${N}`],
  },
  failed,
  namespaces: byIp.namespaces.length,
  readByNetlink: [...direct.values()].filter((p) => p !== null).length,
  counts: { links: byIp.links.length, addrs: byIp.addrs.length, routes: byIp.routes.length, proxies: byIp.proxies.length },
  byIp,
  byNetlink,
  gone: gone.map((p) => p.ns),
  goneDirect: [...goneDirect].map(([ns, p]) => [ns, p === null ? null : p.links.length > 0]),
  goneIp: goneIp.map((p) => p.ns),
});
