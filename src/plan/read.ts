import { HOST } from "../model/topology.js";
import { isValidIfName, isValidNsName, validateSysctlValue } from "../model/names.js";
import { parseCidr } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import type { OpStep } from "./op.js";
import { saddrFamily, type Dnat, type Drop, type Effect, type LinkEffect, type Masquerade, type NftFamily } from "./effect.js";
import { chainHeader, legacyAddrAddText, render, type ChainName } from "./render.js";

/**
 * Text back to effects, for ops an older nsnet stored as text only (and for the property
 * test that render and this agree). Strict: a step is understood only if rendering the
 * effect read from it gives the very same step, and every name in it is one nsnet could
 * have written; anything else is null. Nothing here decides what to do: planning and
 * execution read the effects ops carry.
 */

const place = (ns: string): boolean => ns === HOST || isValidNsName(ns);
const ifname = (n: string | undefined): n is string => n !== undefined && isValidIfName(n);
const ipAddr = (a: string | undefined): boolean => a !== undefined && parseIp(a) !== null;
const ipv4 = (a: string): boolean => parseIp(a)?.family === 4;
const port = (n: number): boolean => Number.isInteger(n) && n >= 1 && n <= 65535;
/** dotted segments; '/' inside a segment stands for a '.' of a device name (sysctl(8)) */
const sysctlKey = (k: string): boolean => {
  const segs = k.split(".");
  return segs.length >= 2 && segs.every((s) => /^[A-Za-z0-9_-]+(?:\/[A-Za-z0-9_-]+)*$/.test(s));
};
/** nft interface patterns: a name, or a prefix ending in `*` */
const ifPattern = (p: string): boolean => p !== "" && /^[A-Za-z0-9_.@-]*\*?$/.test(p);
const argv = (a: unknown): a is string[] => Array.isArray(a) && a.length > 0 && a.every((x) => typeof x === "string" && !x.includes("\0"));

/** Whether every name, address and value in an effect is one nsnet could have written. */
export function wellFormed(e: Effect): boolean {
  switch (e.k) {
    case "netns":
    case "netns-del":
      return isValidNsName(e.name);
    case "link":
      if (!place(e.at) || !place(e.ns) || !ifname(e.name)) return false;
      switch (e.kind) {
        case "bridge":
          return true;
        case "veth":
          return place(e.peer.ns) && ifname(e.peer.name);
        case "macvlan":
          return ifname(e.parent) && ["bridge", "private", "vepa", "passthru"].includes(e.mode);
        case "ipvlan":
          return ifname(e.parent) && ["l2", "l3", "l3s"].includes(e.mode);
        case "vlan":
          return ifname(e.parent) && Number.isInteger(e.vlanId) && e.vlanId >= 0 && e.vlanId <= 4095;
        default:
          return false;
      }
    case "link-del":
      return place(e.ns) && ifname(e.name);
    case "move":
      return place(e.fromNs) && place(e.ns) && ifname(e.from) && ifname(e.name);
    case "alias":
      return place(e.ns) && ifname(e.dev) && /^nsnet:[A-Za-z0-9_-]{1,32}$/.test(e.alias);
    case "updown":
      return place(e.ns) && ifname(e.dev);
    case "mtu":
      return place(e.ns) && ifname(e.dev) && Number.isInteger(e.mtu) && e.mtu >= 68 && e.mtu <= 65535;
    case "hwaddr":
      return place(e.ns) && ifname(e.dev) && unicastMac(e.mac);
    case "master":
      return place(e.ns) && ifname(e.dev) && (e.master === null || ifname(e.master));
    case "hairpin":
      return place(e.ns) && ifname(e.dev) && typeof e.on === "boolean";
    case "addr":
      return place(e.ns) && ifname(e.dev) && parseCidr(e.cidr) !== null;
    case "route":
      return (
        place(e.ns) &&
        (e.dst === "default" || parseCidr(e.dst) !== null || ipAddr(e.dst)) &&
        (e.via === undefined || ipAddr(e.via)) &&
        (e.dev === undefined || ifname(e.dev)) &&
        (e.via !== undefined || e.dev !== undefined)
      );
    case "proxy":
      return place(e.ns) && ipAddr(e.addr) && ifname(e.dev);
    case "sysctl":
      return place(e.ns) && sysctlKey(e.key) && validateSysctlValue(e.value) === null;
    case "nft":
      return (
        place(e.ns) &&
        /^nsnet_[A-Za-z0-9_]{1,32}$/.test(e.table) &&
        e.masquerade.length + e.dnat.length + e.drop.length > 0 &&
        e.masquerade.every((m) => ("saddr" in m ? parseCidr(m.saddr) !== null : ifPattern(m.iif)) && ifname(m.oif)) &&
        e.dnat.every((d) => (d.proto === "tcp" || d.proto === "udp") && port(d.port) && port(d.toPort) && ipv4(d.to)) &&
        e.drop.every((d) => d.iif.length > 0 && d.oif.length > 0 && d.iif.every(ifname) && d.oif.every(ifname))
      );
    case "nft-del":
      return (
        place(e.ns) &&
        /^nsnet_[A-Za-z0-9_]{1,32}$/.test(e.table) &&
        e.families.length > 0 &&
        e.families.every((f) => f === "inet" || f === "bridge") &&
        new Set(e.families).size === e.families.length
      );
    case "service":
    case "service-stop":
      return place(e.ns) && argv(e.argv);
    default:
      return false;
  }
}

