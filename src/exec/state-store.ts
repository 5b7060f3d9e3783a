import { createHash } from "node:crypto";
import { rm } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { ensurePrivateDir, readFileNoFollow, writeFileDurable } from "./durable.js";
import { acquirePidLock } from "./pid-lock.js";
import type { Journal, NetnsIdentity, ProjectState, ServiceRecord } from "../model/state.js";
import { emptyProjectState } from "../model/state.js";
import type { Op } from "../plan/op.js";
import { reviveOp, type ReviveContext } from "../plan/inverse.js";

/**
 * Where a project's state lives: `<root>/<project>/{state.json,journal.json,lock}`, root
 * `/run/nsnet` unless `--state-dir` says otherwise — private directories, files opened
 * without following symlinks, every write durable (durable.ts).
 */
export const DEFAULT_STATE_ROOT = "/run/nsnet";

/** The journal as the executor writes it: the contract's fields plus what recovery needs. */
export interface ExecJournal extends Journal {
  /** indexes of ops confirmed done (their batch returned success) */
  done?: number[];
  /** links ("ns:name") and namespaces present before the transaction began: an attempted
   *  `link add` whose link was already there is someone else's, never removed by recovery */
  preexisting?: { links: string[]; namespaces: string[] };
  /** sysctl values read just before this transaction changed them */
  sysctlOriginals?: Record<string, Record<string, string>>;
  /** identities of the namespaces created so far, read right after their batch */
  namespaces?: Record<string, NetnsIdentity>;
  /** services started so far: op index → the process */
  services?: Record<number, ServiceRecord>;
  /** journals of older versions: op index → pid (no identity; such a pid is never signalled) */
  pids?: Record<number, number>;
}

const PROJECT_RE = /^[A-Za-z0-9_-]{1,32}$/;

export class StateError extends Error {}
export { LockBusyError } from "./pid-lock.js";

export function isValidProjectName(name: string): boolean {
  return PROJECT_RE.test(name);
}

/** `--project NAME` (validated) or the script's sanitized basename + a short hash of its
 *  absolute path, so two scripts with one name in different folders never share state. */
export function projectName(scriptPath: string, override?: string): string {
  if (override !== undefined) {
    if (!isValidProjectName(override)) {
      throw new StateError(`invalid project name ${JSON.stringify(override)}: use 1–32 of A-Z a-z 0-9 _ -`);
    }
    return override;
  }
  const abs = resolve(scriptPath);
  const stem = basename(abs, extname(abs)).replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 20) || "script";
  const hash = createHash("sha256").update(abs).digest("hex").slice(0, 8);
  return `${stem}-${hash}`;
}

export interface LockOptions {
  /** how long to wait for another run to finish (default LOCK_WAIT_DEFAULT_MS; 0: fail at once) */
  waitMs?: number;
  /** told once when another run holds the lock and this one starts waiting */
  onWait?: (holder: number | null) => void;
}

export class StateStore {
  readonly dir: string;

  constructor(
    readonly project: string,
    readonly root: string = DEFAULT_STATE_ROOT,
  ) {
    if (!isValidProjectName(project)) throw new StateError(`invalid project name ${JSON.stringify(project)}`);
    this.dir = join(root, project);
  }

  get statePath(): string {
    return join(this.dir, "state.json");
  }
  get journalPath(): string {
    return join(this.dir, "journal.json");
  }
  get lockPath(): string {
    return join(this.dir, "lock");
  }
  /** where a service's output goes (opened append-only, never through a symlink) */
  logPath(opIndex: number): string {
    return join(this.dir, `service-${opIndex}.log`);
  }

  /** The project directory, made private (0700) or refused when unsafe. */
  async ensureDir(): Promise<void> {
    await ensurePrivateDir(this.dir, this.root);
  }

  async readState(): Promise<ProjectState> {
    const v = await readJson<ProjectState>(this.statePath);
    if (!v) return emptyProjectState(this.project);
    if (v.version !== 1) throw new StateError(`${this.statePath}: unknown state version ${String(v.version)}`);
    return { ...v, applied: reviveAll(this.statePath, v.applied, { project: this.project, originals: v.sysctlOriginals ?? {}, removals: false }) };
  }

  async writeState(s: ProjectState): Promise<void> {
    await this.ensureDir();
    await writeFileDurable(this.statePath, JSON.stringify(s, null, 2) + "\n");
  }

  async readJournal(): Promise<ExecJournal | null> {
    const j = await readJson<ExecJournal>(this.journalPath);
    if (!j) return j;
    return { ...j, attempted: reviveAll(this.journalPath, j.attempted, { project: this.project, originals: j.sysctlOriginals ?? {}, removals: true }) };
  }

  async writeJournal(j: ExecJournal): Promise<void> {
    await this.ensureDir();
    await writeFileDurable(this.journalPath, JSON.stringify(j) + "\n");
  }

  async deleteJournal(): Promise<void> {
    await rm(this.journalPath, { force: true });
  }

  /** Take the project's lock (pid-lock.ts); returns the release function. */
  async lock(opts: LockOptions = {}): Promise<() => Promise<void>> {
    await this.ensureDir();
    return acquirePidLock(this.lockPath, {
      what: `project ${this.project}`,
      ...(opts.waitMs !== undefined ? { waitMs: opts.waitMs } : {}),
      ...(opts.onWait ? { onWait: opts.onWait } : {}),
    });
  }
}

/** Ops read back get the inverse nsnet computes, never the one the file holds. */
function reviveAll(path: string, ops: Op[], ctx: ReviveContext): Op[] {
  return ops.map((op, i) => {
    try {
      return reviveOp(op, ctx);
    } catch (e) {
      throw new StateError(`${path}: op ${i + 1} is not an op nsnet plans (${(e as Error).message}); refusing to undo from this file`);
    }
  });
}

async function readJson<T>(path: string): Promise<T | null> {
  const text = await readFileNoFollow(path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StateError(`${path}: not valid JSON (remove it if no nsnet run is active)`);
  }
}
