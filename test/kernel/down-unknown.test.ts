import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

// `down` of a file never applied used to say only "nothing to remove": the same words as
// for a project that is already down, so a mistyped path passed for success.
describe("down of a project that does not exist (sandbox)", () => {
  it("exits 0, says no project of that name exists and lists the known ones", async () => {
    const empty = scriptFile("empty.nsnet", "# nothing\n");
    const alpha = scriptFile("alpha.nsnet", "ns alpha1 < veth pair; addr 192.0.2.10/24 >\n");
    const never = scriptFile("never.nsnet", "ns never1\n");
    const r = await inSandbox(empty, [
      nsnet("up", alpha, "--project", "alpha"),
      nsnet("down", never),
      nsnet("down", "--project", "nosuch"),
      nsnet("down", "--project", "nosuch", "--json"),
      nsnet("down", alpha, "--project", "alpha"),
      nsnet("down", alpha, "--project", "alpha"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [up, never1, nosuch, nosuchJson, down1, down2] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(never1!.status).toBe(0);
    expect(never1!.stderr).toMatch(/never\.nsnet: no project `never-[0-9a-f]{8}` exists \(nothing was ever applied under that name\)/);
    expect(never1!.stderr).toMatch(/known projects \(nsnet down --project NAME\):\n {2}alpha {2}\(.*alpha\.nsnet\)/);
    expect(nosuch!.status).toBe(0);
    expect(nosuch!.stderr).toMatch(/nosuch: no project `nosuch` exists/);
    expect(nosuch!.stderr).toContain("  alpha");
    expect(JSON.parse(nosuchJson!.stdout)).toMatchObject({ status: "ok", project: "nosuch", existed: false, undone: 0, knownProjects: ["alpha"] });
    expect(down1!.status).toBe(0);
    expect(down1!.stderr).toMatch(/down, \d+ op\(s\) undone/);
    // a project that did exist and is down already: the old wording, no list
    expect(down2!.status).toBe(0);
    expect(down2!.stderr).toMatch(/alpha\.nsnet: (nothing to remove|no project `alpha` exists)/);
  });
});
