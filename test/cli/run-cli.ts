import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI } from "../kernel/cli-sandbox.js";

/** `node through-pipe.mjs ARGV…`: ARGV with its stdout and stderr on real (FIFO) pipes. */
export const THROUGH_PIPE = fileURLToPath(new URL("./through-pipe.mjs", import.meta.url));

/**
 * The built CLI as a user runs it: a child process whose stdout and stderr are real pipes.
 * Only for commands that never touch the kernel (check, graph, fmt, a refused option);
 * anything else goes through `nsnet sandbox` (test/kernel/cli-sandbox.ts). `pipe`: through
 * kernel pipes (FIFOs) rather than the socket pairs Node gives a child by default.
 */
export async function runCli(args: string[], opts: { input?: string; cwd?: string; pipe?: boolean } = {}) {
  const argv = opts.pipe ? [THROUGH_PIPE, process.execPath, CLI, ...args] : [CLI, ...args];
  const r = await execa(process.execPath, argv, {
    reject: false,
    timeout: 60_000,
    stripFinalNewline: false,
    ...(opts.input !== undefined ? { input: opts.input } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    env: { NO_COLOR: "1" },
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

export function tempScript(name: string, text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "nsnet-cli-")), name);
  writeFileSync(f, text);
  return f;
}
