import repl from "node:repl";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ReplCore } from "./core.js";
import type { ReplEngine } from "./engine-port.js";
import { LineAssembler } from "./input.js";
import { complete } from "./completion.js";
import { HistoryFile } from "./history.js";

export const PROMPT = "nsnet> ";
export const CONTINUATION = "...> ";

/** ~/.nsnet_history, or $NSNET_HISTORY (empty: no history file). */
export function historyPath(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NSNET_HISTORY !== undefined) return env.NSNET_HISTORY === "" ? null : env.NSNET_HISTORY;
  return join(homedir(), ".nsnet_history");
}

/**
 * Hands the terminal to a command run in a namespace (`h1: ping …`): readline stops
 * reading and leaves raw mode so the child gets keystrokes and Ctrl-C. (The runner ignores
 * our own SIGINT while the child runs, so Ctrl-C stops the command, never the REPL.)
 */
export function handOverTerminal(engine: ReplEngine, pause: () => void, resume: () => void): ReplEngine {
  const exec = async (ns: string, argv: readonly string[]) => {
    pause();
    try {
      return await engine.exec(ns, argv);
    } finally {
      resume();
    }
  };
  return Object.assign(Object.create(engine) as ReplEngine, { exec });
}

/**
 * The interactive front: node:repl for line editing, completion and history; every piece
 * of input goes to ReplCore, one at a time. Resolves when the user leaves (.exit, Ctrl-D).
 */
export function runInteractive(core: ReplCore, isIncomplete: (t: string) => boolean, out: NodeJS.WriteStream = process.stdout): Promise<void> {
  const assembler = new LineAssembler(isIncomplete);
  let queue: Promise<unknown> = Promise.resolve();
  const file = historyPath();
  // our own writer, not server.setupHistory: see history.ts for how node's garbles the file
  const history = file ? HistoryFile.open(file) : null;
  return new Promise((resolve) => {
    const server = repl.start({
      prompt: PROMPT,
      input: process.stdin,
      output: out,
      terminal: true,
      useGlobal: false,
      ignoreUndefined: true,
      preview: false,
      completer: (line: string) => complete(line, core.completionContext()),
      eval: (cmd, _context, _file, callback) => {
        history?.add(cmd.replace(/\n$/, ""));
        const piece = assembler.push(cmd.replace(/\n$/, ""));
        if (piece === null) {
          server.setPrompt(CONTINUATION);
          callback(null, undefined);
          return;
        }
        server.setPrompt(PROMPT);
        queue = queue.then(async () => {
          await core.handle(piece);
          if (core.exitRequested) server.close();
          else callback(null, undefined);
        });
      },
    });
    // Dot-commands are ours, all of them (node's .break/.editor/.clear would confuse):
    // any `.word` reaches ReplCore, which knows the list and suggests on a typo.
    (server as unknown as { commands: object }).commands = new Proxy(
      {},
      {
        get: (_t, key) =>
          typeof key === "string"
            ? {
                help: "",
                action: (rest: string) => {
                  history?.add(`.${key}${rest ? " " + rest : ""}`);
                  assembler.reset();
                  server.setPrompt(PROMPT);
                  queue = queue.then(async () => {
                    await core.handle(`.${key}${rest ? " " + rest : ""}`);
                    if (core.exitRequested) server.close();
                    else server.displayPrompt();
                  });
                },
              }
            : undefined,
      },
    );
    // Ctrl-C cancels the current (multi-line) input, never the REPL.
    server.removeAllListeners("SIGINT");
    server.on("SIGINT", () => {
      const s = server as unknown as { clearLine?: () => void; line: string };
      if (s.clearLine) s.clearLine();
      else out.write("\n");
      assembler.reset();
      server.setPrompt(PROMPT);
      server.displayPrompt();
    });
    if (history) (server as unknown as { history: string[] }).history = [...history.entries].reverse();
    server.on("exit", () => resolve());
  });
}
