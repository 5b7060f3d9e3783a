import { describe, expect, it } from "vitest";
import { parseReaderOutput, readByNetlink, readerArgv, resetNetlinkReader } from "../../src/exec/netlink-read.js";
import { NETLINK_READER } from "../../src/exec/netlink-script.js";
import { ProcessRunner, UnsafeArgumentError, assertSafeArgv } from "../../src/exec/runner.js";
import type { Runner } from "../../src/exec/runner.js";

describe("the netlink reader's gate", () => {
  it("lets perl run nsnet's reader and nothing else", () => {
    expect(() => assertSafeArgv(["perl", "-e", NETLINK_READER, "308"])).not.toThrow();
    expect(() => assertSafeArgv(["perl", "-e", "print 1", "308"])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["perl", "-e", NETLINK_READER, "308; rm"])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["perl", "-e", NETLINK_READER])).toThrow(UnsafeArgumentError);
    expect(() => assertSafeArgv(["perl", NETLINK_READER, "-e", "308"])).toThrow(UnsafeArgumentError);
  });

  it("refuses a bad namespace name on its stdin before anything starts", async () => {
    await expect(new ProcessRunner().run(readerArgv("x64")!, { input: "c1\n../../etc\n" })).rejects.toThrow(UnsafeArgumentError);
  });

  it("knows the setns number of the architectures it runs on, and says so when it does not", () => {
    expect(readerArgv("x64")?.[3]).toBe("308");
    expect(readerArgv("arm64")?.[3]).toBe("268");
    expect(readerArgv("mips")).toBeNull();
  });
});

describe("the reader's output", () => {
  it("becomes place states; gone is null; an error line leaves the namespace to ip", () => {
    const out = parseReaderOutput(
      [
        JSON.stringify({
          ns: "a",
          links: [{ name: "lo", ifindex: 1, kind: "loopback", up: true, alias: "nsnet:p", mtu: 65536, mac: "00:00:00:00:00:00" }],
          addrs: [{ dev: "lo", cidr: "127.0.0.1/8" }],
          routes: [{ dst: "default", family: 4, via: "192.0.2.1", dev: "eth0", onlink: true, proto: "static" }],
          proxies: [{ addr: "192.0.2.9", dev: "eth0" }],
        }),
        JSON.stringify({ ns: "b", gone: 1 }),
        JSON.stringify({ ns: "c", error: "setns: Invalid argument" }),
        "",
      ].join("\n"),
    );
    expect([...out.keys()]).toEqual(["a", "b"]);
    expect(out.get("b")).toBeNull();
    expect(out.get("a")).toEqual({
      ns: "a",
      links: [{ ns: "a", name: "lo", ifindex: 1, kind: "loopback", up: true, alias: "nsnet:p", mtu: 65536, mac: "00:00:00:00:00:00" }],
      addrs: [{ ns: "a", dev: "lo", cidr: "127.0.0.1/8" }],
      routes: [{ ns: "a", dst: "default", family: 4, via: "192.0.2.1", dev: "eth0", onlink: true, proto: "static" }],
      proxies: [{ ns: "a", addr: "192.0.2.9", dev: "eth0" }],
    });
  });

  it("throws on anything else (the whole output is then not used)", () => {
    expect(() => parseReaderOutput("not json\n")).toThrow();
    expect(() => parseReaderOutput(`${JSON.stringify({ ns: "a", links: [{ name: 1 }], addrs: [], routes: [], proxies: [] })}\n`)).toThrow();
    expect(() => parseReaderOutput(`${JSON.stringify({ ns: "a", links: [], addrs: [], routes: [{ dst: "x", family: 5 }], proxies: [] })}\n`)).toThrow();
  });

  it("a reader that cannot run (no perl) reads nothing, once, and the caller falls back to ip", async () => {
    resetNetlinkReader();
    let calls = 0;
    const runner: Runner = {
      async run() {
        calls++;
        return { exitCode: 1, stdout: "", stderr: "spawn perl ENOENT" };
      },
    };
    expect((await readByNetlink(runner, ["a", "b"], 2)).size).toBe(0);
    expect((await readByNetlink(runner, ["a", "b"], 2)).size).toBe(0);
    expect(calls).toBe(2); // two groups the first time, none after
    resetNetlinkReader();
  });
});
