import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { inSandbox, repo, scriptFile, type Dump, type RunStep, type Step } from "./cli-sandbox.js";
import { projectName } from "../../src/exec/state-store.js";

/**
 * udev hook mode in the sandbox. A "container manager" makes the veth and sets up the
 * inside, exactly as LXC does on start (`ip link add lxc1_veth0 type veth peer name eth0
 * netns lxc1`, addresses inside); then the installed nsnet — the bundle, run through its
 * shebang as udev's RUN+= runs it, with the event's properties in the environment — does
 * the host side. The sandbox's script is only the host's uplink and gateway.
 */
const BUNDLE = join(repo, "dist/cli/nsnet.cjs");
const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;

/** What LXC does for a container with LAN addresses ADDRS (and optional transit). */
function manager(ns: string, addrs: string[], gateway = "198.51.100.1"): Step[] {
  return [
    ["ip", "netns", "add", ns],
    ["ip", "link", "add", `${ns}_veth0`, "type", "veth", "peer", "name", "eth0", "netns", ns],
    ["ip", "-n", ns, "link", "set", "lo", "up"],
    ...addrs.map((a) => ["ip", "-n", ns, "addr", "add", a, "dev", "eth0"]),
    ["ip", "-n", ns, "link", "set", "eth0", "up"],
    ["ip", "-n", ns, "route", "add", "default", "via", gateway, "dev", "eth0", "onlink"],
  ].map((run) => ({ run }));
}

const hook = (action: "add" | "remove", iface: string, file: string, ...args: string[]): RunStep => ({
  run: [BUNDLE, "hook", file, ...args],
  udev: { action, iface },
});
const fromLan = (addr: string): Step => ({ run: ["ip", "netns", "exec", "lan", "ping", "-n", "-c3", "-i0.5", "-W2", addr] });
const sysctl = (key: string): Step => ({ run: ["sysctl", "-n", key] });
const stateDirGone = (file: string): Step => ({ run: ["test", "-e", `/run/nsnet/${projectName(file)}/hooks`] });
/** A sandbox or two, each running many processes in turn: minutes on a loaded machine. */
const SLOW = 240_000;
const ops = (stdout: string) => (JSON.parse(stdout) as { ops: unknown[] }).ops.length;

/** The kernel without the sandbox's own bookkeeping: places other than the host and lan. */
const hostOf = (d: Dump) => d.places.host!;

