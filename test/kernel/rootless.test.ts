import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { CLI, repo } from "./cli-sandbox.js";

/**
 * Rootless (issue 22 item 7): `nsnet sandbox FILE` run by a normal user (`nobody`, through
 * setpriv) makes a user namespace of its own (unshare --user --map-root-user) and applies
 * the script there, expects included; the REPL in it too. Everything else still says it
 * needs root. Runs only where this process is root (to become nobody) and the kernel lets
 * an unprivileged user create a user namespace.
 */
const asNobody = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"];

async function userNamespacesAllowed(): Promise<boolean> {
  if (process.getuid?.() !== 0) return false;
  const r = await execa("setpriv", [...asNobody, "unshare", "--user", "--map-root-user", "--net", "--mount", "true"], { reject: false });
  return r.exitCode === 0;
}

const ready = await userNamespacesAllowed();

function nobody(args: string[], input?: string) {
  // cwd: the repo (demo.nsnet's web server serves examples/mirror-files, relative)
  return execa("setpriv", [...asNobody, process.execPath, CLI, ...args], {
    reject: false,
    cwd: repo,
    input: input ?? "",
    env: { NO_COLOR: "1", NSNET_HISTORY: "" },
  });
}

describe.skipIf(!ready)("rootless nsnet sandbox (as nobody)", () => {
  it("applies examples/demo.nsnet and its expects pass; the command inside is root of its own namespaces only", async () => {
    const r = await nobody(["sandbox", "examples/demo.nsnet", "--", "cat", "/proc/self/uid_map"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ok +expect h1 reaches h3/);
    expect(r.stderr).toMatch(/ok +expect http http:\/\/198\.51\.100\.3\/README\.txt status 200 from h2/);
    expect(r.stderr).not.toContain("FAIL");
    // uid 0 inside is nobody (65534) outside
    expect(r.stdout.trim().split(/\s+/)).toEqual(["0", "65534", "1"]);
  }, 120_000);

  it("the REPL in it works (pingall, host: CMD); capture says why not", async () => {
    const r = await nobody(["sandbox", "examples/demo.nsnet"], "pingall\nhost: ip -br link show br0\ncapture h1:eth0 icmp\n");
    expect(r.stdout).toContain("12/12 reachable");
    expect(r.stdout).toMatch(/br0 +UP/);
    expect(r.stderr).toContain("capture needs a sandbox started as root");
  }, 120_000);

  it("everything else still says it needs root", async () => {
    for (const cmd of [["up", "examples/demo.nsnet"], ["down", "examples/demo.nsnet"], ["repl"]]) {
      const r = await nobody(cmd);
      expect(r.exitCode, cmd.join(" ")).toBe(2);
      expect(r.stderr).toContain("needs root (CAP_NET_ADMIN)");
    }
  }, 60_000);
});
