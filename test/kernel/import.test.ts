import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, inSandbox, repo, scriptFile, type Dump } from "./cli-sandbox.js";
import { runtime, seedConflist } from "./cni-harness.js";

/**
 * The importers rebuild the same network: the script `nsnet import` prints is applied in a
 * sandbox and compared, state for state, with what the original builds — the reference CNI
 * bridge plugin for a netconf, the equivalent `ip` commands LXC runs for a config.
 */
async function nsnetImport(kind: "lxc" | "cni", file: string): Promise<{ code: number; out: string; err: string }> {
  const r = await execa(process.execPath, [CLI, "import", kind, file], { reject: false, stripFinalNewline: false });
  return { code: r.exitCode ?? 1, out: String(r.stdout), err: String(r.stderr) };
}

async function checkAndFmt(script: string): Promise<void> {
  const f = scriptFile("imported.nsnet", script);
  const check = await execa(process.execPath, [CLI, "check", f], { reject: false });
  expect(check.exitCode, String(check.stderr)).toBe(0);
  const fmt = await execa(process.execPath, [CLI, "fmt", "--check", f], { reject: false });
  expect(fmt.exitCode, String(fmt.stderr)).toBe(0);
}

const unmarked = (d: Dump): Dump => ({
  ...d,
  places: Object.fromEntries(Object.entries(d.places).map(([p, s]) => [p, { ...s, links: s.links.map(({ alias: _a, ...l }) => l) }])),
});

describe("nsnet import cni", () => {
  it("turns the seed's conflist into a script that builds what the reference bridge plugin builds", async () => {
    const conf = seedConflist("bridge");
    const confFile = scriptFile("net.conflist", JSON.stringify(conf, null, 2));
    const imp = await nsnetImport("cni", confFile);
    expect(imp.code, imp.err).toBe(0);
    await checkAndFmt(imp.out);
    expect(imp.out).toContain("pool cni_bridge 192.0.2.0/24 reserve 192.0.2.1");
    // the imported network plus two containers, applied by `nsnet sandbox` itself
    const script = `${imp.out}host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >\ncni_bridge(ctr1)\ncni_bridge(ctr2)\n`;
    const probe = [{ run: ["ip", "netns", "exec", "ctr2", "ping", "-n", "-c1", "-W2", "198.51.100.1"] }, { dump: { netns: ["ctr1", "ctr2"] } }];
    const [ours, ref] = await Promise.all([
      runtime(probe, script),
      runtime([
        { netns: "ctr1" },
        { netns: "ctr2" },
        { command: "ADD", conf, id: "ctr1-id", netns: "/run/netns/ctr1" },
        { command: "ADD", conf, id: "ctr2-id", netns: "/run/netns/ctr2" },
        ...probe,
      ]),
    ]);
    expect(ref[2].ok && ref[3].ok, JSON.stringify([ref[2], ref[3]])).toBe(true);
    expect(ours[0].status, ours[0].stderr).toBe(0); // masqueraded out of eth0
    expect(ref[4].status, ref[4].stderr).toBe(0);
    expect(ours[1].containers).toEqual(ref[5].containers);
    expect(ours[1].bridge).toEqual(ref[5].bridge);
    expect(ours[1].ports).toEqual(ref[5].ports);
    expect(ours[1].ip_forward).toBe("1");
  }, 240_000);

  it("names what it cannot express, with its line", async () => {
    const conf = seedConflist("bridge");
    conf.plugins[0].hairpinMode = true;
    const f = scriptFile("hairpin.conflist", JSON.stringify(conf, null, 2));
    const imp = await nsnetImport("cni", f);
    expect(imp.code).toBe(1);
    expect(imp.err).toMatch(/hairpin\.conflist:\d+: error: hairpinMode: /);
  });
});

const LXC_OLD = `# an old-style LXC config (addresses in documentation ranges)
lxc.utsname = web1
lxc.rootfs = /var/lib/lxc/web1/rootfs
lxc.network.type = veth
lxc.network.flags = up
lxc.network.link = br0
lxc.network.name = eth0
lxc.network.veth.pair = web1-host
lxc.network.hwaddr = 02:00:5E:00:53:10
lxc.network.mtu = 1400
lxc.network.ipv4 = 192.0.2.10/24 192.0.2.255
lxc.network.ipv4 = 192.0.2.11/24
lxc.network.ipv4.gateway = 192.0.2.1
lxc.network.type = macvlan
lxc.network.flags = up
lxc.network.link = eth0
lxc.network.macvlan.mode = bridge
lxc.network.ipv4 = 198.51.100.10/24
lxc.network.type = empty
`;

const LXC_NEW = `lxc.uts.name = db1
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 192.0.2.20/24
lxc.net.0.ipv4.address = 192.0.2.21
lxc.net.0.ipv6.address = 2001:db8::21/64
lxc.net.0.ipv4.gateway = 192.0.2.1
lxc.net.1.type = vlan
lxc.net.1.link = eth0
lxc.net.1.vlan.id = 7
lxc.net.1.name = v7
lxc.net.1.mtu = 1400
lxc.net.2.type = phys
lxc.net.2.link = enp3s0
lxc.net.2.flags = up
lxc.net.2.name = eth9
`;

