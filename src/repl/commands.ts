import type { Outcome } from "./outcome.js";

type Run = Outcome | Promise<Outcome>;

/** What the dot-commands call on the REPL (ReplCore, core.ts, has all of it). Named here so
 *  that this table, which core.ts dispatches through, does not import core.ts. */
export interface CommandTarget {
  help(): Run;
  show(arg: string): Run;
  nodes(): Run;
  links(): Run;
  addrs(): Run;
  graph(): Run;
  expectAll(): Run;
  setVerbose(arg: string): Run;
  setEcho(arg: string): Run;
  setDry(arg: string): Run;
  plan(): Run;
  apply(): Run;
  undo(): Run;
  save(arg: string): Run;
  edit(arg: string): Run;
  load(file: string): Run;
  counters(): Run;
  captureCommand(arg: string): Run;
  down(): Run;
  pingall(): Run;
  exit(): Run;
}

/**
 * The REPL's dot-commands, one row each — the one list that help, dispatch, "did you
 * mean" and completion read (as Mininet's CLI has one `do_<name>` method per command,
 * whose docstring is its help).
 */
export interface DotCommand {
  name: string;
  /** other spellings that run the same command */
  aliases?: readonly string[];
  /** how it is called, as `.help` shows it */
  usage: string;
  /** one line */
  help: string;
  run(repl: CommandTarget, arg: string): Run;
}

export const DOT_COMMANDS: readonly DotCommand[] = [
  { name: "help", usage: ".help", help: "this text", run: (r) => r.help() },
  { name: "show", usage: ".show [NS…]", help: "the live kernel as nsnet source, host side included (as `nsnet show`)", run: (r, a) => r.show(a) },
  { name: "nodes", usage: ".nodes", help: "the session's namespaces with their addresses", run: (r) => r.nodes() },
  { name: "links", usage: ".links", help: "the session's interfaces and what each connects to", run: (r) => r.links() },
  { name: "addrs", usage: ".addrs", help: "the session's addresses and the pools they came from", run: (r) => r.addrs() },
  { name: "graph", usage: ".graph", help: "a text picture of namespaces, interfaces and links", run: (r) => r.graph() },
  { name: "expect", usage: ".expect", help: "run the session's `expect` statements now", run: (r) => r.expectAll() },
  { name: "verbose", usage: ".verbose [on|off]", help: "list every op after a statement (default: one line, ok: N ops)", run: (r, a) => r.setVerbose(a) },
  { name: "echo", usage: ".echo [on|off]", help: "show each input after a prompt before it runs (a piped session's transcript)", run: (r, a) => r.setEcho(a) },
  { name: "dry", usage: ".dry [on|off]", help: "stage statements instead of applying them", run: (r, a) => r.setDry(a) },
  { name: "plan", usage: ".plan", help: "what applying the staged statements would do", run: (r) => r.plan() },
  { name: "apply", usage: ".apply", help: "apply the staged statements", run: (r) => r.apply() },
  { name: "undo", usage: ".undo", help: "drop the last statement or .load, and remove what it built", run: (r) => r.undo() },
  { name: "save", usage: ".save [--with-drift] FILE", help: "write the session as a canonical script (warns of live drift)", run: (r, a) => r.save(a) },
  {
    name: "edit",
    usage: ".edit NAME|done|cancel",
    help: "amend ns NAME: the statements typed next, applied by .edit done as one change",
    run: (r, a) => r.edit(a),
  },
  { name: "load", usage: ".load FILE", help: "apply a script into the session, then run its expects", run: (r, a) => r.load(a) },
  { name: "counters", usage: ".counters", help: "the NAT and partition rules with the packets each has met", run: (r) => r.counters() },
  {
    name: "capture",
    usage: ".capture [off [NS:IF]]",
    help: "list the running captures, or stop them (capture NS:IF [FILTER…] starts one)",
    run: (r, a) => r.captureCommand(a),
  },
  { name: "down", usage: ".down", help: "remove everything the session built", run: (r) => r.down() },
  { name: "pingall", usage: ".pingall", help: "same as pingall", run: (r) => r.pingall() },
  { name: "exit", aliases: ["quit"], usage: ".exit  .quit", help: "leave (Ctrl-D too)", run: (r) => r.exit() },
];

export function findCommand(name: string): DotCommand | undefined {
  return DOT_COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}

/** every spelling, as typed (`.help`, …, `.quit`) */
export function commandWords(): string[] {
  return DOT_COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]).map((n) => `.${n}`);
}

export function helpText(): string {
  const width = Math.max(...DOT_COMMANDS.map((c) => c.usage.length)) + 2;
  return (
    `Type statements of the nsnet language; each complete one is checked and applied at once.
  ns h1 < veth to br0; addr 192.0.2.1/24 >     a block may span lines (prompt ...>)
  exec NS CMD…   or   NS: CMD…                run a command in NS; namespace names in
                                              the arguments become their addresses
  ping A B                                    one probe each way, as a matrix
  pingall                                     every namespace to every other
  capture NS:IF [-w F.pcap] [FILTER…]         watch packets (tcpdump) while typing on
  why A B                                     where a ping from A to B, or its reply, is
                                              lost, and the line to change
  link A B down|up                            both ends of the link between A and B (namespaces,
                                              NS:IF, host or a bridge) down or up, as a change
                                              to the session; ns NAME < … > for an existing
                                              namespace amends it (.undo takes it back)
Dot-commands:
` +
    DOT_COMMANDS.map((c) => `  ${c.usage.padEnd(width)}${c.help}\n`).join("") +
    `Ctrl-C cancels the current input, or stops the command running in a namespace.\n`
  );
}
