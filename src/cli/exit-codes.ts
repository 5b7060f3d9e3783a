import { ScriptFileError } from "../expand/fs-loader.js";

/** docs/architecture.md §11. */
export const EXIT = {
  ok: 0,
  checkErrors: 1,
  usage: 2,
  rolledBack: 3,
  rollbackIncomplete: 4,
  expectFailed: 5,
} as const;

/** A mistake in how nsnet was called: printed with the command's usage, exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** A command run without the privileges it needs (src/cli/privilege.ts): exit 2, said in
 *  full without the usage text. */
export class PrivilegeError extends UsageError {}

/** A FILE that cannot be read: a usage error (exit 2) that needs no usage text to explain. */
export class FileError extends UsageError {
  constructor(file: string, e: unknown) {
    if (e instanceof ScriptFileError) {
      super(e.message);
      return;
    }
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (code ?? String(e));
    super(`cannot read ${file}: ${why}`);
  }
}
