/**
 * The container's network namespace, known by identity: the device and inode of the file
 * CNI_NETNS opens (an nsfs inode), never its path alone. A path is a name that can come to
 * mean another namespace — `/proc/PID/ns/net` once PID is reused, a /run/netns file that
 * was bind-mounted again — and a DEL that trusted it once deleted the host's `eth0`.
 *
 * Opening: the path is stat'ed first (so nothing but an nsfs file is ever opened — no FIFO,
 * no device), then opened and fstat'ed; every decision is made on the open file. Refused,
 * by identity: nsnet's own network namespace (the host the plugin works in) and PID 1's.
 * The commands then reach the namespace through `/proc/<our pid>/fd/<fd>`, which names the
 * very file we hold open for as long as we hold it, so `nsenter` and `ip … netns` enter what
 * was checked, whatever CNI_NETNS names by then.
 */
import { closeSync, fstatSync, openSync, readlinkSync, statSync, type Stats } from "node:fs";

/** `dev:ino` of an nsfs file (the identity `ip netns identify` and lsns compare). */
export type NetnsId = string;

const idOf = (st: Stats): NetnsId => `${st.dev}:${st.ino}`;

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** nsnet's own network namespace and PID 1's (null when /proc does not show it, or will
 *  not let us read it: then nothing can reach it through /proc/1 either). */
export function refusedNamespaces(): { own: NetnsId; pid1: NetnsId | null } {
  const own = statOrNull("/proc/self/ns/net");
  if (!own) throw new Error("cannot stat /proc/self/ns/net: is /proc mounted?");
  const pid1 = statOrNull("/proc/1/ns/net");
  return { own: idOf(own), pid1: pid1 ? idOf(pid1) : null };
}

/** A network namespace held open: `enter` is the path the commands use. Close it when done. */
export interface OpenNetns {
  /** CNI_NETNS as the runtime gave it (for messages and the result) */
  path: string;
  id: NetnsId;
  /** `/proc/<pid>/fd/<fd>`: the open file, for `nsenter --net=` and `ip link … netns` */
  enter: string;
  close(): void;
}

export type NetnsOpen = { ok: true; ns: OpenNetns } | { ok: false; gone: boolean; why: string };

/**
 * Opens CNI_NETNS and checks what it is: a network namespace, not nsnet's own nor PID 1's,
 * and — with `expected` (the identity recorded at ADD) — still the same one.
 */
export function openNetns(path: string, expected?: NetnsId): NetnsOpen {
  const refused = refusedNamespaces();
  const nsfsDev = refused.own.split(":")[0];
  let before: Stats;
  try {
    before = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // gone: the runtime's DEL after the container's namespace went; anything else is a refusal
    if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, gone: true, why: `${path} does not exist` };
    return { ok: false, gone: false, why: `cannot stat ${path}: ${code ?? (e as Error).message}` };
  }
  if (String(before.dev) !== nsfsDev) return { ok: false, gone: false, why: `${path} is not a network namespace` };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    return { ok: false, gone: false, why: `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const fail = (why: string): NetnsOpen => {
    closeSync(fd);
    return { ok: false, gone: false, why };
  };
  const st = fstatSync(fd);
  const id = idOf(st);
  // opened through /proc, an nsfs file reads back as TYPE:[INODE], and `mnt:[…]` or
  // `pid:[…]` are namespaces too (a bind mount reads back as its own path: the kernel
  // refuses another type when it is entered, and the ADD is rolled back)
  const kind = (() => {
    try {
      return /^([a-z_]+):\[\d+\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1];
    } catch {
      return undefined;
    }
  })();
  if (String(st.dev) !== nsfsDev || (kind !== undefined && kind !== "net")) return fail(`${path} is not a network namespace`);
  if (expected !== undefined && id !== expected) {
    return fail(`${path} is no longer the network namespace the attachment was made in (it was ${expected}, it is ${id})`);
  }
  if (id === refused.own) return fail(`${path} is nsnet's own network namespace (the host's), not a container's`);
  if (id === refused.pid1) return fail(`${path} is PID 1's network namespace, not a container's`);
  // our pid as this /proc counts it (it may belong to another pid namespace than ours)
  let pid: string;
  try {
    pid = readlinkSync("/proc/self");
  } catch (e) {
    return fail(`cannot name the open namespace through /proc: ${(e as Error).message}`);
  }
  // (the runner never enters a path under /proc/1/: PID 1's files are the machine's)
  if (pid === "1") return fail("nsnet runs as PID 1 here, and cannot hand its open namespace to nsenter");
  const enter = `/proc/${pid}/fd/${fd}`;
  const seen = statOrNull(enter);
  if (!seen || idOf(seen) !== id) return fail(`cannot name the open namespace through /proc (${enter} is not it)`);
  return { ok: true, ns: { path, id, enter, close: () => closeSync(fd) } };
}

/** Runs `fn` with the namespace open, and closes it after. */
export async function withNetns<T>(ns: OpenNetns, fn: (ns: OpenNetns) => Promise<T>): Promise<T> {
  try {
    return await fn(ns);
  } finally {
    ns.close();
  }
}
