import { describe, expect, it } from "vitest";
import { readByNetlink } from "../../src/exec/netlink-read.js";
import { HELPER_MAIN, helperArgv } from "../../src/exec/helper.js";
import { ProcessRunner, UnsafeArgumentError, assertSafeArgv } from "../../src/exec/runner.js";
import type { Runner } from "../../src/exec/runner.js";

describe("the helper's gate", () => {
  it("lets perl run nsnet's helper, by its path, and nothing else", () => {
    expect(helperArgv()).toEqual(["perl", HELPER_MAIN]);
    expect(() => assertSafeArgv(["perl", HELPER_MAIN])).not.toThrow();
    for (const bad of [
      ["perl", "-e", "print 1"],
      ["perl", HELPER_MAIN, "-e", "print 1"],
      ["perl", "-d", HELPER_MAIN],
      ["perl", `${HELPER_MAIN}.bak`],
      ["perl", "/tmp/nsnet-helper.pl"],
    ]) {
      expect(() => assertSafeArgv(bad), bad.join(" ")).toThrow(UnsafeArgumentError);
    }
  });

  it("refuses a request nsnet does not write before anything starts", async () => {
    for (const input of ["ns c1\nread state\nend\nns ../../etc\nend\n", "ns c1\nop exec 6c73\nend\n", "ns c1\nread state; rm -rf /\nend\n"]) {
      await expect(new ProcessRunner().run(["perl", HELPER_MAIN], { input })).rejects.toThrow(UnsafeArgumentError);
    }
  });
});

describe("readByNetlink", () => {
  const state = { links: [{ name: "lo", ifindex: 1, kind: "loopback", up: true }], addrs: [], routes: [], proxies: [] };

  it("gives each namespace's state, gone as null, and leaves what it could not read to ip", async () => {
    const runner: Runner = {
      async run() {
        return {
          exitCode: 0,
          stdout: [
            { helper: 1 },
            { ns: "a", applied: 0, state },
            { ns: "b", gone: true },
            { ns: "c", applied: 0, stateError: { index: 0, errno: 11, strerror: "Resource temporarily unavailable", detail: "dump interrupted 5 times" } },
          ]
            .map((l) => `${JSON.stringify(l)}\n`)
            .join(""),
          stderr: "",
        };
      },
    };
    const out = await readByNetlink(runner, ["a", "b", "c", "d"], 2);
    expect([...out.keys()]).toEqual(["a", "b"]);
    expect(out.get("a")).toEqual({ ns: "a", links: [{ ns: "a", name: "lo", ifindex: 1, kind: "loopback", up: true }], addrs: [], routes: [], proxies: [] });
    expect(out.get("b")).toBeNull();
  });

  it("a helper that fails fails that call only: the next call asks it again", async () => {
    let calls = 0;
    const runner: Runner = {
      async run() {
        calls++;
        return calls === 1
          ? { exitCode: 1, stdout: "", stderr: "spawn perl ENOENT" }
          : { exitCode: 0, stdout: `${JSON.stringify({ helper: 1 })}\n${JSON.stringify({ ns: "a", applied: 0, state })}\n`, stderr: "" };
      },
    };
    expect((await readByNetlink(runner, ["a"], 2)).size).toBe(0);
    expect((await readByNetlink(runner, ["a"], 2)).size).toBe(1);
    expect(calls).toBe(2);
  });
});
