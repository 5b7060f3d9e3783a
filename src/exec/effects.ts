import type { LiveState } from "../model/live.js";
import type { Op } from "../plan/op.js";
import { HOST } from "../model/topology.js";
import { canonicalIp } from "../ipam/ip.js";

/**
 * What a list of ops promises the kernel will show afterwards, read back from the ops'
 * own text (the `ip` lines the planner emits, `KEY=VALUE` sysctls). Lines of a form not
 * listed here promise nothing checkable and are skipped. Later ops override earlier ones
 * (a delete followed by an add expects the add).
 */
export interface Expectation {
  /** stable identity of the fact: a later op about the same fact replaces it */
  id: string;
  present: boolean;
  describe: string;
  holds: (live: LiveState) => boolean;
}

/** Canonical text of an address, as the kernel prints it (RFC 5952; src/ipam's parser). */
export function canonicalAddr(a: string): string {
  return canonicalIp(a) ?? a;
}

function canonicalCidr(c: string): string {
  if (c === "default") return c;
  const [a, len] = c.split("/");
  const v6 = a!.includes(":");
  return `${canonicalAddr(a!)}/${len ?? (v6 ? "128" : "32")}`;
}

function after(words: string[], key: string): string | undefined {
  const i = words.indexOf(key);
  return i >= 0 ? words[i + 1] : undefined;
}

export function expectationsOf(ops: readonly Op[]): Expectation[] {
  const byId = new Map<string, Expectation>();
  const put = (e: Expectation) => {
    byId.delete(e.id);
    byId.set(e.id, e);
  };
  for (const op of ops) {
    if (op.tool === "sysctl") {
      const eq = op.text.indexOf("=");
      const key = op.text.slice(0, eq).trim();
      const value = op.text.slice(eq + 1).trim();
      put({
        id: `sysctl ${op.ns} ${key}`,
        present: true,
        describe: `sysctl ${key}=${value} in ${op.ns}`,
        holds: (l) => l.sysctls[op.ns]?.[key] === undefined || l.sysctls[op.ns]![key]!.replace(/\s+/g, " ") === value.replace(/\s+/g, " "),
      });
      continue;
    }
    if (op.tool !== "ip") continue;
    for (const e of ipLineExpectations(op.ns, op.text)) put(e);
  }
  return [...byId.values()];
}

