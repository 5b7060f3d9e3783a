import { afterAll, describe, expect, it } from "vitest";
import type { LiveState } from "../../src/model/live.js";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

type Failure = { index: number; errno: number; strerror: string; detail?: string; extack?: string; exit?: number; output?: string };
type Record_ = { ns: string; applied: number; failed?: Failure; state?: { links: unknown[]; addrs: unknown[]; routes: unknown[]; proxies: unknown[] } };

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
  helper: string | null;
  twins: {
    helper: Record_;
    ipExit: number;
    ipStderr: string;
    kernel: LiveState;
    flood: (boolean | null)[];
    refusedHelper: Record_;
    refusedIp: { status: number; stderr: string };
    refusedUp: boolean[];
    noDevice: Record_;
  };
  sysctl: { write: Record_; read: Record<string, Record<string, string>>; oracle: string[]; hostBefore: string; hostAfter: string };
  nft: { ok: Record_; bad: Record_; t1: string; t2: string; host: string };
  hostile: Record<string, Failure>;
  hostLoUp: boolean;
  noisy: { status: string; changed: number | null; failure: unknown; helperRuns: number; addrs: string[]; forwarding: Record<string, string> };
}

// one scenario run serves both tests
let run: ReturnType<typeof runScenario<Result>> | undefined;
const scenario = () => (run ??= runScenario<Result>("netlink-read", {}, 120_000));

describe.skipIf(!ok)("nsnet's helper against ip, the oracle (sandbox)", () => {
  it("reads every namespace in one process and gives exactly what the ip reader gives", async () => {
    const { result: r, stderr } = await scenario();
    expect(r.failed, stderr).toEqual([]);
    expect(r.namespaces).toBe(15);
    // the helper itself read them all (no silent fall-back to ip)
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

  it("the helper applies each op as ip does: twin namespaces end the same, and its read-back is what the kernel shows", async () => {
    const { result: r, stderr } = await scenario();
    const t = r.twins;
    expect(r.helper, stderr).toBe("perl");
    expect([t.helper.applied, t.helper.failed, t.ipExit, t.ipStderr], stderr).toEqual([24, undefined, 0, ""]);
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
    expect(inKernel("t1").routes.length).toBeGreaterThan(5);
    expect(inKernel("t1").proxies).toHaveLength(2);
    expect(inKernel("t1").links.find((l) => l.name === "p1")).not.toHaveProperty("master");
    // the port's multicast flooding held off by both
    expect(t.flood).toEqual([false, false]);
    // what the helper read back after its ops is what the kernel shows
    expect({ ...t.helper.state, ns: undefined }).toMatchObject(
      JSON.parse(JSON.stringify({ ...inKernel("t1"), ns: undefined }), (k, x) => (k === "ns" ? undefined : x)),
    );
  });

  it("a refused op stops the helper where ip stops, with the kernel's errno and extended ACK; a missing device is named", async () => {
    const { result: r, stderr } = await scenario();
    const t = r.twins;
    expect(t.refusedHelper, stderr).toMatchObject({ applied: 2, failed: { index: 3, errno: 17, strerror: "File exists" } });
    expect(t.refusedHelper.failed!.extack ?? "").toMatch(/already/i);
    // nothing after the failed op ran, nor the read
    expect(t.refusedHelper.state).toBeUndefined();
    expect(t.refusedIp.status).toBe(1);
    expect(t.refusedIp.stderr).toMatch(/Command failed -:3/);
    expect(t.refusedUp).toEqual([false, false]);
    expect(t.noDevice).toMatchObject({ applied: 0, failed: { index: 1, errno: 19, detail: 'Cannot find device "nosuch0"' } });
  });

  it("a FIFO, a symlink or a plain file in /run/netns is not entered, and does not hang the helper", async () => {
    const { result: r, stderr } = await scenario();
    expect(r.hostile, stderr).toEqual({
      fifo: { index: 0, errno: 22, strerror: "Invalid argument", detail: "cannot open /run/netns/fifo" },
      link: { index: 0, errno: 22, strerror: "Invalid argument", detail: "cannot open /run/netns/link" },
      plain: { index: 0, errno: 22, strerror: "Invalid argument", detail: "cannot enter /run/netns/plain" },
    });
    // the sandbox's own lo (which the symlink leads to) was not brought down
    expect(r.hostLoUp).toBe(true);
  });

  it("sysctls are written and read in the namespace's /proc/sys, nft rulesets applied there, nothing on the host", async () => {
    const { result: r, stderr } = await scenario();
    expect(r.sysctl.write, stderr).toMatchObject({ applied: 1, failed: { index: 2, errno: 2 } });
    expect(r.sysctl.read).toEqual({ t1: { "net.ipv4.conf.eth0.forwarding": "1" }, t2: { "net.ipv4.conf.eth0.forwarding": "0" } });
    expect(r.sysctl.oracle).toEqual(["1", "0"]);
    expect(r.sysctl.hostAfter).toBe(r.sysctl.hostBefore);
    expect(r.nft.ok).toMatchObject({ applied: 1 });
    expect(r.nft.ok.failed).toBeUndefined();
    expect(r.nft.bad).toMatchObject({ applied: 0, failed: { index: 1, exit: 1 } });
    expect(r.nft.bad.failed!.output).toMatch(/Error/);
    expect([r.nft.t1, r.nft.t2, r.nft.host]).toEqual(["table inet nsnet_twin", "", ""]);
  });

  it("an apply whose helpers say anything on stderr, under a locale this machine lacks, is not rolled back", async () => {
    const { result: r, stderr } = await scenario();
    const n = r.noisy;
    expect(n.failure, stderr).toBeNull();
    expect(n.status).toBe("ok");
    expect(n.changed).toBe(9 * 2 + 9 * 3 + 9);
    // the namespaces' batches and sysctls went through the helper, noise and all
    expect(n.helperRuns).toBeGreaterThanOrEqual(2);
    expect(n.addrs.filter((a) => a.startsWith("n"))).toEqual(["n1 198.51.100.11/24", "n9 198.51.100.19/24"]);
    expect(n.forwarding).toEqual({ "net.ipv4.conf.all.forwarding": "1" });
  });
});
