import { readdirSync } from "node:fs";

/** Words that start or appear in statements of the language (DESIGN §1.2–1.3). */
export const KEYWORDS = [
  "ns", "host", "bridge", "pool", "uplink", "let", "def", "use", "for", "in", "nat", "from", "portmap",
  "partition", "off", "expect", "reaches", "not", "http", "status", "tcp", "udp", "open", "on", "add", "remove",
  "run", "exec", "veth", "pair", "peer", "as", "to", "macvlan", "ipvlan", "vlan", "mode", "move", "addr", "auto",
  "route", "default", "via", "dev", "onlink", "proxyarp", "sysctl", "up", "down", "neigh", "proxy", "split",
  "reserve", "ping", "pingall",
];

export const DOT_COMMANDS = [
  ".help", ".show", ".nodes", ".links", ".addrs", ".plan", ".apply", ".dry", ".undo", ".save", ".load",
  ".graph", ".down", ".pingall", ".exit",
];

export interface CompletionContext {
  namespaces: readonly string[];
  /** [ns, ifname] pairs */
  interfaces: readonly (readonly [string, string])[];
  pools: readonly string[];
  /** entries of a directory ("" = the current one); dirs end with "/" */
  listDir?: (dir: string) => string[];
}

/** node:repl completer shape: [candidates, the text they replace]. */
export function complete(line: string, ctx: CompletionContext): [string[], string] {
  const file = /^\s*\.(?:save|load)\s+(\S*)$/.exec(line) ?? /\buse\s+"?([^"\s]*)$/.exec(line);
  if (file) return completeFile(file[1]!, ctx.listDir ?? listDirFs);
  if (/^\s*\.[A-Za-z]*$/.test(line)) {
    const word = line.trim();
    return [DOT_COMMANDS.filter((c) => c.startsWith(word)).sort(), word];
  }
  const word = /[A-Za-z0-9_.:-]*$/.exec(line)![0];
  const first = line.trim() === word;
  const names = [
    ...ctx.namespaces,
    ...ctx.pools,
    ...ctx.interfaces.map(([, i]) => i),
    ...ctx.interfaces.map(([n, i]) => `${n}:${i}`),
    // `h1: CMD…` runs a command in h1 — only at the start of a line
    ...(first ? ctx.namespaces.map((n) => `${n}:`) : []),
  ];
  const hits = unique([...KEYWORDS, ...names].filter((c) => c.startsWith(word)));
  return [hits.sort(), word];
}

function completeFile(partial: string, listDir: (dir: string) => string[]): [string[], string] {
  const slash = partial.lastIndexOf("/");
  const dir = slash < 0 ? "" : partial.slice(0, slash + 1);
  const base = partial.slice(slash + 1);
  let entries: string[] = [];
  try {
    entries = listDir(dir);
  } catch {
    entries = [];
  }
  const hits = entries.filter((e) => e.startsWith(base) && (base.startsWith(".") || !e.startsWith(".")));
  return [hits.sort().map((e) => dir + e), partial];
}

function listDirFs(dir: string): string[] {
  return readdirSync(dir || ".", { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
