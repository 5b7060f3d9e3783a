import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { SANDBOX_INNER } from "./sandbox.js";

/**
 * `nsnet sandbox --attach`: a running sandbox is found by its holder, the inner CLI, which
 * is PID 1 of a PID namespace of its own (`unshare --pid --fork`) with `__sandbox-inner` in
 * its argv. No record is written anywhere: the sandbox's /run is a private tmpfs, and a
 * process table cannot go stale — when the sandbox exits there is nothing left to find.
 * Only a process of our own uid counts: root must never enter (and run a program from) a
 * mount namespace another user made up to look like a sandbox.
 */
export interface RunningSandbox {
  pid: number;
  /** field 22 of /proc/PID/stat: with the namespaces, who it is (against PID reuse) */
  startTime: string;
  netns: string;
  userns: string;
  file: string;
}

function read(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

function link(path: string): string | null {
  try {
    return readlinkSync(path);
  } catch {
    return null;
  }
}

/** The sandbox held by PID, or null (not one, not ours, gone). */
export function sandboxAt(pid: number, uid: number = process.geteuid?.() ?? -1): RunningSandbox | null {
  const argv = read(`/proc/${pid}/cmdline`)?.split("\0") ?? [];
  const at = argv.indexOf(SANDBOX_INNER);
  const status = read(`/proc/${pid}/status`) ?? "";
  const owner = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  const nspid = /^NSpid:\s+(.+)$/m.exec(status)?.[1]?.trim().split(/\s+/) ?? [];
  const stat = read(`/proc/${pid}/stat`);
  // fields after the command name, which is in parentheses and may hold spaces
  const startTime = stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  const netns = link(`/proc/${pid}/ns/net`);
  const userns = link(`/proc/${pid}/ns/user`);
  if (at < 0 || Number(owner) !== uid || nspid.length < 2 || nspid.at(-1) !== "1" || !startTime || !netns || !userns) return null;
  if (netns === link("/proc/self/ns/net")) return null;
  return { pid, startTime, netns, userns, file: argv[at + 1] ?? "" };
}

export function runningSandboxes(): RunningSandbox[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map((d) => sandboxAt(Number(d)))
    .filter((s): s is RunningSandbox => s !== null);
}

/** Still the same process and namespaces as when found (not a reused PID). */
export function stillSame(s: RunningSandbox): boolean {
  const now = sandboxAt(s.pid);
  return now !== null && now.startTime === s.startTime && now.netns === s.netns && now.userns === s.userns;
}

/** nsenter into the sandbox's mount, network and PID namespaces (and its user namespace
 *  when it has one of its own: a rootless sandbox), then CMD. */
export function attachArgv(s: RunningSandbox, cmd: readonly string[]): string[] {
  const user = s.userns !== link("/proc/self/ns/user") ? ["--user", "--preserve-credentials"] : [];
  return ["nsenter", "--target", String(s.pid), ...user, "--mount", "--net", "--pid", "--", ...cmd];
}
