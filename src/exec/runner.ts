import { execa } from "execa";

/**
 * The ONLY module that spawns processes (house rule 9). No shell, ever: argv goes to
 * execve as a list. Every argument is checked here once more (no NUL, no newline) even
 * though names were validated by the checker; batch text goes on stdin.
 */
export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** text for stdin (batch files, rulesets) */
  input?: string;
  timeoutMs?: number;
  /** inherit stdio (interactive commands: the REPL's `exec`, sandbox shells) */
  interactive?: boolean;
  env?: Record<string, string>;
}

export interface Runner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
}

/** Programs nsnet may start. Anything else is refused (user commands go through `ip netns exec`). */
const ALLOWED = new Set(["ip", "nft", "unshare", "mount", "nsenter", "sysctl", "node", process.execPath]);

export class UnsafeArgumentError extends Error {}

export function assertSafeArgv(argv: readonly string[]): void {
  if (argv.length === 0) throw new UnsafeArgumentError("empty command");
  if (!ALLOWED.has(argv[0]!)) throw new UnsafeArgumentError(`program not allowed: ${JSON.stringify(argv[0])}`);
  for (const a of argv) {
    if (typeof a !== "string" || a.includes("\0") || a.includes("\n")) {
      throw new UnsafeArgumentError(`unsafe argument: ${JSON.stringify(a)}`);
    }
  }
}

export type VerboseSink = (line: string) => void;

export class ProcessRunner implements Runner {
  constructor(private readonly verbose?: VerboseSink) {}

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    assertSafeArgv(argv);
    if (this.verbose) {
      this.verbose(`+ ${argv.map(quoteForDisplay).join(" ")}`);
      if (opts.input) for (const line of opts.input.split("\n")) if (line) this.verbose(`  | ${line}`);
    }
    const [file, ...args] = argv;
    const r = await execa(file!, args, {
      input: opts.interactive ? undefined : opts.input ?? "",
      stdio: opts.interactive ? "inherit" : "pipe",
      reject: false,
      timeout: opts.timeoutMs,
      env: opts.env,
      shell: false,
      stripFinalNewline: false,
    });
    return {
      exitCode: typeof r.exitCode === "number" ? r.exitCode : 1,
      stdout: typeof r.stdout === "string" ? r.stdout : "",
      stderr: typeof r.stderr === "string" ? r.stderr : r.failed && !r.exitCode ? String(r.message) : "",
    };
  }
}

/** For display only (verbose logs, `plan --format sh`): single-quote what needs it. */
export function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
