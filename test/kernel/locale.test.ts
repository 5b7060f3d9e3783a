import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, repo, scriptFile, type RunStep, type Step } from "./cli-sandbox.js";
import { ipsOf, runtime, seedConflist, type NetRun } from "./cni-harness.js";
import { join } from "node:path";

/**
 * Issue 20 item 0: Debian's ssh forwards LANG and LC_*; a user whose locale is not
 * installed on the server got "apply failed … perl: warning: Setting locale failed" and a
 * rollback. Every command here runs with LC_ALL and LANG naming a locale this machine does
 * not have (the test checks it is absent), through the installed bundle, in the sandbox.
 */
const MISSING = "de_DE.UTF-8";
const BAD_LOCALE = { LC_ALL: MISSING, LANG: MISSING, LANGUAGE: "de_DE:de" };
const BUNDLE = join(repo, "dist/cli/nsnet.cjs");
const withLocale = (s: Step): RunStep => ({ ...(s as RunStep), env: { ...((s as RunStep).env ?? {}), ...BAD_LOCALE } });

const BASE = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;
// more namespaces than the fan-out's threshold, so their batches go through perl's launcher
const SCRIPT = `${BASE}bridge br0 < addr 192.0.2.1/24 >
for i in 1..12 < ns h$i < veth to br0; addr 192.0.2.\${i+1}/24; route default via 192.0.2.1 > >
ns lxc1 < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >
`;

describe("a locale that is not installed", () => {
  it("is not installed here (else this test proves nothing)", async () => {
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [{ run: ["perl", "-e", "1"], env: BAD_LOCALE }]);
    expect(r.runs[0]!.stderr).toContain("Setting locale failed");
  }, 120_000);

  it("up, a re-up, a hook event and down succeed, and nothing is rolled back", async () => {
    const file = scriptFile("locale.nsnet", SCRIPT);
    const steps: Step[] = [
      withLocale(nsnet("up", file, "--quiet")),
      withLocale(nsnet("up", file, "--json")),
      { run: ["ip", "-n", "h12", "-j", "addr", "show", "eth0"] },
      // the host side of lxc1 goes missing; a udev event for its veth puts it back
      { run: ["ip", "route", "del", "198.51.100.3/32", "dev", "lxc1_veth0"] },
      { run: ["ip", "neigh", "del", "proxy", "198.51.100.3", "dev", "eth0"] },
      withLocale({ run: [BUNDLE, "hook", file], udev: { action: "add", iface: "lxc1_veth0" } }),
      { run: ["ip", "route", "show", "198.51.100.3/32"] },
      withLocale(nsnet("down", file)),
      { run: ["ip", "netns", "list"] },
    ];
    // the sandbox applies only the uplink; the script is the steps' own
    const r = await inSandbox(scriptFile("base.nsnet", BASE), steps, { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const [up, again, addr, , , hook, route, down, list] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(up!.stderr).not.toMatch(/perl|Setting locale/);
    expect(again!.status, again!.stderr).toBe(0);
    expect((JSON.parse(again!.stdout) as { ops: number }).ops).toBe(0);
    expect(addr!.stdout).toContain("192.0.2.13");
    expect(hook!.status, hook!.stderr).toBe(0);
    expect(hook!.stderr).not.toMatch(/perl|Setting locale/);
    expect(route!.stdout).toContain("dev lxc1_veth0");
    expect(down!.status, down!.stderr).toBe(0);
    expect(list!.stdout.trim().split(" ")[0]).toBe("lan");
    expect(list!.stdout.trim().split("\n")).toHaveLength(1);
  }, 300_000);

  it("a CNI ADD succeeds", async () => {
    const conf = seedConflist("nsnet");
    const out = await runtime([{ netns: "ctr1" }, { command: "ADD", conf, id: "ctr1-id", netns: "/run/netns/ctr1", env: BAD_LOCALE }]);
    const add = out[1] as NetRun;
    expect(add.ok, JSON.stringify(add.calls)).toBe(true);
    expect(ipsOf(add)).toEqual(["192.0.2.2/24"]);
    expect(add.calls[0]!.stderr).not.toMatch(/perl|Setting locale/);
  }, 240_000);
});
