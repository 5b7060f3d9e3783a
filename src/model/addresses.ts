import type { AddressedTopology } from "./topology.js";

/**
 * A namespace's primary address: the first IPv4 address of its first interface that has
 * one (else the first IPv6). Used wherever a namespace name stands for a host, as in
 * Mininet: `expect a reaches b`, the REPL's `h1: ping h2`.
 */
export function primaryAddress(t: Pick<AddressedTopology, "resolved">, ns: string): string | undefined {
  const mine = t.resolved.filter((r) => r.ns === ns);
  const v4 = mine.find((r) => !r.cidr.includes(":"));
  const pick = v4 ?? mine[0];
  return pick?.cidr.split("/")[0];
}
