import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ProcessRunner,
  USER_LC_ALL_ENV,
  UnsafeArgumentError,
  assertSafeArgv,
  assertSafeBatchText,
  childEnv,
  isValidIfName,
  isValidNsName,
} from "../../src/exec/runner.js";

describe("runner gates", () => {
  const hostile = ["../x", "1234", "a".repeat(65), "has space", "new\nline", "x#y", ".", "..", "", "-n"];
  it.each(hostile)("refuses namespace name %j before anything runs", async (name) => {
    expect(isValidNsName(name)).toBe(false);
    expect(() => assertSafeArgv(["ip", "-n", name, "-batch", "-"])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["ip", "netns", "exec", name, "sysctl", "-n", "x"])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["ip", "netns", "add", name])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["nsenter", `--net=/run/netns/${name}`, "--", "ip", "-batch", "-"])).toThrow(UnsafeArgumentError);
    // the real runner throws before spawning: a spawn of `ip` would have resolved instead
    await expect(new ProcessRunner().run(["ip", "-n", name, "link", "show"])).rejects.toThrow(UnsafeArgumentError);
  });

  it("accepts ordinary names and leaves the user's command after `netns exec NS` alone", () => {
    expect(isValidNsName("lxc1")).toBe(true);
    expect(isValidNsName("vagga_guest.2-x")).toBe(true);
    expect(() => assertSafeArgv(["ip", "netns", "exec", "lxc1", "ping", "-n", "1234"])).not.toThrow();
  });

  it("lets nsenter do nothing but enter a named namespace (or its own) and run the command after --", () => {
    expect(() => assertSafeArgv(["nsenter", "--net=/run/netns/lxc1", "--", "ip", "-d", "-j", "-batch", "-"])).not.toThrow();
    expect(() => assertSafeArgv(["nsenter", "--net=/proc/self/ns/net", "--", "python3", "-m", "http.server"])).not.toThrow();
    for (const bad of [
      ["nsenter", "--mount=/proc/1/ns/mnt", "--", "ip", "link"],
      ["nsenter", "--net=/run/netns/a/../../x", "--", "ip", "link"],
      ["nsenter", "--net=/proc/1/ns/net", "--", "ip", "link"],
      ["nsenter", "--net=/run/netns/a", "ip", "link"],
      ["nsenter", "--net=/run/netns/a", "--"],
      ["nsenter", "--net=/run/netns/a", "--", "ip", "-n", "../x", "link"],
    ]) {
      expect(() => assertSafeArgv(bad)).toThrow(UnsafeArgumentError);
    }
  });

  it("checks interface names by bytes (15 max) and forbidden characters", () => {
    expect(isValidIfName("a".repeat(15))).toBe(true);
    expect(isValidIfName("a".repeat(16))).toBe(false);
    expect(isValidIfName("é".repeat(8))).toBe(false); // 16 bytes
    for (const bad of ["a/b", "a:b", "a b", "a%d", ".", "..", ""]) expect(isValidIfName(bad)).toBe(false);
  });

  it("refuses programs outside the allowlist and newlines in arguments", () => {
    expect(() => assertSafeArgv(["sh", "-c", "true"])).toThrow(/not allowed/);
    expect(() => assertSafeArgv(["ip", "link", "add", "a\nb"])).toThrow(/unsafe argument/);
  });

  it("a user's command at the end of nsnet's own argv (the sandbox's `-- CMD…`) may hold newlines; the rest may not", () => {
    const own = ["unshare", "--mount", "--net", "--", "node", "/x/nsnet.cjs", "__sandbox-inner", "/x/f.nsnet", "--"];
    const argv = [...own, "bash", "-c", "echo a\necho b"];
    expect(() => assertSafeArgv(argv)).toThrow(/unsafe argument/);
    expect(() => assertSafeArgv(argv, false, own.length)).not.toThrow();
    expect(() => assertSafeArgv([...argv, "x\0y"], false, own.length)).toThrow(/NUL/);
    const badFile = [...own.slice(0, 7), "/x/a\nb.nsnet", "--", "true"];
    expect(() => assertSafeArgv(badFile, false, badFile.length - 1)).toThrow(/unsafe argument/);
    expect(() => assertSafeArgv(["sh", "-c", "true", "--", "x"], false, 4)).toThrow(/not allowed/);
    expect(() => assertSafeArgv(own, false, own.length)).not.toThrow();
  });

  it("refuses batch text that ip's own tokenizer would reinterpret", () => {
    expect(() => assertSafeBatchText("link add a type veth peer name b\naddr add 192.0.2.1/24 dev a\n")).not.toThrow();
    for (const bad of ["link set x alias a#b", 'link set x alias "q"', "link set x alias a\\b", "link add x'y type bridge"]) {
      expect(() => assertSafeBatchText(bad)).toThrow(UnsafeArgumentError);
    }
  });
});

