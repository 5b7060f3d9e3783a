import { execa } from "execa";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Compiles `entries` (and everything they import) under `rootDir` into `outDir`, as the
 * harnesses that run sources in a child process need them (kernel scenarios, `show` on a
 * kernel, the REPL through a pty): ES2022 modules, strict, Node types only. tsc emits even
 * when a file elsewhere has type errors; `tolerateTypeErrors` accepts that (the type-check of
 * the whole tree reports them), otherwise a failure throws with tsc's words.
 */
export async function compileEntries(entries: readonly string[], outDir: string, opts: { rootDir?: string; tolerateTypeErrors?: boolean } = {}): Promise<void> {
  const args = ["--outDir", outDir, "--rootDir", opts.rootDir ?? join(repo, "src")];
  args.push("--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--skipLibCheck", "--types", "node", "--strict", ...entries);
  await tsc(args, opts.tolerateTypeErrors);
}

/** tsc with these arguments; throws with its output on failure unless told to tolerate it. */
export async function tsc(args: readonly string[], tolerateTypeErrors = false): Promise<void> {
  const r = await execa(join(repo, "node_modules/.bin/tsc"), args, { reject: false });
  if (r.exitCode !== 0 && !tolerateTypeErrors) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
}
