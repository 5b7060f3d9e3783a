import { HOST } from "../model/topology.js";
import { isValidIfName, isValidNsName, validateSysctlValue } from "../model/names.js";
import { parseCidr } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import type { Op, OpStep } from "./op.js";
import { effectOf, ipText, sysctlText, type Effect } from "./text.js";
import { tableName } from "./nft.js";

/**
 * The inverse of an op, as nsnet plans it — computed from the op's effect, never taken from
 * a file. An op read back from a state file or a journal is only worth undoing if it is an
 * op nsnet could have planned; its undo is then the one nsnet would have planned with it.
 * A stored inverse is at most a hint for removals (whose inverse re-creates what the plan
 * removed), accepted only when it is itself a plannable op whose inverse is that removal.
 */

export class NotNsnetOpError extends Error {}

export interface InverseContext {
  project: string;
  /** sysctl values found before nsnet changed them: ns → key → value */
  originals: Record<string, Record<string, string>>;
}

const sameStep = (a: OpStep, b: OpStep): boolean => a.tool === b.tool && a.ns === b.ns && a.text === b.text;

const place = (ns: string): boolean => ns === HOST || isValidNsName(ns);
const ifname = (n: string | undefined): boolean => n !== undefined && isValidIfName(n);
const addr = (a: string | undefined): boolean => a !== undefined && parseIp(a) !== null;
const dst = (d: string): boolean => d === "default" || parseCidr(d) !== null || parseIp(d) !== null;

/** Whether an effect read from text names only things nsnet could have named. */
function wellFormed(e: Effect): boolean {
  switch (e.k) {
    case "netns":
    case "netns-del":
      return isValidNsName(e.name);
    case "link":
      return (
        place(e.ns) &&
        ifname(e.name) &&
        ["bridge", "veth", "macvlan", "ipvlan", "vlan"].includes(e.kind) &&
        (e.peer === undefined || (place(e.peer.ns) && ifname(e.peer.name))) &&
        (e.parent === undefined || ifname(e.parent.name))
      );
    case "link-del":
      return place(e.ns) && ifname(e.name);
    case "move":
      return place(e.fromNs) && place(e.ns) && ifname(e.from) && ifname(e.name);
    case "alias":
    case "updown":
      return place(e.ns) && ifname(e.dev);
    case "master":
      return place(e.ns) && ifname(e.dev) && (e.master === null || ifname(e.master));
    case "addr":
      return place(e.ns) && ifname(e.dev) && parseCidr(e.cidr) !== null;
    case "route":
      return place(e.ns) && dst(e.dst) && (e.via === undefined || addr(e.via)) && (e.dev === undefined || ifname(e.dev));
    case "proxy":
      return place(e.ns) && addr(e.addr) && ifname(e.dev);
    default:
      return true;
  }
}

const ip = (ns: string, text: string): OpStep => ({ tool: "ip", ns, text });

/** The text nsnet writes for an effect run in `at`: an ip op is nsnet's only if its text is
 *  exactly this (no extra words for ip to read). */
function canonicalIp(e: Effect, at: string): string | null {
  switch (e.k) {
    case "netns":
      return ipText.netnsAdd(e.name);
    case "netns-del":
      return ipText.netnsDel(e.name);
    case "link":
      if (e.kind === "bridge") return ipText.bridgeAdd(e.name, e.ns, at);
      if (e.kind === "veth" && e.peer) return ipText.vethAdd(e.name, e.ns, e.peer.name, e.peer.ns, at);
      if ((e.kind === "macvlan" || e.kind === "ipvlan") && e.parent && e.mode)
        return (e.kind === "macvlan" ? ipText.macvlanAdd : ipText.ipvlanAdd)(e.name, e.ns, e.parent.name, e.mode, at);
      if (e.kind === "vlan" && e.parent && e.vlanId !== undefined) return ipText.vlanAdd(e.name, e.ns, e.parent.name, e.vlanId, at);
      return null;
    case "link-del":
      return ipText.linkDel(e.name);
    case "move":
      return ipText.move(e.from, e.ns, e.name);
    case "alias":
      return ipText.alias(e.dev, e.alias);
    case "master":
      return e.master === null ? ipText.nomaster(e.dev) : ipText.master(e.dev, e.master);
    case "updown":
      return e.up ? ipText.up(e.dev) : ipText.down(e.dev);
    case "addr":
      return e.add ? ipText.addrAdd(e.cidr, e.dev) : ipText.addrDel(e.cidr, e.dev);
    case "route":
      return null; // onlink is not part of the effect: checked by the caller
    case "proxy":
      return e.add ? ipText.proxyAdd(e.addr, e.dev) : ipText.proxyDel(e.addr, e.dev);
    default:
      return null;
  }
}

