import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

/**
 * nsnet's files live in private directories and are never followed through a symlink.
 */
describe("state files (sandbox)", () => {
  it("never appends service output to the target of a symlink planted as service-N.log", async () => {
    const svc = scriptFile("svc.nsnet", 'ns a\nrun in a sh -c "echo planted; sleep 1000"\n');
    const plant: Step[] = [];
    for (let i = 1; i <= 20; i++) plant.push({ write: `/run/nsnet/q/service-${i}.log`, symlink: "/run/target" });
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { write: "/run/target", text: "" },
      { run: ["mkdir", "-p", "-m", "700", "/run/nsnet/q"] },
      ...plant,
      nsnet("up", svc, "--project", "q"),
      { read: "/run/target", as: "target" },
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const up = r.runs[1]!;
    expect(r.files.target).toBe("");
    expect(up.status, up.stderr).toBe(3);
    expect(up.stderr).toMatch(/service-\d+\.log is a symbolic link/);
    expect(r.dumps.after!.namespaces).toEqual(["z"]);
  });

  it("refuses a state directory others can write or another user owns (exit 2, nothing applied)", async () => {
    const f = scriptFile("one.nsnet", "ns one\n");
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { run: ["mkdir", "-m", "777", "/run/wide"] },
      { run: ["mkdir", "-m", "700", "/run/theirs"] },
      { run: ["chown", "65534", "/run/theirs"] },
      { run: ["mkdir", "-p", "-m", "700", "/run/mine/p"] },
      { run: ["chmod", "770", "/run/mine/p"] },
      nsnet("up", f, "--state-dir", "/run/wide"),
      nsnet("up", f, "--state-dir", "/run/theirs"),
      nsnet("down", f, "--state-dir", "/run/mine", "--project", "p"),
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [wide, theirs, mine] = r.runs.slice(5);
    expect(wide!.status, wide!.stderr).toBe(2);
    expect(wide!.stderr).toMatch(/refusing state directory: \/run\/wide is writable by its group and others \(mode 777\)/);
    expect(theirs!.status, theirs!.stderr).toBe(2);
    expect(theirs!.stderr).toMatch(/refusing state directory: \/run\/theirs is owned by uid 65534, not root/);
    expect(mine!.status, mine!.stderr).toBe(2);
    expect(mine!.stderr).toMatch(/\/run\/mine\/p is writable by its group/);
    expect(r.dumps.after!.namespaces).toEqual(["z"]);
  });
});
