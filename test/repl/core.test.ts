import { isIncomplete } from "../../src/syntax/parse.js";
import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { MAX_SCRIPT_BYTES } from "../../src/expand/fs-loader.js";
import { ReplCore } from "../../src/repl/core.js";
import { runPiped } from "../../src/repl/pipe.js";
import { DOT_COMMANDS } from "../../src/repl/commands.js";
import { liveToSource } from "../../src/show/live-to-source.js";
import { FakeKernel, captureIO } from "./fake-kernel.js";

/** nsnet's real compiler and planner over a toy kernel (test/repl/fake-kernel.ts). */
function setup() {
  const engine = new FakeKernel();
  const io = captureIO();
  return { engine, io, repl: new ReplCore(engine, io) };
}

function tempFile(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "nsnet-repl-")), name);
  writeFileSync(f, text);
  return f;
}

const LAB = "bridge br0\nns h1 < veth to br0; addr 192.0.2.1/24 >\nns h2 < veth to br0; addr 192.0.2.2/24 >\n";

describe("ReplCore statements", () => {
  it("applies each statement as the whole session and says so in one line", async () => {
    const { engine, io, repl } = setup();
    expect(await repl.handle("bridge br0")).toBe(true);
    expect(await repl.handle("ns h1 < veth to br0; addr 192.0.2.1/24 >")).toBe(true);
    expect(repl.accepted).toEqual(["bridge br0", "ns h1 < veth to br0; addr 192.0.2.1/24 >"]);
    expect(engine.live_.namespaces).toEqual(["h1"]);
    expect(io.outText).toBe("ok: 3 ops in 1 ms\nok: 10 ops in 1 ms\n");
  });

  it(".verbose on lists every op; off goes back to one line", async () => {
    const { io, repl } = setup();
    await repl.handle(".verbose on");
    await repl.handle("ns h1");
    expect(io.outText).toContain("  + create namespace h1\n");
    expect(io.outText).toMatch(/ok: \d+ ops? in 1 ms\n$/);
    io.outText = "";
    await repl.handle(".verbose off");
    await repl.handle("ns h2");
    expect(io.outText).not.toContain("create namespace h2");
    expect(await repl.handle(".verbose loud")).toBe(false);
    expect(io.errText).toContain("usage: .verbose [on|off]");
  });

  it("a mistake is shown where it was typed, with its caret and suggestion; nothing changes and work goes on", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    const before = engine.upCalls.length;
    expect(await repl.handle("nss h2")).toBe(false);
    expect(engine.upCalls.length).toBe(before);
    // the second input typed, its line 1 — never a line number counted over the session
    expect(io.errText).toContain("<input 2>:1:1: error[NS104]: unknown statement 'nss'\n 1 | nss h2\n   | ^^^\n");
    expect(io.errText).toContain("did you mean `ns`?");
    expect(io.errText).toContain("nothing changed");
    expect(repl.accepted).toEqual(["ns h1"]);
    expect(await repl.handle("ns h2")).toBe(true);
    expect(repl.exitStatus).toBe(1);
  });

  it("Mininet's `h1 ping h2` is answered with the REPL's own way, `h1: ping h2`", async () => {
    const { engine, io, repl } = setup();
    await repl.handle(LAB.trimEnd());
    const before = engine.execCalls.length;
    expect(await repl.handle("h1 ping -c1 h2")).toBe(false);
    expect(engine.execCalls.length).toBe(before);
    expect(io.errText).toContain("<input 2>:1:1: error[NS104]: unknown statement 'h1'\n");
    expect(io.errText).toContain("help: did you mean `h1: ping -c1 h2`?\n");
    expect(io.errText).toContain("hint: `h1` is a namespace: `h1: CMD…` (or `exec h1 CMD…`) runs a command in it\n");
    // a word that names no namespace keeps the general hint
    io.errText = "";
    expect(await repl.handle("h9 ping h2")).toBe(false);
    expect(io.errText).not.toContain("did you mean `h9:");
    expect(io.errText).toContain("statements start with a keyword");
  });

  it(".echo on shows each input after a prompt before its output (a piped transcript), .echo off stops", async () => {
    const { io, repl } = setup();
    expect(await repl.handle(".echo on")).toBe(true);
    await repl.handle("ns h1 <\n  veth pair\n>");
    await repl.handle("   ");
    await repl.handle(".echo off");
    await repl.handle("ns h2");
    expect(io.outText).toBe(
      "echo on: each input is shown before it runs\nnsnet> ns h1 <\n...>   veth pair\n...> >\nok: 8 ops in 1 ms\nnsnet> .echo off\necho off\nok: 3 ops in 1 ms\n",
    );
    expect(await repl.handle(".echo loud")).toBe(false);
  });

  it("an error about an earlier input points at that input too", async () => {
    const { io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("ns h1 <\n  veth to br0\n  addr 192.0.2.1/24\n>");
    expect(await repl.handle("ns h3 < veth to br0; addr 192.0.2.1/24 >")).toBe(false);
    expect(io.errText).toContain("<input 3>:1:27: error[NS312]");
    expect(io.errText).toContain("note: <input 2>:3:8: 192.0.2.1 is also on `h1:eth0` here\n 3 |   addr 192.0.2.1/24\n");
  });

  it("a statement whose apply is rolled back is not kept", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    engine.failOn = /h2/;
    expect(await repl.handle("ns h2")).toBe(false);
    expect(io.errText).toContain("error: create namespace h2: RTNETLINK answers: File exists\nrolled back; nothing changed\n");
    expect(repl.accepted).toEqual(["ns h1"]);
    expect(repl.exitStatus).toBe(3);
  });

  it("shows a warning once, when its statement is new", async () => {
    const { io, repl } = setup();
    await repl.handle("ns h1 < veth pair; addr 192.0.2.1 >");
    expect(io.errText.match(/warning\[NS213\]/g)?.length).toBe(1);
    expect(io.errText).toContain("<input 1>:1:25: warning[NS213]");
    await repl.handle("ns h2");
    expect(io.errText.match(/warning\[NS213\]/g)?.length).toBe(1);
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

describe("ReplCore expectations", () => {
  it("run when a statement declares them, with .expect and after .load — not after every statement", async () => {
    const { io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.1/24 >");
    await repl.handle("ns h2 < veth to br0; addr 192.0.2.2/24 >");
    await repl.handle("expect h1 reaches h2");
    expect(io.outText).toContain("ok (no changes)\nexpect h1 reaches h2: ok (fake kernel)\n");
    io.outText = "";
    await repl.handle("ns h3 < veth to br0; addr 192.0.2.3/24 >");
    expect(io.outText).toBe("ok: 10 ops in 1 ms\n");
    await repl.handle(".expect");
    expect(io.outText).toContain("expect h1 reaches h2: ok");
  });

  it("a statement that breaks an old expect: .expect says what was applied since it passed, that it stays, and .undo", async () => {
    const { engine, io, repl } = setup();
    const file = tempFile("lab.nsnet", `${LAB}expect h1 reaches h2\n`);
    expect(await repl.handle(`.load ${file}`)).toBe(true);
    expect(io.outText).toContain("expect h1 reaches h2: ok");
    await repl.handle("partition h1 | h2");
    engine.reachable = () => false;
    expect(await repl.handle(".expect")).toBe(false);
    expect(io.outText).toContain("expect h1 reaches h2: FAILED (unreachable in the fake kernel)");
    expect(io.errText).toContain(
      "error: the expectation failed; applied since they last passed: `partition h1 | h2` — still in the session (.undo removes the last)",
    );
    expect(repl.accepted.at(-1)).toBe("partition h1 | h2");
    expect(repl.exitStatus).toBe(5);
  });

  it("a .load whose expects fail: what was applied, which expect fails, that it stays", async () => {
    const { engine, io, repl } = setup();
    engine.reachable = (from) => from !== "h2";
    const file = tempFile("lab.nsnet", `${LAB}expect h1 reaches h2\nexpect h2 reaches h1\n`);
    expect(await repl.handle(`.load ${file}`)).toBe(false);
    expect(io.outText).toContain("ok: 23 ops in 1 ms\nexpect h1 reaches h2: ok (fake kernel)\nexpect h2 reaches h1: FAILED");
    expect(io.errText).toContain(`error: 1 of 2 expectations failed after .load ${file} was applied (23 ops); it stays in the session (.undo removes it)`);
    expect(repl.accepted).toHaveLength(1);
    expect(repl.exitStatus).toBe(5);
  });
});

describe("ReplCore diagnostics point at the file and line the text came from", () => {
  it(".load FILE: FILE:line:col and FILE's own line", async () => {
    const { io, repl } = setup();
    const file = tempFile("bad.nsnet", "# a lab\nns h1 < veth to br9; addr 192.0.2.1/24 >\n");
    expect(await repl.handle(`.load ${file}`)).toBe(false);
    expect(io.errText).toContain(
      `${file}:2:17: error[NS304]: no bridge \`br9\` in namespace \`host\`\n 2 | ns h1 < veth to br9; addr 192.0.2.1/24 >\n   |                 ^^^\n`,
    );
  });

  it("piped input: lines of the stream, comments and blank lines counted", async () => {
    const { io, repl } = setup();
    const input = "# a lab\n\nbridge br0\n# h1 next\nns h1 <\n  veth to br0\n  addr 192.0.2.1/24\n>\n\n  ns h2 < veth to br9 >\n";
    const status = await runPiped(repl, (t) => isIncomplete(t), Readable.from([input]));
    expect(io.errText).toContain(
      "<stdin>:10:19: error[NS304]: no bridge `br9` in namespace `host`\n 10 |   ns h2 < veth to br9 >\n    |                   ^^^\n",
    );
    expect(status).toBe(1);
  });

  it("piped input: a multi-line block keeps the lines it was written on", async () => {
    const { io, repl } = setup();
    const input = "# one\n# two\nns h1 <\n  veth pair\n  addr 192.0.2.1/99\n>\n";
    await runPiped(repl, (t) => isIncomplete(t), Readable.from([input]));
    expect(io.errText).toContain("<stdin>:5:18: error[NS107]");
  });
});

describe("ReplCore dot-commands", () => {
  it("one table: help lists every command (.quit too) and dispatch finds each", async () => {
    const { io, repl } = setup();
    await repl.handle(".help");
    for (const c of DOT_COMMANDS) expect(io.outText).toContain(`  ${c.usage}`);
    expect(io.outText).toContain(".quit");
    expect(await repl.handle(".quit")).toBe(true);
    expect(repl.exitRequested).toBe(true);
  });

  it("an unknown dot-command suggests the right one", async () => {
    const { io, repl } = setup();
    expect(await repl.handle(".undoo")).toBe(false);
    expect(io.errText).toContain("unknown command .undoo (did you mean .undo?)");
  });

  it(".undo drops the last statement and removes what it built", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns h1");
    await repl.handle("ns h2");
    expect(await repl.handle(".undo")).toBe(true);
    expect(repl.accepted).toEqual(["ns h1"]);
    expect(engine.live_.namespaces).toEqual(["h1"]);
    expect(io.outText).toContain("undone: `ns h2`");
    await repl.handle(".undo");
    expect(await repl.handle(".undo")).toBe(true);
    expect(io.outText).toContain("nothing to undo");
  });

  it(".undo past the typed statements removes a loaded file as a whole", async () => {
    const { engine, io, repl } = setup();
    const file = tempFile("lab.nsnet", LAB);
    await repl.handle(`.load ${file}`);
    await repl.handle("ns h3 < veth to br0; addr 192.0.2.3/24 >");
    await repl.handle(".undo");
    expect(await repl.handle(".undo")).toBe(true);
    expect(io.outText).toContain(`undone: .load ${file}`);
    expect(engine.live_.namespaces).toEqual([]);
    expect(engine.live_.links.filter((l) => l.ns === "host" && l.name !== "lo")).toEqual([]);
    expect(repl.accepted).toEqual([]);
  });

  it(".undo of a `run in` stops that service through the normal up; the rest stays", async () => {
    const { engine, io, repl } = setup();
    const file = tempFile("lab.nsnet", LAB);
    await repl.handle(`.load ${file}`);
    expect(await repl.handle("run in h1 sleep 1000")).toBe(true);
    expect(engine.services).toEqual([{ ns: "h1", argv: ["sleep", "1000"] }]);
    await repl.handle(".verbose on");
    io.outText = "";
    expect(await repl.handle(".undo")).toBe(true);
    expect(io.errText).toBe("");
    expect(io.outText).toContain("undone: `run in h1 sleep 1000`");
    // the plan's one op: the undo of the service's start
    expect(io.outText).toContain("  + undo: start service in h1: sleep 1000\nok: 1 op in 1 ms\n");
    expect(engine.services).toEqual([]);
    expect(engine.live_.namespaces).toEqual(["h1", "h2"]);
    expect(repl.accepted).toHaveLength(1);
  });

  it(".undo of a loaded file with a service stops the service and removes the rest", async () => {
    const { engine, io, repl } = setup();
    const file = tempFile("svc.nsnet", `${LAB}run in h1 sleep 1000\n`);
    await repl.handle(`.load ${file}`);
    expect(engine.services).toEqual([{ ns: "h1", argv: ["sleep", "1000"] }]);
    expect(await repl.handle(".undo")).toBe(true);
    expect(io.outText).toContain(`undone: .load ${file}`);
    expect(engine.services).toEqual([]);
    expect(engine.live_.namespaces).toEqual([]);
    expect(repl.accepted).toEqual([]);
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
    await repl.handle(".undo");
    expect(repl.staged).toEqual(["ns h1"]);
    expect(await repl.handle(".apply")).toBe(true);
    expect(repl.staged).toEqual([]);
    expect(repl.accepted).toEqual(["ns h1"]);
    expect(engine.live_.namespaces).toEqual(["h1"]);
  });

  it(".save writes the session through the formatter and counts the statements it holds", async () => {
    const { io, repl } = setup();
    const file = tempFile("lab.nsnet", `# the lab\n${LAB}`);
    await repl.handle(`.load ${file}`);
    await repl.handle("ns   h3");
    await repl.handle("nss h9");
    const out = join(mkdtempSync(join(tmpdir(), "nsnet-repl-")), "s.nsnet");
    expect(await repl.handle(`.save ${out}`)).toBe(true);
    expect(readFileSync(out, "utf8")).toBe(`# the lab\n${LAB}ns h3\n`);
    expect(io.outText).toContain(`saved 4 statements to ${out}`);
  });

  it(".load FILE: `use` inside FILE is found next to FILE, wherever the REPL runs", async () => {
    const { engine, repl } = setup();
    const lab = tempFile("lab.nsnet", 'use "lib.nsnet"\nmake("h7")\n');
    writeFileSync(join(lab, "..", "lib.nsnet"), "def make(n) < ns $n >\n");
    expect(await repl.handle(`.load ${lab}`)).toBe(true);
    expect(engine.live_.namespaces).toEqual(["h7"]);
  });

  it(".load of a missing file fails", async () => {
    const { io, repl } = setup();
    expect(await repl.handle(".load /nonexistent/x.nsnet")).toBe(false);
    expect(io.errText).toContain("error: cannot read /nonexistent/x.nsnet: no such file");
  });

  it(".load of a FIFO is refused at once (it would hang the session), nothing runs", async () => {
    const { engine, io, repl } = setup();
    const fifo = join(mkdtempSync(join(tmpdir(), "nsnet-repl-")), "lab.nsnet");
    execFileSync("mkfifo", [fifo]);
    expect(await repl.handle(`.load ${fifo}`)).toBe(false);
    expect(io.errText).toBe(`error: cannot read ${fifo}: it is a FIFO, not a regular file\n`);
    expect(engine.upCalls).toEqual([]);
  });

  it(".load of a file over the size cap is refused without reading it", async () => {
    const { engine, io, repl } = setup();
    const big = tempFile("big.nsnet", `#${"x".repeat(MAX_SCRIPT_BYTES)}`);
    expect(await repl.handle(`.load ${big}`)).toBe(false);
    expect(io.errText).toBe(`error: cannot read ${big}: it is larger than 8 MB, the most a script may be\n`);
    expect(engine.upCalls).toEqual([]);
  });

  it(".down empties the session", async () => {
    const { engine, repl } = setup();
    await repl.handle("ns h1");
    expect(await repl.handle(".down")).toBe(true);
    expect(repl.accepted).toEqual([]);
    expect(engine.live_.namespaces).toEqual([]);
  });

  it(".show prints what `nsnet show` prints for the same kernel", async () => {
    const { engine, io, repl } = setup();
    await repl.handle(`.load ${tempFile("lab.nsnet", LAB)}`);
    io.outText = "";
    await repl.handle(".show");
    expect(io.outText).toBe(liveToSource(engine.live_));
    io.outText = "";
    await repl.handle(".show h1");
    expect(io.outText).toBe(liveToSource(engine.live_, { namespaces: ["h1"] }));
    expect(await repl.handle(".show h9")).toBe(false);
    expect(io.errText).toContain("no namespace 'h9' (did you mean 'h1'?)");
  });

  it(".nodes, .addrs and .graph read the session's topology", async () => {
    const { io, repl } = setup();
    await repl.handle("ns h1 < veth pair; addr 192.0.2.1/24 >");
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
    await repl.handle("ns h1 < veth pair; addr 192.0.2.1/24 >");
    await repl.handle("ns h2 < veth pair; addr 192.0.2.2/24 >");
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
    await repl.handle("bridge br0");
    for (const i of [1, 2, 3]) await repl.handle(`ns h${i} < veth to br0; addr 192.0.2.${i}/24 >`);
    engine.reachable = (from, to) => !(from === "h3" || to === "192.0.2.3");
    expect(await repl.handle("ping h1 h2")).toBe(true);
    expect(io.outText).toContain("from\\to  h1         h2\nh1       ·          ok 0.05ms\nh2       ok 0.05ms  ·\n");
    expect(await repl.handle("pingall")).toBe(false);
    expect(io.outText).toContain("h3       --         --         ·");
    expect(io.outText).toContain("2/6 reachable");
  });

  it("pingall pings a router at its address on the pinger's segment (h3 reaches its gateway r1)", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("bridge br1");
    await repl.handle("ns r1 < veth to br0; addr 192.0.2.1/24; veth to br1; addr 198.51.100.1/24 >");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.10/24 >");
    await repl.handle("ns h3 < veth to br1; addr 198.51.100.3/24 >");
    // like the kernel without routes: only addresses on one's own segment answer
    const seg = (a: string) => a.split(".").slice(0, 3).join(".");
    const mine: Record<string, string> = { r1: "192.0.2.1 198.51.100.1", h1: "192.0.2.10", h3: "198.51.100.3" };
    engine.reachable = (from, to) => mine[from]!.split(" ").some((m) => seg(m) === seg(to));
    await repl.handle("pingall");
    expect(io.outText).toMatch(/h3 +ok [^ ]+ +-- +·/);
    expect(io.outText).toMatch(/r1 +· +ok [^ ]+ +ok/);
  });
});

describe("ReplCore: editing what is built", () => {
  it("`ns h1 < route … >` after h1 exists amends it in one transaction; .undo restores exactly what was before", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.10/24 >");
    const before = structuredClone(engine.live_);
    expect(await repl.handle("ns h1 < route default via 192.0.2.1 >")).toBe(true);
    expect(io.errText).not.toContain("NS307");
    expect(io.outText).toContain("amending ns h1 (.undo takes it back)\nok: 1 op in 1 ms\n");
    expect(engine.live_.routes.filter((r) => r.ns === "h1" && r.dst === "default")).toHaveLength(1);
    // saved merged: the file loads again without NS307
    const file = join(mkdtempSync(join(tmpdir(), "nsnet-repl-")), "lab.nsnet");
    expect(await repl.handle(`.save ${file}`)).toBe(true);
    const saved = readFileSync(file, "utf8");
    expect(saved.match(/^ns h1/gm)).toHaveLength(1);
    expect(saved).toContain("route default via 192.0.2.1");
    const again = setup();
    expect(await again.repl.handle(`.load ${file}`)).toBe(true);
    expect(await repl.handle(".undo")).toBe(true);
    expect(io.outText).toContain("undone: `ns h1 < route default via 192.0.2.1 >`");
    expect(engine.live_).toEqual(before);
    // a second ns h1 inside one input is still declared twice
    expect(await repl.handle("ns h2\nns h2")).toBe(false);
    expect(io.errText).toContain("NS307");
  });

  it("`link A B down|up` (Mininet's) sets both ends of their veth through the session: applied, saved, undone", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("ns r1");
    await repl.handle("ns h1 < veth peer r1:eth1; addr 192.0.2.10/24 >");
    await repl.handle("bridge br0");
    await repl.handle("ns h2 < veth to br0; addr 198.51.100.2/24 >");
    const state = (ns: string, name: string) => engine.live_.links.find((l) => l.ns === ns && l.name === name)?.up;
    expect(await repl.handle("link h1 r1 down"), io.errText + io.outText).toBe(true);
    expect(io.outText).toContain("ns h1 < down eth0 >; ns r1 < down eth1 >\namending ns h1, ns r1 (.undo takes it back)\nok: 2 ops");
    expect([state("h1", "eth0"), state("r1", "eth1")]).toEqual([false, false]);
    const file = join(mkdtempSync(join(tmpdir(), "nsnet-repl-")), "lab.nsnet");
    await repl.handle(`.save ${file}`);
    expect(readFileSync(file, "utf8")).toMatch(/ns h1 <[^>]*down eth0/);
    expect(await repl.handle("link r1 h1 up")).toBe(true);
    expect([state("h1", "eth0"), state("r1", "eth1")]).toEqual([true, true]);
    expect(await repl.handle(".undo")).toBe(true);
    expect([state("h1", "eth0"), state("r1", "eth1")]).toEqual([false, false]);
    // a bridge stands for its ports; the host end goes down too
    expect(await repl.handle("link br0 h2 down")).toBe(true);
    expect(io.outText).toContain("ns h2 < down eth0 >; host < down h2_veth0 >");
    expect([state("h2", "eth0"), state("host", "h2_veth0")]).toEqual([false, false]);
    expect(await repl.handle("link h1 h2 down")).toBe(false);
    expect(io.errText).toContain("no link between h1 and h2");
    expect(await repl.handle("link h1 r1 sideways")).toBe(false);
    expect(io.errText).toContain("usage: link A B down|up");
  });

  it(".save warns of live drift (a hand-typed route or address) and --with-drift saves it into the blocks", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.10/24 >");
    const dir = mkdtempSync(join(tmpdir(), "nsnet-repl-"));
    expect(await repl.handle(`.save ${join(dir, "clean.nsnet")}`)).toBe(true);
    expect(io.errText).toBe("");
    // what `h1: ip route add 198.51.100.0/24 via 192.0.2.1` and `ip addr add` leave behind
    engine.live_.routes.push({ ns: "h1", dst: "198.51.100.0/24", via: "192.0.2.1", dev: "eth0", family: 4, proto: "boot" });
    engine.live_.routes.push({ ns: "h1", dst: "192.0.2.0/24", dev: "eth0", family: 4, proto: "kernel", scope: "link" });
    engine.live_.addrs.push({ ns: "h1", dev: "eth0", cidr: "192.0.2.99/24" }, { ns: "h1", dev: "eth0", cidr: "fe80::1/64" });
    const plain = join(dir, "plain.nsnet");
    expect(await repl.handle(`.save ${plain}`)).toBe(true);
    expect(io.errText).toContain(
      "warning: live state has drifted from the session; not saved:\n  h1: address 192.0.2.99/24 on eth0\n  h1: route 198.51.100.0/24 via 192.0.2.1\n",
    );
    expect(io.errText).toContain(`(.save --with-drift ${plain} saves them too; .show h1 shows the namespaces as they are)`);
    expect(readFileSync(plain, "utf8")).not.toContain("198.51.100.0/24");
    const drift = join(dir, "drift.nsnet");
    expect(await repl.handle(`.save --with-drift ${drift}`)).toBe(true);
    const saved = readFileSync(drift, "utf8");
    expect(saved.match(/^ns h1/gm)).toHaveLength(1);
    expect(saved).toContain("route 198.51.100.0/24 via 192.0.2.1");
    expect(saved).toContain("addr 192.0.2.99/24 on eth0");
    expect(saved).not.toContain("fe80");
    // the saved file is a session again: it loads and checks
    const again = setup();
    expect(await again.repl.handle(`.load ${drift}`), again.io.errText).toBe(true);
  });

  it(".edit NAME collects statements for its block; .edit done applies them as one change, one .undo", async () => {
    const { engine, io, repl } = setup();
    await repl.handle("bridge br0");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.10/24 >");
    const before = structuredClone(engine.live_);
    expect(await repl.handle(".edit h9")).toBe(false);
    expect(io.errText).toContain("no namespace h9 in this session");
    expect(await repl.handle(".edit h1")).toBe(true);
    expect(await repl.handle("addr 192.0.2.11/24 on eth0")).toBe(true);
    expect(await repl.handle("route default via 192.0.2.1")).toBe(true);
    expect(engine.live_).toEqual(before);
    expect(await repl.handle(".edit done")).toBe(true);
    expect(io.outText).toContain("amending ns h1 (.undo takes it back)\nok: 2 ops");
    expect(await repl.handle(".undo")).toBe(true);
    expect(engine.live_).toEqual(before);
    await repl.handle(".edit h1");
    await repl.handle("route default via 192.0.2.1");
    expect(await repl.handle(".edit cancel")).toBe(true);
    expect(io.outText).toContain("stopped editing ns h1; nothing changed");
    expect(engine.live_).toEqual(before);
    expect(await repl.handle(".edit done")).toBe(false);
  });

  it(".plan lists the ownership marks only with .verbose on", async () => {
    const { io, repl } = setup();
    await repl.handle(".dry on");
    await repl.handle("bridge br0");
    await repl.handle("ns h1 < veth to br0; addr 192.0.2.10/24 >");
    await repl.handle(".plan");
    expect(io.outText).not.toContain("mark ");
    expect(io.outText).toMatch(/\d+ ops \(\d+ ownership marks not listed; \.verbose on lists them\)/);
    await repl.handle(".verbose on");
    await repl.handle(".plan");
    expect(io.outText).toContain("as nsnet's");
  });
});

describe("ReplCore never dies", () => {
  it("any input resolves to true or false, and the session stays usable", async () => {
    const fc = await import("fast-check");
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom(
        ".undo",
        ".plan",
        ".apply",
        ".dry on",
        ".dry off",
        ".nodes",
        ".graph",
        ".expect",
        ".verbose on",
        "pingall",
        "ping h1 9",
        "h1:",
        "exec",
        ".save",
        ".load",
      ),
      fc.tuple(fc.constantFrom("ns ", "h1: ", "exec h1 ", "ping ", ".", "expect "), fc.string()).map(([a, b]) => a + b),
    );
    // never `.save PATH` or `.load PATH`: a property test must not touch files wherever a string points
    const safe = piece.filter((i) => !/^\s*\.(save|load)\s+\S/.test(i));
    await fc.assert(
      fc.asyncProperty(fc.array(safe, { maxLength: 8 }), async (inputs) => {
        const { repl } = setup();
        for (const i of inputs) expect(typeof (await repl.handle(i))).toBe("boolean");
        await repl.handle(".dry off");
        expect(await repl.handle("ns zz")).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});
