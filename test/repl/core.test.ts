import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReplCore } from "../../src/repl/core.js";
import { FakeEngine, captureIO } from "./fake-engine.js";

function setup() {
  const engine = new FakeEngine();
  const io = captureIO();
  return { engine, io, repl: new ReplCore(engine, io) };
}

describe("ReplCore statements", () => {
  it("applies each statement as the whole session, keeping only accepted ones", async () => {
    const { engine, io, repl } = setup();
    expect(await repl.handle("ns h1 < addr 192.0.2.1/24 >")).toBe(true);
    expect(await repl.handle("ns h2 < addr 192.0.2.2/24 >")).toBe(true);
    expect(repl.accepted).toEqual(["ns h1 < addr 192.0.2.1/24 >", "ns h2 < addr 192.0.2.2/24 >"]);
    expect(engine.upCalls.at(-1)).toBe("ns h1 < addr 192.0.2.1/24 >\nns h2 < addr 192.0.2.2/24 >");
    expect(io.outText).toContain("create namespace h2");
    expect(io.outText).toMatch(/ok: 1 op in/);
  });

  it("a mistake is shown with its caret and suggestion, changes nothing, and work goes on", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    const upsBefore = engine.upCalls.length;
    expect(await repl.handle("nss h2")).toBe(false);
    expect(engine.upCalls.length).toBe(upsBefore);
    expect(io.errText).toContain("<repl>:2:1: error[NS101]: unknown statement 'nss'");
    expect(io.errText).toContain(" 2 | nss h2\n   | ^^^");
    expect(io.errText).toContain("did you mean `ns`?");
    expect(repl.accepted).toEqual(["ns h1"]);
    expect(await repl.handle("ns h2")).toBe(true);
    expect(repl.accepted).toEqual(["ns h1", "ns h2"]);
    expect(repl.failures).toBe(1);
  });

  it("a statement whose apply is rolled back is not kept", async () => {
    const { io, repl } = setup();
    await repl.handle("ns h1");
    expect(await repl.handle("boom")).toBe(false);
    expect(io.errText).toContain("File exists");
    expect(io.errText).toContain("rolled back");
    expect(repl.accepted).toEqual(["ns h1"]);
  });

  it("shows only the new statement's warnings", async () => {
    const { io, repl } = setup();
    await repl.handle("warn");
    expect(io.errText.match(/a warning/g)?.length).toBe(1);
    await repl.handle("ns h1");
    expect(io.errText.match(/a warning/g)?.length).toBe(1);
  });

  it("never dies on an engine that throws", async () => {
    const { engine, io, repl } = setup();
    engine.up = async () => {
      throw new Error("kaput");
    };
    expect(await repl.handle("ns h1")).toBe(false);
    expect(io.errText).toContain("internal error: kaput");
    expect(await repl.handle(".help")).toBe(true);
  });
});

