import { describe, it, expect } from "vitest";
import { cniProject } from "../../src/cni/state.js";
import { ipsOf, runtime, seedConflist, type Json, type NetRun, type Run } from "./cni-harness.js";

/**
 * nsnet as a CNI plugin, driven the way a runtime drives it: inside `nsnet sandbox`, the
 * harness (scenarios/cni-runtime.mjs) creates /run/netns/ctrN and runs the plugins of a
 * netconf or conflist with the CNI environment, threading prevResult as libcni does. The
 * reference plugins are Debian's containernetworking-plugins (scripts/setup installs them).
 * The seed's netconf (examples/cni-bridge.conflist) is used unchanged but for its subnet,
 * translated into a documentation range because packets flow.
 */
const add = (conf: Json, n: number, extra: Json = {}) => ({ command: "ADD", conf, id: `ctr${n}-id`, netns: `/run/netns/ctr${n}`, ...extra });
const del = (conf: Json, n: number, extra: Json = {}) => ({ command: "DEL", conf, id: `ctr${n}-id`, netns: `/run/netns/ctr${n}`, ...extra });
const pingLan = (n: number) => ({ run: ["ip", "netns", "exec", `ctr${n}`, "ping", "-n", "-c1", "-W2", "198.51.100.1"] });

/** The result without what is random by design (MACs, the reference's veth names). */
function shape(r: Json | null): Json | null {
  if (!r) return r;
  return { ...r, interfaces: r.interfaces.map((i: Json) => ({ name: i.name.startsWith("veth") ? "veth*" : i.name, sandbox: i.sandbox ?? null })) };
}

