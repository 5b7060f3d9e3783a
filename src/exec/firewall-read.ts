import type { LiveFirewall, LiveFirewallRule } from "../model/firewall.js";
import { HOST } from "../model/topology.js";
import type { Runner } from "./runner.js";
import { mapBounded } from "./bounded.js";
import { enterArgv, placeConcurrency } from "./enter.js";

/**
 * Reads nsnet's nft tables (named `nsnet_…`) in the host and the given namespaces, as
 * structured rules (model/firewall.ts) parsed from `nft -j` — the shapes src/plan/nft.ts
 * writes. Other tables are none of ours and are not read further.
 */
export async function readFirewall(runner: Runner, namespaces: readonly string[]): Promise<LiveFirewall[]> {
  const per = await mapBounded([HOST, ...namespaces], placeConcurrency(), async (ns) => {
    const r = await runner.run(enterArgv(ns, ["nft", "-j", "list", "ruleset"]));
    return r.exitCode === 0 ? parseNftJson(ns, r.stdout) : [];
  });
  return per.flat();
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined);

/** nsnet's tables of one namespace from `nft -j list ruleset` output (bad JSON: none). */
export function parseNftJson(ns: string, text: string): LiveFirewall[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const items = obj(doc)?.nftables;
  if (!Array.isArray(items)) return [];
  const tables = new Map<string, LiveFirewall>();
  const tableOf = (family: unknown, name: unknown): LiveFirewall | undefined => {
    if ((family !== "inet" && family !== "bridge") || typeof name !== "string" || !name.startsWith("nsnet_")) return undefined;
    const key = `${family} ${name}`;
    let t = tables.get(key);
    if (!t) tables.set(key, (t = { ns, table: name, family, rules: [] }));
    return t;
  };
  for (const item of items) {
    const table = obj(obj(item)?.table);
    if (table) tableOf(table.family, table.name);
    const rule = obj(obj(item)?.rule);
    if (!rule) continue;
    const t = tableOf(rule.family, rule.table);
    if (!t) continue;
    const chain = typeof rule.chain === "string" ? rule.chain : "";
    const r = parseRule(Array.isArray(rule.expr) ? rule.expr : []);
    // the output chain repeats prerouting's DNAT (so the host itself can use a mapped port)
    if (r?.kind === "dnat" && chain === "output") continue;
    t.rules.push(r ?? { kind: "other", chain });
  }
  return [...tables.values()];
}

/** `{"match": {"left": {"meta": {"key": K}}, "right": R}}` → [K, R] */
function metaMatch(e: Json | undefined): [string, unknown] | undefined {
  const m = obj(e?.match);
  const key = obj(obj(m?.left)?.meta)?.key;
  return m && m.op === "==" && typeof key === "string" ? [key, m.right] : undefined;
}

function names(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  const set = obj(v)?.set;
  return Array.isArray(set) && set.every((x) => typeof x === "string") ? (set as string[]) : undefined;
}

function parseRule(expr: unknown[]): LiveFirewallRule | undefined {
  // nsnet's NAT and partition rules carry a `counter` (an expression of its own, anywhere
  // before the verdict): its numbers are kept, the rule recognised without it
  const at = expr.findIndex((x) => obj(x)?.counter !== undefined);
  if (at >= 0) {
    const c = obj(obj(expr[at])?.counter);
    const rule = parseRule(expr.filter((_, i) => i !== at));
    if (rule === undefined || rule.kind === "other" || rule.kind === "dnat") return rule;
    return { ...rule, counter: { packets: Number(c?.packets ?? 0), bytes: Number(c?.bytes ?? 0) } };
  }
  const e = expr.map(obj);
  if (e.length === 3 && "masquerade" in (e[2] ?? {})) {
    const [a, b] = [metaMatch(e[0]), metaMatch(e[1])];
    if (a?.[0] === "iifname" && b?.[0] === "oifname" && typeof a[1] === "string" && typeof b[1] === "string")
      return { kind: "masquerade", iif: a[1], oif: b[1] };
  }
  if (e.length === 3 && "masquerade" in (e[2] ?? {})) {
    const m = obj(e[0]?.match);
    const payload = obj(obj(m?.left)?.payload);
    const prefix = obj(obj(m?.right)?.prefix);
    const b = metaMatch(e[1]);
    if (
      (payload?.protocol === "ip" || payload?.protocol === "ip6") &&
      payload.field === "saddr" &&
      typeof prefix?.addr === "string" &&
      typeof prefix.len === "number" &&
      b?.[0] === "oifname" &&
      typeof b[1] === "string"
    ) {
      return { kind: "masquerade-subnet", saddr: `${prefix.addr}/${prefix.len}`, oif: b[1] };
    }
  }
  if (e.length === 3 && "drop" in (e[2] ?? {})) {
    const [a, b] = [metaMatch(e[0]), metaMatch(e[1])];
    const [iif, oif] = [names(a?.[1]), names(b?.[1])];
    if (a?.[0] === "iifname" && b?.[0] === "oifname" && iif && oif) return { kind: "drop", iif, oif };
  }
  if (e.length === 3) {
    const fib = obj(e[0]?.match);
    const port = obj(e[1]?.match);
    const dnat = obj(e[2]?.dnat);
    const payload = obj(obj(port?.left)?.payload);
    const isLocal = obj(obj(fib?.left)?.fib)?.result === "type" && fib?.right === "local";
    const proto = payload?.protocol;
    if (
      isLocal &&
      (proto === "tcp" || proto === "udp") &&
      payload?.field === "dport" &&
      typeof port?.right === "number" &&
      dnat &&
      typeof dnat.addr === "string" &&
      typeof dnat.port === "number"
    ) {
      return { kind: "dnat", proto, dport: port.right, addr: dnat.addr, port: dnat.port };
    }
  }
  return undefined;
}
