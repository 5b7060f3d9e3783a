import type { LiveState } from "../model/live.js";
import type { ProjectState, ServiceRecord } from "../model/state.js";
import { HOST } from "../model/topology.js";
import type { Op } from "../plan/op.js";
import type { Runner, RunResult } from "./runner.js";
import type { Batch } from "./batches.js";
import { ipBatchIn } from "./enter.js";
import type { BatchOutcome } from "./fanout.js";
import { nftArgv, sysctlWriteArgv } from "./commands.js";
import { namespacesOf } from "./effects.js";
import { parseSysctlOutput, sysctlDisplayKey } from "./ip-json.js";
import { readLive, readSysctls } from "./live.js";
import { serviceRunning, startService } from "./services.js";
import { recordsFor, stopServices, type StoppedService } from "./service-ops.js";
import { effectPresent, findLink } from "../plan/diff.js";
import type { BatchTails } from "./batch-tails.js";
import type { StateStore, ExecJournal } from "./state-store.js";
import { failedLine, kernelMessage } from "./undo.js";

/**
 * One batch of the transaction (execute.ts): its ops sent to ip, sysctl, nft or the
 * service starter, and what the kernel says of each. Split from execute.ts, which keeps
 * the phases, the journal and rollback.
 */

/** What a transaction carries from batch to batch. */
export interface Ctx {
  runner: Runner;
  store: StateStore;
  failAt?: number;
  journal: ExecJournal;
  saveJournal: () => Promise<void>;
  knownOriginals: ProjectState["sysctlOriginals"];
  /** services started by this run: op index → the process */
  services: Map<number, ServiceRecord>;
  /** services on record before this run (what its stop ops stop) */
  records: readonly ServiceRecord[];
  /** what each executed stop op stopped: op index → the services and outcomes */
  stopped: Map<number, StoppedService[]>;
  project: string;
  tails: BatchTails;
}

export const sysctlKeyOf = (op: Op): string => (op.effect.k === "sysctl" ? op.effect.key : "");

// ---------------------------------------------------------------------------------------
// one batch

export function injected(op: Op): string {
  return `injected failure at op ${op.index} (NSNET_FAIL_AT=${op.index})`;
}

export async function runBatch(batch: Batch, ctx: Ctx): Promise<BatchOutcome> {
  const k = ctx.failAt === undefined ? -1 : batch.ops.findIndex((o) => o.index === ctx.failAt);
  const sent = k >= 0 ? batch.ops.slice(0, k) : batch.ops;
  const out = sent.length ? await runOps(batch, sent, ctx) : { done: [] };
  if (!out.failed && k >= 0) out.failed = { op: batch.ops[k]!, message: injected(batch.ops[k]!) };
  if (out.failed) ctx.tails.cut(batch);
  return out;
}

async function runOps(batch: Batch, ops: Op[], ctx: Ctx): Promise<BatchOutcome> {
  switch (batch.tool) {
    case "ip":
      return runIp(batch, ops, ctx);
    case "sysctl":
      return runSysctl(batch.ns, ops, ctx);
    case "nft":
      return runNft(batch.ns, ops, ctx);
    case "service":
      return runServices(batch.ns, ops, ctx);
  }
}

async function runIp(batch: Batch, ops: Op[], ctx: Ctx): Promise<BatchOutcome> {
  // a whole batch carries its tail (multicast hold-off, read-back dumps: batch-tails.ts)
  const tail = ctx.tails.tailIfWhole(batch, ops);
  const text = [...ops.map((o) => o.text), ...tail.lines].join("\n") + "\n";
  return ipOutcome(batch, ops, await ctx.runner.run(ipBatchIn(batch.ns, tail.flags), { input: text }), ctx);
}

/** What an ip batch's process says about its ops (and its tail). */
async function ipOutcome(batch: Batch, ops: Op[], r: RunResult, ctx: Ctx): Promise<BatchOutcome> {
  const line = r.exitCode === 0 ? null : failedLine(r.stderr);
  if (r.exitCode === 0 || (line !== null && line > ops.length)) {
    ctx.tails.took(batch, ops.length, r);
    return { done: ops };
  }
  if (line !== null && line >= 1 && line <= ops.length) {
    return { done: ops.slice(0, line - 1), failed: { op: ops[line - 1]!, message: kernelMessage(r.stderr) || "ip failed" } };
  }
  // ip died without naming a line (it printed its usage, or refused an argument, and exited
  // at once): the lines before the one it died on took effect, the rest did not.
  return blameByKernel(ops, kernelMessage(r.stderr).slice(0, 500) || `ip exited with ${r.exitCode}`, ctx);
}

/** Ops that ran in order up to one that failed, which is not known: the kernel says which —
 *  the first op whose effect it does not show is the one to blame. `before` took effect. */
