import { spawn, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { constants } from "node:os";
import { APPEND_NOFOLLOW } from "./durable.js";
import { isHelperArgv } from "./helper.js";
import { unsafeHelperLine } from "./helper-protocol.js";
import { isValidSysctlKey, sysctlPath } from "./ip-json.js";

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
  /** argv is a command the user typed (`nsnet sandbox F -- CMD…`): any program may run,
   *  still without a shell and still refusing NUL bytes. Never set for generated argv. */
  userCommand?: boolean;
  /** argv from this index on is a command the user typed, passed through nsnet's own argv
   *  (`nsnet sandbox F -- CMD…` re-runs nsnet under unshare with CMD at the end): checked
   *  as `userCommand` is (newlines are fine in argv), the part before it in full. */
  userArgsFrom?: number;
}

export interface StartOptions {
  /** stdout and stderr of the detached process are appended here (default /dev/null) */
  logFile?: string;
  env?: Record<string, string>;
}

export interface Runner {
  run(argv: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** `--verbose`: what a command will read besides its argv and stdin (batch files) */
  note?(line: string): void;
  /** Start a detached process that outlives nsnet (`run in` services); returns its pid. */
  start?(argv: readonly string[], opts?: StartOptions): Promise<{ pid: number }>;
  /** Set a sysctl of the network namespace this process lives in (the host of what it
   *  manages) by writing its /proc/sys file, as `sysctl -w` would, without a process. A
   *  runner without it (the tests' fakes) gets `sysctl -w` argv instead. Rejects with
   *  sysctl's own words. */
  writeHostSysctl?(key: string, value: string): Promise<void>;
  /** Start a child whose output arrives line by line while nsnet goes on (the REPL's
   *  `capture`); stdin is closed. `stop()` ends it (SIGTERM) and resolves to its exit code. */
  stream?(argv: readonly string[], onLine: (line: string, fromStderr: boolean) => void): Streaming;
}

export interface Streaming {
  pid: number | undefined;
  /** resolves when the child has exited (by itself or stopped) */
  done: Promise<number>;
  stop(): Promise<number>;
}

/** Programs nsnet may start. Anything else is refused (user commands go through `ip netns exec`).
 *  `bash` is the sandbox's default shell, `ping` the probes' tool. */
const ALLOWED = new Set(["ip", "nft", "unshare", "mount", "nsenter", "sysctl", "node", "ping", "bash", "perl", "tcpdump", process.execPath]);

// docs/architecture.md §8 name rules live in one place; the runner applies them once more as the last
// gate before execve.
export { isValidIfName, isValidNsName } from "../model/names.js";
import { isValidNsName, validateNetnsPath } from "../model/names.js";

export class UnsafeArgumentError extends Error {}

export function assertSafeArgv(argv: readonly string[], userCommand = false, userArgsFrom?: number): void {
  if (argv.length === 0) throw new UnsafeArgumentError("empty command");
  if (userArgsFrom !== undefined && userArgsFrom > 0 && userArgsFrom < argv.length && !userCommand) {
    assertSafeArgv(argv.slice(userArgsFrom), true);
    return assertSafeArgv(argv.slice(0, userArgsFrom));
  }
  if (userCommand) {
    if (argv.some((a) => typeof a !== "string" || a.includes("\0"))) throw new UnsafeArgumentError("NUL byte in a command");
    return;
  }
  if (!ALLOWED.has(argv[0]!)) throw new UnsafeArgumentError(`program not allowed: ${JSON.stringify(argv[0])}`);
  // perl runs nsnet's helper (helper.ts), by its path, and nothing else
  if (argv[0] === "perl") {
    if (!isHelperArgv(argv)) throw new UnsafeArgumentError("perl runs only nsnet's helper");
    return;
  }
  for (const a of argv) {
    if (typeof a !== "string" || a.includes("\0") || a.includes("\n")) {
      throw new UnsafeArgumentError(`unsafe argument: ${JSON.stringify(a)}`);
    }
  }
  if (argv[0] === "ip") assertSafeIpArgv(argv);
  if (argv[0] === "nsenter") assertSafeNsenterArgv(argv);
  // the REPL's `capture` on the host: the filter after `--`, none of it an option
  if (argv[0] === "tcpdump" && (!argv.includes("--") || argv.slice(argv.indexOf("--") + 1).some((a) => a.startsWith("-")))) {
    throw new UnsafeArgumentError(`unexpected tcpdump arguments: ${JSON.stringify(argv.slice(1))}`);
  }
}

/** nsnet enters a namespace with exactly one option, `--net=PATH`, then `--`; an `ip` after
 *  it is checked like any other. PATH is a named namespace's mount (`/run/netns/NAME`, NAME a
 *  valid name), our own (`/proc/self/ns/net`), or a path a container runtime gave as
 *  CNI_NETNS (`/proc/PID/ns/net`, a bind mount elsewhere) — never PID 1's, the machine's. */
function assertSafeNsenterArgv(argv: readonly string[]): void {
  // `nsnet sandbox --attach` (attach.ts): a sandbox's holder by PID, never PID 1 (ours)
  if (argv[1] === "--target") {
    const opts = argv.slice(3, argv.indexOf("--"));
    const known = ["--user", "--preserve-credentials", "--mount", "--net", "--pid"];
    if (!/^[1-9]\d*$/.test(argv[2] ?? "") || argv[2] === "1" || !argv.includes("--") || opts.some((o) => !known.includes(o))) {
      throw new UnsafeArgumentError(`unexpected nsenter arguments: ${JSON.stringify(argv.slice(1))}`);
    }
    return;
  }
  const path = /^--net=(.+)$/.exec(argv[1] ?? "")?.[1];
  if (path === undefined || !isEnterablePath(path) || argv[2] !== "--" || argv.length < 4) {
    throw new UnsafeArgumentError(`unexpected nsenter arguments: ${JSON.stringify(argv.slice(1, 3))}`);
  }
  if (argv[3] === "ip") assertSafeIpArgv(argv.slice(3));
}

function isEnterablePath(path: string): boolean {
  if (validateNetnsPath(path) !== null) return false;
  if (path.startsWith("/run/netns/")) return isValidNsName(path.slice("/run/netns/".length));
  return !path.startsWith("/proc/1/");
}

/** Namespace names in `ip` argv (`-n NS`, `netns add|del|exec NS`) are checked here, the
 *  last gate before execve, whatever the checker did. */
function assertSafeIpArgv(argv: readonly string[]): void {
  const nsAt: number[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "-n" || a === "-netns") nsAt.push(i + 1);
    else if (a === "netns") {
      const verb = argv[i + 1];
      if (verb === "add" || verb === "del" || verb === "delete" || verb === "exec" || verb === "pids") nsAt.push(i + 2);
      break; // what follows `netns exec NS` is the user's command
    } else if (!a.startsWith("-")) break;
  }
  for (const i of nsAt) {
    const ns = argv[i];
    if (ns === undefined || !isValidNsName(ns)) throw new UnsafeArgumentError(`invalid namespace name: ${JSON.stringify(ns)}`);
  }
}

