import { createHash, randomBytes } from "node:crypto";
import { closeSync, constants, openSync, writeSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import type { Journal, NetnsIdentity, ProjectState, ServiceRecord } from "../model/state.js";
import { emptyProjectState } from "../model/state.js";
import type { Op } from "../plan/op.js";
import { reviveOp, type ReviveContext } from "../plan/inverse.js";

/**
 * Where a project's state lives: `<root>/<project>/{state.json,journal.json,lock}`, root
 * `/run/nsnet` unless `--state-dir` says otherwise. Every write is temp + rename, so a
 * reader (or a crash) never sees half a file.
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
export class LockBusyError extends StateError {}

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

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, data, { mode: 0o600 });
  await rename(tmp, path);
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LockOptions {
  /** how long to wait for another run to finish (default 10 s; 0: fail at once) */
  waitMs?: number;
}

export class StateStore {
  readonly dir: string;

  constructor(
    readonly project: string,
    root: string = DEFAULT_STATE_ROOT,
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

  async ensureDir(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async readState(): Promise<ProjectState> {
    const v = await readJson<ProjectState>(this.statePath);
    if (!v) return emptyProjectState(this.project);
    if (v.version !== 1) throw new StateError(`${this.statePath}: unknown state version ${String(v.version)}`);
    return { ...v, applied: reviveAll(this.statePath, v.applied, { project: this.project, originals: v.sysctlOriginals ?? {}, removals: false }) };
  }

  async writeState(s: ProjectState): Promise<void> {
    await this.ensureDir();
    await writeFileAtomic(this.statePath, JSON.stringify(s, null, 2) + "\n");
  }

  async readJournal(): Promise<ExecJournal | null> {
    const j = await readJson<ExecJournal>(this.journalPath);
    if (!j) return j;
    return { ...j, attempted: reviveAll(this.journalPath, j.attempted, { project: this.project, originals: j.sysctlOriginals ?? {}, removals: true }) };
  }

  async writeJournal(j: ExecJournal): Promise<void> {
    await this.ensureDir();
    await writeFileAtomic(this.journalPath, JSON.stringify(j) + "\n");
  }

  async deleteJournal(): Promise<void> {
    await rm(this.journalPath, { force: true });
  }

  /**
   * Take the project's lock: `lock` created with O_EXCL holding our pid. A lock whose pid
   * is dead is stale and broken — under a second lock (`lock.break`) so two runs that
   * both saw it stale cannot both win. Returns the release function.
   */
  async lock(opts: LockOptions = {}): Promise<() => Promise<void>> {
    await this.ensureDir();
    const waitMs = opts.waitMs ?? 10_000;
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      if (tryCreate(this.lockPath)) {
        const path = this.lockPath;
        return async () => {
          if ((await readPid(path)) === process.pid) await unlink(path).catch(() => undefined);
        };
      }
      const holder = await readPid(this.lockPath);
      if (holder !== null && !pidAlive(holder)) {
        await this.breakStale(holder);
        continue;
      }
      if (Date.now() >= deadline || attempt > 100_000) {
        throw new LockBusyError(
          `project ${this.project} is locked by another nsnet run (pid ${holder ?? "unknown"}, ${this.lockPath})` +
            (waitMs > 0 ? `; waited ${Math.round(waitMs / 1000)} s` : ""),
        );
      }
      await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    }
  }

  private async breakStale(stalePid: number): Promise<void> {
    const breaker = `${this.lockPath}.break`;
    if (!tryCreate(breaker)) {
      // someone else is breaking it; a breaker that died long ago is cleared
      const st = await stat(breaker).catch(() => null);
      if (st && Date.now() - st.mtimeMs > 5_000) await unlink(breaker).catch(() => undefined);
      await sleep(10);
      return;
    }
    try {
      if ((await readPid(this.lockPath)) === stalePid) await unlink(this.lockPath).catch(() => undefined);
    } finally {
      await unlink(breaker).catch(() => undefined);
    }
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

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

async function readPid(path: string): Promise<number | null> {
  const t = await readFile(path, "utf8").catch(() => null);
  if (t === null) return null;
  const n = Number.parseInt(t.trim(), 10);
  // a lock file caught between create and write is empty: treat as held (not stale)
  return Number.isFinite(n) ? n : null;
}

async function readJson<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StateError(`${path}: not valid JSON (remove it if no nsnet run is active)`);
  }
}
