import type { AddressedTopology } from "../model/topology.js";
import type { LiveState } from "../model/live.js";

/**
 * Each namespace's primary address — the first address of its first interface, without
 * the prefix — from the compiled topology, else from live state (lo never counts).
 * This is what `h1: ping h2` turns `h2` into (Mininet's convention).
 */
export function primaryAddresses(topo: AddressedTopology | undefined, live?: LiveState): Map<string, string> {
  const out = new Map<string, string>();
  if (topo) {
    const nsNames = new Set([...topo.namespaces.map((n) => n.name), ...topo.resolved.map((r) => r.ns)]);
    for (const ns of nsNames) {
      const mine = topo.resolved.filter((r) => r.ns === ns);
      if (!mine.length) continue;
      const devOrder = topo.devices.filter((d) => d.ns === ns).map((d) => d.name);
      const ranked = [...mine].sort((a, b) => rank(devOrder, a.dev) - rank(devOrder, b.dev));
      out.set(ns, stripPrefix(ranked[0]!.cidr));
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

/** Devices in declaration order first; an address on an undeclared device (e.g. a veth's
 *  far end declared elsewhere) keeps its own order after them. Sort is stable. */
function rank(order: string[], dev: string): number {
  const i = order.indexOf(dev);
  return i < 0 ? order.length : i;
}

export function stripPrefix(cidr: string): string {
  const slash = cidr.indexOf("/");
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

/** Every argument that is exactly a namespace name becomes that namespace's address. */
export function substituteNames(argv: readonly string[], primary: ReadonlyMap<string, string>): string[] {
  return argv.map((a) => primary.get(a) ?? a);
}