describe("ReplCore dot-commands", () => {
  it(".undo drops the last statement and ups the rest", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    await repl.handle("ns h2");
    expect(await repl.handle(".undo")).toBe(true);
    expect(repl.accepted).toEqual(["ns h1"]);
    expect([...engine.applied]).toEqual(["h1"]);
    expect(io.outText).toContain("delete namespace h2");
    expect(io.outText).toContain("undone: ns h2");
    await repl.handle(".undo");
    await repl.handle(".undo");
    expect(io.outText).toContain("nothing to undo");
  });

  it(".dry stages, .plan shows, .apply flushes", async () => {
    const { engine, io, repl } = setup();
    await repl.handle(".dry on");
    await repl.handle("ns h1");
    await repl.handle("ns h2");
    expect(engine.upCalls).toEqual([]);
    expect(repl.staged).toEqual(["ns h1", "ns h2"]);
    await repl.handle(".plan");
    expect(io.outText).toContain("1. [host] create namespace h1");
    expect(io.outText).toContain("2 ops");
    await repl.handle(".undo");
    expect(repl.staged).toEqual(["ns h1"]);
    expect(await repl.handle(".apply")).toBe(true);
    expect(repl.staged).toEqual([]);
    expect(repl.accepted).toEqual(["ns h1"]);
    expect([...engine.applied]).toEqual(["h1"]);
  });

  it(".save writes the accepted session through the formatter; .load applies a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-repl-"));
    const { engine, repl } = setup();
    await repl.handle("ns   h1");
    await repl.handle("nss h9");
    await repl.handle("ns h2 <\n  addr 192.0.2.2/24\n>");
    const file = join(dir, "s.nsnet");
    expect(await repl.handle(`.save ${file}`)).toBe(true);
    expect(readFileSync(file, "utf8")).toBe("ns h1\nns h2 <\naddr 192.0.2.2/24\n>\n");

    const other = setup();
    writeFileSync(join(dir, "more.nsnet"), "# two more\nns h3\nns h4\n");
    expect(await other.repl.handle(`.load ${join(dir, "more.nsnet")}`)).toBe(true);
    expect([...other.engine.applied].sort()).toEqual(["h3", "h4"]);
    expect(await other.repl.handle(`.load ${join(dir, "missing.nsnet")}`)).toBe(false);
    void engine;
  });

  it(".down empties the session", async () => {
    const { engine, repl } = setup();
    await repl.handle("ns h1");
    expect(await repl.handle(".down")).toBe(true);
    expect(repl.accepted).toEqual([]);
    expect(engine.applied.size).toBe(0);
  });

  it("an unknown dot-command suggests the right one", async () => {
    const { io, repl } = setup();
    expect(await repl.handle(".undoo")).toBe(false);
    expect(io.errText).toContain("did you mean .undo?");
  });

  it(".nodes, .addrs and .graph read the session's topology", async () => {
    const { io, repl } = setup();
    await repl.handle("ns h1 < addr 192.0.2.1/24 >");
    await repl.handle(".nodes");
    expect(io.outText).toMatch(/h1\s+1 if\s+192\.0\.2\.1\/24\s+live/);
    await repl.handle(".addrs");
    expect(io.outText).toMatch(/h1:eth0\s+192\.0\.2\.1\/24/);
    await repl.handle(".graph");
    expect(io.outText).toContain("h1\n└─ eth0 veth 192.0.2.1/24 ⇄ host:h1_veth0");
  });
});

describe("ReplCore running things", () => {
  it("`NS: CMD` runs in NS with namespace names replaced by addresses", async () => {
    const { engine, repl } = setup();
    await repl.handle("ns h1 < addr 192.0.2.1/24 >");
    await repl.handle("ns h2 < addr 192.0.2.2/24 >");
    expect(await repl.handle("h1: ping -c1 -W1 h2")).toBe(true);
    expect(await repl.handle('exec h2 echo "h1 is" h1')).toBe(true);
    expect(engine.execCalls).toEqual([
      { ns: "h1", argv: ["ping", "-c1", "-W1", "192.0.2.2"] },
      { ns: "h2", argv: ["echo", "h1 is", "192.0.2.1"] },
    ]);
  });

  it("an exec in an unknown namespace is refused with a suggestion", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    expect(await repl.handle("hl: ip addr")).toBe(false);
    expect(io.errText).toContain("no namespace hl (did you mean h1?)");
    expect(engine.execCalls).toEqual([]);
  });

  it("ping and pingall print a matrix", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1 < addr 192.0.2.1/24 >");
    await repl.handle("ns h2 < addr 192.0.2.2/24 >");
    await repl.handle("ns h3 < addr 192.0.2.3/24 >");
    engine.reachable = (from, to) => !(from === "h3" || to === "192.0.2.3");
    expect(await repl.handle("ping h1 h2")).toBe(true);
    expect(io.outText).toContain("from\\to  h1         h2\nh1       ·          ok 0.05ms\nh2       ok 0.05ms  ·\n");
    expect(await repl.handle("pingall")).toBe(false);
    expect(io.outText).toContain("h3       --         --         ·");
    expect(io.outText).toContain("2/6 reachable");
  });
});

describe("ReplCore never dies", () => {
  it("any input resolves to true or false, and the session stays usable", async () => {
    const fc = await import("fast-check");
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(".undo", ".plan", ".apply", ".dry on", ".dry off", ".nodes", ".graph", "pingall", "ping h1 9", "h1:", "exec", ".save", ".load"),
      fc.tuple(fc.constantFrom("ns ", "h1: ", "exec h1 ", "ping ", "."), fc.string()).map(([a, b]) => a + b),
    );
    // never `.save PATH`: a property test must not write files wherever a string points
    const safe = piece.filter((i) => !/^\s*\.save\s+\S/.test(i));
    await fc.assert(
      fc.asyncProperty(fc.array(safe, { maxLength: 8 }), async (inputs) => {
        const { repl } = setup();
        for (const i of inputs) expect(typeof (await repl.handle(i))).toBe("boolean");
        expect(await repl.handle("ns zz")).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
