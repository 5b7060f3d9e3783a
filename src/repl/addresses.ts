import type { AddressedTopology } from "../model/topology.js";
import type { LiveState } from "../model/live.js";
import { primaryAddress } from "../model/addresses.js";
import { containsAddress, parseCidr } from "../ipam/cidr.js";

/**
 * Each namespace's primary address (the one rule: src/model/addresses.ts) from the
 * compiled topology, else the first address live state shows (lo never counts).
 * This is what `h1: ping h2` turns `h2` into (Mininet's convention).
 */
export function primaryAddresses(topo: AddressedTopology | undefined, live?: LiveState): Map<string, string> {
  const out = new Map<string, string>();
  if (topo) {
    const nsNames = new Set([...topo.namespaces.map((n) => n.name), ...topo.resolved.map((r) => r.ns)]);
    for (const ns of nsNames) {
      const addr = primaryAddress(topo, ns);
      if (addr) out.set(ns, addr);
    }
  }
  if (live) {
    for (const a of live.addrs) {
      if (out.has(a.ns) || a.dev === "lo") continue;
      out.set(a.ns, stripPrefix(a.cidr));
    }
  }
  return out;
}

export function stripPrefix(cidr: string): string {
  const slash = cidr.indexOf("/");
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** Every argument that is exactly a namespace name becomes that namespace's address. */
export function substituteNames(argv: readonly string[], primary: ReadonlyMap<string, string>): string[] {
  return argv.map((a) => primary.get(a) ?? a);
}

/**
 * The address `from` should ping `to` at: one of `to`'s addresses on a subnet `from` has
 * an address on (the shared segment — a router is pinged at its address on the
 * pinger's own segment, the one that is its gateway), else `to`'s primary address.
 * IPv4 before IPv6, as for the primary address.
 */
export function addressFor(topo: AddressedTopology | undefined, from: string, to: string, primary: ReadonlyMap<string, string>): string | undefined {
  const parsed = (ns: string) =>
    (topo?.resolved ?? [])
      .filter((r) => r.ns === ns && r.dev !== "lo")
      .flatMap((r) => {
        const c = parseCidr(r.cidr);
        return c ? [{ text: stripPrefix(r.cidr), c }] : [];
      });
  const mine = parsed(from);
  const shared = parsed(to).filter(({ c: t }) => mine.some(({ c: m }) => containsAddress(m, t.family, t.addr)));
  return (shared.find((x) => !x.text.includes(":")) ?? shared[0])?.text ?? primary.get(to);
}
