import { HOST } from "../model/topology.js";
import type { Batch } from "../plan/batch.js";
import type { Op } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { helperArgv } from "./helper.js";
import type { PlaceState } from "./readback.js";
import { encodeRequests, failureMessage, helperOpsOf, parseHelperOutput, type HelperOp, type PlaceRecord, type PlaceRequest } from "./helper-protocol.js";
import { placeConcurrency } from "./enter.js";

/**
 * Many namespaces' work in a few processes: nsnet's helper (helper-protocol.ts), one per
 * core, each entering the namespaces of its share one after the other. Node forks its
 * whole (large) process for every spawn and waits until the child has exec'd; the helper
 * enters a namespace with setns(2) and does the ops and reads itself, over rtnetlink and
 * /proc/sys, so a thousand namespaces cost two processes instead of two thousand.
 *
 * What each namespace's work came to is its record, read as data: never what the helper,
 * perl or anything else printed on stderr (logged with `--verbose`, decides nothing).
 */

/** Below this many namespaces, one `ip` process each costs no more than the helper's start. */
export const FANOUT_FROM = 8;

/** How long one helper run may take before nsnet kills it: generous, it is there so that a
 *  kernel that stops answering cannot hang nsnet (the helper gives up on a netlink answer
 *  after 20 s itself). */
export function helperDeadlineMs(requests: readonly PlaceRequest[]): number {
  const ops = requests.reduce((n, r) => n + r.ops.length, 0);
  return 60_000 + 100 * requests.length + 50 * ops;
}

export interface HelperRun {
  /** per namespace, what its work came to */
  records: Map<string, PlaceRecord>;
  /** namespaces whose helper did not run (none installed, no perl, it could not start):
   *  nothing was done there; the caller does the work another way. A namespace in neither
   *  got no answer (its helper died or was killed): any of its ops may have taken effect. */
  notRun: Set<string>;
}

/** The requests (one per namespace) in `groups` helpers side by side (one for fewer than a
 *  fan-out's worth: each start costs ~25 ms). Each call stands on its own: a helper that
 *  fails affects this call's namespaces only. */
export async function runHelper(runner: Runner, requests: readonly PlaceRequest[], opts: { groups?: number } = {}): Promise<HelperRun> {
  const argv = helperArgv();
  const run: HelperRun = { records: new Map(), notRun: new Set() };
  if (requests.length === 0) return run;
  if (argv === null) {
    for (const r of requests) run.notRun.add(r.ns);
    return run;
  }
  if (new Set(requests.map((r) => r.ns)).size !== requests.length) throw new Error("internal: one helper request per namespace");
  const groups = requests.length < FANOUT_FROM ? 1 : Math.max(1, Math.min(opts.groups ?? placeConcurrency(), requests.length));
  const shares = Array.from({ length: groups }, (_, g) =>
    requests.slice(Math.floor((g * requests.length) / groups), Math.floor(((g + 1) * requests.length) / groups)),
  );
  await Promise.all(
    shares.map(async (share) => {
      const r = await runner.run(argv, { input: encodeRequests(share), timeoutMs: helperDeadlineMs(share) });
      // stderr is for people (`--verbose`): a warning there changes no outcome
      for (const line of r.stderr.split("\n")) if (line.trim() !== "") runner.note?.(`helper: ${line}`);
      const out = parseHelperOutput(r.stdout, share);
      for (const line of out.bad) runner.note?.(`helper: not a record: ${line}`);
      if (!out.started) {
        runner.note?.(`helper did not run (${out.unavailable ?? `exit ${r.exitCode}`}): the work is done without it`);
        for (const q of share) run.notRun.add(q.ns);
        return;
      }
      if (r.exitCode !== 0) runner.note?.(`helper exited with ${r.exitCode}; namespaces without a record are unanswered`);
      for (const q of share) {
        const rec = out.records.get(q.ns);
        if (rec) run.records.set(q.ns, rec);
      }
    }),
  );
  return run;
}

/** What a namespace's record says of the `sent` ops that began its request (any after them
 *  are the batch's tail: they count in `applied` but are nobody's failure here). */
export type SentOutcome =
  /** every sent op took effect; `applied` counts the tail's too */
  | { k: "done"; applied: number }
  /** ops 1..done took effect, op done+1 was refused, none after it ran */
  | { k: "failed"; done: number; message: string }
  /** ops 1..done took effect; op done+1 and any after it may or may not have */
  | { k: "unknown"; done: number; message: string };

export function sentOutcome(rec: PlaceRecord | undefined, sent: readonly HelperOp[]): SentOutcome {
  if (rec === undefined) return { k: "unknown", done: 0, message: "nsnet's helper gave no answer for this namespace" };
  if (rec.gone) return { k: "failed", done: 0, message: `cannot open /run/netns/${rec.ns}: No such file or directory` };
  if (rec.enter) return { k: "failed", done: 0, message: failureMessage(rec.enter) };
  const f = rec.failed;
  if (f === undefined) {
    return rec.applied >= sent.length
      ? { k: "done", applied: rec.applied }
      : { k: "unknown", done: rec.applied, message: `the helper applied ${rec.applied} of ${sent.length} ops and named no failure` };
  }
  if (f.index !== rec.applied + 1) return { k: "unknown", done: 0, message: `the helper's record does not add up (op ${f.index} failed after ${rec.applied})` };
  if (f.index > sent.length) return { k: "done", applied: rec.applied };
  const message = failureMessage(f, sent[f.index - 1]);
  return f.uncertain ? { k: "unknown", done: rec.applied, message } : { k: "failed", done: rec.applied, message };
}

