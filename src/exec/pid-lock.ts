import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, unlink } from "node:fs/promises";
import { readFileNoFollow } from "./durable.js";
import { isSameProcess, processAlive, readProcStat } from "./proc.js";

/**
 * The one lock nsnet uses (a project's runs, an allocation store's writers): a file
 * created with O_EXCL holding `PID STARTTIME TOKEN`. The holder is alive while a process
 * with that pid and start time exists (a pid reused by another process does not keep a
 * lock); a dead holder's lock is stale and is broken under a second lock (`PATH.break`),
 * so two waiters that both saw it stale cannot both take it. The token tells two holders
 * in one process apart: release removes the file only if it is still ours.
 */
export class LockBusyError extends Error {
  constructor(
    message: string,
    readonly holder: number | null,
  ) {
    super(message);
    this.name = "LockBusyError";
  }
}

/** How long a run waits for another by default; the hook and CNI modes, which may see many
 *  parallel callers for one project, pass LOCK_WAIT_PARALLEL_MS. */
export const LOCK_WAIT_DEFAULT_MS = 60_000;
export const LOCK_WAIT_PARALLEL_MS = 300_000;

/** A lock file without content is a holder caught between create and write — unless it is this old. */
const EMPTY_GRACE_MS = 5_000;
/** A `.break` file left by a breaker that died. */
const BREAK_GRACE_MS = 5_000;

export interface PidLockOptions {
  /** how long to wait for a live holder (default LOCK_WAIT_DEFAULT_MS; 0: fail at once) */
  waitMs?: number;
  /** how often to look again while waiting (default 25 ms) */
  pollMs?: number;
  /** called once, when the lock is found held and we start waiting */
  onWait?: (holder: number | null) => void;
  /** what the error says is locked ("project web") */
  what?: string;
}

interface Holder {
  text: string;
  pid: number | null;
  startTime: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parse(text: string): Holder {
  const [pid, startTime] = text.trim().split(/\s+/);
  const n = pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : null;
  return { text, pid: n, startTime: startTime && /^\d+$/.test(startTime) ? startTime : null };
}

async function holderAlive(h: Holder): Promise<boolean> {
  if (h.pid === null) return true; // judged by the file's age instead
  if (h.pid === process.pid) return true;
  const stat = await readProcStat(h.pid);
  // a zombie has exited: it will never release the lock (its parent may reap it late)
  if (stat?.state === "Z") return false;
  if (h.startTime !== null && stat !== null) return isSameProcess(h.pid, h.startTime);
  return processAlive(h.pid);
}

async function tryCreate(path: string, text: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    await fh.writeFile(text);
  } finally {
    await fh.close();
  }
  return true;
}

async function age(path: string): Promise<number | null> {
  const st = await lstat(path).catch(() => null);
  return st ? Date.now() - st.mtimeMs : null;
}

/** Remove a stale lock whose text we judged, unless it was replaced meanwhile. */
async function breakStale(path: string, staleText: string): Promise<void> {
  const breaker = `${path}.break`;
  if (!(await tryCreate(breaker, `${process.pid}\n`))) {
    const a = await age(breaker);
    if (a !== null && a > BREAK_GRACE_MS) await unlink(breaker).catch(() => undefined);
    return;
  }
  try {
    // while we hold `.break`, no one else removes the lock, and no one can create it while it exists
    if ((await readFileNoFollow(path)) === staleText) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(breaker).catch(() => undefined);
  }
}

/** Take the lock at `path` (its directory must exist); resolves to the release function. */
export async function acquirePidLock(path: string, opts: PidLockOptions = {}): Promise<() => Promise<void>> {
  const waitMs = opts.waitMs ?? LOCK_WAIT_DEFAULT_MS;
  const pollMs = opts.pollMs ?? 25;
  const deadline = Date.now() + waitMs;
  const me = await readProcStat(process.pid);
  const text = `${process.pid} ${me?.startTime ?? 0} ${randomBytes(6).toString("hex")}\n`;
  let told = false;
  for (;;) {
    if (await tryCreate(path, text)) {
      return async () => {
        if ((await readFileNoFollow(path).catch(() => null)) === text) await unlink(path).catch(() => undefined);
      };
    }
    const found = await readFileNoFollow(path);
    if (found === null) continue; // released meanwhile
    const h = parse(found);
    const stale = h.pid === null ? ((await age(path)) ?? 0) > EMPTY_GRACE_MS : !(await holderAlive(h));
    if (stale) {
      await breakStale(path, found);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new LockBusyError(
        `${opts.what ?? path} is locked by another nsnet run (pid ${h.pid ?? "unknown"}, ${path})` +
          (waitMs > 0 ? `; waited ${Math.round(waitMs / 1000)} s` : ""),
        h.pid,
      );
    }
    if (!told) {
      told = true;
      opts.onWait?.(h.pid);
    }
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}
