// The netlink reader (one perl process for many namespaces) against the ip reader (`ip -d -j`
// dumps per namespace): on a kernel full of the things nsnet reads — veths across
// namespaces, a bridge and its ports, macvlans of four modes, aliases with quotes and
// backslashes, mtus, IPv4 and IPv6 addresses, routes via, onlink, with a protocol, scoped,
// unreachable, through an IPv6 gateway, proxy entries of both families — both must give the
// same model, in the same order. Also: a namespace that is gone is omitted by both.
import { spawnSync } from "node:child_process";
import { readLive, runner, sandbox, out } from "./lib.mjs";

const B = process.env.NSNET_BUILD;
const { readByNetlink, resetNetlinkReader } = await import(`${B}/exec/netlink-read.js`);
const { readPlaces } = await import(`${B}/exec/live.js`);
const { runInPlaces, fanoutArgv } = await import(`${B}/exec/fanout.js`);
const { isMissingNamespace } = await import(`${B}/exec/enter.js`);

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

resetNetlinkReader();
const byIp = await readLive(runner, { via: "ip" });
const byNetlink = await readLive(runner, { via: "netlink" });
const direct = await readByNetlink(runner, byIp.namespaces, 2);
const gone = await readPlaces(runner, ["c3", "nosuch", "c4"], 2, "netlink");
// the reader itself on a name with no /run/netns entry (readPlaces uses it from 8 names up)
const goneDirect = await readByNetlink(runner, ["c3", "nosuch"], 1);
const goneIp = await readPlaces(runner, ["c3", "nosuch", "c4"], 2, "ip");

// the fan-out's launcher (perl: fork, setns, exec ip) against xargs + nsenter: same results
const jobs = ["c5", "nosuch", "c6", "c7"].map((place) => ({
  place,
  lines: ["link set lo mtu 65000", "addr add 192.0.2.200/32 dev lo", "link show dev lo"].map((l) => (place === "c7" ? l.replace("dev lo", "dev nosuch0") : l)),
  dumps: 1,
}));
const launched = await runInPlaces(runner, jobs, ["-j"], { groups: 1 });
const launcher = fanoutArgv("/x", [])[0];
const lo5 = JSON.parse(spawnSync("ip", ["-n", "c5", "-j", "addr", "show", "dev", "lo"], { encoding: "utf8" }).stdout)[0];

// the launcher's own netlink writes against ip's: twin namespaces, the same batch each,
// one through the launcher (which applies these lines itself), one through xargs + ip
const twinLines = (ns) => [
  "link set lo up",
  `link set lo alias nsnet:${ns}`,
  "addr add 127.0.0.2/8 dev lo",
  `addr add 192.0.2.${ns === "t1" ? 51 : 52}/24 dev eth0`,
  `addr add 2001:db8:7::${ns === "t1" ? 51 : 52}/64 dev eth0`,
  "link set eth0 up",
  "route add default via 192.0.2.1",
  "route add 198.51.100.0/24 via 192.0.2.254 dev eth0 onlink",
  "route add 203.0.113.0/25 via 192.0.2.1 dev eth0",
  "route add default via 2001:db8:7::1",
  "route add 2001:db8:9::/48 via 2001:db8:7::1 dev eth0",
  "link show",
  "addr show",
  "route show table all",
  "neigh show proxy",
];
for (const t of ["t1", "t2", "t3", "t4"]) {
  ip("netns", "add", t);
  ip("link", "add", `${t}_veth0`, "type", "veth", "peer", "name", "eth0", "netns", t);
  ip("link", "set", `${t}_veth0`, "master", "br0", "up");
}
const DUMPS = new Set(["link show", "addr show", "route show table all", "neigh show proxy"]);
const twin = async (ns, launcher, lines = twinLines(ns)) =>
  (await runInPlaces(runner, [{ place: ns, lines, dumps: lines.filter((l) => DUMPS.has(l)).length }], ["-d", "-j"], { groups: 1, launcher }))[0];
const viaLauncher = await twin("t1", 308);
const viaIp = await twin("t2", null);
const { parseDumps } = await import(`${B}/exec/readback.js`);
const afterTwins = await readLive(runner, { via: "ip", namespaces: ["t1", "t2"] });
// a refused op: the same address twice, at line 3 of 4 (the launcher stops there, as ip does)
const refused = ["link set lo up", "addr add 192.0.2.60/24 dev eth0", "addr add 192.0.2.60/24 dev eth0", "link show"];
const refusedLauncher = await twin("t3", 308, refused);
const refusedIp = await twin("t4", null, refused);
const noDevice = await twin("t3", 308, ["link set nosuch0 up", "link show"]);
const twinView = (r) => ({ exitCode: r.exitCode, attributed: r.attributed, failedLine: /Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? null });

out({
  twins: {
    launcher: { ...twinView(viaLauncher), state: viaLauncher.exitCode === 0 ? parseDumps("t1", viaLauncher.stdout) : viaLauncher.stderr },
    ip: { ...twinView(viaIp), state: viaIp.exitCode === 0 ? parseDumps("t2", viaIp.stdout) : viaIp.stderr },
    kernel: afterTwins,
    refusedLauncher: { ...twinView(refusedLauncher), stderr: refusedLauncher.stderr },
    refusedIp: { ...twinView(refusedIp), stdout: refusedIp.stdout },
    noDevice: { ...twinView(noDevice), stderr: noDevice.stderr },
  },
  launcher,
  launched: launched.map((r) => ({
    place: r.place,
    exitCode: r.exitCode,
    attributed: r.attributed,
    mtu: r.stdout ? JSON.parse(r.stdout)[0].mtu : null,
    missing: isMissingNamespace(r.stderr),
    failedLine: /Command failed -:(\d+)/.exec(r.stderr)?.[1] ?? null,
  })),
  lo5: lo5.addr_info.map((a) => a.local),
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
