import { describe, expect, it } from "vitest";
import { ReplCore } from "../../src/repl/core.js";
import { FakeKernel, captureIO } from "./fake-kernel.js";

/**
 * Issue 20 item 1 in the REPL: the demo's h2 holds 192.0.2.3 from `pool lab`. A statement
 * giving another namespace that address is refused and changes nothing; a statement that
 * does move h2 (its own interface takes the address statically) is undone exactly: `.undo`
 * puts every address back where it was, not only the statement's own.
 */
const SESSION = [
  "pool lab 192.0.2.0/24",
  "bridge br0 < addr 192.0.2.1/24 >",
  ...[1, 2, 3].map((i) => `ns h${i} < veth to br0; addr auto from lab; route default via 192.0.2.1 >`),
];

async function lab() {
  const engine = new FakeKernel();
  const io = captureIO();
  const repl = new ReplCore(engine, io);
  for (const s of SESSION) expect(await repl.handle(s), io.errText).toBe(true);
  const addrsOf = (ns: string) =>
    engine.live_.addrs
      .filter((a) => a.ns === ns && a.dev === "eth0")
      .map((a) => a.cidr)
      .sort();
  return { engine, io, repl, addrsOf };
}

describe("sticky addresses in the REPL", () => {
  it("a new namespace with h2's address is refused with NS415; nothing changes", async () => {
    const { engine, io, repl, addrsOf } = await lab();
    expect(addrsOf("h2")).toEqual(["192.0.2.3/24"]);
    const live = structuredClone(engine.live_);
    const allocations = structuredClone(engine.allocations);
    expect(await repl.handle("ns h5 < veth to br0; addr 192.0.2.3/24 >")).toBe(false);
    expect(io.errText).toContain("error[NS415]: 192.0.2.3 is taken: pool lab handed it out to h2:eth0 (192.0.2.3/24), which keeps it");
    expect(io.errText).toContain("nothing changed");
    expect(engine.live_).toEqual(live);
    expect(engine.allocations).toEqual(allocations);
    expect(repl.accepted).toEqual(SESSION);
  });

  it(".undo of a statement that moved h2 puts h2 back on its address", async () => {
    const { engine, io, repl, addrsOf } = await lab();
    const allocations = structuredClone(engine.allocations);
    // h2's own interface takes .3 as a static address: h2's `addr auto` moves (NS412, an info)
    expect(await repl.handle("host < addr 192.0.2.3/24 on h2:eth0 >"), io.errText).toBe(true);
    expect(addrsOf("h2")).toEqual(["192.0.2.3/24", "192.0.2.5/24"]);
    expect(await repl.handle(".undo"), io.errText).toBe(true);
    expect(addrsOf("h2")).toEqual(["192.0.2.3/24"]);
    expect(engine.allocations).toEqual(allocations);
    expect(repl.accepted).toEqual(SESSION);
  });
});