/** Lines of `ip -batch -` input: ip's own tokenizer treats '#' as a comment and honours
 *  quotes and backslashes, so none of those may appear in generated text. */
export function assertSafeBatchText(text: string): void {
  for (const line of text.split("\n")) {
    if (/[#"'\\\0\r]/.test(line)) throw new UnsafeArgumentError(`unsafe batch line: ${JSON.stringify(line)}`);
  }
}

/** Where a child nsnet started keeps the user's own LC_ALL ("" when it was unset), so a
 *  command the user typed (`nsnet sandbox F -- CMD…`) gets it back two processes later. */
export const USER_LC_ALL_ENV = "NSNET_USER_LC_ALL";

/**
 * The environment of every child: nsnet's own, the caller's additions, and `LC_ALL=C`. A
 * locale named in LANG or LC_* that is not installed makes perl print "Setting locale
 * failed" on stderr, and other programs translate their words; nsnet reads children's
 * output and stderr, so they all speak C, which every machine has. Only a command the user
 * typed gets the user's locale back.
 */
export function childEnv(extra: Record<string, string> | undefined, userCommand = false): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  if (userCommand) {
    const was = env[USER_LC_ALL_ENV];
    if (was !== undefined) {
      if (was === "") delete env.LC_ALL;
      else env.LC_ALL = was;
      delete env[USER_LC_ALL_ENV];
    }
    return env;
  }
  env[USER_LC_ALL_ENV] ??= process.env.LC_ALL ?? "";
  env.LC_ALL = "C";
  return env;
}

export type VerboseSink = (line: string) => void;

export class ProcessRunner implements Runner {
  constructor(private readonly verbose?: VerboseSink) {}

  note(line: string): void {
    this.verbose?.(line);
  }

  async run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    assertSafeArgv(argv, opts.userCommand === true, opts.userArgsFrom);
    if (argv[0] === "perl") {
      // the helper's requests: only lines nsnet writes, namespace names valid (helper-protocol.ts)
      const bad = unsafeHelperLine(opts.input ?? "");
      if (bad !== null) throw new UnsafeArgumentError(`unsafe helper request: ${JSON.stringify(bad)}`);
    } else if (argv.includes("-batch") && opts.input !== undefined) assertSafeBatchText(opts.input);
    if (this.verbose) {
      this.verbose(`+ ${argv.map(quoteForDisplay).join(" ")}`);
      if (opts.input) for (const line of opts.input.split("\n")) if (line) this.verbose(`  | ${line}`);
    }
    const [file, ...args] = argv;
    const env = childEnv(opts.env, opts.userCommand === true);
    if (!opts.interactive) return spawnCollect(file!, args, opts.input, opts.timeoutMs, env);
    // Interactive: the terminal is the child's; we wait and keep out of its way. (execa is
    // loaded here only: a hook or a check never pays for reading it.)
    const { execa } = await import("execa");
    const r = await whileChildHasTerminal(() =>
      execa(file!, args, { stdio: "inherit", reject: false, timeout: opts.timeoutMs, env, extendEnv: false, shell: false }),
    );
    // A child killed by a signal exits as a shell reports it: 128 + the signal's number.
    const bySignal = r.signal ? 128 + (constants.signals[r.signal as NodeJS.Signals] ?? 0) : undefined;
    return { exitCode: typeof r.exitCode === "number" ? r.exitCode : (bySignal ?? 1), stdout: "", stderr: r.failed && !r.exitCode ? String(r.message) : "" };
  }

  stream(argv: readonly string[], onLine: (line: string, fromStderr: boolean) => void): Streaming {
    assertSafeArgv(argv);
    if (this.verbose) this.verbose(`+ ${argv.map(quoteForDisplay).join(" ")} &`);
    const [file, ...args] = argv;
    const child = spawn(file!, args, { stdio: ["ignore", "pipe", "pipe"], env: childEnv(undefined), shell: false });
    for (const [s, isErr] of [
      [child.stdout!, false],
      [child.stderr!, true],
    ] as const) {
      let rest = "";
      s.setEncoding("utf8");
      s.on("data", (t: string) => {
        const lines = (rest + t).split("\n");
        rest = lines.pop()!;
        for (const l of lines) onLine(l, isErr);
      });
      s.on("end", () => rest && onLine(rest, isErr));
    }
    const done = new Promise<number>((resolve) => {
      child.once("error", (e) => {
        onLine(e.message, true);
        resolve(127);
      });
      child.once("close", (code, signal) => resolve(typeof code === "number" ? code : 128 + (signal ? (constants.signals[signal] ?? 0) : 0)));
    });
    return {
      pid: child.pid,
      done,
      stop: () => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        return done;
      },
    };
  }

  async writeHostSysctl(key: string, value: string): Promise<void> {
    if (!isValidSysctlKey(key) || /[\0\n]/.test(value)) throw new UnsafeArgumentError(`unsafe sysctl: ${JSON.stringify(`${key}=${value}`)}`);
    this.verbose?.(`+ echo ${quoteForDisplay(value)} > ${sysctlPath(key)}`);
    try {
      // procps' sysctl writes the value and a newline, once
      await writeFile(sysctlPath(key), `${value}\n`, { flag: "r+" });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const reason = err.code === "ENOENT" ? `cannot stat ${sysctlPath(key)}: No such file or directory` : `setting key "${key}": ${errnoText(err)}`;
      throw new Error(`sysctl: ${reason}`);
    }
  }

  async start(argv: readonly string[], opts: StartOptions = {}): Promise<{ pid: number }> {
    assertSafeArgv(argv);
    if (this.verbose) this.verbose(`+ ${argv.map(quoteForDisplay).join(" ")} &`);
    // a log file is never followed through a symlink (one planted there would get the output)
    const out = opts.logFile === undefined ? openSync("/dev/null", "a") : openSync(opts.logFile, APPEND_NOFOLLOW, 0o600);
    try {
      const [file, ...args] = argv;
      const child = spawn(file!, args, { detached: true, stdio: ["ignore", out, out], env: childEnv(opts.env), shell: false });
      const pid = await new Promise<number>((resolve, reject) => {
        child.once("error", reject);
        child.once("spawn", () => resolve(child.pid!));
      });
      child.unref();
      return { pid };
    } finally {
      closeSync(out);
    }
  }
}

