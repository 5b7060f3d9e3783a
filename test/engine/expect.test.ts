import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { runExpectations } from "../../src/engine/expect.js";
import { FakeRunner } from "../exec/fake-runner.js";

/** runExpectations with a fake runner: what it asks the kernel, what it makes of the answers. */
const lab = (name: string, v: string) => readFileSync(`examples/labs/${name}/${v}.nsnet`, "utf8");
const compile = (text: string) => compileWithFsLoader(text, "t.nsnet").addressed!;
const pings = (r: FakeRunner) => r.calls.filter((c) => c.argv.includes("ping"));

describe("expect: failures the script proves are not retried", () => {
  it("a ping the path walk finds broken runs once and says why, at the line to change", async () => {
    const runner = new FakeRunner((argv) => (argv.includes("ping") ? { exitCode: 1 } : undefined));
    const t0 = Date.now();
    const [r] = await runExpectations(compile(`${lab("router", "start")}expect h1 reaches h3 points 3\n`), runner);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(pings(runner)).toHaveLength(1);
    expect(r).toMatchObject({ ok: false, proven: true, points: 3, text: "expect h1 reaches h3" });
    expect(r!.detail).toBe("198.51.100.10 unreachable: h1 → h3: 'h1' has no route to 198.51.100.10 (t.nsnet:17:1)");
    expect(r!.reason).toMatchObject({ code: "NS601", span: { start: { line: 17 } } });
  });

  it("a ping the model says should arrive is retried for the settle time (a service may be starting)", async () => {
    const runner = new FakeRunner((argv) => (argv.includes("ping") ? { exitCode: 1 } : undefined));
    const [r] = await runExpectations(compile(`${lab("router", "solution")}expect h1 reaches h3\n`), runner);
    expect(r).toMatchObject({ ok: false });
    expect(r!.proven).toBeUndefined();
    expect(pings(runner).length).toBeGreaterThan(5);
  }, 10_000);

  it("via: traced with ping's TTL; a router of the path answers from its address", async () => {
    const runner = new FakeRunner((argv) => {
      if (!argv.includes("ping")) return undefined;
      const ttl = argv.includes("-t") ? Number(argv[argv.indexOf("-t") + 1]) : 64;
      return ttl >= 2
        ? { exitCode: 0, stdout: "64 bytes from 198.51.100.10: icmp_seq=1 ttl=63 time=0.05 ms\n" }
        : { exitCode: 1, stdout: "From 192.0.2.1 icmp_seq=1 Time to live exceeded\n" };
    });
    const [r] = await runExpectations(compile(`${lab("router", "solution")}expect h1 reaches h3 via r1\n`), runner);
    expect(r).toMatchObject({ ok: true, detail: "reached 198.51.100.10 through r1: 192.0.2.1 (r1) → 198.51.100.10" });
    const [no] = await runExpectations(compile(`${lab("router", "solution")}expect h1 reaches h3 via h3\n`), runner);
    expect(no).toMatchObject({ ok: false, proven: true, detail: "the path is h1 → r1 → h3, not through h3" });
  });

  it("route: read from the namespace's table, host routes without their /32", async () => {
    const table = JSON.stringify([
      { dst: "default", gateway: "192.0.2.1", dev: "eth0" },
      { dst: "192.0.2.0/24", dev: "eth0", protocol: "kernel" },
      { dst: "198.51.100.7", gateway: "192.0.2.3", dev: "eth0" },
    ]);
    const runner = new FakeRunner((argv) => (argv.includes("route") ? { stdout: table } : undefined));
    const checks = `expect h1 route default via 192.0.2.1
expect h1 route default via 192.0.2.9
expect h1 route 198.51.100.7/32 via 192.0.2.3 dev eth0
expect h1 route 203.0.113.0/24 points 4
`;
    const rs = await runExpectations(compile(lab("router", "solution") + checks), runner);
    expect(rs.map((r) => [r.ok, r.detail, r.points])).toEqual([
      [true, "h1 has default via 192.0.2.1 dev eth0", 1],
      [false, "h1 has default via 192.0.2.1 dev eth0", 1],
      [true, "h1 has 198.51.100.7 via 192.0.2.3 dev eth0", 1],
      [false, "h1 has no route 203.0.113.0/24", 4],
    ]);
    expect(runner.calls.every((c) => !c.argv.includes("ping"))).toBe(true);
    expect(runner.calls[0]!.argv).toEqual(["ip", "-j", "-n", "h1", "route", "show"]);
  });

  it("command: run in the namespace with names as addresses; stdout matched; not retried without services", async () => {
    const runner = new FakeRunner((argv) => (argv.includes("cat") ? { stdout: "hello\x1b[2J world\n" } : { exitCode: 1, stdout: "" }));
    const [ok, bad] = await runExpectations(compile(`${lab("router", "solution")}expect h1: cat h3 matches /HELLO/i\nexpect h1: cat matches /bye/\n`), runner);
    expect(runner.calls[0]!.argv).toEqual(["ip", "netns", "exec", "h1", "cat", "198.51.100.10"]);
    expect(ok).toMatchObject({ ok: true });
    expect(bad).toMatchObject({ ok: false, detail: "output does not match /bye/: hello\\x1b[2J world" });
    expect(runner.calls.filter((c) => c.argv.includes("cat"))).toHaveLength(2);
  });
});
