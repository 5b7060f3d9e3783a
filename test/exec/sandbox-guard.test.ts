import { readlinkSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { assertInPrivateNetns, OUTER_NETNS_ENV, OUTER_PIDNS_ENV, sandboxArgv } from "../../src/exec/sandbox.js";

// The sandbox's inner half is PID 1 of a PID namespace of its own (with its own /proc): PID
// 1's network namespace is then the sandbox's and proves nothing, so the guard must rely on
// the outer half's word — and must still refuse this (the test runner's) namespace.
const saved = { net: process.env[OUTER_NETNS_ENV], pid: process.env[OUTER_PIDNS_ENV] };
afterEach(() => {
  for (const [k, v] of [
    [OUTER_NETNS_ENV, saved.net],
    [OUTER_PIDNS_ENV, saved.pid],
  ] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("nsnet sandbox makes a PID namespace with its own /proc", () => {
  it("unshare is asked for --pid --fork --mount-proc besides --mount --net", () => {
    const argv = sandboxArgv(["x.nsnet"], "/cli");
    expect(argv[0]).toBe("unshare");
    for (const flag of ["--mount", "--net", "--pid", "--fork", "--mount-proc"]) expect(argv).toContain(flag);
    expect(argv.indexOf("--mount-proc")).toBeLessThan(argv.indexOf("--"));
  });

  it("in a PID namespace said to be the sandbox's, the guard still refuses the outer network namespace", async () => {
    process.env[OUTER_PIDNS_ENV] = "pid:[1]";
    process.env[OUTER_NETNS_ENV] = readlinkSync("/proc/self/ns/net");
    await expect(assertInPrivateNetns()).rejects.toThrow(/not inside a private network namespace/);
  });

  it("in a PID namespace said to be the sandbox's, without the outer network namespace's name, it refuses (PID 1 proves nothing)", async () => {
    process.env[OUTER_PIDNS_ENV] = "pid:[1]";
    delete process.env[OUTER_NETNS_ENV];
    await expect(assertInPrivateNetns()).rejects.toThrow(/not inside a private network namespace/);
  });
});
