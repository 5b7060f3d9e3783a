import { describe, expect, it } from "vitest";
import { emptyLiveState } from "../../src/model/live.js";
import { groupBatches } from "../../src/plan/batch.js";
import type { Op } from "../../src/plan/op.js";
import { BatchTails } from "../../src/exec/batch-tails.js";
import { runHelper, runStageByHelper, sentOutcome, type BatchOutcome } from "../../src/exec/fanout.js";
import { HELPER_MAIN } from "../../src/exec/helper.js";
import type { HelperOp, PlaceRecord } from "../../src/exec/helper-protocol.js";
import type { RunOptions, RunResult, Runner } from "../../src/exec/runner.js";
import { ProcessRunner, assertSafeArgv } from "../../src/exec/runner.js";
import { opFromText } from "../plan/op-from-text.js";

/** A runner that plays nsnet's helper: `answer` gets each namespace's request lines and
 *  gives its record (or nothing: no answer); `extra` is what the run adds around them. */
class FakeHelper implements Runner {
  calls: { argv: string[]; input: string; timeoutMs?: number }[] = [];
  notes: string[] = [];
  constructor(
    private readonly answer: (ns: string, lines: string[]) => object | undefined,
    private readonly extra: { hello?: string | null; stderr?: string; exitCode?: number } = {},
  ) {}
  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    assertSafeArgv(argv);
    this.calls.push({ argv: [...argv], input: opts.input ?? "", timeoutMs: opts.timeoutMs });
    const out = this.extra.hello === null ? [] : [this.extra.hello ?? JSON.stringify({ helper: 1 })];
    let ns: string | undefined;
    let lines: string[] = [];
    for (const line of (opts.input ?? "").split("\n")) {
      if (line.startsWith("ns ")) [ns, lines] = [line.slice(3), []];
      else if (line === "end") {
        const rec = this.answer(ns!, lines);
        if (rec) out.push(JSON.stringify({ ns, ...rec }));
      } else if (line) lines.push(line);
    }
    return { exitCode: this.extra.exitCode ?? 0, stdout: out.map((l) => `${l}\n`).join(""), stderr: this.extra.stderr ?? "" };
  }
  note(line: string): void {
    this.notes.push(line);
  }
}

