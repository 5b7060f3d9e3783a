import { describe, expect, it } from "vitest";
import { cases, fixed } from "../check/hint-cases.js";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

/**
 * Issue 22, item 3: NS316's and NS319's fixes, done as their hints say
 * (test/check/hint-cases.ts), are applied in a sandbox and carry traffic. NS319 used to
 * suggest `uplink c1_veth0` (NS309) and NS316 a bare `onlink`, which `up` failed on
 * ("Nexthop device required for onlink").
 */
const byName = (start: string) => {
  const c = cases.find((x) => x.name.startsWith(start));
  if (!c) throw new Error(`no hint case ${start}`);
  return fixed(c);
};
const ping = (ns: string, addr: string): Step => ({ run: ["ip", "netns", "exec", ns, "ping", "-n", "-c1", "-W3", addr] });

describe("NS316 and NS319: the hinted fix applies and works (sandbox)", () => {
  it("NS319's uplink: the sandbox applies it, the lan and c1 reach each other", async () => {
    const r = await inSandbox(scriptFile("ns319.nsnet", byName("NS319 on the namespace's own veth end, an uplink declared")), [
      ping("lan", "192.0.2.3"),
      ping("c1", "192.0.2.1"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const run of r.runs) expect(run.status, `${run.argv.join(" ")}\n${run.stdout}${run.stderr}`).toBe(0);
  }, 120_000);

  it("NS316's three fixes in namespaces: each `up` and reaches its gateway", async () => {
    const router = scriptFile("ns316-router.nsnet", byName("NS316, the gateway is the router's far side"));
    const otherEnd = scriptFile("ns316-other-end.nsnet", byName("NS316, nothing on the link has the gateway"));
    const onLink = scriptFile("ns316-on-link.nsnet", byName("NS316, the gateway is on the link but in another subnet"));
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      nsnet("up", router, "--project", "router"),
      ping("h1", "198.51.100.3"),
      nsnet("up", otherEnd, "--project", "other-end"),
      ping("a", "192.0.2.1"),
      nsnet("up", onLink, "--project", "on-link"),
      ping("h6", "10.1.1.1"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const run of r.runs) expect(run.status, `${run.argv.join(" ")}\n${run.stdout}${run.stderr}`).toBe(0);
  }, 180_000);

  it("NS316 in the host: `dev eth0 onlink` toward the uplink's gateway is taken", async () => {
    const text = byName("NS316 in the host");
    expect(text).toContain("route default via 203.0.113.1 dev eth0 onlink");
    const r = await inSandbox(scriptFile("ns316-host.nsnet", text), [{ run: ["ip", "-j", "route", "show", "default"] }]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.runs[0]!.stdout)).toMatchObject([{ dst: "default", gateway: "203.0.113.1", dev: "eth0", flags: ["onlink"] }]);
  }, 120_000);
});
