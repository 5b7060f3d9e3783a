import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Files nsnet keeps between runs (state, journal, lock, allocations, service logs), all
 * through here:
 * - they live in private directories: owned by root (the effective user), not writable by
 *   group or others, the last component not a symlink — anyone else who could write there
 *   could plant a symlink or a forged file;
 * - they are opened with O_NOFOLLOW, so a symlink put in their place is refused, never
 *   followed;
 * - a write is durable: a temp file in the same directory (O_EXCL), fsync, rename over
 *   the old one, fsync of the directory — a reader or a crash sees the old file or the
 *   new one, never half of one, and a completed write survives a power cut.
 */
export class UnsafeFileError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = "UnsafeFileError";
  }
}

const euid = () => process.geteuid?.() ?? 0;

function ownerName(uid: number): string {
  return uid === 0 ? "root" : `uid ${uid}`;
}

/** Why a directory may not hold nsnet's files, or null when it may. */
function unsafeDir(path: string, st: { uid: number; mode: number; isDirectory(): boolean; isSymbolicLink(): boolean }): string | null {
  if (st.isSymbolicLink()) return `${path} is a symbolic link`;
  if (!st.isDirectory()) return `${path} is not a directory`;
  if (st.uid !== euid()) return `${path} is owned by ${ownerName(st.uid)}, not ${ownerName(euid())}`;
  const writers = [...(st.mode & 0o020 ? ["its group"] : []), ...(st.mode & 0o002 ? ["others"] : [])];
  if (writers.length) return `${path} is writable by ${writers.join(" and ")} (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/**
 * Make (mode 0700) or accept a private directory, refusing an unsafe one. `root` — the
 * directory the user named or the default root — is checked too, but may be reached
 * through a symlink the user chose; `dir` itself (which nsnet creates) may not.
 */
export async function ensurePrivateDir(dir: string, root?: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new UnsafeFileError(`cannot create ${dir}: ${(e as Error).message}`, dir);
  }
  if (root !== undefined && root !== dir) {
    const why = unsafeDir(root, await stat(root));
    if (why) throw new UnsafeFileError(`refusing state directory: ${why}`, root);
  }
  const why = unsafeDir(dir, await lstat(dir));
  if (why) throw new UnsafeFileError(`refusing state directory: ${why}`, dir);
}

// non-blocking: a FIFO put where a file should be is opened at once (and then refused), never waited on
const NOFOLLOW_READ = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Keep a copy of a file that failed its checks as `NAME.corrupt-<time>` before it is
 * refused (and perhaps replaced): the evidence stays. The copy is the text that was read
 * (the path is never opened again), written into `dir` — the file's own directory when
 * that is one of nsnet's private directories, else one of nsnet's (a `--pool-file` lives
 * wherever the user put it: no copy is ever written beside it). Resolves to the copy's
 * path, or null when no copy could be made.
 */
export async function keepCorruptCopy(path: string, text: string, dir: string = dirname(path)): Promise<string | null> {
  const copy = join(dir, `${basename(path)}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  try {
    if (dir !== dirname(path)) await ensurePrivateDir(dir);
    const fh = await open(copy, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await fh.writeFile(text);
    } finally {
      await fh.close();
    }
    return copy;
  } catch {
    return null;
  }
}

/** What a path that is not a regular file is, in words. */
function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Refuses a path that exists and is not a regular file (a symlink included), without
 *  opening it: opening a device can act (a watchdog starts, a tape rewinds). */
export async function assertRegularOrAbsent(path: string): Promise<void> {
  let st;
  try {
    st = await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw e;
  }
  if (st.isSymbolicLink()) throw new UnsafeFileError(`${path} is a symbolic link; nsnet does not follow it (remove it)`, path);
  if (!st.isFile()) throw new UnsafeFileError(`${path} is ${kindOf(st)}, not a regular file; nsnet keeps its files only in regular files`, path);
}

/** The text of a regular file, or null when it does not exist; a symlink, a FIFO, a device
 *  or a directory is refused (never waited on, and a device never even opened). */
export async function readFileNoFollow(path: string): Promise<string | null> {
  await assertRegularOrAbsent(path);
  let fh;
  try {
    fh = await open(path, NOFOLLOW_READ);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP") throw new UnsafeFileError(`${path} is a symbolic link; nsnet does not follow it (remove it)`, path);
    throw e;
  }
  try {
    // what was opened, not what lstat saw a moment before
    const st = await fh.stat();
    if (!st.isFile()) throw new UnsafeFileError(`${path} is ${kindOf(st)}, not a regular file; nsnet keeps its files only in regular files`, path);
    return await fh.readFile("utf8");
  } finally {
    await fh.close();
  }
}

/** Append-only, never through a symlink: a service's log (the fd is handed to the child). */
export const APPEND_NOFOLLOW = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/** temp + fsync + rename + fsync of the directory. */
export async function writeFileDurable(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dir);
}

/** The rename is durable only once the directory entry is on disk. */
async function syncDir(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await dh.sync();
  } catch {
    // some filesystems refuse fsync on a directory; the rename itself is still atomic
  } finally {
    await dh?.close();
  }
}