const ops = (lines: string[]) => lines.filter((l) => l.startsWith("op ")).length;
const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i + 1}`);
// what a translated or broken locale, and perl, may print: none of it is a verdict
const NOISE = [
  "perl: warning: Setting locale failed.",
  "perl: warning: Please check that your locale settings:",
  '\tLC_ALL = "de_DE.UTF-8",',
  "nsenter: Wiedereinstieg in Namensraum »/run/netns/c3« fehlgeschlagen: Ungültiges Argument",
  "Command failed /tmp/x/c2:3",
].join("\n");

describe("runHelper: one request per namespace, a few processes, records as data", () => {
  it("runs perl on nsnet's helper only, one process for a few namespaces and one per core for many, with a deadline", async () => {
    const few = new FakeHelper((_ns, l) => ({ applied: ops(l) }));
    await runHelper(
      few,
      names(3).map((ns) => ({ ns, ops: [], state: true })),
    );
    expect(few.calls.map((c) => c.argv)).toEqual([["perl", HELPER_MAIN]]);
    // nothing to ask: no process
    await runHelper(few, []);
    expect(few.calls).toHaveLength(1);
    expect(few.calls[0]!.input).toBe("ns c1\nread state\nend\nns c2\nread state\nend\nns c3\nread state\nend\n");
    const many = new FakeHelper((_ns, l) => ({ applied: ops(l) }));
    const run = await runHelper(
      many,
      names(10).map((ns) => ({ ns, ops: [{ k: "updown", dev: "lo", up: true } as HelperOp] })),
      { groups: 2 },
    );
    expect(many.calls).toHaveLength(2);
    expect(many.calls.every((c) => (c.timeoutMs ?? 0) >= 60_000)).toBe(true);
    expect([...run.records.values()].map((r) => r.applied)).toEqual(Array(10).fill(1));
  });

  it("a helper past its deadline is killed (the runner ends a child that outlives its timeout), keeping what it printed", async () => {
    const t0 = Date.now();
    const child = "process.stdout.write('said\\n'); setTimeout(() => {}, 60_000)";
    const r = await new ProcessRunner().run([process.execPath, "-e", child], { timeoutMs: 2000 });
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toBe("said\n");
    expect(Date.now() - t0).toBeLessThan(15_000);
  });

  it("whatever is on stderr (perl's locale warning, a translated message) changes no record: it is logged", async () => {
    const h = new FakeHelper((_ns, l) => ({ applied: ops(l) }), { stderr: NOISE });
    const run = await runHelper(
      h,
      names(3).map((ns) => ({ ns, ops: [{ k: "updown", dev: "lo", up: true } as HelperOp] })),
    );
    expect([...run.records.values()].map((r) => [r.ns, r.applied, r.failed])).toEqual([
      ["c1", 1, undefined],
      ["c2", 1, undefined],
      ["c3", 1, undefined],
    ]);
    expect(h.notes).toContain("helper: perl: warning: Setting locale failed.");
  });

  it("a helper killed part-way: the namespaces it answered keep their records, the others are unanswered (not 'not run')", async () => {
    const h = new FakeHelper((ns) => (ns === "c3" ? undefined : { applied: 0 }), { exitCode: 143 });
    const run = await runHelper(
      h,
      names(3).map((ns) => ({ ns, ops: [] })),
    );
    expect([...run.records.keys()]).toEqual(["c1", "c2"]);
    expect(run.notRun.size).toBe(0);
  });

  it("a helper that did not start did nothing: its namespaces are for the other way — for this call only", async () => {
    const h = new FakeHelper(() => ({ applied: 0 }), { hello: null, exitCode: 2, stderr: "Can't locate Nsnet/Netlink.pm in @INC" });
    for (let i = 0; i < 2; i++) {
      const run = await runHelper(
        h,
        names(2).map((ns) => ({ ns, ops: [] })),
      );
      expect([...run.notRun]).toEqual(["c1", "c2"]);
    }
    // asked again the second time: a failure is not remembered
    expect(h.calls).toHaveLength(2);
    const unavailable = new FakeHelper(() => ({ applied: 0 }), { hello: JSON.stringify({ helper: 1, unavailable: "no setns(2) number" }) });
    expect([...(await runHelper(unavailable, [{ ns: "a", ops: [] }])).notRun]).toEqual(["a"]);
    expect(unavailable.notes.join("\n")).toContain("no setns(2) number");
  });
});

describe("sentOutcome: what a record says of a batch's ops", () => {
  const sent: HelperOp[] = [
    { k: "updown", dev: "lo", up: true },
    { k: "addr", add: true, dev: "eth0", cidr: "192.0.2.5/24" },
  ];
  const rec = (r: Partial<PlaceRecord>): PlaceRecord => ({ ns: "a", gone: false, applied: 0, sysctls: {}, ...r });
  it("reads done, refused, gone, not entered and unanswered apart", () => {
    expect(sentOutcome(rec({ applied: 3 }), sent)).toEqual({ k: "done", applied: 3 });
    expect(sentOutcome(rec({ applied: 1, failed: { index: 2, errno: 17, strerror: "File exists", extack: "ipv4: Address already assigned" } }), sent)).toEqual({
      k: "failed",
      done: 1,
      message: "Error: ipv4: Address already assigned.",
    });
    // a tail op (the multicast hold-off) that failed is nobody's failure here
    expect(sentOutcome(rec({ applied: 2, failed: { index: 3, errno: 95, strerror: "Operation not supported" } }), sent)).toEqual({ k: "done", applied: 2 });
    expect(sentOutcome(rec({ gone: true }), sent)).toMatchObject({ k: "failed", done: 0 });
    expect(sentOutcome(rec({ enter: { index: 0, errno: 22, strerror: "Invalid argument", detail: "cannot enter /run/netns/a" } }), sent)).toEqual({
      k: "failed",
      done: 0,
      message: "cannot enter /run/netns/a: Invalid argument",
    });
    expect(sentOutcome(undefined, sent)).toMatchObject({ k: "unknown", done: 0 });
    expect(sentOutcome(rec({ applied: 1, failed: { index: 2, errno: 110, strerror: "Connection timed out", uncertain: true } }), sent)).toMatchObject({
      k: "unknown",
      done: 1,
    });
    // a record that does not add up is not believed
    expect(sentOutcome(rec({ applied: 0, failed: { index: 2, errno: 17, strerror: "File exists" } }), sent)).toMatchObject({ k: "unknown", done: 0 });
    expect(sentOutcome(rec({ applied: 1 }), sent)).toMatchObject({ k: "unknown", done: 1 });
  });
});

describe("runStageByHelper: a stage's namespace batches through the helper", () => {
  const star = (n: number): Op[] =>
    names(n).flatMap((ns, i) =>
      ["link set lo up", `addr add 192.0.2.${i + 2}/24 dev eth0`, "link set eth0 up", "route add default via 192.0.2.1"].map((t, j) =>
        opFromText(i * 4 + j + 1, "namespaces", ns, t),
      ),
    );
  const stage = (ops: Op[], runner: Runner, blamed: Op[][] = []) => {
    const batches = groupBatches(ops);
    const tails = new BatchTails(batches, ["host", ...new Set(ops.map((o) => o.ns))], emptyLiveState());
    return runStageByHelper(batches, {
      runner,
      tails,
      readOriginals: async () => {},
      blameByKernel: async (rest, message, before): Promise<BatchOutcome> => {
        blamed.push(rest);
        return { done: before, failed: { op: rest[0]!, message } };
      },
      injected: (op) => `injected at ${op.index}`,
    }).then((m) => new Map([...m].map(([b, o]) => [b.ns, o])));
  };
  const state = { links: [], addrs: [], routes: [], proxies: [] };

  it("a correct apply with noise on stderr is a correct apply (nothing to roll back)", async () => {
    const h = new FakeHelper((_ns, l) => ({ applied: ops(l), ...(l.includes("read state") ? { state } : {}) }), { stderr: NOISE });
    const out = await stage(star(8), h);
    expect(out.size).toBe(8);
    for (const o of out.values()) {
      expect(o.failed).toBeUndefined();
      expect(o.done).toHaveLength(4);
    }
  });

  it("a refused op: the ops before it are done, the kernel's extended ACK is the message; the others are done", async () => {
    const h = new FakeHelper((ns, l) =>
      ns === "c3" ? { applied: 1, failed: { index: 2, errno: 17, strerror: "File exists", extack: "ipv4: Address already assigned" } } : { applied: ops(l) },
    );
    const out = await stage(star(8), h);
    expect(out.get("c3")!.done.map((o) => o.text)).toEqual(["link set lo up"]);
    expect(out.get("c3")!.failed).toMatchObject({ message: "Error: ipv4: Address already assigned." });
    expect(out.get("c3")!.failed!.op.text).toBe("addr add 192.0.2.4/24 dev eth0");
    expect([...out].filter(([, o]) => o.failed).map(([ns]) => ns)).toEqual(["c3"]);
  });

  it("an unanswered namespace is for the kernel to say; a helper that did not run leaves every batch to run the ordinary way", async () => {
    const blamed: Op[][] = [];
    await stage(star(8), new FakeHelper((ns, l) => (ns === "c5" ? undefined : { applied: ops(l) }), { exitCode: 137 }), blamed);
    expect(blamed.map((b) => b.map((o) => o.ns))).toEqual([["c5", "c5", "c5", "c5"]]);
    expect((await stage(star(8), new FakeHelper(() => ({ applied: 0 }), { hello: null }))).size).toBe(0);
  });

  it("a few namespaces' ip batches run one ip each; their sysctls still go through the helper", async () => {
    const h = new FakeHelper((_ns, l) => ({ applied: ops(l) }));
    const sysctls = names(2).map((ns, i) => opFromText(100 + i, "sysctl", ns, "net.ipv4.ip_forward=1", { tool: "sysctl" }));
    expect((await stage(star(2), h)).size).toBe(0);
    const out = await stage(sysctls, h);
    expect([...out.keys()]).toEqual(["c1", "c2"]);
    expect(h.calls.at(-1)!.input).toContain(`op sysctl ${Buffer.from("net/ipv4/ip_forward").toString("hex")} 31`);
  });
});