function after(words: string[], word: string): string | undefined {
  const i = words.indexOf(word);
  return i >= 0 ? words[i + 1] : undefined;
}

function linkAdd(w: string[], at: string): LinkEffect | null {
  const typeAt = w.indexOf("type");
  if (typeAt < 0) return null;
  const head = w.slice(0, typeAt);
  const tail = w.slice(typeAt + 1);
  const kind = tail[0];
  const parented = head[2] === "link";
  const name = parented ? after(head, "name") : head[2];
  const ns = after(head, "netns") ?? at;
  if (name === undefined) return null;
  const base = { k: "link" as const, at, ns, name };
  switch (kind) {
    case "bridge":
      return { ...base, kind };
    case "veth":
      return { ...base, kind, peer: { ns: after(tail, "netns") ?? at, name: after(tail, "name") ?? "" } };
    case "macvlan":
    case "ipvlan":
      return parented ? { ...base, kind, parent: head[3]!, mode: after(tail, "mode") ?? "" } : null;
    case "vlan":
      return parented ? { ...base, kind, parent: head[3]!, vlanId: Number(after(tail, "id")) } : null;
    default:
      return null;
  }
}

function ipEffect(ns: string, text: string): Effect | null {
  const w = text.split(" ");
  const [obj, verb] = w;
  if (obj === "netns" && (verb === "add" || verb === "del")) return { k: verb === "add" ? "netns" : "netns-del", name: w[2] ?? "" };
  if (obj === "link" && verb === "add") return linkAdd(w, ns);
  if (obj === "link" && verb === "del") return { k: "link-del", ns, name: w[2] ?? "" };
  if (obj === "link" && verb === "set" && w[2] === "dev" && w.slice(4, 7).join(" ") === "type bridge_slave hairpin")
    return { k: "hairpin", ns, dev: w[3] ?? "", on: w[7] === "on" };
  if (obj === "link" && verb === "set") {
    const dev = w[2] ?? "";
    switch (w[3]) {
      case "netns": {
        const to = w[4] ?? "";
        return { k: "move", fromNs: ns, from: dev, ns: to === "1" ? HOST : to, name: after(w, "name") ?? "" };
      }
      case "alias":
        return { k: "alias", ns, dev, alias: w.slice(4).join(" ") };
      case "master":
        return { k: "master", ns, dev, master: w[4] ?? "" };
      case "nomaster":
        return { k: "master", ns, dev, master: null };
      case "up":
      case "down":
        return { k: "updown", ns, dev, up: w[3] === "up" };
      case "mtu":
        return { k: "mtu", ns, dev, mtu: Number(w[4]) };
      case "address":
        return { k: "hwaddr", ns, dev, mac: w[4] ?? "" };
      default:
        return null;
    }
  }
  if (obj === "addr" && (verb === "add" || verb === "del")) return { k: "addr", ns, dev: after(w, "dev") ?? "", cidr: w[2] ?? "", add: verb === "add" };
  if (obj === "route" && (verb === "add" || verb === "del")) {
    const e: Extract<Effect, { k: "route" }> = { k: "route", ns, dst: w[2] ?? "", add: verb === "add" };
    const via = after(w, "via");
    const dev = after(w, "dev");
    if (via !== undefined) e.via = via;
    if (dev !== undefined) e.dev = dev;
    if (w[w.length - 1] === "onlink") e.onlink = true;
    return e;
  }
  if (obj === "neigh" && (verb === "add" || verb === "del") && w[2] === "proxy")
    return { k: "proxy", ns, addr: w[3] ?? "", dev: after(w, "dev") ?? "", add: verb === "add" };
  return null;
}

