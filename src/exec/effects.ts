import type { LiveState } from "../model/live.js";
import type { Op } from "../plan/op.js";
import type { Effect } from "../plan/effect.js";
import { HOST } from "../model/topology.js";
import { canonicalIp } from "../ipam/ip.js";
import { defaultBroadcast } from "../ipam/cidr.js";

/**
 * What a list of ops promises the kernel will show afterwards, read from the ops' effects.
 * Effects not visible in LiveState (nft rulesets, services) promise nothing checkable here.
 * Later ops override earlier ones (a delete followed by an add expects the add).
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

export function expectationsOf(ops: readonly Op[]): Expectation[] {
  const byId = new Map<string, Expectation>();
  for (const op of ops)
    for (const e of expectations(op.effect, op.text)) {
      byId.delete(e.id);
      byId.set(e.id, e);
    }
  return [...byId.values()];
}

function expectations(e: Effect, text = ""): Expectation[] {
  switch (e.k) {
    case "netns":
    case "netns-del": {
      const present = e.k === "netns";
      return [{ id: `netns ${e.name}`, present, describe: `namespace ${e.name}`, holds: (l) => l.namespaces.includes(e.name) === present }];
    }
    case "link":
      return [linkExists(e.ns, e.name, true, e.kind), ...(e.kind === "veth" ? [linkExists(e.peer.ns, e.peer.name, true)] : [])];
    case "link-del":
      return [linkExists(e.ns, e.name, false)];
    case "move":
      return []; // checked where it lands by the ops that follow
    case "updown":
      return [
        {
          id: `link-up ${e.ns} ${e.dev}`,
          present: true,
          describe: `${e.dev} ${e.up ? "up" : "down"} in ${e.ns}`,
          holds: (l) => findLink(l, e.ns, e.dev)?.up === e.up,
        },
      ];
    case "mtu":
      return [
        { id: `mtu ${e.ns} ${e.dev}`, present: true, describe: `${e.dev} mtu ${e.mtu} in ${e.ns}`, holds: (l) => findLink(l, e.ns, e.dev)?.mtu === e.mtu },
      ];
    case "hwaddr":
      return [
        {
          id: `hwaddr ${e.ns} ${e.dev}`,
          present: true,
          describe: `${e.dev} address ${e.mac} in ${e.ns}`,
          holds: (l) => findLink(l, e.ns, e.dev)?.mac?.toLowerCase() === e.mac,
        },
      ];
    case "master":
      return [
        {
          id: `master ${e.ns} ${e.dev}`,
          present: true,
          describe: e.master === null ? `${e.dev} without master in ${e.ns}` : `${e.dev} enslaved to ${e.master} in ${e.ns}`,
          holds: (l) => (findLink(l, e.ns, e.dev)?.master ?? null) === e.master,
        },
      ];
    case "hairpin":
      return [
        {
          id: `hairpin ${e.ns} ${e.dev}`,
          present: true,
          describe: `${e.dev} hairpin ${e.on ? "on" : "off"} in ${e.ns}`,
          // a reader that does not report hairpin cannot contradict it
          holds: (l) => {
            const link = findLink(l, e.ns, e.dev);
            return link !== undefined && (link.hairpin === undefined || link.hairpin === e.on);
          },
        },
      ];
    case "alias":
      return [
        {
          id: `alias ${e.ns} ${e.dev}`,
          present: true,
          describe: `${e.dev} alias ${e.alias} in ${e.ns}`,
          holds: (l) => findLink(l, e.ns, e.dev)?.alias === e.alias,
        },
      ];
    case "addr": {
      const cidr = canonicalCidr(e.cidr);
      // an address added with `brd +` carries its broadcast address (IPv4 below /31); a text
      // of an earlier version without it promises none
      const brd = e.add && / brd \+ /.test(text) ? defaultBroadcast(cidr) : undefined;
      return [
        {
          id: `addr ${e.ns} ${e.dev} ${cidr}`,
          present: e.add,
          describe: `address ${cidr}${brd === undefined ? "" : ` brd ${brd}`} on ${e.dev} in ${e.ns}`,
          holds: (l) =>
            l.addrs.some((a) => a.ns === e.ns && a.dev === e.dev && canonicalCidr(a.cidr) === cidr && (brd === undefined || a.brd === brd)) === e.add,
        },
      ];
    }
    case "route": {
      const dst = canonicalCidr(e.dst);
      const via = e.via === undefined ? undefined : canonicalAddr(e.via);
      const family: 4 | 6 = (dst === "default" ? (via ?? "").includes(":") : dst.includes(":")) ? 6 : 4;
      return [
        {
          id: `route ${e.ns} -${family} ${dst}`,
          present: e.add,
          describe: `route ${e.dst}${e.via ? ` via ${e.via}` : ""} in ${e.ns}`,
          holds: (l) => l.routes.some((r) => r.ns === e.ns && r.family === family && r.dst === dst && (!e.add || via === undefined || r.via === via)) === e.add,
        },
      ];
    }
    case "proxy": {
      const addr = canonicalAddr(e.addr);
      return [
        {
          id: `proxy ${e.ns} ${addr} ${e.dev}`,
          present: e.add,
          describe: `proxy neighbour ${addr} on ${e.dev} in ${e.ns}`,
          holds: (l) => l.proxies.some((p) => p.ns === e.ns && canonicalAddr(p.addr) === addr && p.dev === e.dev) === e.add,
        },
      ];
    }
    case "sysctl":
      return [
        {
          id: `sysctl ${e.ns} ${e.key}`,
          present: true,
          describe: `sysctl ${e.key}=${e.value} in ${e.ns}`,
          holds: (l) => l.sysctls[e.ns]?.[e.key] === undefined || l.sysctls[e.ns]![e.key]!.replace(/\s+/g, " ") === e.value.trim().replace(/\s+/g, " "),
        },
      ];
    default:
      return [];
  }
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
  const add = (ns: string) => ns !== HOST && set.add(ns);
  for (const op of ops) {
    add(op.ns);
    const e = op.effect;
    if (e.k === "netns" || e.k === "netns-del") add(e.name);
    else if (e.k === "link") {
      add(e.ns);
      if (e.kind === "veth") add(e.peer.ns);
    } else if (e.k === "move") add(e.ns);
  }
  return [...set].sort();
}
