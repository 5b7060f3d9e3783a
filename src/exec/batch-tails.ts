import type { LiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import type { Batch } from "../plan/batch.js";
import type { Runner, RunResult } from "./runner.js";
import { mapBounded } from "./bounded.js";
import { ipBatchIn, placeConcurrency } from "./enter.js";
import { failedLine, kernelMessage } from "./undo.js";
import { liveOf, readPlace, readPlaces, readSysctls } from "./live.js";
import { holdLine, portsToHold, releaseLine } from "./mcast-holdoff.js";
import { DUMP_FLAGS, dumpLines, parseDumps, planReadBack, ReadBackError, type PlaceState, type ReadBackPlan } from "./readback.js";

/**
 * What the executor appends to a batch after its ops, in the same `ip` process: the
 * multicast hold-off for the bridge ports the batch enslaves (mcast-holdoff.ts), then the
 * dumps of the place when this batch is the one to carry them (readback.ts). At the end of
 * the build, `finish` releases the held ports, one batch per place (which may carry that
 * place's dumps too), and `after` gives the state verification reads: what the batches
 * dumped, and a fresh read of every place no batch could carry.
 */
export interface Tail {
  flags: readonly string[];
  lines: string[];
  /** how many of `lines` are dumps (the last ones; each prints one line) */
  dumps: number;
}

export class BatchTails {
  private readonly plan: ReadBackPlan;
  private readonly hold: Map<Batch, string[]>;
  /** per place, the ports whose hold-off line ran */
  private readonly held = new Map<string, string[]>();
  private readonly releases: Batch[];
  private readonly read = new Map<string, PlaceState>();
  private readonly unread = new Set<string>();

  /** `batches` in plan order; `places`: HOST and every namespace the ops touch. */
  constructor(batches: readonly Batch[], places: readonly string[], before: LiveState, opts: { holdOff?: boolean } = {}) {
    this.hold = opts.holdOff === false ? new Map() : portsToHold(batches, before);
    const lastStage = batches.reduce((m, b) => Math.max(m, b.stage), -1);
    const holdPlaces = [...new Set([...this.hold.keys()].map((b) => b.ns))];
    this.releases = holdPlaces.map((ns) => ({ phase: "host-routes", tool: "ip", ns, ops: [], stage: lastStage + 1 }));
    this.plan = planReadBack([...batches, ...this.releases], places);
    for (const p of this.plan.readAfter) this.unread.add(p);
  }

  /** The tail of a batch whose ops are all sent. */
  tail(batch: Batch): Tail {
    const lines = (this.hold.get(batch) ?? []).map(holdLine);
    const place = this.plan.carriers.get(batch);
    if (place === undefined) return { flags: [], lines, dumps: 0 };
    const dumps = dumpLines(place);
    return { flags: DUMP_FLAGS, lines: [...lines, ...dumps], dumps: dumps.length };
  }

  /** The tail when `sent` is the whole batch; a batch cut short by a fault gets none. */
  tailIfWhole(batch: Batch, sent: readonly unknown[]): Tail {
    return sent.length === batch.ops.length ? this.tail(batch) : { flags: [], lines: [], dumps: 0 };
  }

  /** The same tail for nsnet's helper (fanout.ts), as data: the ports to hold after the ops
   *  and whether to read the place back. */
  helperTail(batch: Batch, sent: readonly unknown[]): { hold: string[]; read: boolean } {
    if (sent.length !== batch.ops.length) return { hold: [], read: false };
    return { hold: this.hold.get(batch) ?? [], read: this.plan.carriers.has(batch) };
  }

  /** The helper ran all of the batch's ops and then `applied - opsSent` of its hold-off ops;
   *  `state` is its read-back, if it made one. What it did not read is read afterwards. */
  tookHelper(batch: Batch, opsSent: number, applied: number, state: PlaceState | undefined): void {
    const ports = this.hold.get(batch) ?? [];
    const heldCount = Math.max(0, Math.min(ports.length, applied - opsSent));
    if (heldCount) this.held.set(batch.ns, [...(this.held.get(batch.ns) ?? []), ...ports.slice(0, heldCount)]);
    const place = this.plan.carriers.get(batch);
    if (place === undefined) return;
    if (state !== undefined && heldCount === ports.length && state.ns === place) {
      this.read.set(place, state);
      this.unread.delete(place);
    } else {
      this.read.delete(place);
      this.unread.add(place);
    }
  }

  /**
   * The batch's process is done and all of its ops succeeded (`r` failed, if at all, on a
   * tail line). A hold-off line that failed leaves that port and the rest flooding as
   * usual; dumps that did not come are read afterwards.
   */
  took(batch: Batch, opsSent: number, r: RunResult): void {
    const ports = this.hold.get(batch) ?? [];
    const line = r.exitCode === 0 ? null : failedLine(r.stderr);
    const heldCount = r.exitCode === 0 ? ports.length : Math.max(0, Math.min(ports.length, (line ?? opsSent + 1) - opsSent - 1));
    if (heldCount) this.held.set(batch.ns, [...(this.held.get(batch.ns) ?? []), ...ports.slice(0, heldCount)]);
    const place = this.plan.carriers.get(batch);
    if (place === undefined) return;
    try {
      if (r.exitCode !== 0) throw new ReadBackError(kernelMessage(r.stderr));
      this.read.set(place, parseDumps(place, r.stdout, r.stderr));
      this.unread.delete(place);
    } catch (e) {
      if (!(e instanceof ReadBackError)) throw e;
      this.read.delete(place);
      this.unread.add(place);
    }
  }

  /** A batch cut short (fault, refused op): whatever it would have carried is read later. */
  cut(batch: Batch): void {
    const place = this.plan.carriers.get(batch);
    if (place !== undefined) this.unread.add(place);
  }

  /** Releases the held ports, the places side by side. Returns an error message, or null. */
  async finish(runner: Runner): Promise<string | null> {
    const failures: string[] = [];
    await mapBounded(this.releases, placeConcurrency(), async (b) => {
      const ports = this.held.get(b.ns) ?? [];
      const t = this.tail(b);
      const lines = [...ports.map(releaseLine), ...t.lines];
      if (lines.length === 0) return;
      const r = await runner.run(ipBatchIn(b.ns, t.flags), { input: lines.join("\n") + "\n" });
      const line = r.exitCode === 0 ? null : failedLine(r.stderr);
      if (r.exitCode !== 0 && (line === null || line <= ports.length)) {
        failures.push(
          `restoring multicast flooding on ${b.ns === HOST ? "host" : b.ns} port ${ports[(line ?? 1) - 1] ?? "?"}: ${kernelMessage(r.stderr) || `ip exited with ${r.exitCode}`}`,
        );
        this.cut(b);
        return;
      }
      this.took(b, ports.length, r);
    });
    return failures.length ? failures.join("; ") : null;
  }

  /** The places verification needs: dumped by batches, the rest read now. */
  async after(runner: Runner, sysctls: { ns: string; key: string }[]): Promise<LiveState> {
    let host = this.unread.has(HOST) ? null : (this.read.get(HOST) ?? null);
    if (!host) host = await readPlace(runner, HOST);
    const present = new Set(host!.namespaces ?? []);
    const late = [...this.unread].filter((p) => p !== HOST && present.has(p));
    const fresh = await readPlaces(runner, late);
    const kept = [...this.read.values()].filter((p) => p.ns !== HOST && present.has(p.ns) && !this.unread.has(p.ns));
    const live = liveOf([host!, ...kept, ...fresh]);
    const wanted = sysctls.filter((s) => s.ns === HOST || present.has(s.ns));
    if (wanted.length) live.sysctls = await readSysctls(runner, wanted);
    return live;
  }
}