const unquote = (s: string): string | null => (/^"[^"]*"$/.test(s) ? s.slice(1, -1) : null);
function nameSet(s: string): string[] | null {
  const one = unquote(s);
  if (one !== null) return [one];
  const m = /^\{ (.*) \}$/.exec(s);
  if (!m) return null;
  const names = m[1]!.split(", ").map(unquote);
  return names.every((n): n is string => n !== null) ? names : null;
}

/** Rules by chain, read from one ruleset; render() then proves the whole text canonical. */
function nftEffect(ns: string, text: string): Effect | null {
  const lines = text.split("\n");
  const dels = lines.filter((l) => l !== "").map((l) => /^delete table (inet|bridge) (\S+)$/.exec(l));
  if (dels.length > 0 && dels.every((m) => m !== null)) {
    return { k: "nft-del", ns, table: dels[0]![2]!, families: dels.map((m) => m![1] as NftFamily) };
  }
  const table = /^table inet (\S+) \{$/.exec(lines[0] ?? "")?.[1];
  if (table === undefined) return null;
  const masquerade: Masquerade[] = [];
  const dnat: Dnat[] = [];
  const drop: Drop[] = [];
  let family = "";
  let chain: ChainName | null = null;
  for (const l of lines) {
    const t = /^table (inet|bridge) /.exec(l);
    if (t) family = t[1]!;
    const c = /^\tchain (\w+) \{$/.exec(l);
    if (c) chain = c[1] as ChainName;
    if (!l.startsWith("\t\t") || chain === null || family !== "inet" || l === `\t\t${safeHeader(chain)}`) continue;
    const rule = l.slice(2);
    let m: RegExpExecArray | null;
    if (chain === "postrouting" && (m = /^iifname "([^"]*)" oifname "([^"]*)" (?:counter )?masquerade$/.exec(rule)))
      masquerade.push({ iif: m[1]!, oif: m[2]! });
    else if (chain === "postrouting" && (m = /^(ip6?) saddr (\S+) oifname "([^"]*)" (?:counter )?masquerade$/.exec(rule)) && saddrFamily(m[2]!) === m[1])
      masquerade.push({ saddr: m[2]!, oif: m[3]! });
    else if (chain === "prerouting" && (m = /^fib daddr type local (tcp|udp) dport (\d+) dnat ip to ([0-9.]+):(\d+)$/.exec(rule)))
      dnat.push({ proto: m[1] as "tcp" | "udp", port: Number(m[2]), to: m[3]!, toPort: Number(m[4]) });
    else if (chain === "forward" && (m = /^iifname (.+) oifname (.+?) (?:counter )?drop$/.exec(rule))) {
      const iif = nameSet(m[1]!);
      const oif = nameSet(m[2]!);
      if (!iif || !oif) return null;
      drop.push({ iif, oif });
    }
  }
  return { k: "nft", ns, table, masquerade, dnat, drop };
}

function safeHeader(c: string): string {
  try {
    return chainHeader(c as ChainName);
  } catch {
    return "";
  }
}

function serviceEffect(ns: string, text: string): Effect | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (Array.isArray(v)) return { k: "service", ns, argv: v as string[] };
  if (typeof v === "object" && v !== null && Object.keys(v).length === 1 && "stop" in v) return { k: "service-stop", ns, argv: (v as { stop: string[] }).stop };
  return null;
}

function sysctlEffect(ns: string, text: string): Effect | null {
  const eq = text.indexOf("=");
  return eq < 0 ? null : { k: "sysctl", ns, key: text.slice(0, eq), value: text.slice(eq + 1) };
}

function parse(step: OpStep): Effect | null {
  switch (step.tool) {
    case "ip":
      return ipEffect(step.ns, step.text);
    case "sysctl":
      return sysctlEffect(step.ns, step.text);
    case "nft":
      return nftEffect(step.ns, step.text);
    case "service":
      return serviceEffect(step.ns, step.text);
    default:
      return null;
  }
}

/** The effect of a step nsnet rendered, or null for any other text. */
export function effectOf(step: OpStep): Effect | null {
  if (typeof step.text !== "string" || typeof step.ns !== "string" || !place(step.ns)) return null;
  const e = parse(step);
  if (!e || !wellFormed(e)) return null;
  const back = render(e);
  if (back.tool !== step.tool || back.ns !== step.ns) return null;
  const legacy = e.k === "addr" && e.add && step.text === legacyAddrAddText(e.cidr, e.dev);
  return back.text === step.text || legacy ? e : null;
}

/** Six lower-case hex bytes, the first even: what `hwaddr` writes. */
function unicastMac(mac: string): boolean {
  return /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac) && parseInt(mac.slice(0, 2), 16) % 2 === 0;
}
