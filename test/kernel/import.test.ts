import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CLI, inSandbox, nsnet, repo, scriptFile, type Dump } from "./cli-sandbox.js";
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
  it("turns the seed's conflist into a script that builds what the reference bridge plugin builds, hairpinMode and rangeStart included", async () => {
    const conf = seedConflist("bridge");
    // the plugin sets hairpin on the port and hands out rangeStart first: so does the import
    conf.plugins[0].hairpinMode = true;
    conf.plugins[0].ipam.rangeStart = "192.0.2.100";
    conf.plugins[0].ipam.rangeEnd = "192.0.2.199";
    const confFile = scriptFile("net.conflist", JSON.stringify(conf, null, 2));
    const imp = await nsnetImport("cni", confFile);
    expect(imp.code, imp.err).toBe(0);
    await checkAndFmt(imp.out);
    expect(imp.out).toContain("pool cni_bridge 192.0.2.0/24 reserve 192.0.2.1-192.0.2.99 192.0.2.200-192.0.2.254\n");
    expect(imp.out).toContain("veth as eth0 to cni0 hairpin;");
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
    expect(ours[1].ports.map((p: { hairpin: boolean }) => p.hairpin)).toEqual([true, true]);
    expect(JSON.stringify(ours[1].containers)).toContain("192.0.2.100/24");
    expect(ours[1].ip_forward).toBe("1");
  }, 240_000);

  it("refuses a bridge name outside the allowlist at its key and line: exit 2, nothing on stdout, no stack trace", async () => {
    const conf = seedConflist("bridge");
    conf.plugins[0].bridge = "b;exec";
    const f = scriptFile("bad.conflist", JSON.stringify(conf, null, 2));
    const imp = await nsnetImport("cni", f);
    expect(imp.code).toBe(2);
    expect(imp.out).toBe("");
    expect(imp.err).toMatch(/bad\.conflist:\d+:\d+: error\[NS240\]: bridge: `b;exec` is not a valid bridge name: it contains ';'/);
    expect(imp.err).not.toMatch(/\n\s+at /);
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

  it("names the key and the line of what it refuses, every character escaped: exit 2, nothing on stdout (issue 19 items 3, 4)", async () => {
    const cases: [string, RegExp][] = [
      ["lxc.net.0.type = veth\nlxc.net.0.script.up = /bin/true\n", /:2:1: error\[NS241\]: lxc\.net\.0\.script\.up: nsnet cannot express/],
      ["lxc.network.type = veth\nlxc.network.hwaddr = 00:16:3e:xx:xx:xx\n", /:2:\d+: error\[NS241\]: lxc\.network\.hwaddr: .*at random/],
      ["lxc.net.0.type = none\n", /:1:\d+: error\[NS241\]: lxc\.net\.0\.type: `none` shares/],
      ["lxc.network.ipv4 = 192.0.2.1/24\n", /:1:1: error\[NS242\]: lxc\.network\.ipv4: comes before any lxc\.network\.type/],
      ["lxc.net.0.type = veth\nlxc.net.0.ipv4.gateway = auto\n", /:2:\d+: error\[NS241\]: lxc\.net\.0\.ipv4\.gateway: `auto`/],
      [
        "lxc.uts.name = as\nlxc.net.0.type = veth\nlxc.net.0.name = touch\nlxc.net.0.veth.pair = x;exec\n",
        /:4:23: error\[NS240\]: lxc\.net\.0\.veth\.pair: `x;exec`/,
      ],
      ["lxc.net.0.type = veth\nlxc.net.0.name = e#x\nlxc.net.0.link = br0\n", /:2:18: error\[NS240\]: lxc\.net\.0\.name: `e#x`/],
      ['lxc.net.0.type = veth\nlxc.net.0.name = a"b\\c>d\n', /:2:18: error\[NS240\]: lxc\.net\.0\.name: `a"b\\c>d` .* '"'/],
      ["lxc.net.0.type = veth\nlxc.net.0.name = \u001b]0;pwned\u0007eth0\r\n", /:2:18: error\[NS240\]: lxc\.net\.0\.name: `\\x1b\]0;pwned\\x07eth0`/],
    ];
    for (const [text, re] of cases) {
      const imp = await nsnetImport("lxc", scriptFile("c1.conf", text));
      expect(imp.code, text).toBe(2);
      expect(imp.out, text).toBe("");
      expect(imp.err).toMatch(re);
      expect(imp.err, text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
      expect(imp.err, text).not.toMatch(/\n\s+at |internal error/);
    }
  });

  it("a file path with a newline puts nothing but an escaped comment into the script", async () => {
    const dir = scriptFile("x", "").replace(/\/x$/, "");
    const f = join(dir, "web\nns pwn < run in pwn touch PWNED >.conf");
    writeFileSync(f, "lxc.uts.name = web\nlxc.net.0.type = veth\nlxc.net.0.flags = up\n");
    const imp = await nsnetImport("lxc", f);
    expect(imp.code, imp.err).toBe(0);
    expect(imp.out.split("\n")[0]).toContain("web\\x0ans pwn < run in pwn touch PWNED >.conf");
    expect(imp.out.split("\n").slice(1).join("\n")).toBe("ns web < veth as eth0 >\n");
  });

  it("attaches to a bridge someone else made (lxc-net's lxcbr0): up enslaves the veth, down leaves the bridge (issue 20 item 5)", async () => {
    const config =
      "lxc.uts.name = web\nlxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\nlxc.net.0.name = eth0\nlxc.net.0.veth.pair = vethweb\nlxc.net.0.ipv4.address = 192.0.2.50/24\nlxc.net.0.ipv4.gateway = 192.0.2.1\n";
    const imp = await nsnetImport("lxc", scriptFile("config", config));
    expect(imp.code, imp.err).toBe(0);
    await checkAndFmt(imp.out);
    expect(imp.out).toContain("bridge lxcbr0 existing\n");
    const web = scriptFile("web.nsnet", imp.out);
    const base = scriptFile("base.nsnet", "# nothing: the bridge is made by hand below, as lxc-net makes it\n");
    const link = (dev: string) => ({ run: ["ip", "-d", "-j", "link", "show", "dev", dev] });
    const r = await inSandbox(base, [
      { run: ["ip", "link", "add", "lxcbr0", "type", "bridge"] },
      { run: ["ip", "addr", "add", "192.0.2.1/24", "dev", "lxcbr0"] },
      { run: ["ip", "link", "set", "lxcbr0", "up"] },
      link("lxcbr0"),
      nsnet("up", web, "--project", "web"),
      { dump: "up" },
      { run: ["ip", "netns", "exec", "web", "ping", "-n", "-c1", "-W2", "192.0.2.1"] },
      nsnet("down", web, "--project", "web"),
      { dump: "down" },
      link("lxcbr0"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(
      r.runs.slice(0, 3).every((x) => x.status === 0),
      JSON.stringify(r.runs),
    ).toBe(true);
    const up = r.runs[4]!;
    expect(up.status, up.stderr).toBe(0);
    const host = r.dumps.up!.places.host!;
    expect(host.links.find((l) => l.name === "vethweb")).toMatchObject({ kind: "veth", master: "lxcbr0", up: true });
    expect(host.links.find((l) => l.name === "lxcbr0")?.alias ?? "").toBe(""); // never marked as nsnet's
    expect(r.runs[5]!.status, r.runs[5]!.stderr).toBe(0); // the container reaches LXC's gateway
    expect(r.runs[6]!.status, r.runs[6]!.stderr).toBe(0);
    const after = r.dumps.down!.places.host!;
    expect(after.links.map((l) => l.name)).toContain("lxcbr0");
    expect(after.links.map((l) => l.name)).not.toContain("vethweb");
    expect(after.addrs.filter((a) => a.startsWith("lxcbr0 "))).toEqual(["lxcbr0 192.0.2.1/24"]); // LXC's own address stays
    const [before, still] = [JSON.parse(r.runs[3]!.stdout)[0], JSON.parse(r.runs.at(-1)!.stdout)[0]];
    expect(still.ifindex).toBe(before.ifindex); // the very same bridge, never deleted and made again
    expect(still.flags).toContain("UP");
    expect(r.dumps.down!.namespaces).not.toContain("web");
  }, 240_000);

  it("an imported config runs in `nsnet sandbox` as on its host: the sandbox makes the existing bridge first", async () => {
    const config = "lxc.uts.name = web\nlxc.net.0.type = veth\nlxc.net.0.link = lxcbr0\nlxc.net.0.flags = up\nlxc.net.0.ipv4.address = 192.0.2.50/24\n";
    const imp = await nsnetImport("lxc", scriptFile("config", config));
    expect(imp.code, imp.err).toBe(0);
    const r = await inSandbox(scriptFile("web.nsnet", imp.out), [{ dump: "s" }]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.dumps.s!.places.host!.links.find((l) => l.name === "web_veth0")).toMatchObject({ master: "lxcbr0" });
  }, 240_000);

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
