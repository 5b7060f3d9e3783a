/**
 * The allocation store on disk (edge module: touches the filesystem and the clock).
 *
 * `<dir>/allocations.json` holds the snapshot; `<dir>/allocations.lock` serialises writers.
 * Compared with CNI host-local's disk backend (one file per address, a flock around every
 * change, the last-reserved file rewritten in place): we keep one small JSON file and
 * always write it to a temp file in the same directory, fsync, then rename — a reader or a
 * crash sees the old snapshot or the new one, never half of one.
 *
 * The lock is a file created with O_EXCL holding the owner's pid. A lock whose pid is dead
 * (a crashed run) is broken; a live one is waited for, up to a bound, then reported. Pids
 * are only meaningful in one pid namespace; `nsnet sandbox` keeps its state inside the
 * sandbox, so that holds.
 */
import { promises as fs } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { readSnapshot, emptySnapshot, type AllocationSnapshot } from "./snapshot.js";
import type { AllocationStore } from "./store.js";

/** Where allocations live unless `--state-dir` says otherwise (DESIGN §4.4). */
export const DEFAULT_ALLOCATION_ROOT = "/var/lib/nsnet";

/** The directory holding a project's allocations: `<root>/<project>`. */
export function allocationDir(project: string, root = DEFAULT_ALLOCATION_ROOT): string {
  return join(root, project);
}

/** A store that cannot do its job: unreadable or corrupt file, lock not obtained. */
export class AllocationStoreError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "AllocationStoreError";
  }
}

export interface FsStoreOptions {
  /** how long to wait for a live lock holder before giving up (default 10 s) */
  lockTimeoutMs?: number;
  /** how often to look at the lock again while waiting (default 25 ms) */
  pollMs?: number;
  /** is this pid a running process? (default: `kill(pid, 0)`) */
  isAlive?: (pid: number) => boolean;
}

const SNAPSHOT = "allocations.json";
const LOCK = "allocations.lock";
/** a lock file without a pid is a writer caught between create and write — unless it is this old */
const EMPTY_LOCK_GRACE_MS = 5_000;

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const code = (e: unknown) => (e as NodeJS.ErrnoException).code;

export class FsAllocationStore implements AllocationStore {
  readonly file: string;
  readonly lockFile: string;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  private readonly isAlive: (pid: number) => boolean;

  constructor(
    readonly dir: string,
    options: FsStoreOptions = {},
  ) {
    this.file = join(dir, SNAPSHOT);
    this.lockFile = join(dir, LOCK);
    this.timeoutMs = options.lockTimeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 25;
    this.isAlive = options.isAlive ?? pidAlive;
  }

  /** Readers need no lock: the file is only ever replaced whole. */
  async load(): Promise<AllocationSnapshot> {
    let text: string;
    try {
      text = await fs.readFile(this.file, "utf8");
    } catch (e) {
      if (code(e) === "ENOENT") return emptySnapshot();
      throw new AllocationStoreError(`cannot read ${this.file}: ${(e as Error).message}`, this.file);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AllocationStoreError(`${this.file} is not valid JSON (${(e as Error).message}); move it away to start afresh`, this.file);
    }
    const snapshot = readSnapshot(json);
    if (typeof snapshot === "string") {
      throw new AllocationStoreError(`${this.file} is not an allocation snapshot: ${snapshot}`, this.file);
    }
    return snapshot;
  }

  async save(snapshot: AllocationSnapshot): Promise<void> {
    await this.withLock(() => this.write(snapshot));
  }

  async update<T>(fn: (snapshot: AllocationSnapshot) => { snapshot: AllocationSnapshot | null; value: T }): Promise<T> {
    return this.withLock(async () => {
      const { snapshot, value } = fn(await this.load());
      if (snapshot) await this.write(snapshot);
      return value;
    });
  }

  /** Run `fn` holding the lock; the lock is released however `fn` ends. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o755 });
    const token = await this.acquire();
    try {
      return await fn();
    } finally {
      await this.release(token);
    }
  }

  private async write(snapshot: AllocationSnapshot): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o755 });
    const tmp = join(this.dir, `.${SNAPSHOT}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      const fh = await fs.open(tmp, "wx", 0o644);
      try {
        await fh.writeFile(JSON.stringify(snapshot, null, 2) + "\n");
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, this.file);
    } catch (e) {
      await fs.rm(tmp, { force: true });
      throw new AllocationStoreError(`cannot write ${this.file}: ${(e as Error).message}`, this.file);
    }
    await this.syncDir();
  }

  // The rename is durable only once the directory entry is on disk.
  private async syncDir(): Promise<void> {
    try {
      const dh = await fs.open(this.dir, "r");
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch {
      // some filesystems refuse fsync on a directory; the rename itself is still atomic
    }
  }

  /** Create the lock file; returns the text written into it (our identity). */
  private async acquire(): Promise<string> {
    // pid identifies the process for stale detection; the random part tells two holders
    // in one process apart (two concurrent updates in one process must also wait).
    const token = `${process.pid} ${randomBytes(6).toString("hex")}\n`;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      try {
        const fh = await fs.open(this.lockFile, "wx", 0o644);
        try {
          await fh.writeFile(token);
        } finally {
          await fh.close();
        }
        return token;
      } catch (e) {
        if (code(e) !== "EEXIST") {
          throw new AllocationStoreError(`cannot create lock ${this.lockFile}: ${(e as Error).message}`, this.lockFile);
        }
      }
      const holder = await this.readLock();
      if (holder !== null && (await this.isStale(holder)) && (await this.breakLock(holder.text))) continue;
      if (Date.now() >= deadline) {
        const who = holder?.pid ? `process ${holder.pid}` : "another process";
        throw new AllocationStoreError(
          `${this.lockFile} is held by ${who}; gave up after ${this.timeoutMs} ms (remove the file if that process is gone)`,
          this.lockFile,
        );
      }
      await sleep(this.pollMs);
    }
  }

  private async readLock(): Promise<{ text: string; pid: number | null; mtimeMs: number } | null> {
    try {
      const [text, st] = await Promise.all([fs.readFile(this.lockFile, "utf8"), fs.stat(this.lockFile)]);
      const m = /^(\d+)\s/.exec(text);
      return { text, pid: m ? Number(m[1]) : null, mtimeMs: st.mtimeMs };
    } catch (e) {
      if (code(e) === "ENOENT") return null; // released meanwhile: just retry
      throw e;
    }
  }

  private async isStale(holder: { pid: number | null; mtimeMs: number }): Promise<boolean> {
    if (holder.pid === null) return Date.now() - holder.mtimeMs > EMPTY_LOCK_GRACE_MS;
    if (holder.pid === process.pid) return false;
    return !this.isAlive(holder.pid);
  }

  /**
   * Remove a stale lock without removing a fresh one that replaced it meanwhile: move it
   * aside (atomic, only one breaker wins), check it is the one we judged, and put a fresh
   * one back if we took it by mistake.
   */
  private async breakLock(staleText: string): Promise<boolean> {
    const aside = `${this.lockFile}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
    try {
      await fs.rename(this.lockFile, aside);
    } catch (e) {
      if (code(e) === "ENOENT") return true;
      throw e;
    }
    const taken = await fs.readFile(aside, "utf8").catch(() => staleText);
    if (taken !== staleText) await fs.link(aside, this.lockFile).catch(() => undefined);
    await fs.rm(aside, { force: true });
    return true;
  }

  private async release(token: string): Promise<void> {
    const text = await fs.readFile(this.lockFile, "utf8").catch(() => null);
    if (text === token) await fs.rm(this.lockFile, { force: true });
  }
}