describe("nsnet cni: the reference bridge netconf as a drop-in", () => {
  it("hands out host-local's addresses and builds the reference bridge plugin's state", async () => {
    // the same ADD/DEL sequence through both; round robin shows after the DEL: ctr4 gets .5, not .3
    const sequence = (type: string) => {
      const c = seedConflist(type);
      return [
        ...[1, 2, 3, 4].map((n) => ({ netns: `ctr${n}` })),
        add(c, 1),
        add(c, 2),
        add(c, 3),
        del(c, 2),
        add(c, 4),
        add(c, 2),
        pingLan(1),
        { dump: { netns: ["ctr1", "ctr2", "ctr3", "ctr4"] } },
      ];
    };
    const [ref, ours] = await Promise.all([runtime(sequence("bridge")), runtime(sequence("nsnet"))]);
    const adds = (out: any[]) => [4, 5, 6, 8, 9].map((i) => out[i] as NetRun);
    for (const r of [...adds(ref), ...adds(ours)]) expect(r.ok, JSON.stringify(r.calls)).toBe(true);
    expect(adds(ours).map(ipsOf)).toEqual(adds(ref).map(ipsOf));
    expect(adds(ours).map(ipsOf)).toEqual([["192.0.2.2/24"], ["192.0.2.3/24"], ["192.0.2.4/24"], ["192.0.2.5/24"], ["192.0.2.6/24"]]);
    expect(adds(ours).map((r) => shape(r.result))).toEqual(adds(ref).map((r) => shape(r.result)));
    // masquerade: the lan router has no route back to 192.0.2.0/24, so only a masqueraded ping returns
    expect((ref[10] as Run).status, (ref[10] as Run).stderr).toBe(0);
    expect((ours[10] as Run).status, (ours[10] as Run).stderr).toBe(0);
    const [refDump, ourDump] = [ref[11], ours[11]];
    expect(ourDump).toEqual(refDump);
    expect(ourDump.bridge).toEqual({ kind: "bridge", up: true, mtu: 1500, addrs: ["192.0.2.1/24"] });
    expect(ourDump.ports).toHaveLength(4);
    expect(ourDump.containers.ctr4.routes).toContain("default via=192.0.2.1 dev=eth0");
    expect(ourDump.ip_forward).toBe("1");
  }, 240_000);

  it("feeds the reference tuning and portmap plugins in a chain (prevResult honoured), CHECK and DEL through the chain", async () => {
    const conf = seedConflist("nsnet");
    conf.plugins.push({ type: "tuning", sysctl: { "net.core.somaxconn": "512" } }, { type: "portmap", capabilities: { portMappings: true }, snat: true });
    const pm = { runtimeConfig: { portMappings: [{ hostPort: 8080, containerPort: 80, protocol: "tcp" }] } };
    const server = `require("net").createServer((s) => s.end("hello from ctr1")).listen(80, "0.0.0.0")`;
    const client = `const s = require("net").connect(8080, "198.51.100.2"); let d = ""; s.on("data", (x) => (d += x)); s.on("end", () => { console.log(d); process.exit(0) }); s.on("error", (e) => { console.log(e.code); process.exit(1) }); setTimeout(() => process.exit(2), 3000)`;
    const out = await runtime([
      { netns: "ctr1" },
      add(conf, 1, pm),
      { run: ["ip", "netns", "exec", "ctr1", "sysctl", "-n", "net.core.somaxconn"] },
      { bg: ["ip", "netns", "exec", "ctr1", process.execPath, "-e", server] },
      { sleep: 800 },
      { run: ["ip", "netns", "exec", "lan", process.execPath, "-e", client] },
      // portmap 1.1.1's own CHECK wants an ip6tables chain it never made (an upstream bug), so
      // the chain is checked up to tuning; DEL runs through all three
      { command: "CHECK", conf: { ...conf, plugins: conf.plugins.slice(0, 2) }, id: "ctr1-id", netns: "/run/netns/ctr1", ...pm },
      del(conf, 1, pm),
      { run: ["iptables", "-t", "nat", "-S"] },
    ]);
    const chain = out[1] as NetRun;
    expect(chain.ok, JSON.stringify(chain.calls)).toBe(true);
    expect(chain.calls.map((c) => c.type)).toEqual(["nsnet", "tuning", "portmap"]);
    // tuning and portmap passed nsnet's result on: interfaces with sandbox, ips by interface index
    expect(shape(chain.result)).toMatchObject({
      interfaces: [{ name: "cni0" }, { name: "veth*" }, { name: "eth0", sandbox: "/run/netns/ctr1" }],
      ips: [{ address: "192.0.2.2/24", interface: 2 }],
    });
    expect((out[2] as Run).stdout.trim()).toBe("512");
    expect((out[5] as Run).stdout.trim(), (out[5] as Run).stderr).toBe("hello from ctr1");
    expect((out[6] as NetRun).ok, JSON.stringify((out[6] as NetRun).calls)).toBe(true);
    expect((out[7] as NetRun).ok, JSON.stringify((out[7] as NetRun).calls)).toBe(true);
    expect((out[8] as Run).stdout).not.toContain("192.0.2.2");
  }, 240_000);

  it("serialises 20 parallel ADDs: 20 different addresses, every one recorded", async () => {
    const c = seedConflist("nsnet");
    const n = Array.from({ length: 20 }, (_, i) => i + 1);
    const project = cniProject("cni-bridge");
    const out = await runtime(
      [
        ...n.map((i) => ({ netns: `ctr${i}` })),
        { parallel: n.map((i) => add(c, i)) },
        { run: ["cat", `/var/lib/nsnet/${project}/allocations.json`] },
        { run: ["cat", `/run/nsnet/${project}/attachments.json`] },
        { run: ["ip", "-j", "link", "show", "master", "cni0"] },
      ],
      undefined,
      470_000,
    );
    const adds = out[20] as NetRun[];
    for (const r of adds) expect(r.ok, JSON.stringify(r.calls)).toBe(true);
    const addrs = adds.flatMap(ipsOf);
    expect(new Set(addrs).size).toBe(20);
    // no lost update: the store holds all 20 owners, the attachments file all 20 records
    const owners = Object.values(JSON.parse((out[21] as Run).stdout).pools as Record<string, { owners: Record<string, string> }>)[0]!.owners;
    expect(Object.keys(owners).sort()).toEqual(n.map((i) => `ctr${i}-id:eth0#0`).sort());
    expect(new Set(Object.values(owners)).size).toBe(20);
    expect(Object.keys(JSON.parse((out[22] as Run).stdout).attachments)).toHaveLength(20);
    expect(JSON.parse((out[23] as Run).stdout)).toHaveLength(20);
  }, 480_000);
});

/**
 * DEL, GC, CHECK and the error codes share one sandbox (each its own network, bridge and
 * subnet): a sandbox costs seconds, the checks themselves are cheap.
 */
