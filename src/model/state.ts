import type { Op } from "../plan/op.js";

/**
 * What nsnet remembers about one project between runs (written by src/exec/state-store.ts
 * under /run/nsnet/<project>/state.json, atomically). The planner reads it to plan
 * removals and `down`; it never reads the file itself.
 */
export interface ProjectState {
  version: 1;
  project: string;
  /** the script path last applied, for messages */
  script?: string;
  /** ops applied and still in effect, in the order they were applied. `down` runs their
   *  inverses in reverse; a changed script removes the ones it no longer produces. */
  applied: Op[];
  /** sysctl values before nsnet changed them: ns → key → original value */
  sysctlOriginals: Record<string, Record<string, string>>;
  /** services started by `run in` (pids as seen from nsnet's pid namespace) */
  services: ServiceRecord[];
  /** identity of each namespace this project created, taken right after creation */
  namespaces?: Record<string, NetnsIdentity>;
}

/** A network namespace as the kernel names it: inode and device of its nsfs file. */
export interface NetnsIdentity {
  ino: number;
  dev: number;
  /** change time of /run/netns/NAME in ns (decimal text): the kernel reuses inode numbers */
  ctimeNs?: string;
}

/**
 * A `run in` process: a session and process-group leader started by nsnet. It is signalled
 * only while its pid still has the recorded start time and network namespace (a pid can be
 * reused by an unrelated process once ours has exited).
 */
export interface ServiceRecord {
  ns: string;
  argv: string[];
  pid: number;
  /** /proc/PID/stat field 22 at start; absent in files of older versions (never signalled) */
  startTime?: string;
  /** the namespace it was started in */
  netns?: NetnsIdentity;
  /** the value of NSNET_SERVICE in its environment (`<project>:<id>`), kernel-visible */
  mark?: string;
}

/** The journal: written before each phase of a transaction, so a crash can be undone. */
export interface Journal {
  version: 1;
  project: string;
  startedAt: string;
  /** ops of this transaction that were sent to the kernel (possibly partially done) */
  attempted: Op[];
}

export function emptyProjectState(project: string): ProjectState {
  return { version: 1, project, applied: [], sysctlOriginals: {}, services: [] };
}

/** The kernel-visible ownership mark (docs/architecture.md §5): every link nsnet creates carries
 *  `alias nsnet:<project>`; `down` and the planner touch only links that carry it. */
export function ownerAlias(project: string): string {
  return `nsnet:${project}`;
}

/** A mark of any nsnet project. */
export function isNsnetAlias(alias: string | undefined): boolean {
  return alias?.startsWith("nsnet:") === true;
}

/** Identity of an op across runs: the same tool, place and text is the same effect. An
 *  `addr add` with `brd +` is the same as one without (what earlier versions wrote): the
 *  address is the fact, so an address they added is kept, not deleted and added again. */
export function opKey(op: Pick<Op, "tool" | "ns" | "text">): string {
  const text = op.tool === "ip" ? op.text.replace(/^(addr add \S+) brd \+ (dev \S+)$/, "$1 $2") : op.text;
  return `${op.tool}\u0000${op.ns}\u0000${text}`;
}
