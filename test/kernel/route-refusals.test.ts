import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

/**
 * Issue 20, items 7–10: what the checker now refuses is what the kernel refuses. In a
 * sandbox, the `ip` command each error stands for fails with the message it quotes (and the
 * variant it suggests instead is taken); then `nsnet up` of such a script stops at check
 * (exit 1, the code at the line) with the kernel untouched, where it used to fail at apply
 * and roll back (exit 3). Item 9 is held to traffic: a device route over a veth whose far
 * end has no proxy ARP goes nowhere, and works once it has.
 */

const ip = (...args: string[]): Step => ({ run: ["ip", ...args] });

const KERNEL: [string, Step][] = [
  ["setup", ip("link", "add", "v0", "type", "veth", "peer", "name", "v1")],
  ["setup", ip("addr", "add", "192.0.2.2/24", "dev", "v0")],
  ["setup", ip("link", "set", "v0", "up")],
  ["setup", ip("link", "set", "v1", "up")],
  ["setup", ip("link", "add", "v2", "type", "veth", "peer", "name", "v3")],
  ["setup", ip("addr", "add", "203.0.113.2/24", "dev", "v2")],
  ["ok", ip("route", "add", "default", "via", "192.0.2.1")],
  ["NS330 File exists", ip("route", "add", "default", "dev", "v0")],
  ["NS331 File exists", ip("route", "add", "192.0.2.0/24", "dev", "v0")],
  ["NS332 Device for nexthop is not up", ip("route", "add", "10.4.0.0/16", "dev", "v2")],
  ["NS332 Nexthop has invalid gateway", ip("route", "add", "10.5.0.0/16", "via", "203.0.113.1")],
  ["NS333 Nexthop device required for onlink", ip("route", "add", "10.3.0.0/16", "via", "198.51.100.1", "onlink")],
  ["ok", ip("route", "add", "10.3.0.0/16", "via", "198.51.100.1", "dev", "v0", "onlink")],
  ["NS338 Nexthop has invalid gateway", ip("route", "add", "10.2.0.0/16", "via", "192.0.2.2", "dev", "v0", "onlink")],
  ["ok", ip("route", "add", "10.1.0.0/16", "via", "192.0.2.2")],
];

const ports = (n: number) => Array.from({ length: n }, (_, i) => `link add p${i} type veth peer name q${i}\nlink set p${i} master br0\n`).join("");