describe("nsnet cni: DEL, GC, CHECK and errors", () => {
  const net = (name: string, bridge: string, subnet: string, version = "1.0.0"): Json => {
    const c = seedConflist("nsnet");
    c.name = name;
    c.cniVersion = version;
    c.plugins[0].bridge = bridge;
    c.plugins[0].ipam.subnet = subnet;
    return c;
  };
  const delNet = net("del-net", "cni-del", "192.0.2.0/26");
  const gcNet = net("gc-net", "cni-gc", "192.0.2.64/26", "1.1.0");
  const chkNet = net("chk-net", "cni-chk", "192.0.2.128/26");
  const a = (command: string, conf: Json, ns: string, extra: Json = {}) => ({ command, conf, id: `${ns}-id`, netns: `/run/netns/${ns}`, ...extra });
  const actions: Json[] = [];
  const at: Record<string, number> = {};
  const step = (label: string, action: Json) => {
    at[label] = actions.length;
    actions.push(action);
  };
  for (const ns of ["d1", "d2", "g1", "g2", "g3", "k1", "b1"]) step(`netns ${ns}`, { netns: ns });
  // DEL: twice; after the namespace is gone; for a container never added
  step("del add d1", a("ADD", delNet, "d1"));
  step("del d1", a("DEL", delNet, "d1"));
  step("del d1 again", a("DEL", delNet, "d1"));
  step("del add d2", a("ADD", delNet, "d2"));
  step("rm d2", { rmNetns: "d2" });
  step("del d2", a("DEL", delNet, "d2"));
  step("del d2 again", a("DEL", delNet, "d2"));
  step("del never added", a("DEL", delNet, "d3"));
  step("del ports", { run: ["ip", "-j", "link", "show", "master", "cni-del"] });
  // GC: only g1 stays valid
  step("gc add g1", a("ADD", gcNet, "g1"));
  step("gc add g2", a("ADD", gcNet, "g2"));
  step("gc add g3", a("ADD", gcNet, "g3"));
  step("gc", { command: "GC", conf: gcNet, valid: [{ containerID: "g1-id", ifname: "eth0" }] });
  step("gc ports", { run: ["ip", "-j", "link", "show", "master", "cni-gc"] });
  step("gc g2 eth0", { run: ["ip", "-n", "g2", "-j", "link", "show", "dev", "eth0"] });
  step("gc ping g1", { run: ["ip", "netns", "exec", "g1", "ping", "-n", "-c1", "-W2", "198.51.100.1"] });
  step("gc re-add g2", a("ADD", gcNet, "g2"));
  step("status", { command: "STATUS", conf: gcNet });
  // CHECK: fine, then tampered with
  step("chk add k1", a("ADD", chkNet, "k1"));
  step("check", { command: "CHECK", conf: chkNet, id: "k1-id", netns: "/run/netns/k1" });
  step("tamper", { run: ["ip", "-n", "k1", "addr", "flush", "dev", "eth0"] });
  step("check tampered", { command: "CHECK", conf: chkNet, id: "k1-id", netns: "/run/netns/k1" });
  // errors
  const hostBits = net("bad-net", "cni-bad", "192.0.2.193/26");
  const vlan = net("bad-net", "cni-bad", "192.0.2.192/26");
  vlan.plugins[0].vlan = 5;
  step("host bits", a("ADD", hostBits, "b1"));
  step("unsupported", a("ADD", vlan, "b1"));
  step("bad env", a("ADD", net("bad-net", "cni-bad", "192.0.2.192/26"), "b1", { id: "bad id!" }));
  step("version", { command: "VERSION", conf: { cniVersion: "1.0.0", name: "v", plugins: [{ type: "nsnet" }] } });

  let run: Promise<any[]> | undefined;
  const out = async (label: string) => (await (run ??= runtime(actions)))[at[label]!];
  const ok = async (label: string) => {
    const r = (await out(label)) as NetRun;
    expect(r.ok, `${label}: ${JSON.stringify(r.calls)}`).toBe(true);
    return r;
  };

  it("DEL is idempotent: twice, after the namespace is gone, for a container never added; the address is freed", async () => {
    for (const l of ["del add d1", "del d1", "del d1 again", "del add d2", "del d2", "del d2 again", "del never added"]) await ok(l);
    // d2 got .3 (round robin after .2); nothing is left on the bridge
    expect(ipsOf(await out("del add d2"))).toEqual(["192.0.2.3/26"]);
    expect(JSON.parse((await out("del ports")).stdout || "[]")).toEqual([]);
  }, 240_000);

  it("GC removes the attachments that are not in cni.dev/valid-attachments; STATUS says ready", async () => {
    await ok("gc");
    expect(JSON.parse((await out("gc ports")).stdout)).toHaveLength(1);
    expect(((await out("gc g2 eth0")) as Run).status).not.toBe(0);
    expect(((await out("gc ping g1")) as Run).status).toBe(0);
    // the freed addresses come back in round-robin order: after .68 comes .69
    expect(ipsOf(await ok("gc re-add g2"))).toEqual(["192.0.2.69/26"]);
    await ok("status");
  }, 240_000);

  it("CHECK passes on a fresh attachment and fails with the spec's error once the container is tampered with", async () => {
    await ok("check");
    const bad = ((await out("check tampered")) as NetRun).calls[0]!;
    expect(bad.status).not.toBe(0);
    expect(bad.json).toMatchObject({ code: 100, cniVersion: "1.0.0" });
    expect(bad.json!.details).toContain("192.0.2.130/26 is missing from eth0");
  }, 240_000);

  it("a bad netconf is error 7, an unsupported field error 2, a bad environment error 4; VERSION lists the versions", async () => {
    const first = async (l: string) => ((await out(l)) as NetRun).calls[0]!.json!;
    expect(await first("host bits")).toMatchObject({ code: 7, msg: "Invalid network configuration" });
    expect((await first("host bits")).details).toContain("host bits");
    expect(await first("unsupported")).toMatchObject({ code: 2 });
    expect((await first("unsupported")).details).toContain("vlan");
    expect(await first("bad env")).toMatchObject({ code: 4 });
    expect(await first("version")).toEqual({ cniVersion: "1.0.0", supportedVersions: ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"] });
  }, 240_000);
});

describe("nsnet cni: nsnet's own netconf form", () => {
  const conf = {
    cniVersion: "1.0.0",
    name: "pods",
    type: "nsnet",
    script: "pool pods 192.0.2.0/24 reserve 192.0.2.1\nbridge br-pods < addr 192.0.2.1/24 >",
    container: "veth as $ifname to br-pods; addr auto from pods; route default via 192.0.2.1",
  };
  it("applies the script once, a container body per ADD (also in a /proc/PID/ns/net namespace), DEL undoes it", async () => {
    const out = await runtime([
      { netns: "ctr1" },
      { bg: ["unshare", "--net", "sleep", "60"] },
      { sleep: 300 },
      add(conf, 1),
      { command: "ADD", conf, id: "by-pid", netns: "/proc/$bg0/ns/net" },
      { run: ["ip", "netns", "exec", "ctr1", "ping", "-n", "-c1", "-W2", "192.0.2.3"] },
      { run: ["ip", "-j", "link", "show", "master", "br-pods"] },
      { command: "CHECK", conf, id: "ctr1-id", netns: "/run/netns/ctr1" },
      del(conf, 1),
      del(conf, 1),
      { command: "DEL", conf, id: "by-pid", netns: "/proc/$bg0/ns/net" },
      { run: ["ip", "-j", "link", "show", "master", "br-pods"] },
      add(conf, 1),
      // a container body that does not compile: error 7 with the diagnostic
      { netns: "ctr2" },
      add({ ...conf, name: "pods2", container: "veth as $ifname to br-nope; addr auto from pods" }, 2),
    ]);
    const [a1, a2] = [out[3] as NetRun, out[4] as NetRun];
    expect(a1.ok, JSON.stringify(a1.calls)).toBe(true);
    expect(a2.ok, JSON.stringify(a2.calls)).toBe(true);
    expect(ipsOf(a1)).toEqual(["192.0.2.2/24"]);
    expect(ipsOf(a2)).toEqual(["192.0.2.3/24"]);
    expect(a2.result!.interfaces[1]).toMatchObject({ name: "eth0", sandbox: expect.stringMatching(/^\/proc\/\d+\/ns\/net$/) });
    expect(a1.result!.routes).toEqual([{ dst: "0.0.0.0/0", gw: "192.0.2.1" }]);
    expect((out[5] as Run).status, (out[5] as Run).stdout).toBe(0);
    expect(JSON.parse((out[6] as Run).stdout)).toHaveLength(2);
    expect((out[7] as NetRun).ok, JSON.stringify((out[7] as NetRun).calls)).toBe(true);
    for (const i of [8, 9, 10]) expect((out[i] as NetRun).ok, JSON.stringify((out[i] as NetRun).calls)).toBe(true);
    expect(JSON.parse((out[11] as Run).stdout || "[]")).toEqual([]);
    // nsnet's pools hand out the lowest free address: .2 again
    expect(ipsOf(out[12] as NetRun)).toEqual(["192.0.2.2/24"]);
    const bad = (out[14] as NetRun).calls[0]!;
    expect(bad.json).toMatchObject({ code: 7 });
    expect(bad.json!.details).toMatch(/br-nope/);
  }, 240_000);
});
