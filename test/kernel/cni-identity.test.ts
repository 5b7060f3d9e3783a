import { describe, it, expect } from "vitest";
import { cniProject } from "../../src/cni/state.js";
import { ipsOf, runtime, seedConflist, type Json, type NetRun, type Run } from "./cni-harness.js";

/**
 * The container's network namespace is known by identity, never by its path alone (issue
 * 19 item 1). The sandbox has its own pid namespace and /proc, so a pid is reused for real
 * (ns_last_pid) and /proc/1 is the sandbox's; its host has an uplink `eth0` (a veth to the
 * `lan` namespace) — the interface a DEL of CNI_IFNAME=eth0 in the wrong namespace deletes.
 */
const bridgeNet = (): Json => {
  const c = seedConflist("nsnet");
  c.name = "id-net";
  c.plugins[0].bridge = "cni-id";
  c.plugins[0].ipam.subnet = "192.0.2.0/26";
  return c;
};
const nsnetNet: Json = {
  cniVersion: "1.0.0",
  name: "id-pods",
  type: "nsnet",
  script: "pool pods 192.0.2.64/26 reserve 192.0.2.65\nbridge br-id < addr 192.0.2.65/26 >",
  container: "veth as $ifname to br-id; addr auto from pods; route default via 192.0.2.65",
};
const uplinkAlive = { run: ["ip", "-j", "link", "show", "dev", "eth0"] };

