import { describe, expect, it } from "vitest";
import { inSandbox, scriptFile } from "./cli-sandbox.js";

/**
 * `nat from CIDR to IF` really masquerades, and only that subnet: two guests on one bridge,
 * one inside 192.0.2.0/25 and one outside it. The LAN (the simulated uplink's far side)
 * has no route back to 192.0.2.0/24, so a reply reaches a guest only if its packets left
 * with the host's address.
 */
const SUBNET = `uplink eth0
host < addr 203.0.113.2/24 on eth0; route default via 203.0.113.1 >
bridge br0 < addr 192.0.2.1/24 >
ns inside < veth to br0; addr 192.0.2.10/24; route default via 192.0.2.1 >
ns outside < veth to br0; addr 192.0.2.200/24; route default via 192.0.2.1 >
nat from 192.0.2.0/25 to eth0
`;

/** The nested case written at top level: a router namespace masquerading its bridge. */
const QUALIFIED = `uplink eth0
host < addr 203.0.113.2/24 on eth0; route default via 203.0.113.1 >
ns b1 <
  veth pair
  addr 198.51.100.2/24
  route default via 198.51.100.1
  bridge br0 < addr 192.0.2.1/24 >
>
host < addr 198.51.100.1/24 on b1_veth0 >
ns guest < veth to b1:br0; addr 192.0.2.10/24; route default via 192.0.2.1 >
nat from b1:br0 to b1:eth0
nat from 198.51.100.0/24 to eth0
`;

const ping = (ns: string, to: string) => ({ run: ["ip", "netns", "exec", ns, "ping", "-n", "-c1", "-W1", to] });

describe("nat in the sandbox", () => {
  it("nat from a subnet masquerades that subnet and nothing else", async () => {
    const r = await inSandbox(scriptFile("subnet.nsnet", SUBNET), [
      ping("inside", "203.0.113.1"),
      ping("outside", "203.0.113.1"),
      { run: ["nft", "list", "ruleset"] },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[2]!.stdout).toMatch(/ip saddr 192\.0\.2\.0\/25 oifname "eth0" counter packets [1-9]\d* bytes \d+ masquerade/);
    expect(r.runs[0]!.status, r.runs[0]!.stdout + r.runs[0]!.stderr).toBe(0);
    expect(r.runs[1]!.status).not.toBe(0);
  });

  it("nat from NS:IF to NS:IF puts the rule in that namespace (double NAT out of a router)", async () => {
    const r = await inSandbox(scriptFile("qualified.nsnet", QUALIFIED), [
      ping("guest", "203.0.113.1"),
      { run: ["ip", "netns", "exec", "b1", "nft", "list", "ruleset"] },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[1]!.stdout).toMatch(/iifname "br0" oifname "eth0" counter packets [1-9]\d* bytes \d+ masquerade/);
    expect(r.runs[0]!.status, r.runs[0]!.stdout + r.runs[0]!.stderr).toBe(0);
  });
});