describe("nsnet import lxc", () => {
  it("reads the new lxc.net.N keys: veth, vlan, phys, several addresses, the gateway; a vlan without flags stays down", async () => {
    const imp = await nsnetImport("lxc", scriptFile("config", LXC_NEW));
    expect(imp.code, imp.err).toBe(0);
    await checkAndFmt(imp.out);
    // the first line names the (temporary) file it came from
    const golden = join(repo, "test/fixtures/import/lxc-new.nsnet.golden");
    const body = imp.out.slice(imp.out.indexOf("\n") + 1);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, body);
    expect(body).toBe(readFileSync(golden, "utf8"));
  });

  it("names the key and the line of what nsnet cannot express", async () => {
    const cases: [string, RegExp][] = [
      ["lxc.net.0.type = veth\nlxc.net.0.script.up = /bin/true\n", /:2: error: lxc\.net\.0\.script\.up: nsnet cannot express/],
      ["lxc.network.type = veth\nlxc.network.hwaddr = 00:16:3e:xx:xx:xx\n", /:2: error: lxc\.network\.hwaddr: .*at random/],
      ["lxc.net.0.type = none\n", /:1: error: lxc\.net\.0\.type: `none` shares/],
      ["lxc.network.ipv4 = 192.0.2.1/24\n", /:1: error: lxc\.network\.ipv4: comes before any lxc\.network\.type/],
      ["lxc.net.0.type = veth\nlxc.net.0.ipv4.gateway = auto\n", /:2: error: lxc\.net\.0\.ipv4\.gateway: `auto`/],
    ];
    for (const [text, re] of cases) {
      const imp = await nsnetImport("lxc", scriptFile("c1.conf", text));
      expect(imp.code, text).toBe(1);
      expect(imp.err).toMatch(re);
    }
  });

  it("rebuilds what LXC builds for an old-style config: veth to a bridge with mtu and hwaddr, a macvlan, addresses, the gateway", async () => {
    const imp = await nsnetImport("lxc", scriptFile("web1.conf", LXC_OLD));
    expect(imp.code, imp.err).toBe(0);
    await checkAndFmt(imp.out);
    const base = scriptFile("base.nsnet", "uplink eth0\nbridge br0\n");
    const detail = [
      { run: ["ip", "-n", "web1", "-j", "link", "show", "dev", "eth0"] },
      { run: ["ip", "-j", "link", "show", "dev", "web1-host"] },
      { run: ["ip", "-n", "web1", "-j", "-d", "link", "show", "dev", "eth1"] },
    ];
    const ours = await inSandbox(scriptFile("web1.nsnet", imp.out), [{ dump: "s" }, ...detail]);
    // by hand, what lxc-start does for this config
    const byHand = await inSandbox(base, [
      ...[
        ["ip", "netns", "add", "web1"],
        ["ip", "link", "add", "web1-host", "mtu", "1400", "type", "veth", "peer", "name", "eth0", "mtu", "1400", "netns", "web1"],
        ["ip", "link", "set", "web1-host", "master", "br0", "up"],
        ["ip", "-n", "web1", "link", "set", "eth0", "address", "02:00:5e:00:53:10"],
        ["ip", "-n", "web1", "addr", "add", "192.0.2.10/24", "dev", "eth0"],
        ["ip", "-n", "web1", "addr", "add", "192.0.2.11/24", "dev", "eth0"],
        ["ip", "-n", "web1", "link", "set", "eth0", "up"],
        ["ip", "-n", "web1", "link", "set", "lo", "up"],
        ["ip", "-n", "web1", "route", "add", "default", "via", "192.0.2.1"],
        ["ip", "link", "add", "link", "eth0", "name", "eth1", "netns", "web1", "type", "macvlan", "mode", "bridge"],
        ["ip", "-n", "web1", "addr", "add", "198.51.100.10/24", "dev", "eth1"],
        ["ip", "-n", "web1", "link", "set", "eth1", "up"],
      ].map((run) => ({ run })),
      { dump: "s" },
      ...detail,
    ]);
    expect(
      byHand.runs.slice(0, 12).every((x) => x.status === 0),
      JSON.stringify(byHand.runs),
    ).toBe(true);
    expect(ours.exitCode, ours.stderr).toBe(0);
    expect(unmarked(ours.dumps.s!)).toEqual(unmarked(byHand.dumps.s!));
    const pick = (runs: { stdout: string }[], i: number) => {
      const l = JSON.parse(runs[i]!.stdout)[0];
      return { mtu: l.mtu, address: l.address, kind: l.linkinfo?.info_kind, mode: l.linkinfo?.info_data?.mode };
    };
    const tail = (r: typeof ours) => r.runs.slice(r.runs.length - 3);
    for (const i of [0, 1, 2]) {
      const [a, b] = [pick(tail(ours), i), pick(tail(byHand), i)];
      if (i === 1) {
        delete (a as { address?: string }).address; // the host end's MAC is random on both sides
        delete (b as { address?: string }).address;
      }
      if (i === 2) {
        delete (a as { address?: string }).address;
        delete (b as { address?: string }).address;
      }
      expect(a).toEqual(b);
    }
    expect(pick(tail(ours), 0)).toMatchObject({ mtu: 1400, address: "02:00:5e:00:53:10" });
  }, 240_000);
});