/** What running a batch came to: the ops that took effect, and the one that failed. */
export interface BatchOutcome {
  done: Op[];
  failed?: { op: Op; message: string };
}

/** What a helper stage asks of the batches' tails (batch-tails.ts's BatchTails has it; named
 *  here because batch-tails.ts reads through live.ts, which runs the helper from here). */
export interface HelperTails {
  helperTail(batch: Batch, sent: readonly unknown[]): { hold: string[]; read: boolean };
  tookHelper(batch: Batch, opsSent: number, applied: number, state: PlaceState | undefined): void;
  cut(batch: Batch): void;
}

/** What the transaction (execute.ts) lends a stage run by the helper. */
export interface StageDeps {
  runner: Runner;
  /** NSNET_FAIL_AT: the op with this index fails as if the kernel refused it */
  failAt?: number;
  tails: HelperTails;
  /** reads the values before of the sysctls these batches write, and journals them */
  readOriginals(batches: { ns: string; ops: readonly Op[] }[]): Promise<void>;
  /** ops that ran in order up to one that failed, not known which: the kernel says */
  blameByKernel(ops: Op[], message: string, before: Op[]): Promise<BatchOutcome>;
  injected(op: Op): string;
}

/**
 * A stage's namespace batches the helper can do, all at once: its ip batches from a
 * fan-out's worth up (below, one `ip` each is as quick), its sysctl and nft batches always
 * (no process per namespace). The outcome of each batch it ran, to be recorded as if run
 * alone; a batch it did not run (no helper here) is left to run the ordinary way.
 */
export async function runStageByHelper(batches: readonly Batch[], deps: StageDeps): Promise<Map<Batch, BatchOutcome>> {
  const out = new Map<Batch, BatchOutcome>();
  if (helperArgv() === null) return out;
  const jobs = batches.flatMap((batch) => {
    if (batch.ns === HOST || batch.tool === "service") return [];
    const k = deps.failAt === undefined ? -1 : batch.ops.findIndex((o) => o.index === deps.failAt);
    const sent = k >= 0 ? batch.ops.slice(0, k) : batch.ops;
    const ops = helperOpsOf(sent);
    if (ops === null) return [];
    const tail = batch.tool === "ip" ? deps.tails.helperTail(batch, sent) : { hold: [] as string[], read: false };
    return [{ batch, k, sent, ops, tail }];
  });
  const ips = jobs.filter((j) => j.batch.tool === "ip").length;
  const perNs = new Map<string, number>();
  for (const j of jobs) perNs.set(j.batch.ns, (perNs.get(j.batch.ns) ?? 0) + 1);
  const chosen = jobs.filter((j) => (j.batch.tool !== "ip" || ips >= FANOUT_FROM) && perNs.get(j.batch.ns) === 1);
  if (chosen.length === 0) return out;
  // a sysctl's value before is on disk (the journal) before the helper changes it
  await deps.readOriginals(chosen.flatMap((j) => (j.batch.tool === "sysctl" ? [{ ns: j.batch.ns, ops: j.sent }] : [])));
  const sending = chosen.filter((j) => j.sent.length > 0);
  const run = await runHelper(
    deps.runner,
    sending.map((j) => ({ ns: j.batch.ns, ops: [...j.ops, ...j.tail.hold.map((dev): HelperOp => ({ k: "hold", dev, flood: false }))], state: j.tail.read })),
  );
  for (const j of chosen) {
    // not run at all: nothing was done there, the stage's chain runs it the ordinary way
    if (run.notRun.has(j.batch.ns)) continue;
    const rec = run.records.get(j.batch.ns);
    const o: BatchOutcome = j.sent.length ? await helperOutcome(j.batch, j.sent, sentOutcome(rec, j.ops), rec, deps) : { done: [] };
    if (!o.failed && j.k >= 0) o.failed = { op: j.batch.ops[j.k]!, message: deps.injected(j.batch.ops[j.k]!) };
    if (o.failed) deps.tails.cut(j.batch);
    out.set(j.batch, o);
  }
  return out;
}

/** What the helper's record says of a batch's ops. An op that may or may not have taken
 *  effect: for ip, the kernel says which; a sysctl or nft op counts as done, so rollback runs
 *  its inverse, which is harmless where it did not (the value nsnet found is written back; a
 *  table that is not there is already gone). */
async function helperOutcome(batch: Batch, ops: Op[], o: SentOutcome, rec: PlaceRecord | undefined, deps: StageDeps): Promise<BatchOutcome> {
  if (o.k === "done") {
    if (batch.tool === "ip") deps.tails.tookHelper(batch, ops.length, o.applied, rec?.state);
    return { done: ops };
  }
  if (o.k === "failed") return { done: ops.slice(0, o.done), failed: { op: ops[o.done]!, message: o.message } };
  if (batch.tool === "ip") return deps.blameByKernel(ops.slice(o.done), o.message, ops.slice(0, o.done));
  // no record at all: the helper may have got anywhere in this namespace's ops
  return { done: rec === undefined ? ops : ops.slice(0, o.done + 1), failed: { op: ops[o.done]!, message: o.message } };
}