function isCanonical(e: Effect, step: OpStep): boolean {
  if (e.k === "route") {
    const t = ipText.route(e.add ? "add" : "del", e.dst, e.via, e.dev);
    return step.text === t || (e.add && step.text === ipText.route("add", e.dst, e.via, e.dev, true));
  }
  return canonicalIp(e, step.ns) === step.text;
}

/** Removals (and the one op nsnet plans only as an undo, `nomaster`) have no inverse of their
 *  own: what they remove was described by the op they undo. */
function isRemoval(e: Effect): boolean {
  return (
    e.k === "netns-del" ||
    e.k === "link-del" ||
    (e.k === "master" && e.master === null) ||
    ((e.k === "addr" || e.k === "route" || e.k === "proxy") && !e.add)
  );
}

function ipInverse(step: OpStep, project: string): OpStep | null | "removal" {
  const e = effectOf(step);
  if (e.k === "other" || e.k === "sysctl" || e.k === "nft" || e.k === "service") throw new NotNsnetOpError("not an ip command nsnet emits");
  if (!wellFormed(e) || !isCanonical(e, step)) throw new NotNsnetOpError("not an ip command nsnet emits");
  if (isRemoval(e)) return "removal";
  switch (e.k) {
    case "netns":
      return ip(HOST, ipText.netnsDel(e.name));
    case "link":
      return ip(e.ns, ipText.linkDel(e.name));
    case "move":
      return ip(e.ns, ipText.move(e.name, e.fromNs, e.from));
    case "alias":
      if (e.alias !== `nsnet:${project}`) throw new NotNsnetOpError(`nsnet marks links only with its own alias nsnet:${project}`);
      return null;
    case "master":
      return ip(e.ns, ipText.nomaster(e.dev));
    case "updown":
      return ip(e.ns, e.up ? ipText.down(e.dev) : ipText.up(e.dev));
    case "addr":
      return ip(e.ns, ipText.addrDel(e.cidr, e.dev));
    case "route":
      return ip(e.ns, ipText.route("del", e.dst, e.via, e.dev));
    case "proxy":
      return ip(e.ns, ipText.proxyDel(e.addr, e.dev));
    default:
      throw new NotNsnetOpError("not an op nsnet plans");
  }
}

/** `table F NAME {` headers of a ruleset, or the `delete table F NAME` lines of a removal. */
function nftInverse(step: OpStep, project: string): OpStep | "removal" {
  const ours = tableName(project);
  const lines = step.text.split("\n").filter((l) => l !== "");
  const dels = lines.map((l) => /^delete table (inet|bridge) (\S+)$/.exec(l));
  if (dels.every((m) => m !== null)) {
    if (dels.some((m) => m![2] !== ours)) throw new NotNsnetOpError(`nsnet deletes only its own table ${ours}`);
    return "removal";
  }
  const families: string[] = [];
  for (const l of lines) {
    const m = /^(?:delete )?table (\S+) (\S+)(?: \{)?$/.exec(l);
    if (!m) continue;
    if (m[2] !== ours) throw new NotNsnetOpError(`nsnet writes only its own table ${ours}`);
    if (m[1] !== "inet" && m[1] !== "bridge") throw new NotNsnetOpError(`nsnet writes no ${m[1]} tables`);
    if (!families.includes(m[1])) families.push(m[1]);
  }
  if (/\bruleset\b/.test(step.text) || families.length === 0) throw new NotNsnetOpError("not a ruleset nsnet writes");
  return { tool: "nft", ns: step.ns, text: families.map((f) => `delete table ${f} ${ours}\n`).join("") };
}

function serviceArgv(text: string): string[] | "stop" {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new NotNsnetOpError("a service op is a JSON argv");
  }
  const argv = (a: unknown): a is string[] => Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === "string" && !x.includes("\0"));
  if (argv(v)) return v;
  if (typeof v === "object" && v !== null && argv((v as { stop?: unknown }).stop)) return "stop";
  throw new NotNsnetOpError("a service op is a JSON argv");
}

