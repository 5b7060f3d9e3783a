import { describe, expect, it } from "vitest";
import { ProcessRunner, UnsafeArgumentError, assertSafeArgv, assertSafeBatchText, isValidIfName, isValidNsName } from "../../src/exec/runner.js";

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
