/**
 * The allocation store on disk (edge module: touches the filesystem and the clock).
 *
 * `<dir>/allocations.json` holds the snapshot; `<dir>/allocations.lock` serialises writers.
 * Compared with CNI host-local's disk backend (one file per address, a flock around every
 * change, the last-reserved file rewritten in place): we keep one small JSON file and
 * always write it to a temp file in the same directory, fsync, then rename — a reader or a
 * crash sees the old snapshot or the new one, never half of one.
 *
 * The lock is nsnet's one pid lock (src/exec/pid-lock.ts): a dead holder's lock is broken,
 * a live one is waited for, up to a bound, then reported. Pids are only meaningful in one
 * pid namespace; `nsnet sandbox` keeps its state inside the sandbox, so that holds. The
 * directory is private and files are never followed through a symlink (src/exec/durable.ts).
 */
import { join } from "node:path";
import { readSnapshot, emptySnapshot, type AllocationSnapshot } from "./snapshot.js";
import { assertRegularOrAbsent, ensurePrivateDir, keepCorruptCopy, readFileNoFollow, writeFileDurable } from "../exec/durable.js";
import { acquirePidLock } from "../exec/pid-lock.js";
import type { AllocationStore } from "./store.js";

/** Where allocations live unless `--state-dir` says otherwise (docs/architecture.md §6). */
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
  /** how long to wait for a live lock holder before giving up (default LOCK_WAIT_DEFAULT_MS) */
  lockTimeoutMs?: number;
  /** how often to look at the lock again while waiting (default 25 ms) */
  pollMs?: number;
  /** the directory above `dir` that must be private too (the allocation root) */
  root?: string;
  /** the snapshot's file name in `dir` (default allocations.json; its lock is NAME.lock) */
  fileName?: string;
  /** where a copy of a corrupt snapshot goes, when `dir` is not nsnet's own (a --pool-file) */
  corruptDir?: string;
}

const SNAPSHOT = "allocations.json";
const LOCK = "allocations.lock";

export class FsAllocationStore implements AllocationStore {
  readonly file: string;
  readonly lockFile: string;

  constructor(
    readonly dir: string,
    private readonly options: FsStoreOptions = {},
  ) {
    const name = options.fileName ?? SNAPSHOT;
    this.file = join(dir, name);
    this.lockFile = name === SNAPSHOT ? join(dir, LOCK) : join(dir, `${name}.lock`);
  }

  /** Readers need no lock: the file is only ever replaced whole. */
  async load(): Promise<AllocationSnapshot> {
    let text: string | null;
    try {
      text = await readFileNoFollow(this.file);
    } catch (e) {
      throw new AllocationStoreError(`cannot read ${this.file}: ${(e as Error).message}`, this.file);
    }
    if (text === null) return emptySnapshot();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw await this.corrupt(`is not valid JSON (${(e as Error).message})`, text);
    }
    const snapshot = readSnapshot(json);
    if (typeof snapshot === "string") throw await this.corrupt(`is not an allocation snapshot: ${snapshot}`, text);
    return snapshot;
  }

  /** Refuse a corrupt file, keeping a copy: starting afresh may renumber, so it is the user's call. */
  private async corrupt(problem: string, text: string): Promise<AllocationStoreError> {
    const copy = await keepCorruptCopy(this.file, text, this.options.corruptDir ?? this.dir);
    const kept = copy ? `; a copy was kept as ${copy}` : "";
    return new AllocationStoreError(`${this.file} ${problem}${kept}; remove it to start afresh (addresses may then change)`, this.file);
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

  /** Run `fn` holding the lock; the lock is released however `fn` ends. A snapshot that is
   *  not a regular file is refused first: no lock is made beside a FIFO or a device. */
  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureDir();
    try {
      await assertRegularOrAbsent(this.file);
    } catch (e) {
      throw new AllocationStoreError((e as Error).message, this.file);
    }
    let release: () => Promise<void>;
    try {
      release = await acquirePidLock(this.lockFile, {
        what: this.file,
        ...(this.options.lockTimeoutMs !== undefined ? { waitMs: this.options.lockTimeoutMs } : {}),
        ...(this.options.pollMs !== undefined ? { pollMs: this.options.pollMs } : {}),
      });
    } catch (e) {
      throw new AllocationStoreError((e as Error).message, this.lockFile);
    }
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  private async ensureDir(): Promise<void> {
    try {
      await ensurePrivateDir(this.dir, this.options.root);
    } catch (e) {
      throw new AllocationStoreError((e as Error).message, this.dir);
    }
  }

  private async write(snapshot: AllocationSnapshot): Promise<void> {
    try {
      // the rename would replace whatever is there: only ever a regular file
      await assertRegularOrAbsent(this.file);
      await writeFileDurable(this.file, JSON.stringify(snapshot, null, 2) + "\n");
    } catch (e) {
      throw new AllocationStoreError(`cannot write ${this.file}: ${(e as Error).message}`, this.file);
    }
  }
}
