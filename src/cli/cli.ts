import { existsSync } from "node:fs";
import { EXIT, FileError, PrivilegeError, UsageError } from "./exit-codes.js";
import { requireNetAdmin } from "./privilege.js";
import { MAIN_HELP, COMMAND_HELP } from "./help.js";
import type { GlobalOptions } from "./output.js";
import type { Invocation } from "./invocation.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { entryPath } from "./entry-path.js";
import { codeCacheReport, versionText } from "./version.js";

export const VERSION = "0.1.0";

export type { Invocation };

type CommandFn = (inv: Invocation) => Promise<number>;

/** Loaded on demand so `nsnet check` never pays for the executor or the REPL. */
const COMMANDS: Record<string, () => Promise<CommandFn>> = {
  check: async () => (await import("./commands/check.js")).runCheck,
  fmt: async () => (await import("./commands/fmt.js")).runFmt,
  plan: async () => (await import("./commands/plan.js")).runPlan,
  up: async () => (await import("./commands/up.js")).runUp,
  apply: async () => (await import("./commands/up.js")).runUp,
  down: async () => (await import("./commands/down.js")).runDown,
  show: async () => (await import("./commands/show.js")).runShow,
  graph: async () => (await import("./commands/graph.js")).runGraph,
  sandbox: async () => (await import("./commands/sandbox.js")).runSandbox,
  "__sandbox-inner": async () => (await import("./commands/sandbox.js")).runSandboxInner,
  repl: async () => (await import("./commands/repl.js")).runRepl,
  hook: async () => (await import("./commands/hook.js")).runHookCommand,
  "udev-rule": async () => (await import("./commands/udev-rule.js")).runUdevRule,
  cni: async () => (await import("./commands/cni.js")).runCni,
  import: async () => (await import("./commands/import.js")).runImport,
  why: async () => (await import("./commands/why.js")).runWhy,
  grade: async () => (await import("./commands/grade.js")).runGrade,
  "__grade-inner": async () => (await import("./commands/grade.js")).runGradeInner,
};

const SHEBANG_VERBS = new Set(["up", "down", "plan", "check", "show", "graph", "apply"]);
/** flags that take a value */
const VALUE_FLAGS = new Set(["format", "state-dir", "project", "bin", "pool-file", "junit"]);
const BOOLEAN_FLAGS = new Set([
  "json",
  "quiet",
  "verbose",
  "check",
  "explain",
  "offline",
  "help",
  "version",
  "static",
  "allow-commands",
  "create-bridges",
  "attach",
]);
/** Options every command takes: they change how nsnet talks, not what it does. */
const EVERYWHERE = ["quiet", "verbose", "help", "version"];

/**
 * The options each command acts on. Anything else is a usage error (exit 2), never
 * silently ignored: an ignored `--dry-run` once made `up` apply for real.
 */
export const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  check: ["json", "state-dir", "project", "pool-file"],
  fmt: ["check"],
  plan: ["format", "explain", "offline", "json", "state-dir", "project", "pool-file"],
  up: ["json", "state-dir", "project", "pool-file"],
  apply: ["json", "state-dir", "project", "pool-file"],
  down: ["json", "state-dir", "project"],
  show: ["json"],
  graph: ["format"],
  sandbox: ["json", "project", "attach"],
  "__sandbox-inner": ["json", "project"],
  repl: ["state-dir", "project", "pool-file"],
  hook: ["json", "state-dir", "project", "pool-file"],
  "udev-rule": ["bin", "state-dir", "project"],
  cni: [],
  why: ["json", "static", "state-dir", "project", "pool-file"],
  grade: ["json", "junit", "allow-commands"],
  "__grade-inner": [],
  import: ["json", "create-bridges"],
  help: [],
};

/** What a user who typed a well-known option of other tools most likely wants instead. */
const INSTEAD: Record<string, string> = {
  "dry-run": "to see what `up` would do without doing it, run `nsnet plan FILE`",
  force: "nsnet never forces: `nsnet down FILE` removes what a project made",
};

export function parseCommandLine(argv: string[]): Invocation {
  const words: string[] = [];
  const flags: Record<string, string | boolean> = {};
  let rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (a.startsWith("--") && a.length > 2) {
      const eq = a.indexOf("=");
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (VALUE_FLAGS.has(name)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`--${name} needs a value`);
        flags[name] = value;
      } else {
        // refused by checkOptions, which knows the command and so what it does take
        flags[name] = eq > 0 ? a.slice(eq + 1) : true;
      }
    } else if (a === "-h") {
      flags.help = true;
    } else if (a === "-q") {
      flags.quiet = true;
    } else if (a === "-v") {
      flags.verbose = true;
    } else if (a.startsWith("-") && a.length > 1) {
      throw new UsageError(`unknown option ${a} (short options: -h, -q, -v)`);
    } else {
      words.push(a);
    }
  }
  let command = words.shift() ?? "";
  // Shebang form: `nsnet FILE [verb]` (what `#!/usr/bin/env nsnet` produces).
  if (command && !(command in COMMANDS) && (command.endsWith(".nsnet") || existsSync(command))) {
    const file = command;
    const verb = words[0] && SHEBANG_VERBS.has(words[0]) ? words.shift()! : "up";
    command = verb;
    words.unshift(file);
  }
  const global: GlobalOptions = {
    json: flags.json === true,
    quiet: flags.quiet === true,
    verbose: flags.verbose === true,
    stateDir: typeof flags["state-dir"] === "string" ? flags["state-dir"] : undefined,
    project: typeof flags.project === "string" ? flags.project : undefined,
    poolFile: typeof flags["pool-file"] === "string" ? flags["pool-file"] : undefined,
  };
  return { command, args: words, flags, rest, global };
}