describe("nsnet cni: DEL and CHECK act inside CNI_NETNS only while it is the namespace of the ADD", () => {
  const actions: Json[] = [];
  const at: Record<string, number> = {};
  const step = (label: string, action: Json) => {
    at[label] = actions.length;
    actions.push(action);
  };
  const cmd = (command: string, conf: Json, id: string, netns: string, extra: Json = {}) => ({ command, conf, id, netns, ...extra });

  // PID reuse, bridge form: the container (bg0) dies, a host process (bg1) gets its pid
  step("bg0", { bg: ["unshare", "--net", "sleep", "600"] });
  step("sleep0", { sleep: 400 });
  step("pid add bridge", cmd("ADD", bridgeNet(), "pid-b", "/proc/$bg0/ns/net"));
  step("kill bg0", { kill: 0 });
  step("reuse bg0", { reusePid: 0 });
  step("pid check bridge", cmd("CHECK", bridgeNet(), "pid-b", "/proc/$bg0/ns/net"));
  step("pid del bridge", cmd("DEL", bridgeNet(), "pid-b", "/proc/$bg0/ns/net"));
  step("eth0 after bridge", uplinkAlive);
  // PID reuse, nsnet's own form: bg2 dies, bg3 gets its pid
  step("bg2", { bg: ["unshare", "--net", "sleep", "600"] });
  step("sleep2", { sleep: 400 });
  step("pid add nsnet", cmd("ADD", nsnetNet, "pid-n", "/proc/$bg2/ns/net"));
  step("kill bg2", { kill: 2 });
  step("reuse bg2", { reusePid: 2 });
  step("pid del nsnet", cmd("DEL", nsnetNet, "pid-n", "/proc/$bg2/ns/net"));
  step("eth0 after nsnet", uplinkAlive);
  // a /run/netns path re-pointed at the host (a bind mount over the same name)
  step("netns m1", { netns: "m1" });
  step("mnt add", cmd("ADD", nsnetNet, "mnt", "/run/netns/m1"));
  step("rm m1", { rmNetns: "m1" });
  step("touch m1", { run: ["touch", "/run/netns/m1"] });
  step("bind m1", { run: ["mount", "--bind", "/proc/self/ns/net", "/run/netns/m1"] });
  step("mnt check", cmd("CHECK", nsnetNet, "mnt", "/run/netns/m1"));
  step("mnt del", cmd("DEL", nsnetNet, "mnt", "/run/netns/m1"));
  step("eth0 after mnt", uplinkAlive);
  // the recorded namespace, but its eth0 is no longer the interface the ADD made
  step("netns r1", { netns: "r1" });
  step("swap add", cmd("ADD", bridgeNet(), "swap", "/run/netns/r1"));
  step("swap host veth", { run: ["ip", "-j", "link", "show", "master", "cni-id"] });
  step("swap rm veth", { run: ["ip", "-n", "r1", "link", "del", "eth0"] });
  step("swap new eth0", { run: ["ip", "-n", "r1", "link", "add", "eth0", "type", "veth", "peer", "name", "other0"] });
  step("swap del", cmd("DEL", bridgeNet(), "swap", "/run/netns/r1"));
  step("swap eth0 left", { run: ["ip", "-n", "r1", "-j", "link", "show", "dev", "eth0"] });
  // nsnet's own namespace and PID 1's, however they are spelt, are refused at ADD
  step("netns h1", { run: ["touch", "/run/netns/h1"] });
  step("bind h1", { run: ["mount", "--bind", "/proc/self/ns/net", "/run/netns/h1"] });
  step("link pid1", { run: ["ln", "-s", "/proc/1/ns/net", "/run/pid1-net"] });
  for (const p of ["/proc/self/ns/net", "/proc//1/ns/net", "/proc/1/ns/net", "/run/netns/h1", "/run/pid1-net", "/proc/$bg1/ns/net"]) {
    step(`refuse ${p}`, cmd("ADD", bridgeNet(), "refused", p, { ifname: "eth9" }));
    step(`refuse nsnet ${p}`, cmd("ADD", nsnetNet, "refused", p, { ifname: "eth9" }));
  }
  step("no eth9", { run: ["ip", "-j", "link", "show", "dev", "eth9"] });
  step("not a namespace", cmd("ADD", bridgeNet(), "file", "/etc/hostname", { ifname: "eth9" }));
  step("alloc", { run: ["cat", `/var/lib/nsnet/${cniProject("id-net")}/allocations.json`] });
  step("attachments", { run: ["cat", `/run/nsnet/${cniProject("id-net")}/attachments.json`] });

  let run: Promise<any[]> | undefined;
  const out = async (label: string) => (await (run ??= runtime(actions)))[at[label]!];
  const ok = async (label: string) => {
    const r = (await out(label)) as NetRun;
    expect(r.ok, `${label}: ${JSON.stringify(r.calls)}`).toBe(true);
    return r;
  };

  it("a reused pid: DEL leaves the host's eth0 alone, frees the address, says what it left (bridge form)", async () => {
    await ok("pid add bridge");
    expect(await out("reuse bg0"), "the sandbox could not reuse the pid").toMatchObject({ reused: true });
    const check = ((await out("pid check bridge")) as NetRun).calls[0]!;
    expect(check.json).toMatchObject({ code: 100 });
    expect(check.json!.details).toContain("no longer the network namespace the attachment was made in");
    const del = await ok("pid del bridge");
    expect(del.calls[0]!.stderr).toMatch(/left alone/);
    expect(((await out("eth0 after bridge")) as Run).status).toBe(0);
  }, 300_000);

  it("a reused pid: the same in nsnet's own form", async () => {
    await ok("pid add nsnet");
    expect(await out("reuse bg2")).toMatchObject({ reused: true });
    const del = await ok("pid del nsnet");
    expect(del.calls[0]!.stderr).toMatch(/left alone/);
    expect(((await out("eth0 after nsnet")) as Run).status).toBe(0);
  }, 300_000);

  it("a /run/netns name bind-mounted to the host since: CHECK reports it, DEL leaves eth0 alone", async () => {
    await ok("mnt add");
    const check = ((await out("mnt check")) as NetRun).calls[0]!;
    expect(check.json).toMatchObject({ code: 100 });
    expect(check.json!.details).toContain("no longer the network namespace the attachment was made in");
    await ok("mnt del");
    expect(((await out("eth0 after mnt")) as Run).status).toBe(0);
  }, 300_000);

  it("in the recorded namespace, an eth0 that is not the recorded interface is left alone", async () => {
    await ok("swap add");
    expect(((await out("swap new eth0")) as Run).status).toBe(0);
    const del = await ok("swap del");
    expect(del.calls[0]!.stderr).toMatch(/left alone/);
    expect(((await out("swap eth0 left")) as Run).status).toBe(0);
  }, 300_000);

  it("nsnet's own namespace and PID 1's are refused by identity, however the path is spelt (error 4)", async () => {
    for (const p of ["/proc/self/ns/net", "/proc//1/ns/net", "/proc/1/ns/net", "/run/netns/h1", "/run/pid1-net", "/proc/$bg1/ns/net"]) {
      for (const l of [`refuse ${p}`, `refuse nsnet ${p}`]) {
        const c = ((await out(l)) as NetRun).calls[0]!;
        expect(c.json, `${l}: ${c.stderr}`).toMatchObject({ code: 4 });
        expect(c.json!.details).toMatch(/nsnet's own network namespace|PID 1's network namespace/);
      }
    }
    expect(((await out("no eth9")) as Run).status).not.toBe(0);
    const file = ((await out("not a namespace")) as NetRun).calls[0]!;
    expect(file.json).toMatchObject({ code: 4 });
    expect(file.json!.details).toContain("is not a network namespace");
    // every DEL released its address, and nothing refused holds one
    const owners = Object.values(JSON.parse(((await out("alloc")) as Run).stdout).pools as Record<string, { owners: Json }>).flatMap((p) =>
      Object.keys(p.owners),
    );
    expect(owners).toEqual([]);
    expect(JSON.parse(((await out("attachments")) as Run).stdout).attachments).toEqual({});
    expect(ipsOf((await out("pid add bridge")) as NetRun)).toEqual(["192.0.2.2/26"]);
  }, 300_000);
});

