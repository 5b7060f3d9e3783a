import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { wrap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { canSandbox } from "../kernel/sandbox.js";

/**
 * The installed nsnet (scripts/bundle.mjs): dist/cli/nsnet.cjs, run through its shebang, runs
 * the one-file bundle dist/cli/nsnet-bundle.cjs from the V8 code cache beside it. It must
 * behave as the unbundled CLI: find stdlib/ next to itself, name itself in udev rules, and
 * know every command. Needs the build (scripts/test runs setup first).
 */
const BUNDLE = fileURLToPath(new URL("../../dist/cli/nsnet.cjs", import.meta.url));
const CODE = fileURLToPath(new URL("../../dist/cli/nsnet-bundle.cjs", import.meta.url));
const CACHE = fileURLToPath(new URL("../../dist/cli/nsnet-bundle.cache", import.meta.url));
const sandboxOk = await canSandbox();
const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

describe("the bundled nsnet", () => {
  it("starts through its shebang and prints its version", async () => {
    const r = await execa(BUNDLE, ["--version"], { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^nsnet \d+\.\d+\.\d+$/);
  });

  it("starts node without NODE_EXTRA_CA_CERTS (40 ms of start-up) and gives it back to what it runs", async () => {
    // node warns at start-up when it cannot load the file: started through the shebang, it never tries
    const r = await execa(BUNDLE, ["--version"], { reject: false, env: { NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" } });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe("");
    const direct = await execa(process.execPath, [BUNDLE, "--version"], { reject: false, env: { NODE_EXTRA_CA_CERTS: "/nonexistent/ca.pem" } });
    expect(direct.stderr).toMatch(/Ignoring extra certs/);
  });

  it.skipIf(!sandboxOk)("a command nsnet runs still sees NODE_EXTRA_CA_CERTS (in a sandbox)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-bundle-"));
    const file = join(dir, "empty.nsnet");
    writeFileSync(file, "\n");
    const r = await execa(BUNDLE, ["sandbox", file, "--", "printenv", "NODE_EXTRA_CA_CERTS"], {
      reject: false,
      env: { NODE_EXTRA_CA_CERTS: "/etc/ssl/certs/ca-certificates.crt" },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n").pop()).toBe("/etc/ssl/certs/ca-certificates.crt");
  });

  it("checks a script that uses the stdlib (found relative to the bundle)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-bundle-"));
    const file = join(dir, "routed.nsnet");
    writeFileSync(file, 'use "stdlib/routed"\nuplink eth0\nhost < addr 198.51.100.2/24 on eth0 >\nrouted("lxc1", "198.51.100.3/24", "eth0")\n');
    const r = await execa(BUNDLE, ["check", file], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const g = await execa(BUNDLE, ["graph", file], { reject: false });
    expect(g.stdout).toContain("lxc1_veth0");
  });

  it("has a code cache this node accepts for its bundle (a refused one would cost every start the parse)", () => {
    // the stub's own call: the bundle wrapped as a CommonJS module, read as latin1 (it is ASCII)
    const script = new Script(wrap(readFileSync(CODE, "latin1")), { filename: CODE, cachedData: readFileSync(CACHE) });
    expect(script.cachedDataRejected).toBe(false);
    expect(readFileSync(CODE).every((b) => b < 0x80)).toBe(true);
  });

  it("draws SVG with viz.js, a file of its own next to the bundle", async () => {
    const r = await execa(BUNDLE, ["graph", "--format", "svg", example("card.nsnet")], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*lxc1_veth0[\s\S]*<\/svg>\s*$/);
    expect(r.stderr).toBe("");
  });

  it("names itself in udev rules by default", async () => {
    const r = await execa(BUNDLE, ["udev-rule", example("udev-lxc.nsnet")], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`RUN+="${BUNDLE} hook ${example("udev-lxc.nsnet")}"`);
  });

  it("a hook without udev's environment is a usage error, not a crash", async () => {
    const r = await execa(BUNDLE, ["hook", example("udev-lxc.nsnet"), "--state-dir", mkdtempSync(join(tmpdir(), "nsnet-state-"))], {
      reject: false,
      env: { ACTION: "", INTERFACE: "" },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr.split("\n")[0]).toMatch(/^nsnet hook: ACTION and INTERFACE not set/);
  });

  it("an event for an interface no handler matches exits 0, prints nothing and touches nothing", async () => {
    // (outside any sandbox: such an event must not even create a state directory)
    const state = mkdtempSync(join(tmpdir(), "nsnet-state-"));
    const r = await execa(BUNDLE, ["hook", example("udev-lxc.nsnet"), "--state-dir", state], {
      reject: false,
      env: { ACTION: "add", INTERFACE: "nomatch0", SUBSYSTEM: "net", IFINDEX: "99" },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stdout + r.stderr).toBe("");
    expect(readdirSync(state)).toEqual([]);
  });

  it("the package ships nsnet's helper beside dist/, where the bundle finds it", async () => {
    const pack = await execa("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      reject: false,
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
    });
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(["helper/nsnet-helper.pl", "helper/Nsnet/Netlink.pm", "helper/Nsnet/State.pm", "helper/Nsnet/Ops.pm"]));
  });

  it.skipIf(!sandboxOk)("runs the helper from beside dist/ for a namespace's sysctl (in a sandbox)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-bundle-"));
    const file = join(dir, "fwd.nsnet");
    writeFileSync(file, "ns a < addr 192.0.2.5/24 on lo; sysctl net.ipv4.conf.all.forwarding=1 >\n");
    const r = await execa(BUNDLE, ["sandbox", file, "--", BUNDLE, "up", file, "--verbose"], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const helper = fileURLToPath(new URL("../../helper/nsnet-helper.pl", import.meta.url));
    expect(r.stdout + r.stderr).toContain(`+ perl ${helper}`);
    expect(r.stdout + r.stderr).not.toMatch(/sysctl -w|helper did not run/);
  });
});
