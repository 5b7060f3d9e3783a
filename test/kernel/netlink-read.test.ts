import { afterAll, describe, expect, it } from "vitest";
import type { LiveState } from "../../src/model/live.js";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

interface Result {
  failed: string[];
  namespaces: number;
  readByNetlink: number;
  counts: Record<string, number>;
  byIp: LiveState;
  byNetlink: LiveState;
  gone: string[];
  goneDirect: [string, boolean | null][];
  goneIp: string[];
  twins: Record<
    "launcher" | "ip",
    { exitCode: number; attributed: boolean; failedLine: string | null; state: { links: unknown[]; addrs: unknown[]; routes: unknown[]; proxies: unknown[] } }
  > & {
    kernel: LiveState;
    refusedLauncher: { exitCode: number; attributed: boolean; failedLine: string | null; stderr: string };
    refusedIp: { exitCode: number; attributed: boolean; failedLine: string | null; stdout: string };
    noDevice: { exitCode: number; attributed: boolean; failedLine: string | null; stderr: string };
  };
  launcher: string;
  launched: { place: string; exitCode: number; attributed: boolean; mtu: number | null; missing: boolean; failedLine: string | null }[];
  lo5: string[];
}

// one scenario run serves both tests
let run: ReturnType<typeof runScenario<Result>> | undefined;
const scenario = () => (run ??= runScenario<Result>("netlink-read", {}, 120_000));

describe.skipIf(!ok)("nsnet's perl programs: the netlink reader and the fan-out's launcher (sandbox)", () => {
  it("reads every namespace in one process and gives exactly what the ip reader gives", async () => {
    const { result: r, stderr } = await scenario();
    expect(r.failed, stderr).toEqual([]);
    expect(r.namespaces).toBe(15);
    // the reader itself read them all (no silent fall-back to ip)
    expect(r.readByNetlink).toBe(15);
    expect(r.counts.proxies).toBe(2);
    expect(r.byNetlink).toEqual(r.byIp);
    // the odd cases are there to be compared
    const c1 = (k: "links" | "routes") => r.byIp[k].filter((x) => x.ns === "c1");
    expect(c1("links").find((l) => "name" in l && l.name === "eth0")).toMatchObject({ alias: 'we"ird\\al ias', mtu: 1301, linkNetnsId: 0 });
    expect(c1("routes")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dst: "203.0.113.64/26", via: "198.51.100.1", onlink: true, proto: "static" }),
        expect.objectContaining({ dst: "198.18.0.0/15", via: "2001:db8:7::1", family: 4 }),
        expect.objectContaining({ dst: "203.0.113.7/32", scope: "link" }),
      ]),
    );
    expect(r.byIp.links.filter((l) => l.kind === "macvlan").map((l) => l.mode)).toEqual(["bridge", "private", "vepa", "source"]);
    expect(r.gone).toEqual(["c3", "c4"]);
    expect(r.goneIp).toEqual(["c3", "c4"]);
    expect(r.goneDirect).toEqual([
      ["c3", true],
      ["nosuch", null],
    ]);
  });

  it("the fan-out's launcher runs each namespace's batch there and says what failed where, as xargs + nsenter did", async () => {
    const { result: r, stderr } = await scenario();
    expect(r.launcher, stderr).toBe("perl");
    expect(r.launched).toEqual([
      { place: "c5", exitCode: 0, attributed: true, mtu: 65000, missing: false, failedLine: null },
      { place: "nosuch", exitCode: 1, attributed: true, mtu: null, missing: true, failedLine: null },
      { place: "c6", exitCode: 0, attributed: true, mtu: 65000, missing: false, failedLine: null },
      { place: "c7", exitCode: 1, attributed: true, mtu: null, missing: false, failedLine: "2" },
    ]);
    expect(r.lo5).toContain("192.0.2.200");
  });

  it("the launcher applies the ops it knows over netlink exactly as ip does, reads back as ip prints, and stops where ip stops", async () => {
    const { result: r, stderr } = await scenario();
    const t = r.twins;
    expect([t.launcher.exitCode, t.ip.exitCode], stderr).toEqual([0, 0]);
    // the twin namespaces differ only in their name, the last number of their addresses, and
    // what comes of their MAC addresses (link-local addresses, ifindexes of the peers)
    const same = (v: unknown) =>
      JSON.parse(
        JSON.stringify(v)
          .replace(/t1/g, "t2")
          .replace(/([.:])51\//g, "$152/"),
        (k, x) =>
          k === "ifindex" || k === "mac" || k === "linkIndex" ? undefined : k === "addrs" ? x.filter((a: { cidr: string }) => !a.cidr.startsWith("fe80:")) : x,
      );
    const inKernel = (ns: string) => ({
      links: t.kernel.links.filter((x) => x.ns === ns),
      addrs: t.kernel.addrs.filter((x) => x.ns === ns),
      routes: t.kernel.routes.filter((x) => x.ns === ns),
      proxies: t.kernel.proxies.filter((x) => x.ns === ns),
    });
    expect(same(inKernel("t1"))).toEqual(same(inKernel("t2")));
    expect(inKernel("t1").routes.length).toBeGreaterThan(4);
    // what each printed as its read-back is what the kernel shows
    expect(t.launcher.state).toMatchObject(inKernel("t1"));
    expect(t.ip.state).toMatchObject(inKernel("t2"));
    expect(same(t.launcher.state)).toEqual(same(t.ip.state));
    // a refused op: line 3, nothing after it printed, by both
    expect(t.refusedLauncher).toMatchObject({ exitCode: 1, attributed: true, failedLine: "3" });
    expect(t.refusedLauncher.stderr).toMatch(/RTNETLINK answers: File exists/);
    expect(t.refusedIp).toMatchObject({ exitCode: 1, attributed: true, failedLine: "3", stdout: "" });
    expect(t.noDevice).toMatchObject({ exitCode: 1, attributed: true, failedLine: "1" });
    expect(t.noDevice.stderr).toContain('Cannot find device "nosuch0"');
  });
});