describe("nsnet hook: derived handlers (a script without `on`)", () => {
  const CARD = BASE + `ns lxc1 < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >\n`;

  it(
    "does exactly the hand-typed recipe's host side, a repeated event changes nothing, remove leaves nothing",
    async () => {
      const card = scriptFile("card.nsnet", CARD);
      const base = scriptFile("base.nsnet", BASE);
      const r = await inSandbox(base, [
        { dump: "before" },
        ...manager("lxc1", ["198.51.100.3/24"]),
        hook("add", "lxc1_veth0", card),
        { dump: "hooked" },
        sysctl("net.ipv4.conf.lxc1_veth0.proxy_arp"),
        fromLan("198.51.100.3"),
        hook("add", "lxc1_veth0", card, "--json"),
        { dump: "again" },
        // the manager stops the container: the veth goes with it
        { run: ["ip", "link", "del", "lxc1_veth0"] },
        { run: ["ip", "netns", "del", "lxc1"] },
        hook("remove", "lxc1_veth0", card),
        { dump: "removed" },
        stateDirGone(card),
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const [add, proxyArp, ping, again, , , remove, gone] = r.runs.slice(6);
      expect(add!.status, add!.stderr).toBe(0);
      expect(add!.stderr).toMatch(
        /^nsnet\[\d+\]: add lxc1_veth0 \(ifindex \d+\): 5 op\(s\) applied in \d+ ms — host side of ns lxc1 \(.*card\.nsnet:3:\d+\)\n$/,
      );
      expect(proxyArp!.stdout.trim()).toBe("1");
      expect(ping!.status, ping!.stdout).toBe(0);
      expect(again!.status, again!.stderr).toBe(0);
      expect(ops(again!.stdout)).toBe(0);
      expect(r.dumps.again).toEqual(r.dumps.hooked);
      expect(remove!.status, remove!.stderr).toBe(0);
      // proxy entries on the uplink outlive the link: the remove event took them away
      expect(hostOf(r.dumps.removed!).proxies).toEqual([]);
      expect(r.dumps.removed).toEqual(r.dumps.before);
      expect(gone!.status, "the interface's record is gone").toBe(1);

      const byHand = await inSandbox(base, [
        ...manager("lxc1", ["198.51.100.3/24"]),
        ...[
          ["ip", "link", "set", "lxc1_veth0", "up"],
          ["ip", "route", "add", "198.51.100.3/32", "dev", "lxc1_veth0"],
          ["ip", "neigh", "add", "proxy", "198.51.100.3", "dev", "eth0"],
          ["sysctl", "-qw", "net.ipv4.conf.lxc1_veth0.proxy_arp=1"],
          ["sysctl", "-qw", "net.ipv4.ip_forward=1"],
        ].map((run) => ({ run })),
        { dump: "hand" },
      ]);
      expect(
        byHand.runs.every((x) => x.status === 0),
        JSON.stringify(byHand.runs),
      ).toBe(true);
      expect(r.dumps.hooked).toEqual(byHand.dumps.hand);
    },
    SLOW,
  );

  it(
    "the whole recipe's container: transit address, host routes via it, four proxy entries",
    async () => {
      // lxc1 of examples/routed-proxyarp.nsnet, in documentation ranges
      const ROUTED =
        BASE +
        `ns lxc1 <
  veth pair
  addr 203.0.113.2/28
  addr 203.0.113.1/28 on host:lxc1_veth0
  addr 198.51.100.3/24
  addr 198.51.100.4/24
  addr 198.51.100.5/24
  addr 198.51.100.6/24
  route default via 203.0.113.1
  proxyarp on eth0
>
`;
      const file = scriptFile("routed.nsnet", ROUTED);
      const lan = ["3", "4", "5", "6"].map((h) => `198.51.100.${h}`);
      const r = await inSandbox(scriptFile("base.nsnet", BASE), [
        ...manager("lxc1", ["203.0.113.2/28", ...lan.map((a) => `${a}/24`)], "203.0.113.1"),
        hook("add", "lxc1_veth0", file),
        { dump: "hooked" },
        ...lan.map(fromLan),
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const runs = r.runs.slice(10);
      expect(runs[0]!.status, runs[0]!.stderr).toBe(0);
      for (const p of runs.slice(1)) expect(p.status, p.stdout).toBe(0);
      const host = hostOf(r.dumps.hooked!);
      expect(host.addrs).toContain("lxc1_veth0 203.0.113.1/28");
      for (const a of lan) expect(host.routes).toContain(`${a} via=203.0.113.2 dev=lxc1_veth0`);
      expect(host.proxies).toEqual(lan.map((a) => `${a} dev=eth0`));
      expect(host.ip_forward).toBe("1");
      const veth = host.links.find((l) => l.name === "lxc1_veth0");
      expect(veth?.up).toBe(true);
      expect(veth?.alias, "adopted, never marked").toBeUndefined();
    },
    SLOW,
  );

  it(
    "adopts a veth whose namespace has no /run/netns name",
    async () => {
      const file = scriptFile("c9.nsnet", BASE + `ns c9 < veth pair; addr 198.51.100.9/24; proxyarp on eth0 >\n`);
      const inside = (...argv: string[]) => ({ run: ["nsenter", "--net=/run/manager/c9", ...argv] });
      const r = await inSandbox(scriptFile("base.nsnet", BASE), [
        // a manager that keeps the namespace by a mount of its own, not under /run/netns
        { run: ["ip", "netns", "add", "c9-tmp"] },
        { run: ["mkdir", "-p", "/run/manager"] },
        { run: ["touch", "/run/manager/c9"] },
        { run: ["mount", "--bind", "/run/netns/c9-tmp", "/run/manager/c9"] },
        { run: ["ip", "link", "add", "c9_veth0", "type", "veth", "peer", "name", "eth0", "netns", "c9-tmp"] },
        { run: ["ip", "netns", "del", "c9-tmp"] },
        inside("ip", "link", "set", "lo", "up"),
        inside("ip", "addr", "add", "198.51.100.9/24", "dev", "eth0"),
        inside("ip", "link", "set", "eth0", "up"),
        inside("ip", "route", "add", "default", "via", "198.51.100.1", "dev", "eth0", "onlink"),
        hook("add", "c9_veth0", file),
        { dump: "hooked" },
        fromLan("198.51.100.9"),
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const run of r.runs) expect(run.status, `${run.argv.join(" ")}\n${run.stderr}`).toBe(0);
      const d = r.dumps.hooked!;
      expect(d.namespaces).toEqual(["lan"]);
      expect(hostOf(d).proxies).toEqual(["198.51.100.9 dev=eth0"]);
      expect(hostOf(d).routes).toContain("198.51.100.9 via=- dev=c9_veth0");
    },
    SLOW,
  );

  it("ten events at once for ten interfaces of one script all succeed; ip_forward stays set until the last one leaves", async () => {
    const TEN = BASE + `for i in 1..10 < ns lxc$i < veth pair; addr 198.51.100.\${i+10}/24; proxyarp on eth0 > >\n`;
    const file = scriptFile("ten.nsnet", TEN);
    const n = Array.from({ length: 10 }, (_, i) => i + 1);
    const r = await inSandbox(
      scriptFile("base.nsnet", BASE),
      [
        { dump: "before" },
        ...n.flatMap((i) => manager(`lxc${i}`, [`198.51.100.${i + 10}/24`])),
        { parallel: n.map((i) => hook("add", `lxc${i}_veth0`, file)) },
        { dump: "hooked" },
        // the containers stop one by one; whichever event set ip_forward, it stays set while
        // another interface still needs it
        ...n.flatMap((i) => [
          { run: ["ip", "link", "del", `lxc${i}_veth0`] },
          { run: ["ip", "netns", "del", `lxc${i}`] },
          hook("remove", `lxc${i}_veth0`, file),
          sysctl("net.ipv4.ip_forward"),
        ]),
        { dump: "removed" },
        stateDirGone(file),
      ],
      { timeoutMs: 400_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const events = r.runs.filter((x) => x.argv[1] === "hook");
    expect(events.length).toBe(20);
    for (const e of events) expect(e.status, e.stderr).toBe(0);
    const host = hostOf(r.dumps.hooked!);
    expect(host.proxies).toEqual(n.map((i) => `198.51.100.${i + 10} dev=eth0`).sort());
    for (const i of n) expect(host.routes).toContain(`198.51.100.${i + 10} via=- dev=lxc${i}_veth0`);
    expect(host.ip_forward).toBe("1");
    const forwarding = r.runs.filter((x) => x.argv[0] === "sysctl").map((x) => x.stdout.trim());
    expect(forwarding).toEqual([...Array(9).fill("1"), "0"]);
    expect(r.dumps.removed).toEqual(r.dumps.before);
    expect(r.runs[r.runs.length - 1]!.status).toBe(1);
  }, 420_000);
});

describe("nsnet hook: explicit handlers, failures, errors, no match", () => {
  it(
    "binds $iface, $ifindex and $ns; a failed apply rolls back with one first line; errors touch nothing; no match is silent",
    async () => {
      const explicit = scriptFile(
        "explicit.nsnet",
        BASE +
          `on add "lxc*_veth0" <
  route 198.51.100.3/32 dev \${ns}_veth0
  neigh proxy 198.51.100.\${ifindex} on eth0
  sysctl net.ipv4.conf.\${iface}.proxy_arp = 1
>
`,
      );
      const bad = scriptFile("bad.nsnet", BASE + `ns lxc1 < veth to br9; addr 198.51.100.3/24 >\n`);
      const r = await inSandbox(scriptFile("base.nsnet", BASE), [
        ...manager("lxc1", ["198.51.100.3/24"]),
        { run: ["ip", "-j", "link", "show", "dev", "lxc1_veth0"] },
        { dump: "before" },
        { ...hook("add", "lxc1_veth0", explicit), env: { NSNET_FAIL_AT: "2" } },
        { dump: "failed" },
        hook("add", "lxc1_veth0", bad),
        { dump: "bad" },
        stateDirGone(bad),
        { ...hook("add", "eth9", explicit) },
        hook("add", "lxc1_veth0", explicit),
        { dump: "hooked" },
        sysctl("net.ipv4.conf.lxc1_veth0.proxy_arp"),
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const [show, failed, errors, gone, nomatch, ok, proxyArp] = r.runs.slice(6);
      const ifindex = (JSON.parse(show!.stdout) as { ifindex: number }[])[0]!.ifindex;

      expect(failed!.status).toBe(3);
      const [first, ...rest] = failed!.stderr.split("\n");
      expect(first).toMatch(
        /^nsnet\[\d+\]: error: add lxc1_veth0 \(ifindex \d+\): apply failed at .*explicit\.nsnet:\d+:\d+ \(op 2: .*\): injected failure at op 2 .*; rolled back, nothing changed$/,
      );
      expect(rest.join("\n")).toMatch(/rolled back: everything this event did was undone/);
      expect(r.dumps.failed).toEqual(r.dumps.before);

      expect(errors!.status).toBe(1);
      expect(errors!.stderr.split("\n")[0]).toMatch(
        /^nsnet\[\d+\]: error: add lxc1_veth0 .*bad\.nsnet has 1 error\(s\), nothing changed \(.*bad\.nsnet:3:\d+: no bridge `br9`/,
      );
      expect(errors!.stderr).toContain("error[NS304]");
      expect(r.dumps.bad).toEqual(r.dumps.before);
      expect(gone!.status).toBe(1);

      expect(nomatch!.status).toBe(0);
      expect(nomatch!.stdout + nomatch!.stderr).toBe("");

      expect(ok!.status, ok!.stderr).toBe(0);
      const host = hostOf(r.dumps.hooked!);
      expect(host.routes).toContain("198.51.100.3 via=- dev=lxc1_veth0");
      expect(host.proxies).toEqual([`198.51.100.${ifindex} dev=eth0`]);
      expect(proxyArp!.stdout.trim()).toBe("1");
      const veth = host.links.find((l) => l.name === "lxc1_veth0");
      expect(veth?.up).toBe(true);
      expect(veth?.alias, "adopted: used and brought up, never marked").toBeUndefined();
    },
    SLOW,
  );
});