/**
 * While a child has the terminal, this process does what system(3) does: it ignores the
 * terminal's SIGINT and SIGQUIT, which the kernel sends to the whole foreground process
 * group. So Ctrl-C reaches only the child (ping prints its statistics and exits), and we —
 * `nsnet sandbox`'s outer half, the REPL, the sandbox's inner half — go on. Without a
 * listener of our own, node would die of the signal, and execa's exit clean-up would
 * kill the child too, taking a whole sandbox with it.
 */
async function whileChildHasTerminal<T>(run: () => Promise<T>): Promise<T> {
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGQUIT", ignore);
  try {
    return await run();
  } finally {
    process.off("SIGINT", ignore);
    process.off("SIGQUIT", ignore);
  }
}

/** Kill a child that outlives its timeout: SIGTERM, then SIGKILL if it ignores that. */
const FORCE_KILL_AFTER_MS = 5000;

/**
 * One non-interactive command: stdin from `input`, stdout and stderr collected. Straight on
 * node:child_process — at a thousand namespaces nsnet spawns a thousand times, and a
 * general-purpose wrapper costs about as much per call as the fork itself.
 */
function spawnCollect(file: string, args: string[], input: string | undefined, timeoutMs: number | undefined, env: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], env, shell: false });
    } catch (e) {
      resolve({ exitCode: 1, stdout: "", stderr: (e as Error).message });
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let spawnError: Error | undefined;
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    // a child that exits without reading its input closes the pipe under us: not an error
    child.stdin!.on("error", () => {});
    child.stdin!.end(input ?? "");
    let timer: NodeJS.Timeout | undefined;
    let forceTimer: NodeJS.Timeout | undefined;
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        child.kill("SIGTERM");
        forceTimer = setTimeout(() => child.kill("SIGKILL"), FORCE_KILL_AFTER_MS);
      }, timeoutMs);
    }
    child.once("error", (e) => {
      spawnError = e;
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      const stderr = Buffer.concat(err).toString("utf8");
      resolve({
        exitCode: typeof code === "number" && !spawnError ? code : 1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: spawnError && stderr === "" ? spawnError.message : stderr,
      });
    });
  });
}

/** strerror's words for the errors writing a /proc/sys file can meet. */
function errnoText(e: NodeJS.ErrnoException): string {
  const words: Record<string, string> = {
    EINVAL: "Invalid argument",
    EACCES: "Permission denied",
    EPERM: "Operation not permitted",
    EROFS: "Read-only file system",
    EBUSY: "Device or resource busy",
  };
  return (e.code && words[e.code]) ?? e.message;
}

/** For display only (verbose logs, `plan --format sh`): single-quote what needs it. */
export function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
