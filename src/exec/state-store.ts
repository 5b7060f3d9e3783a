import { createHash } from "node:crypto";
import { lstat, rm } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { inverseOf } from "../plan/inverse.js";
import { ensurePrivateDir, keepCorruptCopy, readFileNoFollow, writeFileDurable } from "./durable.js";
import { acquirePidLock, LockBusyError } from "./pid-lock.js";
import type { ProjectState } from "../model/state.js";
import { emptyProjectState } from "../model/state.js";
import { NewerVersionError, parseJson, readJournalJson, readStateJson, SchemaError, type ExecJournal } from "./state-schema.js";

/**
 * Where a project's state lives: `<root>/<project>/{state.json,journal.json,lock}`, root
 * `/run/nsnet` unless `--state-dir` says otherwise — private directories, files opened
 * without following symlinks, every write durable (durable.ts).
 */
export const DEFAULT_STATE_ROOT = "/run/nsnet";

export type { ExecJournal } from "./state-schema.js";

const PROJECT_RE = /^[A-Za-z0-9_-]{1,32}$/;

export class StateError extends Error {}
/** A state file that fails its schema; a copy of it was kept (`copy`). */
export class CorruptStateError extends StateError {
  constructor(
    /** the file, what is wrong with it, and where its copy is */
    readonly problem: string,
    readonly copy: string | null,
  ) {
    super(`${problem}; \`nsnet down\` removes what the kernel shows marked as this project's, and starts afresh`);
    this.name = "CorruptStateError";
  }
}
export { LockBusyError };

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
  const stem =
    basename(abs, extname(abs))
      .replace(/[^A-Za-z0-9_-]+/g, "_")
      .slice(0, 20) || "script";
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

  /** Whether the project has a directory at all (a read-only question: nothing is made). */
  async exists(): Promise<boolean> {
    return lstat(this.dir).then(
      () => true,
      (e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return false;
        throw new StateError(`cannot read ${this.dir}: ${e.message}`);
      },
    );
  }

  /** The project directory, made private (0700) or refused when unsafe. */
  async ensureDir(): Promise<void> {
    await ensurePrivateDir(this.dir, this.root);
  }

  /** The project's state; an absent file is an empty state, a corrupt one a CorruptStateError. */
  async readState(): Promise<ProjectState> {
    const text = await this.readText(this.statePath);
    return text === null ? emptyProjectState(this.project) : this.checked(this.statePath, text, () => readStateJson(parseJson(text), this.project));
  }

  async writeState(s: ProjectState): Promise<void> {
    await this.write(this.statePath, stateText(s));
  }

  async readJournal(): Promise<ExecJournal | null> {
    const text = await this.readText(this.journalPath);
    return text === null ? null : this.checked(this.journalPath, text, () => readJournalJson(parseJson(text), this.project));
  }

  async writeJournal(j: ExecJournal): Promise<void> {
    await this.write(this.journalPath, JSON.stringify(j) + "\n");
  }

  async deleteJournal(): Promise<void> {
    await rm(this.journalPath, { force: true });
  }

  /**
   * Every file is checked against its schema (state-schema.ts); one that fails is copied to
   * `FILE.corrupt-<time>` before the error names the file and the problem — so `down`, which
   * falls back to the kernel's marks, may then write a fresh one without losing the evidence.
   * A file of a newer nsnet is valid for it: refused, and not copied.
   */
  private async checked<T>(path: string, text: string, read: () => T): Promise<T> {
    try {
      return read();
    } catch (e) {
      if (e instanceof NewerVersionError) throw new StateError(`${path}: ${e.message}; not touched`);
      if (!(e instanceof SchemaError)) throw e;
      const kept = await keepCorruptCopy(path, text);
      throw new CorruptStateError(`${path}: ${e.message}${kept ? `; a copy was kept as ${kept}` : ""}`, kept);
    }
  }

  private async readText(path: string): Promise<string | null> {
    try {
      return await readFileNoFollow(path);
    } catch (e) {
      throw new StateError(`cannot read ${path}: ${(e as Error).message}`);
    }
  }

  /** A read-only or full state directory is a clear error, not a stack trace. */
  private async write(path: string, text: string): Promise<void> {
    await this.ensureDir();
    try {
      await writeFileDurable(path, text);
    } catch (e) {
      throw new StateError(`cannot write ${path}: ${(e as Error).message}`);
    }
  }

  /** Take the project's lock (pid-lock.ts); returns the release function. */
  async lock(opts: LockOptions = {}): Promise<() => Promise<void>> {
    await this.ensureDir();
    try {
      return await acquirePidLock(this.lockPath, {
        what: `project ${this.project}`,
        ...(opts.waitMs !== undefined ? { waitMs: opts.waitMs } : {}),
        ...(opts.onWait ? { onWait: opts.onWait } : {}),
      });
    } catch (e) {
      if (e instanceof LockBusyError) throw e;
      // a read-only or full state directory: said plainly, nothing was done
      throw new StateError(`cannot take the lock ${this.lockPath}: ${(e as Error).message}`);
    }
  }
}

/**
 * state.json as written: one applied op a line (readable, and at a thousand namespaces a
 * fraction of the size the indented form had), without each op's effect — it is what the
 * op's text says, and reading always derives it from the text (inverse.ts reviveOp) — and
 * without an inverse that is the one nsnet computes from the effect (reading computes it
 * anyway, and checks a recorded one against it), so stored copies only cost parsing and
 * comparing. Files that have them are still read.
 */
export function stateText(s: ProjectState): string {
  const { applied, ...rest } = s;
  const ctx = { project: s.project, originals: s.sysctlOriginals };
  const ops = applied.map(({ effect, ...op }) => {
    // an op with neither an inverse nor an undoneWith keeps its effect: without one, reading
    // takes it for a text-only op of an older version and infers how it is undone
    if (op.inverse === null && op.undoneWith === undefined) return JSON.stringify({ ...op, effect });
    // an inverse that is the one nsnet computes is left out: reading computes it again
    if (op.inverse !== null && isDeepStrictEqual(op.inverse, inverseOf(effect, ctx))) {
      const { inverse: _, ...computed } = op;
      return JSON.stringify(computed);
    }
    return JSON.stringify(op);
  });
  // rest always holds version and project, so it is never "{}"
  return `${JSON.stringify(rest).slice(0, -1)},"applied":[\n${ops.join(",\n")}\n]}\n`;
}
