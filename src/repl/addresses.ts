import type { AddressedTopology } from "../model/topology.js";
import type { LiveState } from "../model/live.js";
import { primaryAddress } from "../model/addresses.js";

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
