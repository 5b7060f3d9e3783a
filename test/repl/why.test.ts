import { describe, expect, it } from "vitest";
import { ReplCore } from "../../src/repl/core.js";
import { classifyInput } from "../../src/repl/input.js";
import { FakeKernel, captureIO } from "./fake-kernel.js";

/** `why` in the REPL, and the reasons `ping`/`pingall` print under a failed probe: the fake
 *  kernel decides what the probes see; the reasons come from nsnet's path walk. */
function setup() {
  const engine = new FakeKernel();
  const io = captureIO();
  return { engine, io, repl: new ReplCore(engine, io) };
}

const ROUTER = `ns r1 <
  veth as h1 peer h1:eth0
  addr 192.0.2.1/24
  veth as h3 peer h3:eth0
  addr 198.51.100.1/24
>`;

describe("why in the REPL", () => {
  it("is a REPL input of its own, never a statement", () => {
    expect(classifyInput("why h1 h3")).toEqual({ kind: "why", a: "h1", b: "h3" });
    expect(classifyInput("why h1")).toMatchObject({ kind: "invalid" });
  });

  it("why h1 h3 prints the walk and the finding at the input that made it, with the fix", async () => {
    const { io, repl } = setup();
    await repl.handle(`${ROUTER}\nns h1 < addr 192.0.2.10/24 on eth0; route default via 192.0.2.1 >\nns h3 < addr 198.51.100.10/24 on eth0 >`);
    io.outText = "";
    expect(await repl.handle("why h1 h3")).toBe(true);
    expect(io.outText).toContain("why h1 → h3 (198.51.100.10), in nsnet's model:");
    expect(io.outText).toContain("  h1    route default via 192.0.2.1 dev eth0, from 192.0.2.10 → r1:h1\n  r1    in h1, ✗ lost here\n");
    expect(io.outText).toContain("<input 1>:1:1: error[NS604]: h1 → h3: 'r1' does not forward packets (net.ipv4.ip_forward is 0)");
    expect(io.outText).toContain(" 1 | ns r1 <");
    expect(io.outText).toContain("hint: add `sysctl net.ipv4.ip_forward = 1` inside `ns r1`");
  });

  it("pingall and ping say why under the matrix instead of a bare --", async () => {
    const { engine, io, repl } = setup();
    engine.reachable = () => false;
    await repl.handle(`${ROUTER}\nns h1 < addr 192.0.2.10/24 on eth0 >\nns h3 < addr 198.51.100.10/24 on eth0; route default via 198.51.100.1 >`);
    io.outText = "";
    await repl.handle("ping h1 h3");
    expect(io.outText).toContain("h1 → h3: 'h1' has no route to 198.51.100.10 (<input 1>:7:1)\n    hint: add `route default via 192.0.2.1` inside `ns h1`");
    expect(io.outText).toContain("h3 → h1: 'r1' does not forward packets (net.ipv4.ip_forward is 0) (<input 1>:1:1)");
    io.outText = "";
    await repl.handle("pingall");
    expect(io.outText).toContain("0/6 reachable\n");
    // the fake kernel answers nothing: where the routes do lead there and back, it says so
    expect(io.outText).toContain("h1 → r1: no answer, though the session's routes lead there and back\n");
    expect(io.outText).toContain(
      "h1 → h3: 'h1' has no route to 198.51.100.10 (<input 1>:7:1)\n    hint: add `route default via 192.0.2.1` inside `ns h1` (r1 is on its link and knows the way)\n",
    );
    expect(io.outText).toContain("h3 → h1: 'r1' does not forward packets (net.ipv4.ip_forward is 0) (<input 1>:1:1)\n");
  });

  it("a probe the walk finds no break for says so", async () => {
    const { engine, io, repl } = setup();
    engine.reachable = () => false;
    await repl.handle("bridge br0\nns a < veth to br0; addr 192.0.2.1/24 >\nns b < veth to br0; addr 192.0.2.2/24 >");
    io.outText = "";
    await repl.handle("ping a b");
    expect(io.outText).toContain("a → b: no answer, though the session's routes lead there and back");
  });

  it("why with an unknown end is refused", async () => {
    const { io, repl } = setup();
    await repl.handle("ns r1");
    expect(await repl.handle("why r1 nowhere")).toBe(false);
    expect(io.errText).toContain("no namespace or address nowhere");
  });
});