describe("interactive runs", () => {
  it("a child killed by a signal exits 128 + its number, as a shell reports it", async () => {
    const r = await new ProcessRunner().run([process.execPath, "-e", "process.kill(process.pid, 'SIGTERM')"], { interactive: true });
    expect(r.exitCode).toBe(143);
  });

  it("our own SIGINT handlers are back once the child is done", async () => {
    const before = process.listenerCount("SIGINT");
    await new ProcessRunner().run([process.execPath, "-e", "0"], { interactive: true });
    expect(process.listenerCount("SIGINT")).toBe(before);
  });
});

/**
 * Issue 20 item 0: a user whose LANG/LC_ALL names a locale this machine lacks (ssh forwards
 * them) — perl warned "Setting locale failed" on stderr, which a fan-out read as a batch's
 * failure. Every child nsnet starts speaks C; only the user's own command gets their locale.
 */
describe("children run with LC_ALL=C", () => {
  const saved = { LC_ALL: process.env.LC_ALL, LANG: process.env.LANG };
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  const printEnv = [process.execPath, "-e", "process.stdout.write(JSON.stringify([process.env.LC_ALL, process.env.LANG]))"];

  it("perl, started as nsnet starts a child, prints no locale warning and succeeds", async () => {
    process.env.LC_ALL = "de_DE.UTF-8";
    process.env.LANG = "de_DE.UTF-8";
    try {
      // node stands in for the child (the runner starts perl only as nsnet's helper); perl
      // inherits what the runner gave it
      const perl =
        "const r = require('child_process').spawnSync('perl', ['-e', '1'], { encoding: 'utf8' }); process.stderr.write(r.stderr); process.exit(r.status)";
      const r = await new ProcessRunner().run([process.execPath, "-e", perl]);
      expect(r).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    } finally {
      restore();
    }
  });

  it("collected, interactive and detached children get LC_ALL=C over the caller's env; the user's command gets the locale back", async () => {
    process.env.LC_ALL = "de_DE.UTF-8";
    process.env.LANG = "de_DE.UTF-8";
    try {
      const runner = new ProcessRunner();
      const r = await runner.run(printEnv, { env: { LC_ALL: "fr_FR.UTF-8" } });
      expect(JSON.parse(r.stdout)).toEqual(["C", "de_DE.UTF-8"]);
      const interactive = await runner.run([process.execPath, "-e", "process.exit(process.env.LC_ALL === 'C' ? 0 : 9)"], { interactive: true });
      expect(interactive.exitCode).toBe(0);
      // a nested nsnet (the sandbox's inner half) has what we gave it, and passes the user's
      // locale on to the command the user typed
      const env = childEnv(undefined);
      expect(env.LC_ALL).toBe("C");
      process.env.LC_ALL = env.LC_ALL;
      process.env[USER_LC_ALL_ENV] = env[USER_LC_ALL_ENV];
      const user = await runner.run(printEnv, { userCommand: true });
      expect(JSON.parse(user.stdout)).toEqual(["de_DE.UTF-8", "de_DE.UTF-8"]);
      const dir = mkdtempSync(join(tmpdir(), "nsnet-env-"));
      const log = join(dir, "log");
      await runner.start!(printEnv, { logFile: log });
      await expect.poll(() => readFileSync(log, "utf8"), { timeout: 5000 }).toBe(JSON.stringify(["C", "de_DE.UTF-8"]));
    } finally {
      delete process.env[USER_LC_ALL_ENV];
      restore();
    }
  });

  it("a user without LC_ALL gets it unset again in their own command", () => {
    delete process.env.LC_ALL;
    try {
      const inner = childEnv(undefined);
      expect(inner[USER_LC_ALL_ENV]).toBe("");
      const env = childEnv(inner as Record<string, string>, true);
      expect(env.LC_ALL).toBeUndefined();
      expect(env[USER_LC_ALL_ENV]).toBeUndefined();
    } finally {
      restore();
    }
  });
});
