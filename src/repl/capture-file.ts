import { lstatSync } from "node:fs";

/**
 * `capture … -w FILE`: tcpdump (as root) would write through a symlink, block on a FIFO or
 * write into a device; only a new file or an existing regular one is accepted.
 */
export function existingNonFile(file: string): string | null {
  try {
    const st = lstatSync(file);
    return st.isFile() ? null : `${file} exists and is not a regular file (a symlink, FIFO, device or directory); choose another name`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? null : `${file}: ${(e as Error).message}`;
  }
}
