import type { Compiled, UpResult } from "../../src/engine/types.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { ReplEngine, PingResult } from "../../src/repl/engine-port.js";
import type { Span } from "../../src/model/span.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { emptyTopology, type AddressedTopology } from "../../src/model/topology.js";
import type { Op } from "../../src/plan/op.js";

/**
 * A fake engine that understands just enough of the language to drive the REPL:
 *   ns NAME [< addr CIDR … >]     pool NAME CIDR     boom (applies, then the kernel fails)
 * Anything else starting with an unknown word is an error diagnostic at that word.
 * `up` diffs namespace names against what it "applied" before, like the real engine.
 */
export class FakeEngine implements ReplEngine {
  applied = new Set<string>();
  upCalls: string[] = [];
  execCalls: { ns: string; argv: string[] }[] = [];
  reachable = (from: string, to: string) => true;

  compile(text: string, file: string): Compiled {
    const topo: AddressedTopology = { ...emptyTopology(), resolved: [] };
    const diagnostics: Diagnostic[] = [];
    const re = /(?:^|[;\n])\s*([A-Za-z]+)([^;\n<]*)(<[^>]*>)?/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const word = m[1]!;
      const at = m.index + m[0].indexOf(word);
      const args = m[2]!.trim().split(/\s+/).filter(Boolean);
      const span = spanAt(text, file, at, word.length);
      if (word === "ns") {
        const name = args[0]!;
        if (topo.namespaces.some((n) => n.name === name)) {
          diagnostics.push({ code: "NS201", severity: "error", message: `duplicate namespace ${name}`, span });
          continue;
        }
        topo.namespaces.push({ name, span, nameSpan: span });
        const body = m[3] ?? "";
        const addrs = [...body.matchAll(/addr (\S+)/g)].map((a) => a[1]!);
        if (addrs.length) {
          topo.devices.push({ kind: "veth", ns: name, name: "eth0", span, nameSpan: span, up: true, peer: { ns: "host", name: `${name}_veth0` }, primary: false });
          for (const cidr of addrs) topo.resolved.push({ ns: name, dev: "eth0", cidr, span });
        }
      } else if (word === "pool") {
        topo.pools.push({ name: args[0]!, nameSpan: span, cidr: args[1]!, cidrSpan: span, reserve: [], span });
      } else if (word === "boom") {
        topo.namespaces.push({ name: "boom", span, nameSpan: span });
      } else if (word === "warn") {
        diagnostics.push({ code: "NS399", severity: "warning", message: "a warning", span });
      } else {
        diagnostics.push({ code: "NS101", severity: "error", message: `unknown statement '${word}'`, span, suggestions: word === "nss" ? ["ns"] : [] });
      }
    }
    const ok = !diagnostics.some((d) => d.severity === "error");
    return { file, sources: new Map([[file, text]]), topology: topo, addressed: topo, diagnostics, ok };
  }

  isIncomplete(text: string): boolean {
    const opens = (text.match(/</g) ?? []).length;
    const closes = (text.match(/>/g) ?? []).length;
    return opens > closes || /\\$/.test(text);
  }

  format(text: string): { output: string; diagnostics: Diagnostic[] } {
    // canonical enough for a fake: one statement a line, single spaces
    return { output: text.split("\n").map((l) => l.trim().replace(/\s+/g, " ")).filter(Boolean).join("\n") + "\n", diagnostics: [] };
  }

  async up(compiled: Compiled): Promise<UpResult> {
    this.upCalls.push(compiled.sources.get(compiled.file)!);
    const want = new Set(compiled.topology!.namespaces.map((n) => n.name));
    const ops: Op[] = [];
    for (const n of want) if (!this.applied.has(n)) ops.push(op(ops.length + 1, `create namespace ${n}`));
    for (const n of this.applied) if (!want.has(n)) ops.push(op(ops.length + 1, `delete namespace ${n}`));
    if (want.has("boom") && !this.applied.has("boom")) {
      return { status: "rolled-back", ops: [], diagnostics: [], failure: { op: ops[0]!, message: "RTNETLINK answers: File exists" }, elapsedMs: 1 };
    }
    this.applied = want;
    return { status: "ok", ops, diagnostics: [], elapsedMs: 1 };
  }

  async plan(compiled: Compiled) {
    const want = compiled.topology!.namespaces.map((n) => n.name).filter((n) => !this.applied.has(n));
    return { ops: want.map((n, i) => op(i + 1, `create namespace ${n}`)), diagnostics: [], live: await this.live() };
  }

  async down() {
    const ops = [...this.applied].map((n, i) => op(i + 1, `delete namespace ${n}`));
    this.applied.clear();
    return { status: "ok" as const, ops };
  }

  async live(): Promise<LiveState> {
    return { ...emptyLiveState(), namespaces: [...this.applied] };
  }

  async exec(ns: string, argv: readonly string[]): Promise<number> {
    this.execCalls.push({ ns, argv: [...argv] });
    return 0;
  }

  async ping(fromNs: string, toAddr: string): Promise<PingResult> {
    return this.reachable(fromNs, toAddr) ? { ok: true, ms: 0.05 } : { ok: false };
  }
}

function op(index: number, summary: string): Op {
  // the REPL shows only summaries; the effect stands for "something in the host"
  const effect = { k: "netns" as const, name: `op${index}` };
  return { index, phase: "host", tool: "ip", ns: "host", text: `netns add op${index}`, summary, effect, inverse: null };
}

function spanAt(text: string, file: string, offset: number, len: number): Span {
  const pos = (o: number) => {
    const before = text.slice(0, o).split("\n");
    return { offset: o, line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  return { file, start: pos(offset), end: pos(offset + len) };
}

/** collects what the REPL prints */
export function captureIO() {
  const io = { outText: "", errText: "", color: false, out: (s: string) => void (io.outText += s), err: (s: string) => void (io.errText += s) };
  return io;
}
