/**
 * Edge module: reads script files — the main one and those named by `use` — for the pure
 * expander. `use "stdlib/NAME"` is the repository's stdlib/NAME.nsnet (found relative to this
 * module: dist/expand/ or src/expand/ → ../../stdlib); any other path is relative to the
 * using file.
 *
 * A `use` (and a CNI netconf's scriptFile) reads only a regular file whose name ends in
 * `.nsnet` — the name given and, through any symlinks, the file it leads to: never a device
 * (/dev/zero grows without end), a FIFO (blocks forever), a directory, or a file that is
 * no script (/etc/shadow, whose lines would come back quoted in diagnostics, and from a
 * CNI plugin into a pod's events). It is stat'ed before it is opened, so a device is never
 * even opened. Every script, the main one included, is at most MAX_SCRIPT_BYTES. A file
 * the user names at the REPL (`.load`) must be a regular file too (a FIFO would hang the
 * REPL), but may have any name.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Script } from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadResult } from "./expand.js";

export type ParseFn = (text: string, file: string) => { script: Script; diagnostics: Diagnostic[] };

export const STDLIB_DIR = fileURLToPath(new URL("../../stdlib/", import.meta.url));

/** 8 MiB: far beyond any real script, small enough that reading one is instant. */
export const MAX_SCRIPT_BYTES = 8 * 1024 * 1024;

/** A script file nsnet will not read; `reason` completes "cannot read FILE: …". */
export class ScriptFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    /** the errno code when the system refused (ENOENT, EACCES, …) */
    readonly code?: string,
  ) {
    super(`cannot read ${file}: ${reason}`);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

function tooLarge(file: string): ScriptFileError {
  return new ScriptFileError(file, `it is larger than ${MAX_SCRIPT_BYTES / 1024 / 1024} MB, the most a script may be`);
}

function errnoReason(code: string | undefined, e: unknown): string {
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return code ?? String(e);
  }
}

/**
 * Where an nsnet script named by `use` or a CNI scriptFile really is: `file` and the file it
 * leads to both end in `.nsnet`, and that is a regular file — decided by stat and realpath,
 * before anything is opened. Returns the path to open and what stat saw there.
 */
function nsnetScriptPath(file: string): { real: string; st: Stats } {
  if (!file.endsWith(".nsnet")) throw new ScriptFileError(file, "only files ending in .nsnet can be used");
  let st: Stats;
  let real: string;
  try {
    st = statSync(file);
    real = realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScriptFileError(file, errnoReason(code, e), code);
  }
  if (st.isDirectory()) throw new ScriptFileError(file, "it is a directory");
  if (!st.isFile()) throw new ScriptFileError(file, `it is ${kindOf(st)}, not a regular file`);
  if (!real.endsWith(".nsnet")) throw new ScriptFileError(file, `it leads to ${real}, whose name does not end in .nsnet`);
  return { real, st };
}

/**
 * Reads a script as UTF-8, at most MAX_SCRIPT_BYTES. With `used` (a `use`d file, a CNI
 * scriptFile) only a regular file ending in `.nsnet` is read, as nsnetScriptPath decides,
 * and what is opened must be the file it saw; with `regular` only a regular file, of any
 * name. Either way the file is opened non-blocking so a FIFO put in its place cannot stall
 * us before fstat tells what it is. The main file may be a pipe (`nsnet check <(gen)`), so
 * only its size is bounded.
 */
export function readScriptFile(file: string, opts: { used?: boolean; regular?: boolean } = {}): string {
  const checked = opts.used ? nsnetScriptPath(file) : null;
  const regularOnly = opts.used === true || opts.regular === true;
  let fd: number;
  try {
    const flags = constants.O_RDONLY | (regularOnly ? constants.O_NONBLOCK : 0) | (checked ? constants.O_NOFOLLOW : 0);
    fd = openSync(checked ? checked.real : file, flags);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ScriptFileError(file, errnoReason(code, e), code);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new ScriptFileError(file, "it is a directory");
    if (regularOnly && !st.isFile()) throw new ScriptFileError(file, `it is ${kindOf(st)}, not a regular file`);
    if (checked && (st.dev !== checked.st.dev || st.ino !== checked.st.ino)) throw new ScriptFileError(file, "it changed while it was being opened");
    if (st.isFile() && st.size > MAX_SCRIPT_BYTES) throw tooLarge(file);
    // Read to the end, never past the cap (a pipe or a growing file has no size to trust).
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 16, MAX_SCRIPT_BYTES + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new ScriptFileError(file, errnoReason(code, e), code);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > MAX_SCRIPT_BYTES) throw tooLarge(file);
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

export function resolveUsePath(path: string, fromFile: string, stdlibDir = STDLIB_DIR): string {
  if (path.startsWith("stdlib/")) {
    const rest = path.slice("stdlib/".length);
    return resolve(stdlibDir, rest.endsWith(".nsnet") ? rest : `${rest}.nsnet`);
  }
  if (isAbsolute(path)) return path;
  // A script read from stdin or typed at the REPL has no directory of its own: use the cwd.
  const base = fromFile.startsWith("<") ? process.cwd() : dirname(resolve(fromFile));
  return resolve(base, path);
}

export function makeFsLoader(parse: ParseFn, opts: { stdlibDir?: string } = {}): (path: string, fromFile: string) => LoadResult {
  return (path, fromFile) => {
    const file = resolveUsePath(path, fromFile, opts.stdlibDir);
    let text: string;
    try {
      text = readScriptFile(file, { used: true });
    } catch (e) {
      if (!(e instanceof ScriptFileError)) throw e;
      return e.code === "ENOENT" ? { error: `looked for ${file}` } : { error: `the path resolves to ${file}`, reason: e.reason };
    }
    const { script, diagnostics } = parse(text, file);
    return { script, file, diagnostics };
  };
}
