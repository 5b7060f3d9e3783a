import type { AddressedTopology } from "./topology.js";

/**
 * A namespace's primary address — what its name stands for wherever a host is meant, as in
 * Mininet (`expect a reaches b`, the REPL's `h1: ping h2`): the first IPv4 address of its
 * interfaces in declaration order (an address on an undeclared device comes after them),
 * else the first IPv6 one; without the prefix.
 */
export function primaryAddress(t: Pick<AddressedTopology, "resolved" | "devices">, ns: string): string | undefined {
  const order = t.devices.filter((d) => d.ns === ns).map((d) => d.name);
  const rank = (dev: string) => {
    const i = order.indexOf(dev);
    return i < 0 ? order.length : i;
  };
  // Array.prototype.sort is stable: addresses of one device keep their order.
  const mine = t.resolved.filter((r) => r.ns === ns).sort((a, b) => rank(a.dev) - rank(b.dev));
  const pick = mine.find((r) => !r.cidr.includes(":")) ?? mine[0];
  return pick?.cidr.split("/")[0];
}
