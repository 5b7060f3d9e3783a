import { createHash } from "node:crypto";
import type { NetnsIdentity, ServiceRecord } from "../model/state.js";
import { opKey } from "../model/state.js";
import type { OpStep } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { serviceArgv } from "./commands.js";
import { environOf, isSameProcess, isValidPid, listPids, netnsIdentity, netnsOfPid, readProcStat, sameNetns } from "./proc.js";

/**
 * Starting and stopping `run in` services. A service is started detached, so it leads its
 * own session and process group (`ip netns exec` and `nsenter` exec the command in place:
 * the pid we get is the service's). At start nsnet records the leader's start time and the
 * namespace it runs in, and marks its environment with NSNET_SERVICE=<project>:<id>, which
 * /proc shows even when nsnet's own state is lost. A stop signals the group only after
 * proving the pid is still that leader; anything else is left alone and reported.
 */
export const SERVICE_ENV = "NSNET_SERVICE";

/** Stable across runs for the same service (same namespace and argv), so a later `up` can
 *  recognise a running copy of a service it is about to start. */
export function serviceMark(project: string, op: OpStep): string {
  return `${project}:${createHash("sha256").update(opKey(op)).digest("hex").slice(0, 12)}`;
}

export class ServiceStartError extends Error {}

export async function startService(runner: Runner, s: { project: string; op: OpStep; argv: string[]; logFile?: string }): Promise<ServiceRecord> {
  if (!runner.start) throw new ServiceStartError("this runner cannot start services");
  const netns = await netnsIdentity(s.op.ns);
  if (!netns) throw new ServiceStartError(`namespace ${s.op.ns} does not exist`);
  const mark = serviceMark(s.project, s.op);
  let pid: number;
  try {
    ({ pid } = await runner.start(serviceArgv(s.op.ns, s.argv), {
      ...(s.logFile !== undefined ? { logFile: s.logFile } : {}),
      env: { ...stringEnv(process.env), [SERVICE_ENV]: mark },
    }));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ELOOP") {
      throw new ServiceStartError(`${s.logFile} is a symbolic link; nsnet never writes through one (remove it)`);
    }
    throw e;
  }
  // The start time does not change at exec, so it can be read at once.
  const st = await readProcStat(pid);
  return { ns: s.op.ns, argv: s.argv, pid, ...(st ? { startTime: st.startTime } : {}), netns, mark };
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** Still the process we started (alive, same start time)? */
export async function serviceRunning(s: ServiceRecord): Promise<boolean> {
  return isValidPid(s.pid) && s.startTime !== undefined && (await isSameProcess(s.pid, s.startTime));
}

export type StopOutcome = { kind: "stopped" } | { kind: "gone" } | { kind: "refused"; reason: string };

/** Why this pid is not provably our service, or null when it is (and alive), "gone" when
 *  there is nothing left to stop. */
async function provenance(s: ServiceRecord, expectNetns: NetnsIdentity | undefined): Promise<string | null | "gone"> {
  if (!isValidPid(s.pid)) return `pid ${JSON.stringify(s.pid)} is not a process id nsnet would ever signal`;
  if (s.startTime === undefined || expectNetns === undefined) return `pid ${s.pid} has no recorded start time or namespace (state of an older nsnet)`;
  const st = await readProcStat(s.pid);
  if (!st || st.state === "Z") return "gone";
  if (st.startTime !== s.startTime) return `pid ${s.pid} is another process now (started at tick ${st.startTime}, ours at ${s.startTime})`;
  if (st.pgrp !== s.pid) return `pid ${s.pid} no longer leads its own process group`;
  const ns = await netnsOfPid(s.pid);
  if (!ns) return "gone";
  if (!sameNetns(ns, expectNetns)) return `pid ${s.pid} is in another network namespace than the one it was started in`;
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface StopOptions {
  /** how long to wait after SIGTERM before SIGKILL (default 2 s) */
  graceMs?: number;
}

/**
 * Stop a service: SIGTERM to its process group once the leader is proven ours, SIGKILL to
 * the group if the leader outlives the grace period (re-proven first). There is a window
 * between the proof and the signal in which the leader could exit and its pid be reused;
 * without a pidfd (Node has none) it is as narrow as two /proc reads.
 */
export async function stopService(s: ServiceRecord, opts: StopOptions = {}): Promise<StopOutcome> {
  const why = await provenance(s, s.netns);
  if (why === "gone") return { kind: "gone" };
  if (why !== null) return { kind: "refused", reason: why };
  if (!signalGroup(s.pid, "SIGTERM")) return { kind: "gone" };
  const deadline = Date.now() + (opts.graceMs ?? 2000);
  while (Date.now() < deadline) {
    if (!(await serviceRunning(s))) return { kind: "stopped" };
    await sleep(50);
  }
  if ((await provenance(s, s.netns)) === null) signalGroup(s.pid, "SIGKILL");
  return { kind: "stopped" };
}

function signalGroup(leader: number, sig: NodeJS.Signals): boolean {
  if (!isValidPid(leader)) return false;
  try {
    process.kill(-leader, sig);
    return true;
  } catch {
    return false;
  }
}

/** For reports: what a refused or stopped service is. */
export function describeService(s: ServiceRecord): string {
  return `service in ${s.ns} (${s.argv.join(" ")}, pid ${String(s.pid)})`;
}

/**
 * Running services that carry one of the project's marks, found from /proc alone (no
 * state): session and process-group leaders whose environment holds NSNET_SERVICE=
 * <project>:<id>. Which of them are ours is the caller's decision (the namespace they run
 * in must be one of the project's). Sorted oldest first.
 */
export async function findMarkedServices(project: string): Promise<Required<Pick<ServiceRecord, "pid" | "startTime" | "netns" | "mark">>[]> {
  const prefix = `${project}:`;
  const out: Required<Pick<ServiceRecord, "pid" | "startTime" | "netns" | "mark">>[] = [];
  for (const pid of await listPids()) {
    if (pid === process.pid) continue;
    const mark = await environOf(pid, SERVICE_ENV);
    if (mark === null || !mark.startsWith(prefix)) continue;
    const st = await readProcStat(pid);
    if (!st || st.state === "Z" || st.pgrp !== pid || st.session !== pid) continue;
    const netns = await netnsOfPid(pid);
    if (netns) out.push({ pid, startTime: st.startTime, netns, mark });
  }
  return out.sort((a, b) => Number(a.startTime) - Number(b.startTime));
}
