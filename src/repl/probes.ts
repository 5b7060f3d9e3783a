import { didYouMean } from "../diagnostics/suggest.js";
import { HOST } from "../model/topology.js";
import type { PingResult } from "./engine-port.js";
import { addressFor, primaryAddresses, substituteNames } from "./addresses.js";
import { cellKey, formatMatrix, summarizeProbes } from "./matrix.js";
import { outcomeOf, type Outcome } from "./outcome.js";
import { explainPairs, reasonLines, whyText } from "./why.js";
import { ReplSession } from "./session.js";

const PROBE_CONCURRENCY = 8;

/** The REPL's commands that run things in namespaces: `NS: CMD`, `ping`, `pingall`, `why`. */
export abstract class ReplProbes extends ReplSession {
  protected async exec(ns: string, argv: string[]): Promise<Outcome> {
    if (ns === HOST && !this.engine.hostCommands) {
      this.io.err(`${this.paint("error", "error")}: commands for the host run in your own shell, not here (inside \`nsnet sandbox\` they run here)\n`);
      return "refused";
    }
    const known = this.knownNamespaces();
    if (ns !== HOST && !known.includes(ns)) {
      const live = await this.readLive().catch(() => undefined);
      if (!live?.namespaces.includes(ns)) {
        const guess = didYouMean(ns, [...known, ...(live?.namespaces ?? [])]);
        this.io.err(`${this.paint("error", "error")}: no namespace ${ns}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}\n`);
        return "refused";
      }
    }
    const code = await this.engine.exec(ns, substituteNames(argv, primaryAddresses(this.compiled?.addressed)));
    if (code !== 0) this.io.err(`${this.paint("dim", `exit ${code}`)}\n`);
    return outcomeOf(code === 0);
  }

  /** A namespace name → (itself, its address); an address → (null, itself). */
  protected endpoint(word: string, primary: ReadonlyMap<string, string>): { ns: string | null; addr?: string } | string {
    if (this.knownNamespaces().includes(word) || word === HOST) return { ns: word, addr: primary.get(word) };
    if (/^[0-9.]+$|:/.test(word)) return { ns: null, addr: word };
    const guess = didYouMean(word, this.knownNamespaces());
    return `no namespace ${word}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}`;
  }

  protected async ping(a: string, b: string): Promise<Outcome> {
    const primary = primaryAddresses(this.compiled?.addressed);
    const ends = [this.endpoint(a, primary), this.endpoint(b, primary)];
    for (const e of ends) {
      if (typeof e === "string") {
        this.io.err(`${this.paint("error", "error")}: ${e}\n`);
        return "refused";
      }
    }
    const [ea, eb] = ends as { ns: string | null; addr?: string }[];
    const pairs: [string, string, string | undefined][] = [];
    if (ea!.ns) pairs.push([a, b, eb!.addr]);
    if (eb!.ns) pairs.push([b, a, ea!.addr]);
    const results = await this.probe(pairs.map(([f, t, addr]) => ({ from: f, to: t, addr })));
    this.io.out(formatMatrix([a, b], results));
    await this.explainFailed(
      pairs.map(([f, t]) => [f, t] as const),
      results,
    );
    return outcomeOf([...results.values()].every((r) => r.ok));
  }

  async pingall(): Promise<Outcome> {
    const names = this.knownNamespaces();
    if (names.length < 2) {
      this.io.out("pingall needs two namespaces or more\n");
      return "ok";
    }
    const primary = primaryAddresses(this.compiled?.addressed);
    const topo = this.compiled?.addressed;
    // each pair at the address on the segment they share (h3 pings its gateway r1 there)
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to, addr: addressFor(topo, from, to, primary) })));
    const results = await this.probe(pairs);
    this.io.out(formatMatrix(names, results));
    this.io.out(`${summarizeProbes(results)}\n`);
    await this.explainFailed(
      pairs.map((p) => [p.from, p.to] as const),
      results,
    );
    return outcomeOf([...results.values()].every((r) => r.ok));
  }

  /** `why A B`: the path walked, and the first place a ping or its reply is lost. */
  async why(a: string, b: string): Promise<Outcome> {
    const [r] = await explainPairs(this.engine, this.compiled, [[a, b]]);
    if (typeof r === "string" || r === undefined) {
      this.io.err(`${this.paint("error", "error")}: ${r ?? "no answer"}\n`);
      return "refused";
    }
    this.io.out(whyText(r, this.compiled, new Map([...this.sources].map(([f, text]) => [f, text()])), this.io.color));
    return "ok";
  }

  /** Under a matrix: why each probe that got no answer got none (src/repl/why.ts). */
  protected async explainFailed(pairs: (readonly [string, string])[], results: ReadonlyMap<string, PingResult>): Promise<void> {
    const failed = pairs.filter(([f, t]) => results.get(cellKey(f, t))?.ok === false && !results.get(cellKey(f, t))?.error);
    if (failed.length) this.io.out(reasonLines(failed, await explainPairs(this.engine, this.compiled, failed)));
  }

  protected async probe(pairs: { from: string; to: string; addr?: string }[]): Promise<Map<string, PingResult>> {
    const results = new Map<string, PingResult>();
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const p = pairs[next++]!;
        const r: PingResult = p.addr
          ? await this.engine.ping(p.from, p.addr).catch((e: unknown) => ({ ok: false, error: String(e) }))
          : { ok: false, error: `${p.to} has no address` };
        results.set(cellKey(p.from, p.to), r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, pairs.length) }, worker));
    for (const p of pairs) {
      const r = results.get(cellKey(p.from, p.to));
      if (r?.error) this.io.err(`${p.from} \u2192 ${p.to}: ${r.error}\n`);
    }
    return results;
  }
}