describe("the kernel refuses what the checker now refuses (sandbox)", () => {
  it("each route error quotes the kernel's own refusal; the suggested forms are taken", async () => {
    const r = await inSandbox(
      scriptFile("empty.nsnet", "# nothing\n"),
      KERNEL.map(([, s]) => s),
    );
    expect(r.exitCode, r.stderr).toBe(0);
    KERNEL.forEach(([want, step], i) => {
      const run = r.runs[i]!;
      const what = (step as { run: string[] }).run.join(" ");
      if (want === "ok" || want === "setup") expect(run.status, `${what}: ${run.stderr}`).toBe(0);
      else {
        expect(run.status, what).not.toBe(0);
        expect(run.stderr, what).toContain(want.slice(6));
      }
    });
  }, 120_000);

  it("a bridge takes 1023 ports and refuses the 1024th (`Exchange full`)", async () => {
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      ip("link", "add", "br0", "type", "bridge"),
      { write: "/run/ports.batch", text: ports(1024) },
      ip("-batch", "/run/ports.batch"),
      ip("-j", "link", "show", "master", "br0"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [, batch, list] = r.runs;
    expect(batch!.status).not.toBe(0);
    expect(batch!.stderr).toContain("Exchange full");
    expect(JSON.parse(list!.stdout)).toHaveLength(1023);
  }, 180_000);
});

describe("`nsnet up` stops at check instead of rolling back (sandbox)", () => {
  const scripts = {
    // what `nsnet import lxc` writes for a gateway on net.0 and `gateway = dev` on net.2
    twoDefaults:
      "host < sysctl net.ipv4.ip_forward = 1 >\nbridge br0 < addr 192.0.2.1/24 >\nns c1 < veth to br0; addr 192.0.2.2/24; route default via 192.0.2.1; veth as eth2; route default dev eth2 >\n",
    down: "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 dev eth0; down eth0 >\n",
    // what NS316's hint used to suggest
    bareOnlink: "ns a < veth; addr 192.0.2.2/24; route default via 198.51.100.1 onlink >\n",
    ports: "bridge br0\nfor i in 1..1100 < ns h$i < veth to br0 > >\n",
  };
  it("exit 1 with the code at the line; nothing created", async () => {
    const files = Object.fromEntries(Object.entries(scripts).map(([k, t]) => [k, scriptFile(`${k}.nsnet`, t)]));
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      { dump: "before" },
      nsnet("up", files.twoDefaults!),
      nsnet("up", files.down!),
      nsnet("up", files.bareOnlink!),
      nsnet("up", files.ports!),
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [two, down, onlink, many] = r.runs;
    for (const run of r.runs) expect(run.status, run.stderr).toBe(1);
    expect(two!.stderr).toMatch(/twoDefaults\.nsnet:3:\d+: error\[NS330\]: namespace `c1` has two routes to default/);
    expect(two!.stderr).toContain("the IPv4 default route is first declared here");
    expect(down!.stderr).toMatch(/down\.nsnet:1:\d+: error\[NS332\]/);
    expect(onlink!.stderr).toMatch(/bareOnlink\.nsnet:1:\d+: error\[NS333\]/);
    expect(many!.stderr).toMatch(/ports\.nsnet:2:\d+: error\[NS335\]: bridge `br0` would get its 1024th port `h1024_veth0`/);
    expect(r.dumps.after).toEqual(r.dumps.before);
  }, 180_000);
});

describe("20.9: a default route without gateway over a veth (sandbox)", () => {
  const lab = (
    gw: string,
  ) => `ns gw < veth as c1 peer c1:eth0; addr 192.0.2.1/24; veth as up0 peer far:eth0; addr 198.51.100.1/24; sysctl net.ipv4.ip_forward = 1${gw} >
ns far < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
ns c1 < addr 192.0.2.2/24 on eth0; route default dev eth0 >
`;
  const ping = (): Step => ({ run: ["ip", "netns", "exec", "c1", "ping", "-n", "-c1", "-W3", "198.51.100.2"] });

  it("goes nowhere when the far end has no proxy ARP, as the warning says, and works with it", async () => {
    const file = scriptFile("devroute.nsnet", lab(""));
    const r = await inSandbox(file, [
      nsnet("check", file),
      ping(),
      { run: ["ip", "netns", "exec", "gw", "sysctl", "-qw", "net.ipv4.conf.all.proxy_arp=1"] },
      // the failed resolution stays cached (FAILED) and would answer the next ping at once
      { run: ["ip", "-n", "c1", "neigh", "flush", "dev", "eth0"] },
      ping(),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [check, without, , , withProxy] = r.runs;
    expect(check!.status).toBe(0);
    expect(check!.stderr).toMatch(/warning\[NS334\]: `route default dev eth0` has no gateway/);
    expect(without!.status, without!.stdout).not.toBe(0);
    expect(withProxy!.status, withProxy!.stdout + withProxy!.stderr).toBe(0);
  }, 120_000);

  it("checks clean and works with vagga's gateway setting", async () => {
    const file = scriptFile("devroute-proxy.nsnet", lab("; sysctl net.ipv4.conf.all.proxy_arp = 1"));
    const r = await inSandbox(file, [nsnet("check", file), ping()]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[0]!.stdout + r.runs[0]!.stderr).not.toMatch(/warning\[/);
    expect(r.runs[1]!.status, r.runs[1]!.stdout).toBe(0);
  }, 120_000);
});