function unknownOption(name: string, known: readonly string[], command?: string): string {
  const where = command ? ` for \`nsnet ${command}\`` : "";
  const instead = INSTEAD[name] ? `; ${INSTEAD[name]}` : "";
  const guess = instead ? [] : didYouMean(name, known);
  return `unknown option --${name}${where}${guess.length ? ` (did you mean --${guess[0]}?)` : ""}${instead}`;
}

/** Refuses an option the command would not act on (see COMMAND_OPTIONS). */
export function checkOptions(inv: Invocation): void {
  const allowed = [...EVERYWHERE, ...(COMMAND_OPTIONS[inv.command] ?? [])];
  for (const [name, value] of Object.entries(inv.flags)) {
    if (!allowed.includes(name)) throw new UsageError(unknownOption(name, allowed, inv.command === "apply" ? "up" : inv.command));
    if (BOOLEAN_FLAGS.has(name) && value !== true) throw new UsageError(`--${name} takes no value`);
  }
}

/** A usage error: the message and where to read more, not the whole usage text. */
function usageError(prefix: string, e: UsageError, command?: string): number {
  const more = command && COMMAND_HELP[command] ? `nsnet ${command} --help` : "nsnet --help";
  const bare = e instanceof FileError || e instanceof PrivilegeError;
  process.stderr.write(`${prefix}: ${e.message}\n${bare ? "" : `(\`${more}\` shows the usage)\n`}`);
  return EXIT.usage;
}

export async function main(argv: string[]): Promise<number> {
  let inv: Invocation;
  try {
    inv = parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) return usageError("nsnet", e);
    throw e;
  }
  if (inv.flags.version) {
    process.stdout.write(versionText(VERSION, inv.global.verbose, entryPath(), codeCacheReport()));
    return EXIT.ok;
  }
  if (!inv.command) {
    if (inv.flags.help) {
      process.stdout.write(MAIN_HELP);
      return EXIT.ok;
    }
    // No command: the REPL (on a terminal it is interactive; piped, it reads statements).
    inv.command = "repl";
  }
  if (inv.command === "help") {
    const topic = inv.args[0];
    process.stdout.write(topic && COMMAND_HELP[topic] ? COMMAND_HELP[topic]! : MAIN_HELP);
    return EXIT.ok;
  }
  const load = COMMANDS[inv.command];
  if (!load) {
    const guess = didYouMean(
      inv.command,
      Object.keys(COMMANDS).filter((c) => !c.startsWith("__")),
    );
    process.stderr.write(
      `nsnet: unknown command or missing file '${inv.command}'${guess.length ? ` (did you mean '${guess[0]}'?)` : ""}\n` +
        `run 'nsnet --help' for the list of commands\n`,
    );
    return EXIT.usage;
  }
  const helpTopic = inv.command === "apply" ? "up" : inv.command;
  if (inv.flags.help) {
    process.stdout.write(COMMAND_HELP[helpTopic] ?? MAIN_HELP);
    return EXIT.ok;
  }
  try {
    checkOptions(inv);
    if (needsRoot(inv)) requireNetAdmin();
    return await (await load())(inv);
  } catch (e) {
    if (e instanceof UsageError) return usageError(`nsnet ${inv.command}`, e, e.command ?? helpTopic);
    // nsnet's own files (unsafe or read-only state directory, a lock held too long): not a bug
    if (await isStateProblem(e)) {
      process.stderr.write(`nsnet ${inv.command}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    // a word nsnet will not hand to a program (a newline in a file name): the caller's to
    // change, said in one line — not a bug with a stack trace
    const { UnsafeArgumentError } = await import("../exec/runner.js");
    if (e instanceof UnsafeArgumentError) {
      process.stderr.write(
        `nsnet ${inv.command}: refused: ${e.message} (nsnet passes no newline or NUL byte to a program it runs, except in a command you give it)\n`,
      );
      return EXIT.usage;
    }
    throw e;
  }
}

/** Commands that change the kernel or read it from inside namespaces, and nsnet's root-owned
 *  state: said up front without root (src/cli/privilege.ts). `plan --offline` reads nothing. */
// `sandbox` is not here: a normal user runs it in a user namespace of its own (rootless)
const NEEDS_ROOT = new Set(["up", "apply", "down", "plan", "__sandbox-inner", "__grade-inner", "repl", "hook"]);

function needsRoot(inv: Invocation): boolean {
  return NEEDS_ROOT.has(inv.command) && !(inv.command === "plan" && inv.flags.offline === true);
}

async function isStateProblem(e: unknown): Promise<boolean> {
  const [{ StateError }, { UnsafeFileError }, { LockBusyError }, { AllocationStoreError }] = await Promise.all([
    import("../exec/state-store.js"),
    import("../exec/durable.js"),
    import("../exec/pid-lock.js"),
    import("../ipam/store-fs.js"),
  ]);
  return e instanceof StateError || e instanceof UnsafeFileError || e instanceof LockBusyError || e instanceof AllocationStoreError;
}
