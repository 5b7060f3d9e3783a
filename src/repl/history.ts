import { closeSync, constants, fchownSync, fstatSync, openSync, readSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The REPL's history file, written by us instead of node:repl's setupHistory.
 *
 * Why: node's history writer opens the file once, truncates it once, then rewrites the
 * whole (newest-first) list at offset 0 after each line without truncating again. When
 * the new text is shorter than what the file held — a duplicate dropped, the 1000-line
 * cap reached, or a second REPL (two sandboxes, a `--attach`) that wrote a longer list —
 * the old bytes stay behind the new ones: `ping h1 h3et.ipv4.ip_forward=1oute…`.
 *
 * Here each accepted line is one O_APPEND write of one whole record, so any number of
 * REPLs may share the file: the kernel places every write at the end, never inside another.
 * The file is oldest-first text, one entry per line; a newline or backslash inside an
 * entry is escaped. When it grows past twice the cap it is rewritten (last `max` entries)
 * to a temporary file renamed over it, so a reader sees the old file or the new, never half.
 */

export const HISTORY_MAX = 1000;
const READ_CAP = 4 * 1024 * 1024;

export function escapeEntry(line: string): string {
  return line.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

export function unescapeEntry(text: string): string {
  return text.replace(/\\([\\nr])/g, (_m, c: string) => (c === "n" ? "\n" : c === "r" ? "\r" : "\\"));
}

/** Entries of a history text, oldest first (blank lines skipped). */
export function parseHistory(text: string): string[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map(unescapeEntry);
}

/** Opens an existing regular file without following a symlink (a FIFO would hang us,
 *  a symlink planted in a shared home could point us at someone else's file). */
function openRegular(file: string, flags: number, mode = 0o600): number | null {
  let fd: number;
  try {
    fd = openSync(file, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, mode);
  } catch {
    return null;
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    return null;
  }
  return fd;
}

function readAll(fd: number): string {
  const size = Math.min(fstatSync(fd).size, READ_CAP);
  const buf = Buffer.alloc(size);
  let got = 0;
  while (got < size) {
    const n = readSync(fd, buf, got, size - got, got);
    if (n <= 0) break;
    got += n;
  }
  return buf.subarray(0, got).toString("utf8");
}

/**
 * Under sudo the file belongs to the user who ran sudo, not root, when it lives in a
 * directory of theirs: their next REPL (root or not) can still read and append to it.
 */
function ownerFor(file: string, env: NodeJS.ProcessEnv): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) return null;
  try {
    return statSync(dirname(file)).uid === uid ? { uid, gid } : null;
  } catch {
    return null;
  }
}

export class HistoryFile {
  private count: number;
  constructor(
    readonly file: string,
    readonly entries: string[],
    private readonly max = HISTORY_MAX,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.count = entries.length;
  }

  /** Reads the file (missing, not regular or unreadable: no history). */
  static open(file: string, max = HISTORY_MAX, env: NodeJS.ProcessEnv = process.env): HistoryFile {
    const fd = openRegular(file, constants.O_RDONLY);
    let entries: string[] = [];
    if (fd !== null) {
      try {
        entries = parseHistory(readAll(fd));
      } finally {
        closeSync(fd);
      }
    }
    return new HistoryFile(file, entries.slice(-max), max, env);
  }

  /** Appends one entry (one write of the whole record); false when the file cannot be written. */
  add(line: string): boolean {
    if (line.trim() === "") return false;
    const fd = openRegular(this.file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    if (fd === null) return false;
    try {
      const st = fstatSync(fd);
      const owner = st.size === 0 ? ownerFor(this.file, this.env) : null;
      if (owner) fchownSync(fd, owner.uid, owner.gid);
      const record = Buffer.from(`${escapeEntry(line)}\n`, "utf8");
      // one write: O_APPEND puts it at the end as a whole
      if (writeSync(fd, record) !== record.length) return false;
    } catch {
      return false;
    } finally {
      closeSync(fd);
    }
    this.entries.push(line);
    if (++this.count > 2 * this.max) this.compact();
    return true;
  }

  /** Rewrites the file with its last `max` entries (what is there now, other REPLs' too). */
  private compact(): void {
    const fd = openRegular(this.file, constants.O_RDONLY);
    if (fd === null) return;
    let keep: string[];
    let st: { uid: number; gid: number };
    try {
      keep = parseHistory(readAll(fd)).slice(-this.max);
      st = fstatSync(fd);
    } finally {
      closeSync(fd);
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    const out = openRegular(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_TRUNC);
    if (out === null) return;
    try {
      writeSync(out, keep.map(escapeEntry).join("\n") + "\n");
      if (process.getuid?.() === 0) fchownSync(out, st.uid, st.gid);
    } finally {
      closeSync(out);
    }
    try {
      renameSync(tmp, this.file);
      this.count = keep.length;
    } catch {
      // keep appending to the long file; the next entry tries again
    }
  }
}