/**
 * ADD fails before it commits, and reads nothing it should not (issue 19 items 5, 7, 8): a
 * bad prevResult is refused before anything is created, a failure after the kernel work
 * leaves nothing of the container behind, isGateway needs no `sysctl` on PATH (the plugin
 * runs with only the CNI variables, as under `env -i`), and a subnet overlapping one the
 * host is connected to is refused.
 */
describe("nsnet cni: ADD refuses before kernel work, rolls back after it, runs under env -i", () => {
  const net = (name: string, bridge: string, subnet: string): Json => {
    const c = seedConflist("nsnet");
    c.name = name;
    c.plugins[0].bridge = bridge;
    c.plugins[0].ipam.subnet = subnet;
    return c;
  };
  const actions: Json[] = [];
  const at: Record<string, number> = {};
  const step = (label: string, action: Json) => {
    at[label] = actions.length;
    actions.push(action);
  };
  const add = (conf: Json, ns: string, extra: Json = {}) => ({ command: "ADD", conf, id: `${ns}-id`, netns: `/run/netns/${ns}`, ...extra });
  const files = (name: string) => [
    { run: ["cat", `/var/lib/nsnet/${cniProject(name)}/allocations.json`] },
    { run: ["cat", `/run/nsnet/${cniProject(name)}/attachments.json`] },
  ];
  for (const ns of ["e1", "e2", "p1", "p2", "r1", "o1"]) step(`netns ${ns}`, { netns: ns });
  // item 7 first: ip_forward is still 0 in this fresh sandbox
  step("forward before", { run: ["cat", "/proc/sys/net/ipv4/ip_forward"] });
  step("env -i bridge", add(net("envi-net", "cni-envi", "192.0.2.0/27"), "e1", { bare: true }));
  step("forward after", { run: ["cat", "/proc/sys/net/ipv4/ip_forward"] });
  step("env -i ping", { run: ["ip", "netns", "exec", "e1", "ping", "-n", "-c1", "-W2", "198.51.100.1"] });
  const withSysctl = {
    cniVersion: "1.0.0",
    name: "envi-pods",
    type: "nsnet",
    script: "pool pods 192.0.2.32/27 reserve 192.0.2.33\nbridge br-envi < addr 192.0.2.33/27 >",
    container: "veth as $ifname to br-envi; addr auto from pods; route default via 192.0.2.33; sysctl net.ipv4.ip_forward = 1",
  };
  step("env -i nsnet", add(withSysctl, "e2", { bare: true }));
  step("env -i nsnet sysctl", { run: ["ip", "netns", "exec", "e2", "cat", "/proc/sys/net/ipv4/ip_forward"] });
  // item 5: a prevResult that cannot be merged is refused before anything exists
  const bad = net("prev-net", "cni-prev", "192.0.2.64/27");
  bad.plugins[0].prevResult = { cniVersion: "1.0.0", routes: 7 };
  step("bad prevResult", add(bad, "p1"));
  const badNsnet = {
    ...withSysctl,
    name: "prev-pods",
    script: "bridge br-prev",
    container: "veth as $ifname to br-prev",
    prevResult: { ips: [{ address: "nope" }] },
  };
  step("bad prevResult nsnet", add(badNsnet, "p2"));
  step("prev links", { run: ["ip", "-j", "link", "show"] });
  step("prev p1", { run: ["ip", "-n", "p1", "-j", "link", "show", "dev", "eth0"] });
  step("prev p2", { run: ["ip", "-n", "p2", "-j", "link", "show", "dev", "eth0"] });
  step("prev files", { run: ["ls", "-A", "/run/nsnet", "/var/lib/nsnet"] });
  // item 5: a failure after the kernel work (a route via a gateway the container cannot reach)
  const late = net("late-net", "cni-late", "192.0.2.96/27");
  late.plugins[0].ipam.routes = [{ dst: "203.0.113.0/24", gw: "198.51.100.77" }];
  step("late failure", add(late, "r1"));
  step("late ports", { run: ["ip", "-j", "link", "show", "master", "cni-late"] });
  step("late r1", { run: ["ip", "-n", "r1", "-j", "link", "show", "dev", "eth0"] });
  const [allocs, attachments] = files("late-net");
  step("late allocs", allocs!);
  step("late attachments", attachments!);
  // item 8: the uplink's own subnet
  step("overlap", add(net("over-net", "cni-over", "198.51.100.0/25"), "o1"));
  step("overlap bridge", { run: ["ip", "-j", "link", "show", "dev", "cni-over"] });
  step("overlap uplink", { run: ["ip", "-j", "addr", "show", "dev", "eth0"] });

  let run: Promise<any[]> | undefined;
  const out = async (label: string) => (await (run ??= runtime(actions)))[at[label]!];
  const first = async (label: string) => ((await out(label)) as NetRun).calls[0]!;

  it("isGateway and a container sysctl need no sysctl on PATH (only the CNI variables set)", async () => {
    expect(((await out("forward before")) as Run).stdout.trim()).toBe("0");
    const r = (await out("env -i bridge")) as NetRun;
    expect(r.ok, JSON.stringify(r.calls)).toBe(true);
    expect(((await out("forward after")) as Run).stdout.trim()).toBe("1");
    expect(((await out("env -i ping")) as Run).status).toBe(0);
    const n = (await out("env -i nsnet")) as NetRun;
    expect(n.ok, JSON.stringify(n.calls)).toBe(true);
    expect(((await out("env -i nsnet sysctl")) as Run).stdout.trim()).toBe("1");
  }, 300_000);

  it('a bad prevResult ("routes": 7) is error 7 before any kernel work: nothing is created', async () => {
    const c = await first("bad prevResult");
    expect(c.json).toMatchObject({ code: 7 });
    expect(c.json!.details).toContain("prevResult.routes");
    const n = await first("bad prevResult nsnet");
    expect(n.json).toMatchObject({ code: 7 });
    expect(n.json!.details).toContain("prevResult.ips[0].address");
    const names = (JSON.parse(((await out("prev links")) as Run).stdout) as Json[]).map((l) => l.ifname);
    expect(names).not.toContain("cni-prev");
    expect(names).not.toContain("br-prev");
    expect(((await out("prev p1")) as Run).status).not.toBe(0);
    expect(((await out("prev p2")) as Run).status).not.toBe(0);
    const listed = ((await out("prev files")) as Run).stdout;
    for (const name of ["prev-net", "prev-pods"]) expect(listed).not.toContain(cniProject(name));
  }, 300_000);

  it("a failure after the kernel work is rolled back: no veth, no address held, no record", async () => {
    const c = await first("late failure");
    expect(c.status).not.toBe(0);
    expect(c.json).toMatchObject({ code: 999 });
    expect(JSON.parse(((await out("late ports")) as Run).stdout || "[]")).toEqual([]);
    expect(((await out("late r1")) as Run).status).not.toBe(0);
    const pools = JSON.parse(((await out("late allocs")) as Run).stdout || '{"pools":{}}').pools as Record<string, { owners: Json }>;
    expect(Object.values(pools).flatMap((p) => Object.keys(p.owners))).toEqual([]);
    expect(JSON.parse(((await out("late attachments")) as Run).stdout).attachments).toEqual({});
  }, 300_000);

  it("a subnet overlapping the uplink's is error 7 naming both, and no bridge is made", async () => {
    const c = await first("overlap");
    expect(c.json).toMatchObject({ code: 7 });
    expect(c.json!.details).toContain("198.51.100.0/25");
    expect(c.json!.details).toContain("198.51.100.2/24 on eth0");
    expect(((await out("overlap bridge")) as Run).status).not.toBe(0);
    expect(((await out("overlap uplink")) as Run).stdout).toContain("198.51.100.2");
  }, 300_000);
});
