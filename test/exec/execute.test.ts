import { mkdtemp, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { execute } from "../../src/exec/execute.js";
import { StateStore } from "../../src/exec/state-store.js";
import type { Op } from "../../src/plan/op.js";
import { opFromText } from "../plan/op-from-text.js";
import { FakeRunner } from "./fake-runner.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nsnet-exec-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function op(index: number, phase: Op["phase"], ns: string, text: string, inv: string | null, tool: Op["tool"] = "ip"): Op {
  return opFromText(index, phase, ns, text, { tool, inverse: inv });
}

const OPS: Op[] = [
  op(1, "host", "host", "netns add a", "netns del a"),
  op(2, "host", "host", "link add v0 type veth peer name eth0 netns a", "link del v0"),
  op(3, "host", "host", "link set v0 up", "link set v0 down"),
  op(4, "namespaces", "a", "addr add 192.0.2.1/24 dev eth0", "addr del 192.0.2.1/24 dev eth0"),
  op(5, "namespaces", "a", "link set eth0 up", null),
];

describe("execute (fake kernel)", () => {
  it("sends one ip -batch per place and phase, in phase order", async () => {
    const r = new FakeRunner();
    const res = await execute(OPS, r, { project: "t", stateDir: dir, verify: () => [] });
    // the fake kernel shows nothing, so the built-in verification must fail and roll back
    expect(res.status).toBe("rolled-back");
    if (res.status !== "rolled-back") return;
    expect(res.failure.mismatches).toContain("expected: namespace a");
    // each place read back in the process that changed it: the host's dumps (with the
    // namespace list) after the host batch, which nothing later can change
    expect(r.batches.slice(0, 2).map((c) => [c.argv.join(" "), c.input, c.dumps.join(",")])).toEqual([
      [
        "ip -d -j -batch -",
        "netns add a\nlink add v0 type veth peer name eth0 netns a\nlink set v0 up\n",
        "link show,addr show,route show table all,neigh show proxy,netns list",
      ],
      [
        "nsenter --net=/run/netns/a -- ip -d -j -batch -",
        "addr add 192.0.2.1/24 dev eth0\nlink set eth0 up\n",
        "link show,addr show,route show table all,neigh show proxy",
      ],
    ]);
    // undo: reverse order, batched per place, ops with no inverse skipped; what goes with
    // namespace a (its address, the veth with an end in it, v0's state) is left to its deletion
    expect(r.batches.slice(2).map((c) => [c.argv.join(" "), c.input])).toEqual([["ip -batch -", "netns del a\n"]]);
  });

  it("blames the line ip names, undoes only the lines before it", async () => {
    const r = new FakeRunner((argv, input) =>
      argv.includes("-batch") && input?.startsWith("netns add a") ? { exitCode: 1, stderr: "RTNETLINK answers: File exists\nCommand failed -:2\n" } : undefined,
    );
    const res = await execute(OPS, r, { project: "t", stateDir: dir });
    expect(res.status).toBe("rolled-back");
    if (res.status !== "rolled-back") return;
    expect(res.failure.op?.index).toBe(2);
    expect(res.failure.message).toBe("RTNETLINK answers: File exists");
    expect(r.batches.map((c) => c.input)).toEqual(["netns add a\nlink add v0 type veth peer name eth0 netns a\nlink set v0 up\n", "netns del a\n"]);
    expect(existsSync(join(dir, "t", "journal.json"))).toBe(false);
  });

  it("injects a fault at op N: sends the batch up to N-1, then fails N", async () => {
    const r = new FakeRunner();
    const res = await execute(OPS, r, { project: "t", stateDir: dir, failAt: 4 });
    expect(res.status === "rolled-back" && res.failure.message).toBe("injected failure at op 4 (NSNET_FAIL_AT=4)");
    expect(r.batches.map((c) => c.input)).toEqual(["netns add a\nlink add v0 type veth peer name eth0 netns a\nlink set v0 up\n", "netns del a\n"]);
  });

  it("keeps undoing after an undo fails and reports what is left with the command to remove it", async () => {
    const ops = [
      ...OPS.slice(0, 1),
      op(2, "host", "host", "link add br0 type bridge", "link del br0"),
      ...OPS.slice(1).map((o) => ({ ...o, index: o.index + 1 })),
    ];
    const r = new FakeRunner((_argv, input) => {
      if (input === "link del br0\nnetns del a\n") return { exitCode: 1, stderr: "RTNETLINK answers: Operation not permitted\nCommand failed -:1\n" };
      return undefined;
    });
    const res = await execute(ops, r, { project: "t", stateDir: dir, failAt: 5 });
    expect(res.status).toBe("rollback-incomplete");
    if (res.status !== "rollback-incomplete") return;
    expect(res.left.map((l) => [l.op.index, l.command, l.error])).toEqual([[2, "ip link del br0", "RTNETLINK answers: Operation not permitted"]]);
    // the rest after the failed line was still sent
    expect(r.batches.at(-1)!.input).toBe("netns del a\n");
    const state = await new StateStore("t", dir).readState();
    expect(state.applied.map((o) => o.index)).toEqual([2]);
  });

  it("an empty plan changes nothing and needs no kernel", async () => {
    const r = new FakeRunner();
    expect(await execute([], r, { project: "t", stateDir: dir })).toEqual({ status: "ok", changed: 0 });
    expect(r.calls).toEqual([]);
  });

  it("refuses to start over a crashed run's journal", async () => {
    const s = new StateStore("t", dir);
    await s.writeJournal({ version: 1, project: "t", startedAt: "x", attempted: [] });
    await expect(execute(OPS, new FakeRunner(), { project: "t", stateDir: dir })).rejects.toThrow(/did not finish/);
  });
});
