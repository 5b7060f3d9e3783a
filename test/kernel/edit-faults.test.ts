import { describe, expect, it } from "vitest";
import { canSandbox, runScenario } from "./sandbox.js";

/**
 * Every op index of several kinds of edit, and of fresh builds, fails once on purpose
 * (NSNET_FAIL_AT): each time the world after the rollback must equal the world before —
 * including what the kernel removed without being asked (routes with an address, all of a
 * deleted namespace) and the services running. Then the edit applied for real must equal a
 * fresh build of the edited script, and down must leave nothing.
 */
const ok = await canSandbox();

interface EditResult {
  fresh?: { ops: number; runs: Run[] };
  applyFrom: string;
  edit: { ops: number; runs: Run[] };
  applyTo: { status: string; ops: number; failure?: string };
  again: number;
  down1: { status: string; leftovers: string[] };
  freshTo: string;
  editVsFresh: string[];
  down2: { status: string; leftovers: string[]; diff: string[] };
}
interface Run {
  n: number;
  status: string;
  failedOp?: number;
  diff: string[];
  leftovers: string[];
}

const HOST = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
`;
const proxied = (a: string) => `${HOST}ns lxc1 < veth pair; addr 198.51.100.${a}/24; proxyarp on eth0 >
ns lxc2 < veth pair; addr 198.51.100.7/24; proxyarp on eth0 >
`;
/** with c, or without it and with d instead (so ops follow c's removal, and a fault there
 *  makes the rollback build c again) */
const withC = (c: boolean) => `${HOST}bridge br0 < addr 192.0.2.1/24 >
ns a < veth to br0; addr 192.0.2.10/24; route default via 192.0.2.1 >
${
  c
    ? `ns c < veth to br0; addr 192.0.2.12/24; route default via 192.0.2.1; sysctl net.ipv4.ip_forward = 1
  veth pair cx as e1; addr 203.0.113.1/26 on e1; nat from e1 to eth0 >
run in c sleep 1000
`
    : "ns d < veth to br0; addr 192.0.2.13/24 >\n"
}`;
const port = (bridge: string) => `${HOST}bridge br0 < addr 192.0.2.1/24 >
bridge br1 < addr 203.0.113.129/25 >
ns a < veth to ${bridge}; addr 192.0.2.10/24 >
`;
const withService = (argv: string) => `${HOST}ns s < veth pair; addr 198.51.100.9/24; proxyarp on eth0 >
run in s ${argv}
`;

function expectClean(r: EditResult, editOps: number): void {
  expect(r.applyFrom).toBe("ok");
  expect(r.edit.ops).toBe(editOps);
  for (const run of [...(r.fresh?.runs ?? []), ...r.edit.runs]) {
    expect(run, JSON.stringify(run)).toEqual({ n: run.n, status: "rolled-back", failedOp: run.n, diff: [], leftovers: [] });
  }
  expect(r.applyTo).toEqual({ status: "ok", ops: editOps });
  expect(r.again).toBe(0);
  expect(r.down1).toEqual({ status: "ok", leftovers: [] });
  expect(r.freshTo).toBe("ok");
  expect(r.editVsFresh).toEqual([]);
  expect(r.down2).toEqual({ status: "ok", leftovers: [], diff: [] });
}

const run = (args: object) => runScenario<EditResult>("edits", args, 600_000, { dist: true });

describe.skipIf(!ok)("rollback at every op index of edits (sandbox)", () => {
  it("a proxy-ARP namespace's address changes (its routes go with the old address)", async () => {
    const { result: r } = await run({ from: proxied("3"), to: proxied("4") });
    expectClean(r, 7);
  }, 600_000);

  it("a namespace with a service, a firewall table and a sysctl is removed (another added), and the fresh build", async () => {
    const { result: r } = await run({ from: withC(true), to: withC(false), fresh: true, sysctls: [["c", "net.ipv4.ip_forward"]] });
    // the fresh build: every op of a script with a bridge, veths, routes, a sysctl, nft, a service
    expect(r.fresh!.ops).toBeGreaterThan(25);
    // d's ops include the mark on its lo that proves the namespace ours
    expectClean(r, 12);
  }, 600_000);

  it("a service's command changes", async () => {
    const { result: r } = await run({ from: withService("sleep 1000"), to: withService("sleep 2000") });
    expectClean(r, 2);
  }, 600_000);

  it("a bridge port moves to another bridge", async () => {
    const { result: r } = await run({ from: port("br0"), to: port("br1") });
    expectClean(r, 2);
  }, 600_000);
});
