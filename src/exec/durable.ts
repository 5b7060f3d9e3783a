import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { copyFile, lstat, mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";

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

const NOFOLLOW_READ = constants.O_RDONLY | constants.O_NOFOLLOW;

/**
 * Keep a copy of a file that failed its checks as `FILE.corrupt-<time>` before it is
 * refused (and perhaps replaced): the evidence stays. Resolves to the copy's path, or null
 * when no copy could be made.
 */
export async function keepCorruptCopy(path: string): Promise<string | null> {
  const copy = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  return copyFile(path, copy).then(
    () => copy,
    () => null,
  );
}

/** The text of a file, or null when it does not exist; a symlink is refused. */
export async function readFileNoFollow(path: string): Promise<string | null> {
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
