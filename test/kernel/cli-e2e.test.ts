import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile, type Dump } from "./cli-sandbox.js";

// The card example and the routed-veth recipe, translated into documentation ranges
// because they carry packets (198.51.100.0/24: host .2, gateway .1, containers .3…).
const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;
const CARD =
  BASE +
  `ns lxc1 < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >
`;
const CARD2 =
  CARD +
  `ns lxc2 < veth pair; addr 198.51.100.7/24; proxyarp on eth0 >
`;

/** The kernel state without nsnet's ownership marks (a hand-typed recipe has none). */
function unmarked(d: Dump): Dump {
  const places = Object.fromEntries(Object.entries(d.places).map(([p, s]) => [p, { ...s, links: s.links.map(({ alias: _a, ...l }) => l) }]));
  return { ...d, places };
}

const ipJsonOut = (stdout: string) => JSON.parse(stdout) as { status: string; ops: number; applied: string[] };

describe("nsnet up/down in the sandbox (card example, docs/architecture.md §9)", () => {
  it("builds the routed veth: the outside router pings lxc1 through proxy ARP", async () => {
    const card = scriptFile("card.nsnet", CARD);
    const r = await inSandbox(card, [
      // proxy ARP answers after a random delay (proxy_delay, up to 0.8 s) on both legs: up
      // to three probes, 2 s each, succeed on the first reply
      { run: ["ip", "netns", "exec", "lan", "ping", "-n", "-c3", "-i0.5", "-W2", "198.51.100.3"] },
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[0]!.status, r.runs[0]!.stdout).toBe(0);
    const host = r.dumps.after!.places.host!;
    expect(host.proxies).toEqual(["198.51.100.3 dev=eth0"]);
    expect(host.routes).toContain("198.51.100.3 via=- dev=lxc1_veth0");
    expect(host.ip_forward).toBe("1");
    expect(host.links.find((l) => l.name === "lxc1_veth0")).toMatchObject({ kind: "veth", up: true });
    const lxc1 = r.dumps.after!.places.lxc1!;
    expect(lxc1.addrs).toEqual(["eth0 198.51.100.3/24"]);
    expect(lxc1.routes).toEqual(["default via=198.51.100.1 dev=eth0"]);
  });

  it("gives exactly the state of the hand-typed recipe", async () => {
    const card = scriptFile("card.nsnet", CARD);
    const base = scriptFile("base.nsnet", BASE);
    const byNsnet = await inSandbox(card, [{ dump: "s" }]);
    const byHand = await inSandbox(base, [
      ...[
        ["ip", "netns", "add", "lxc1"],
        ["ip", "link", "add", "lxc1_veth0", "type", "veth", "peer", "name", "eth0", "netns", "lxc1"],
        ["ip", "link", "set", "lxc1_veth0", "up"],
        ["ip", "-n", "lxc1", "link", "set", "lo", "up"],
        ["ip", "-n", "lxc1", "addr", "add", "198.51.100.3/24", "dev", "eth0"],
        ["ip", "-n", "lxc1", "link", "set", "eth0", "up"],
        ["ip", "-n", "lxc1", "route", "add", "default", "via", "198.51.100.1", "dev", "eth0", "onlink"],
        ["ip", "route", "add", "198.51.100.3/32", "dev", "lxc1_veth0"],
        ["ip", "neigh", "add", "proxy", "198.51.100.3", "dev", "eth0"],
        ["sysctl", "-qw", "net.ipv4.conf.lxc1_veth0.proxy_arp=1"],
        ["sysctl", "-qw", "net.ipv4.ip_forward=1"],
      ].map((run) => ({ run })),
      { dump: "s" },
    ]);
    expect(
      byHand.runs.every((x) => x.status === 0),
      JSON.stringify(byHand.runs),
    ).toBe(true);
    expect(unmarked(byNsnet.dumps.s!)).toEqual(unmarked(byHand.dumps.s!));
  });

  it("re-applies with 0 ops, then applies only an edit, then down restores the exact state before", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const card = scriptFile("card.nsnet", CARD);
    const card2 = scriptFile("card2.nsnet", CARD2);
    const p = ["--project", "e2e", "--json"];
    const r = await inSandbox(base, [
      { dump: "before" },
      nsnet("up", card, ...p),
      nsnet("up", card, ...p),
      nsnet("up", card2, ...p),
      nsnet("down", card2, ...p),
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [first, again, edited, down] = r.runs;
    expect(first!.status, first!.stderr).toBe(0);
    expect(ipJsonOut(first!.stdout).ops).toBeGreaterThan(5);
    expect(ipJsonOut(again!.stdout).ops).toBe(0);
    const applied = ipJsonOut(edited!.stdout).applied;
    expect(applied.length).toBeGreaterThan(0);
    expect(
      applied.every((s) => !/lxc1/.test(s)),
      applied.join("\n"),
    ).toBe(true);
    expect(applied.some((s) => /lxc2/.test(s))).toBe(true);
    expect(down!.status, down!.stderr).toBe(0);
    expect(r.dumps.after).toEqual(r.dumps.before);
  });

  it("a fault injected mid-apply rolls back to the exact state before (exit 3)", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const card2 = scriptFile("card2.nsnet", CARD2);
    const steps = [{ dump: "before" as const }];
    const r = await inSandbox(base, [{ dump: "before" }, { ...nsnet("up", card2, "--project", "f"), env: { NSNET_FAIL_AT: "9" } }, { dump: "after" }]);
    void steps;
    expect(r.runs[0]!.status, r.runs[0]!.stderr).toBe(3);
    expect(r.runs[0]!.stderr).toMatch(/rolled back/);
    expect(r.runs[0]!.stderr).toMatch(/card2\.nsnet:\d+:\d+: error: apply failed at op 9/);
    expect(r.dumps.after).toEqual(r.dumps.before);
  });

  it("refuses to touch a look-alike link someone else made (exit 1, NS502), and leaves it", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const card = scriptFile("card.nsnet", CARD);
    const r = await inSandbox(base, [
      { run: ["ip", "link", "add", "lxc1_veth0", "type", "veth", "peer", "name", "other0"] },
      nsnet("up", card, "--project", "l"),
      nsnet("down", card, "--project", "l"),
      { dump: "after" },
    ]);
    expect(r.runs[1]!.status).toBe(1);
    expect(r.runs[1]!.stderr).toMatch(/NS502/);
    expect(r.dumps.after!.places.host!.links.map((l) => l.name)).toContain("lxc1_veth0");
    expect(r.dumps.after!.namespaces).not.toContain("lxc1");
  });
});
