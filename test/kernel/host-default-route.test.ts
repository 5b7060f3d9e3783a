import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

// A host that already routes default elsewhere: `plan` used to list `route add default via …`
// silently and `up` failed with exit 3 (File exists). Now both refuse it at the line, exit 1,
// and the kernel is untouched; the same route as the host's is simply already there.
const BASE = "uplink eth0\nhost < addr 198.51.100.2/24 on eth0 >\n";
const card = (gw: string) => `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via ${gw} >
ns lxc1 < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >
`;

describe("a host default route that exists already (sandbox)", () => {
  it("plan and up refuse a different one at the line (exit 1, NS506); the same one applies", async () => {
    const base = scriptFile("base.nsnet", BASE);
    const other = scriptFile("other.nsnet", card("198.51.100.254"));
    const same = scriptFile("same.nsnet", card("198.51.100.1"));
    const r = await inSandbox(base, [
      { run: ["ip", "route", "add", "default", "via", "198.51.100.1", "dev", "eth0"] },
      { dump: "before" },
      nsnet("plan", other),
      nsnet("up", other),
      { dump: "after" },
      nsnet("up", same, "--project", "same"),
      { run: ["ip", "-j", "route", "show", "default"] },
      nsnet("down", same, "--project", "same"),
      { run: ["ip", "-j", "route", "show", "default"] },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [, plan, up, upSame, routesUp, downSame, routesDown] = r.runs;
    expect(plan!.status, plan!.stderr).toBe(1);
    expect(plan!.stdout).toBe("");
    expect(plan!.stderr).toMatch(/other\.nsnet:2:44: error\[NS506\]: the host already has a route to default \(via 198\.51\.100\.1 dev eth0/);
    expect(up!.status, up!.stderr).toBe(1);
    expect(up!.stderr).toContain("error[NS506]");
    expect(r.dumps.after).toEqual(r.dumps.before);
    // the host's own route is the one the script asks for: nothing to add, and down keeps it
    expect(upSame!.status, upSame!.stderr).toBe(0);
    expect(JSON.parse(routesUp!.stdout)).toMatchObject([{ dst: "default", gateway: "198.51.100.1" }]);
    expect(downSame!.status, downSame!.stderr).toBe(0);
    expect(JSON.parse(routesDown!.stdout)).toMatchObject([{ dst: "default", gateway: "198.51.100.1" }]);
  });
});
