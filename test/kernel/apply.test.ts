import { afterAll, describe, expect, it } from "vitest";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

interface ApplyResult {
  faults?: { n: number; status: string; failedOp?: number; diff: string[]; journal: boolean; applied: number }[];
  apply: { status: string; changed: number };
  live: {
    namespaces: string[];
    links: { ns: string; name: string; kind: string; alias: string | null; master: string | null; up: boolean }[];
    addrs: { ns: string; dev: string; cidr: string }[];
    routes: { ns: string; dst: string; via: string | null; dev: string | null }[];
    proxies: { ns: string; addr: string; dev: string }[];
    sysctls: Record<string, Record<string, string>>;
  };
  state: { applied: number; originals: Record<string, Record<string, string>>; sysctlInverse: (string | null)[] };
  ping: number;
  pingMissing: number;
  reapply: { status: string; changed: number; diff: string[] };
  down: { undone: number; skipped: string[]; left: string[] };
  afterDown: { namespaces: string[]; links: string[]; ipForward: Record<string, string> };
  finalState: number;
}

describe.skipIf(!ok)("execute in a sandbox", () => {
  it("applies, reads back, carries traffic, re-applies nothing, and downs without touching a look-alike", async () => {
    const { result: r } = await runScenario<ApplyResult>("apply", {});
    expect(r.apply).toMatchObject({ status: "ok", changed: 25 });
    expect(r.live.namespaces).toEqual(["a", "b"]);
    expect(r.live.links).toContainEqual({ ns: "host", name: "br0", kind: "bridge", alias: "nsnet:kt", master: null, up: true });
    expect(r.live.links).toContainEqual({ ns: "host", name: "a_veth0", kind: "veth", alias: "nsnet:kt", master: "br0", up: true });
    expect(r.live.links).toContainEqual({ ns: "b", name: "eth0", kind: "veth", alias: null, master: null, up: true });
    expect(r.live.addrs).toContainEqual({ ns: "a", dev: "eth0", cidr: "192.0.2.1/24" });
    expect(r.live.addrs).toContainEqual({ ns: "host", dev: "br0", cidr: "192.0.2.254/24" });
    expect(r.live.routes).toContainEqual({ ns: "a", dst: "198.51.100.0/24", via: "192.0.2.254", dev: "eth0" });
    expect(r.live.routes).toContainEqual({ ns: "host", dst: "203.0.113.0/24", via: "192.0.2.1", dev: "br0" });
    expect(r.live.proxies).toContainEqual({ ns: "host", addr: "192.0.2.77", dev: "br0" });
    expect(r.live.sysctls).toEqual({ host: { "net.ipv4.ip_forward": "1" }, a: { "net.ipv4.conf.all.forwarding": "1" } });
    expect(r.state.applied).toBe(25);
    expect(r.state.originals).toEqual({ host: { "net.ipv4.ip_forward": "0" }, a: { "net.ipv4.conf.all.forwarding": "0" } });
    // restored in whatever order the undo runs; both must be there
    expect([...r.state.sysctlInverse].sort()).toEqual(["net.ipv4.ip_forward=0", "net.ipv4.conf.all.forwarding=0"].sort());
    expect(r.ping).toBe(0);
    expect(r.pingMissing).not.toBe(0);
    expect(r.reapply).toEqual({ status: "ok", changed: 0, diff: [] });
    // the look-alike br0 (no alias) stays; everything of ours is gone; ip_forward restored
    expect(r.down.skipped).toEqual(["host:br0 (alias none)"]);
    expect(r.down.left).toEqual([]);
    expect(r.afterDown.namespaces).toEqual([]);
    expect(r.afterDown.links.sort()).toEqual(["host:br0:", "host:lo:"]);
    expect(r.afterDown.ipForward).toEqual({ "net.ipv4.ip_forward": "0" });
    expect(r.finalState).toBe(0);
  });

  it("rolls back to exactly the previous world when any op fails (NSNET_FAIL_AT at every index)", async () => {
    const { result: r } = await runScenario<ApplyResult>("apply", { faults: true }, 300_000);
    expect(r.faults).toHaveLength(25);
    for (const f of r.faults!) {
      expect({ n: f.n, status: f.status, failedOp: f.failedOp, diff: f.diff, journal: f.journal, applied: f.applied }).toEqual({
        n: f.n,
        status: "rolled-back",
        failedOp: f.n,
        diff: [],
        journal: false,
        applied: 0,
      });
    }
    expect(r.apply.status).toBe("ok");
  }, 300_000);
});
