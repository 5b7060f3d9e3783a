import { existsSync } from "node:fs";
import { EXIT, UsageError } from "./exit-codes.js";
import { MAIN_HELP, COMMAND_HELP } from "./help.js";
import type { GlobalOptions } from "./output.js";

export const VERSION = "0.1.0";

/** A parsed command line: the command, its positional words, its flags, and `-- CMD…`. */
export interface Invocation {
  command: string;
  args: string[];
  flags: Record<string, string | boolean>;
  rest: string[];
  global: GlobalOptions;
}

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
};

const SHEBANG_VERBS = new Set(["up", "down", "plan", "check", "show", "graph", "apply"]);
/** flags that take a value */
const VALUE_FLAGS = new Set(["format", "state-dir", "project"]);
const BOOLEAN_FLAGS = new Set(["json", "quiet", "verbose", "check", "explain", "help", "version", "dry-run"]);

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
      } else if (BOOLEAN_FLAGS.has(name) && eq < 0) {
        flags[name] = true;
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else if (a === "-h") {
      flags.help = true;
    } else if (a === "-q") {
      flags.quiet = true;
    } else if (a === "-v") {
      flags.verbose = true;
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
  };
  return { command, args: words, flags, rest, global };
}

export async function main(argv: string[]): Promise<number> {
  let inv: Invocation;
  try {
    inv = parseCommandLine(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`nsnet: ${e.message}\n\n${MAIN_HELP}`);
      return EXIT.usage;
    }
    throw e;
  }
  if (inv.flags.version) {
    process.stdout.write(`nsnet ${VERSION}\n`);
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
    const { didYouMean } = await import("../diagnostics/suggest.js");
    const guess = didYouMean(inv.command, Object.keys(COMMANDS).filter((c) => !c.startsWith("__")));
    process.stderr.write(
      `nsnet: unknown command or missing file '${inv.command}'${guess.length ? ` (did you mean '${guess[0]}'?)` : ""}\n` +
        `run 'nsnet --help' for the list of commands\n`,
    );
    return EXIT.usage;
  }
  if (inv.flags.help) {
    process.stdout.write(COMMAND_HELP[inv.command === "apply" ? "up" : inv.command] ?? MAIN_HELP);
    return EXIT.ok;
  }
  try {
    return await (await load())(inv);
  } catch (e) {
    if (e instanceof UsageError) {
      const help = COMMAND_HELP[e.command ?? inv.command];
      process.stderr.write(`nsnet ${inv.command}: ${e.message}\n${help ? "\n" + help : ""}`);
      return EXIT.usage;
    }
    // nsnet's own files (unsafe or read-only state directory, a lock held too long): not a bug
    if (await isStateProblem(e)) {
      process.stderr.write(`nsnet ${inv.command}: ${(e as Error).message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
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
