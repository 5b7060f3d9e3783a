import { isDeepStrictEqual } from "node:util";
import type { ServiceRecord } from "../model/state.js";
import type { Op } from "../plan/op.js";
import type { Effect } from "../plan/effect.js";
import { render } from "../plan/render.js";
import type { Runner } from "./runner.js";
import { describeService, serviceMark, startService, stopService, type StopOutcome } from "./services.js";

/**
 * The service ops of a plan that change what runs: an edit that removes or changes a
 * `run in` stops the old service — through the proven-identity stop `down` uses, never a
 * bare kill — and a rollback starts again exactly the services that stop ended.
 */
export interface StoppedService {
  record: ServiceRecord;
  outcome: StopOutcome;
}

/** The records a stop op is about: the services started for that `run in` (same mark, or,
 *  for records without one, the same namespace and argv). */
export function recordsFor(stop: Extract<Effect, { k: "service-stop" }>, records: readonly ServiceRecord[], project: string): ServiceRecord[] {
  const mark = serviceMark(project, render({ k: "service", ns: stop.ns, argv: stop.argv }));
  return records.filter((r) => (r.mark !== undefined ? r.mark === mark : r.ns === stop.ns && isDeepStrictEqual(r.argv, stop.argv)));
}

export async function stopServices(records: readonly ServiceRecord[]): Promise<StoppedService[]> {
  const out: StoppedService[] = [];
  for (const record of records) out.push({ record, outcome: await stopService(record) });
  return out;
}

/** What a stop left alone because it was not provably ours (for reports). */
export function refusals(stopped: Iterable<StoppedService[]>): string[] {
  return [...stopped].flat().flatMap((s) => (s.outcome.kind === "refused" ? [`${describeService(s.record)}: ${s.outcome.reason}`] : []));
}

/**
 * Undo of executed stop ops (newest first): each service a stop really ended is started
 * again as the `run in` it was, and its new record replaces the old one in `records`.
 * A service that was already gone, or not ours, is not started. Returns what could not be.
 */
export async function restartStopped(
  runner: Runner,
  executed: readonly Op[],
  stopped: ReadonlyMap<number, StoppedService[]>,
  records: ServiceRecord[],
  opts: { project: string; logFile: (op: Op) => string },
): Promise<{ op: Op; error: string }[]> {
  const failed: { op: Op; error: string }[] = [];
  for (const op of [...executed].reverse()) {
    const e = op.effect;
    if (e.k !== "service-stop") continue;
    for (const s of stopped.get(op.index) ?? []) {
      if (s.outcome.kind !== "stopped") continue;
      const at = records.indexOf(s.record);
      try {
        const started = await startService(runner, {
          project: opts.project,
          op: render({ k: "service", ns: e.ns, argv: e.argv }),
          argv: e.argv,
          logFile: opts.logFile(op),
        });
        if (at >= 0) records[at] = started;
        else records.push(started);
      } catch (err) {
        failed.push({ op, error: `could not start ${describeService(s.record)} again: ${(err as Error).message}` });
      }
    }
  }
  return failed;
}
