import { describe, expect, it } from "vitest";
import type { Op } from "../../src/plan/op.js";
import { effectOf } from "../../src/plan/read.js";
import { awaitVanished, namespacesToRead, planTeardown } from "../../src/exec/teardown.js";
import { undoStep, type UndoStep } from "../../src/exec/undo.js";
import { FakeRunner } from "./fake-runner.js";

let n = 0;
/** The undo step of an op: `text` done in `ns`, undone by `inv`. */
function undo(ns: string, text: string, inv: string, tool: Op["tool"] = "ip", invNs = ns): UndoStep {
  const read = (t: string, at: string) => {
    const e = effectOf({ tool, ns: at, text: t });
    if (!e) throw new Error(`not a text nsnet renders: ${t}`);
    return e;
  };
  const inverse = read(inv, invNs);
  return undoStep({ index: ++n, phase: "host", tool, ns, text, summary: text, effect: read(text, ns), inverse }, inverse);
}

const texts = (steps: UndoStep[]) => steps.map((s) => `${s.step.ns}: ${s.step.text}`);

describe("planTeardown: undo steps the kernel does anyway", () => {
  // the undo of a star of two namespaces, newest first (as down and rollback run it)
  const star = (): UndoStep[] => [
    undo("a", "route add default via 192.0.2.254", "route del default via 192.0.2.254"),
    undo("a", "addr add 192.0.2.1/24 dev eth0", "addr del 192.0.2.1/24 dev eth0"),
    undo("a", "link set lo up", "link set lo down"),
    undo("a", "net.ipv4.conf.all.forwarding=1", "net.ipv4.conf.all.forwarding=0", "sysctl"),
    undo("host", "addr add 192.0.2.254/24 dev br0", "addr del 192.0.2.254/24 dev br0"),
    undo("host", "link set a_v master br0", "link set a_v nomaster"),
    undo("host", "link set uplink0 master br0", "link set uplink0 nomaster"),
    undo("host", "link add a_v type veth peer name eth0 netns a", "link del a_v"),
    undo("host", "link add b_v type veth peer name eth0 netns b", "link del b_v"),
    undo("host", "link add br0 type bridge", "link del br0"),
    undo("host", "route add 203.0.113.0/24 via 192.0.2.1", "route del 203.0.113.0/24 via 192.0.2.1"),
    undo("host", "netns add a", "netns del a"),
  ];

  it("drops what is inside a deleted namespace and what is on a deleted link; leaves veths to their namespace", () => {
    const t = planTeardown(star());
    expect(texts(t.steps)).toEqual([
      "host: link set uplink0 nomaster", // not ours to delete: its state is restored
      "host: link del b_v", // b is not deleted here
      "host: link del br0",
      "host: route del 203.0.113.0/24 via 192.0.2.1", // no device named: cannot tell
      "host: netns del a",
    ]);
    expect(texts(t.vanishing)).toEqual(["host: link del a_v"]);
  });

  it("keeps services, moves back and links inside a deleted namespace", () => {
    const svc: UndoStep = { ...undo("a", '["sleep","9"]', '{"stop":["sleep","9"]}', "service"), service: { ns: "a", argv: ["sleep", "9"], pid: 4242 } };
    const t = planTeardown([
      svc,
      undo("a", "link set x0 netns a name eth1", "link set eth1 netns 1 name x0"),
      undo("a", "link add link eth0 name m0 type macvlan mode bridge", "link del m0"),
      undo("host", "netns add a", "netns del a"),
    ]);
    expect(t.steps).toHaveLength(4);
    expect(t.vanishing).toEqual([]);
  });

  it("without a namespace deletion, every step runs", () => {
    const steps = star().filter((s) => !s.step.text.startsWith("netns del"));
    const t = planTeardown(steps);
    // only the state of links deleted later is dropped
    expect(texts(t.steps)).not.toContain("host: link set a_v nomaster");
    expect(texts(t.steps)).toContain("a: addr del 192.0.2.1/24 dev eth0");
    expect(texts(t.steps)).toContain("host: link del a_v");
    expect(t.vanishing).toEqual([]);
  });
});

describe("awaitVanished", () => {
  const link = (name: string) => ({ ifname: name, ifindex: 1, flags: [] });

  it("returns once the links are gone", async () => {
    let polls = 0;
    const r = new FakeRunner((argv) => {
      if (argv.join(" ") !== "ip -j link show") return undefined;
      polls++;
      return { stdout: JSON.stringify(polls < 3 ? [link("lo"), link("a_v")] : [link("lo")]) };
    });
    const left = await awaitVanished(r, [undo("host", "link add a_v type veth peer name eth0 netns a", "link del a_v")], { pollMs: 1 });
    expect(left).toEqual([]);
    expect(polls).toBe(3);
  });

  it("gives back the steps whose link stays (to be run the ordinary way)", async () => {
    const r = new FakeRunner((argv) => (argv.join(" ") === "ip -j link show" ? { stdout: JSON.stringify([link("a_v")]) } : undefined));
    const step = undo("host", "link add a_v type veth peer name eth0 netns a", "link del a_v");
    expect(await awaitVanished(r, [step], { pollMs: 1, stallMs: 20 })).toEqual([step]);
  });
});

describe("namespacesToRead: what an undo must look at before it runs", () => {
  it("namespaces where a link is deleted, and namespaces deleted (a link of another owner there keeps them)", () => {
    const ops = [
      undo("a", "link add link eth0 name m0 type macvlan mode bridge", "link del m0"),
      undo("b", "link add link eth0 name m1 type macvlan mode bridge", "link del m1"),
      undo("c", "link add link eth0 name m2 type macvlan mode bridge", "link del m2"),
      undo("a", "addr add 192.0.2.1/24 dev eth0", "addr del 192.0.2.1/24 dev eth0"),
      undo("host", "link add br0 type bridge", "link del br0"),
      undo("host", "netns add a", "netns del a"),
      undo("host", "netns add c", "netns del c"),
    ].map((s) => ({ op: s.op, confirmed: s.op.text !== "netns add c" }));
    expect(namespacesToRead(ops)).toEqual(["a", "b", "c"]);
  });
});