/**
 * The inverse nsnet plans for `step`, or null when it has none of its own (it vanishes with
 * another op's inverse, or a sysctl whose original value is unknown). `stored` is the inverse
 * a file recorded: used only for a removal, and only when it is an op nsnet could plan whose
 * own inverse is `step`. Throws NotNsnetOpError for a step nsnet never plans.
 */
export function inverseOf(step: OpStep, ctx: InverseContext, stored: OpStep | null = null): OpStep | null {
  if (!place(step.ns)) throw new NotNsnetOpError(`invalid namespace ${JSON.stringify(step.ns)}`);
  let inv: OpStep | null | "removal";
  switch (step.tool) {
    case "ip":
      inv = ipInverse(step, ctx.project);
      break;
    case "nft":
      inv = nftInverse(step, ctx.project);
      break;
    case "service": {
      const argv = serviceArgv(step.text);
      inv = argv === "stop" ? "removal" : { tool: "service", ns: step.ns, text: JSON.stringify({ stop: argv }) };
      break;
    }
    case "sysctl": {
      const e = effectOf(step);
      if (e.k !== "sysctl" || !/^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(e.key) || e.key.includes("..") || validateSysctlValue(e.value) !== null)
        throw new NotNsnetOpError("not a KEY=VALUE nsnet writes");
      const orig = ctx.originals[step.ns]?.[e.key];
      if (orig !== undefined && validateSysctlValue(orig) === null) return { tool: "sysctl", ns: step.ns, text: sysctlText(e.key, orig) };
      // a value nsnet restores for the same key (the undo of a restore) is that key's business
      const s = stored && stored.tool === "sysctl" && stored.ns === step.ns ? effectOf(stored) : null;
      return s?.k === "sysctl" && s.key === e.key && validateSysctlValue(s.value) === null ? { tool: "sysctl", ns: step.ns, text: sysctlText(s.key, s.value) } : null;
    }
    default:
      throw new NotNsnetOpError(`unknown tool ${JSON.stringify((step as OpStep).tool)}`);
  }
  if (inv !== "removal") return inv;
  if (!stored) return null;
  let back: OpStep | null;
  try {
    back = inverseOf(stored, ctx);
  } catch {
    return null;
  }
  return back && sameStep(back, step) ? stored : null;
}

const TOOLS = new Set(["ip", "sysctl", "nft", "service"]);

function asStep(v: unknown): OpStep | null {
  if (typeof v !== "object" || v === null) return null;
  const s = v as Record<string, unknown>;
  if (typeof s.tool !== "string" || !TOOLS.has(s.tool) || typeof s.ns !== "string" || typeof s.text !== "string") return null;
  return { tool: s.tool as OpStep["tool"], ns: s.ns, text: s.text };
}

/**
 * An op as read from a state file or journal, with its inverse recomputed. An op recorded
 * without an inverse keeps none (it vanishes with another op's inverse: not undoing it can
 * only leave something behind, never remove what is not ours).
 */
export function reviveOp(raw: Op, ctx: InverseContext): Op {
  const step = asStep(raw);
  if (!step) throw new NotNsnetOpError("malformed op");
  const inverse = raw.inverse === null ? null : inverseOf(step, ctx, asStep(raw.inverse));
  return { ...raw, inverse };
}
