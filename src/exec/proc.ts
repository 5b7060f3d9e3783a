import { readdir, readFile, stat } from "node:fs/promises";
import type { NetnsIdentity } from "../model/state.js";
import { HOST } from "../model/topology.js";

/**
 * What the kernel says about a process and a network namespace, read from /proc and
 * /run/netns. The one place that answers "is this process alive" and "is this still the
 * process (or namespace) we recorded": locks, services and namespace ownership all ask here.
 */

/** A pid nsnet may ever act on: an integer above 1 (0, -1 and negatives name groups or
 *  everything; 1 is init). Anything read from a file goes through this first. */
export function isValidPid(pid: unknown): pid is number {
  return typeof pid === "number" && Number.isSafeInteger(pid) && pid > 1 && pid <= 0x3fffffff;
}

/**
 * Whether a process with this pid exists. EPERM counts as alive: the kernel found the
 * process and only refused us the right to signal it, so it exists — and every caller
 * (lock breaking above all) is safe when it waits for a live process and unsafe when it
 * mistakes a live one for dead.
 */
export function processAlive(pid: number): boolean {
  if (!isValidPid(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface ProcStat {
  /** one letter: R, S, D, Z (zombie), T … */
  state: string;
  pgrp: number;
  session: number;
  /** field 22: clock ticks after boot at which the process started; with the pid, it names
   *  one process for the life of the machine (a reused pid has a later start time) */
  startTime: string;
}

/** /proc/PID/stat, or null when there is no such process. */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  if (!isValidPid(pid)) return null;
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // the command name (field 2) is in parentheses and may hold spaces and ')': fields 3… follow the last ')'
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, , pgrp, session] = rest;
  const startTime = rest[19];
  if (state === undefined || pgrp === undefined || session === undefined || startTime === undefined) return null;
  return { state, pgrp: Number(pgrp), session: Number(session), startTime };
}

/** A process identity: alive (not a zombie) with this start time. */
export async function isSameProcess(pid: number, startTime: string): Promise<boolean> {
  const s = await readProcStat(pid);
  return s !== null && s.state !== "Z" && s.startTime === startTime;
}

async function identityOf(path: string, withTime: boolean): Promise<NetnsIdentity | null> {
  try {
    const s = await stat(path, { bigint: true });
    return { ino: Number(s.ino), dev: Number(s.dev), ...(withTime ? { ctimeNs: String(s.ctimeNs) } : {}) };
  } catch {
    return null;
  }
}

/** Where `ip netns` keeps its names. */
export const NETNS_RUN_DIR = "/run/netns";

/**
 * The identity of a named namespace (HOST: this process's own), or null if it is gone.
 * /run/netns/NAME is a bind mount of the namespace's nsfs file, so its inode and device
 * are the namespace's — the pair /proc/PID/ns/net gives for a process inside it. The kernel
 * reuses a freed namespace's inode number at once (`ip netns del x; ip netns add x` often
 * gets the same one), so a named namespace's identity also holds the inode's change time:
 * the bind mount pins the inode, so the time stays fixed for the life of the name, and a
 * namespace made again gets a new one.
 */
export function netnsIdentity(ns: string): Promise<NetnsIdentity | null> {
  return ns === HOST ? identityOf("/proc/self/ns/net", false) : identityOf(`${NETNS_RUN_DIR}/${ns}`, true);
}

/** The network namespace a process is in (inode and device only), or null when it is gone. */
export function netnsOfPid(pid: number): Promise<NetnsIdentity | null> {
  return isValidPid(pid) ? identityOf(`/proc/${pid}/ns/net`, false) : Promise.resolve(null);
}

/** Same namespace: same inode and device, and the same change time when both know it. */
export function sameNetns(a: NetnsIdentity | null | undefined, b: NetnsIdentity | null | undefined): boolean {
  if (!a || !b || a.ino !== b.ino || a.dev !== b.dev) return false;
  return a.ctimeNs === undefined || b.ctimeNs === undefined || a.ctimeNs === b.ctimeNs;
}

/** One variable of a process's initial environment (as it was at exec), or null. */
export async function environOf(pid: number, name: string): Promise<string | null> {
  if (!isValidPid(pid)) return null;
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/environ`, "utf8");
  } catch {
    return null;
  }
  const prefix = `${name}=`;
  const hit = text.split("\0").find((v) => v.startsWith(prefix));
  return hit === undefined ? null : hit.slice(prefix.length);
}

/** Every pid /proc shows (this pid namespace's processes). */
export async function listPids(): Promise<number[]> {
  const names = await readdir("/proc").catch(() => [] as string[]);
  return names
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter(isValidPid);
}