export async function blameByKernel(ops: Op[], message: string, ctx: Ctx, before: Op[] = []): Promise<BatchOutcome> {
  const live = await readLive(ctx.runner, { namespaces: namespacesOf(ops) });
  const k = ops.findIndex((o) => !tookEffect(o.effect, live, ctx.project));
  if (k < 0) return { done: [...before, ...ops], failed: { op: ops[ops.length - 1]!, message } };
  return { done: [...before, ...ops.slice(0, k)], failed: { op: ops[k]!, message } };
}

/** Whether the kernel shows an op's effect — for a link, that it exists (its mark is a
 *  later line of the batch). */
function tookEffect(e: Op["effect"], live: LiveState, project: string): boolean {
  if (e.k === "link") return findLink(live, e.ns, e.name) !== undefined;
  return effectPresent(e, live, project);
}

/** The values before of the keys these batches write that no record has yet, read (all
 *  places at once) and saved with the journal before anything writes them. */
export async function readOriginals(batches: readonly { ns: string; ops: readonly Op[] }[], ctx: Ctx): Promise<void> {
  const unknown = batches.flatMap(({ ns, ops }) =>
    ops
      .map(sysctlKeyOf)
      .filter((k) => ctx.knownOriginals[ns]?.[k] === undefined && ctx.journal.sysctlOriginals?.[ns]?.[k] === undefined)
      .map((key) => ({ ns, key })),
  );
  if (unknown.length === 0) return;
  const read = await readSysctls(ctx.runner, unknown);
  for (const [ns, values] of Object.entries(read)) Object.assign((ctx.journal.sysctlOriginals![ns] ??= {}), values);
  await ctx.saveJournal();
}

async function runSysctl(ns: string, ops: Op[], ctx: Ctx): Promise<BatchOutcome> {
  await readOriginals([{ ns, ops }], ctx);
  const write = ctx.runner.writeHostSysctl?.bind(ctx.runner);
  if (ns === HOST && write) return writeHostSysctls(ops, write);
  const r = await ctx.runner.run(
    sysctlWriteArgv(
      ns,
      ops.map((o) => o.text),
    ),
  );
  if (r.exitCode === 0) return { done: ops };
  const printed = parseSysctlOutput(r.stdout);
  const done = ops.filter((o) => printed[sysctlDisplayKey(sysctlKeyOf(o))] !== undefined);
  const failed = ops.find((o) => !done.includes(o)) ?? ops[0]!;
  return { done, failed: { op: failed, message: r.stderr.trim() || "sysctl failed" } };
}

/** The host's sysctls without a `sysctl` process (this process lives in the host's
 *  namespace): one /proc/sys write each, in order, stopping at the first refused. */
async function writeHostSysctls(ops: Op[], write: (key: string, value: string) => Promise<void>): Promise<BatchOutcome> {
  const done: Op[] = [];
  for (const op of ops) {
    if (op.effect.k !== "sysctl") return { done, failed: { op, message: `not a sysctl: ${op.text}` } };
    try {
      await write(op.effect.key, op.effect.value);
    } catch (e) {
      return { done, failed: { op, message: (e as Error).message } };
    }
    done.push(op);
  }
  return { done };
}

async function runNft(ns: string, ops: Op[], ctx: Ctx): Promise<BatchOutcome> {
  const done: Op[] = [];
  for (const op of ops) {
    const check = await ctx.runner.run(nftArgv(ns, true), { input: op.text });
    if (check.exitCode !== 0) return { done, failed: { op, message: check.stderr.trim() || "nft -c failed" } };
    const r = await ctx.runner.run(nftArgv(ns, false), { input: op.text });
    if (r.exitCode !== 0) return { done, failed: { op, message: r.stderr.trim() || "nft failed" } };
    done.push(op);
  }
  return { done };
}

async function runServices(_ns: string, ops: Op[], ctx: Ctx): Promise<BatchOutcome> {
  const done: Op[] = [];
  for (const op of ops) {
    const e = op.effect;
    if (e.k === "service-stop") {
      ctx.stopped.set(op.index, await stopServices(recordsFor(e, ctx.records, ctx.project)));
      done.push(op);
      continue;
    }
    if (e.k !== "service") return { done, failed: { op, message: `not a service op (${op.summary})` } };
    let service: ServiceRecord;
    try {
      service = await startService(ctx.runner, {
        project: ctx.project,
        op,
        argv: e.argv,
        logFile: ctx.store.logPath(op.index),
      });
    } catch (e) {
      return { done, failed: { op, message: (e as Error).message } };
    }
    ctx.services.set(op.index, service);
    ctx.journal.services = { ...(ctx.journal.services ?? {}), [op.index]: service };
    await ctx.saveJournal();
    done.push(op);
    // a command that cannot start (missing program, bad namespace) dies at once
    await new Promise((res) => setTimeout(res, 150));
    if (!(await serviceRunning(service))) {
      return { done, failed: { op, message: `service exited at once (see ${ctx.store.dir}/service-${op.index}.log)` } };
    }
  }
  return { done };
}
