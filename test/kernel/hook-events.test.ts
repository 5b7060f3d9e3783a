import { describe, it, expect } from "vitest";
import { join } from "node:path";
import { inSandbox, repo, scriptFile, type RunStep } from "./cli-sandbox.js";

/**
 * Events the hook must read right (issue 20 items 14 and 15), in the sandbox with the
 * installed bundle: an add event for an interface the host does not have, and an event
 * without SUBSYSTEM (udev always sets it: such an event is no net event).
 */
const BUNDLE = join(repo, "dist/cli/nsnet.cjs");
const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;
const CARD = BASE + "ns lxc1 < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >\n";
const HANDLER = BASE + 'on add "lxc*_veth0" < sysctl net.ipv4.conf.$iface.proxy_arp = 1 >\n';
const SLOW = 240_000;

const hook = (file: string, iface: string, env: Record<string, string> = { SUBSYSTEM: "net" }): RunStep => ({
  run: [BUNDLE, "hook", file],
  env: { ACTION: "add", INTERFACE: iface, ...env },
});

describe("nsnet hook: events it must not misread", () => {
  it(
    "an add event for an interface the host does not have says that interface is missing, not that an uplink is",
    async () => {
      const card = scriptFile("card.nsnet", CARD);
      const handler = scriptFile("handler.nsnet", HANDLER);
      const r = await inSandbox(scriptFile("base.nsnet", BASE), [hook(card, "lxc1_veth0"), hook(handler, "lxc7_veth0"), { dump: "after" }]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const [run, line] of [
        [r.runs[0]!, "3:11"],
        [r.runs[1]!, "3:8"],
      ] as const) {
        expect(run.status, run.stderr).toBe(1);
        expect(run.stderr).not.toMatch(/uplink/);
        const iface = run === r.runs[0] ? "lxc1_veth0" : "lxc7_veth0";
        expect(run.stderr).toContain(`:${line}: error[NS505]: \`${iface}\` does not exist in namespace \`host\` (the interface of this add event)`);
        expect(run.stderr).toMatch(/hint: udev's event names an interface the host does not have/);
      }
      expect(r.dumps.after!.places.host!.proxies).toEqual([]);
    },
    SLOW,
  );

  it(
    "an event without SUBSYSTEM is no net event: a log line, exit 0, nothing applied",
    async () => {
      const card = scriptFile("card.nsnet", CARD);
      const manager = [
        ["ip", "netns", "add", "lxc1"],
        ["ip", "link", "add", "lxc1_veth0", "type", "veth", "peer", "name", "eth0", "netns", "lxc1"],
      ].map((run) => ({ run }));
      const r = await inSandbox(scriptFile("base.nsnet", BASE), [
        ...manager,
        { dump: "before" },
        hook(card, "lxc1_veth0", {}),
        { dump: "after" },
        { run: ["sysctl", "-n", "net.ipv4.conf.lxc1_veth0.proxy_arp"] },
      ]);
      expect(r.exitCode, r.stderr).toBe(0);
      const [ev, proxyArp] = r.runs.slice(2);
      expect(ev!.status, ev!.stderr).toBe(0);
      expect(ev!.stdout).toBe("");
      expect(ev!.stderr).toMatch(
        /^nsnet\[\d+\]: add lxc1_veth0: no SUBSYSTEM in the environment, so not a net event: ignored \(udev sets SUBSYSTEM=net for network devices\)\n$/,
      );
      expect(r.dumps.after).toEqual(r.dumps.before);
      expect(proxyArp!.stdout.trim()).toBe("0");
    },
    SLOW,
  );
});