function ipLineExpectations(ns: string, text: string): Expectation[] {
  const w = text.trim().split(/\s+/);
  const [obj, verb] = w;
  const rest = w.slice(2);
  const out: Expectation[] = [];
  if (obj === "netns" && (verb === "add" || verb === "del" || verb === "delete") && rest[0]) {
    const name = rest[0];
    out.push({ id: `netns ${name}`, present: verb === "add", describe: `namespace ${name}`, holds: (l) => l.namespaces.includes(name) === (verb === "add") });
  } else if (obj === "link" && verb === "add") {
    // `link add NAME [netns NS] type K …`, `link add link PARENT name NAME [netns NS] type K …`:
    // the link is born in NS when `netns` is given (before any `peer` part).
    const head = w.includes("peer") ? w.slice(0, w.indexOf("peer")) : w;
    const name = rest[0] === "link" ? after(head, "name") : rest[0] === "name" ? rest[1] : rest[0];
    if (name) out.push(linkExists(after(head, "netns") ?? ns, name, true, after(head, "type")));
    const peer = after(w.slice(w.indexOf("peer")), "name");
    if (w.includes("peer") && peer) out.push(linkExists(after(w.slice(w.indexOf("peer")), "netns") ?? ns, peer, true));
  } else if (obj === "link" && (verb === "del" || verb === "delete") && rest[0]) {
    out.push(linkExists(ns, rest[0] === "dev" ? rest[1]! : rest[0], false));
  } else if (obj === "link" && verb === "set" && rest[0]) {
    const dev = rest[0] === "dev" ? rest[1]! : rest[0];
    if (w.includes("netns")) return out; // moved away: checked where it lands by a later op
    const has = (k: string) => w.includes(k);
    if (has("up") || has("down")) {
      const up = has("up");
      out.push({ id: `link-up ${ns} ${dev}`, present: true, describe: `${dev} ${up ? "up" : "down"} in ${ns}`, holds: (l) => findLink(l, ns, dev)?.up === up });
    }
    const master = after(w, "master");
    if (master) out.push({ id: `master ${ns} ${dev}`, present: true, describe: `${dev} enslaved to ${master} in ${ns}`, holds: (l) => findLink(l, ns, dev)?.master === master });
    if (has("nomaster")) out.push({ id: `master ${ns} ${dev}`, present: true, describe: `${dev} without master in ${ns}`, holds: (l) => findLink(l, ns, dev)?.master === undefined });
    const alias = after(w, "alias");
    if (alias) out.push({ id: `alias ${ns} ${dev}`, present: true, describe: `${dev} alias ${alias} in ${ns}`, holds: (l) => findLink(l, ns, dev)?.alias === alias });
  } else if (obj === "addr" || obj === "address") {
    const cidr = rest[0] ? canonicalCidr(rest[0]) : undefined;
    const dev = after(w, "dev");
    if (cidr && dev && (verb === "add" || verb === "replace" || verb === "del" || verb === "delete")) {
      const present = verb === "add" || verb === "replace";
      out.push({
        id: `addr ${ns} ${dev} ${cidr}`,
        present,
        describe: `address ${cidr} on ${dev} in ${ns}`,
        holds: (l) => l.addrs.some((a) => a.ns === ns && a.dev === dev && canonicalCidr(a.cidr) === cidr) === present,
      });
    }
  } else if (obj === "route" || (obj?.startsWith("-") && verb === "route")) {
    const ww = obj === "route" ? w : w.slice(1);
    const v = ww[1];
    const dst = ww[2] ? canonicalCidr(ww[2]) : undefined;
    if (dst && (v === "add" || v === "replace" || v === "del" || v === "delete")) {
      const present = v !== "del" && v !== "delete";
      const via = after(ww, "via");
      const viaC = via ? canonicalAddr(via) : undefined;
      const family: 4 | 6 = (dst === "default" ? (viaC ?? "").includes(":") || obj === "-6" : dst.includes(":")) ? 6 : 4;
      out.push({
        id: `route ${ns} -${family} ${dst}`,
        present,
        describe: `route ${dst}${via ? ` via ${via}` : ""} in ${ns}`,
        holds: (l) =>
          l.routes.some((r) => r.ns === ns && r.family === family && r.dst === dst && (!present || viaC === undefined || r.via === viaC)) === present,
      });
    }
  } else if ((obj === "neigh" || obj === "neighbor") && w[2] === "proxy" && w[3]) {
    const addr = canonicalAddr(w[3]);
    const dev = after(w, "dev");
    const present = verb === "add" || verb === "replace";
    if (dev && (present || verb === "del" || verb === "delete")) {
      out.push({
        id: `proxy ${ns} ${addr} ${dev}`,
        present,
        describe: `proxy neighbour ${addr} on ${dev} in ${ns}`,
        holds: (l) => l.proxies.some((p) => p.ns === ns && canonicalAddr(p.addr) === addr && p.dev === dev) === present,
      });
    }
  }
  return out;
}

function findLink(l: LiveState, ns: string, name: string) {
  return l.links.find((x) => x.ns === ns && x.name === name);
}

function linkExists(ns: string, name: string, present: boolean, kind?: string): Expectation {
  return {
    id: `link ${ns} ${name}`,
    present,
    describe: `link ${name}${kind ? ` (${kind})` : ""} in ${ns === HOST ? "the host" : ns}`,
    holds: (l) => {
      const link = findLink(l, ns, name);
      if (!present) return link === undefined;
      return link !== undefined && (kind === undefined || link.kind === kind);
    },
  };
}

/** The mismatches between what the ops promised and the live state read afterwards. */
export function unmetExpectations(ops: readonly Op[], live: LiveState): string[] {
  return expectationsOf(ops)
    .filter((e) => !e.holds(live))
    .map((e) => `${e.present ? "expected" : "expected gone"}: ${e.describe}`);
}

/** Namespaces an op list runs in or creates (where verification must read). */
export function namespacesOf(ops: readonly Op[]): string[] {
  const set = new Set<string>();
  for (const op of ops) {
    if (op.ns !== HOST) set.add(op.ns);
    if (op.tool !== "ip") continue;
    const w = op.text.trim().split(/\s+/);
    if (w[0] === "netns" && w[2]) set.add(w[2]);
    for (let i = 0; i < w.length - 1; i++) if (w[i] === "netns" && i > 0) set.add(w[i + 1]!);
  }
  return [...set].sort();
}
