import { primaryAddress } from "../model/addresses.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import type { Net } from "../why/index.js";

/**
 * What a word in an `expect` stands for: a namespace of the script its primary address, a
 * place only the network has (the sandbox's `lan`) its first address not on lo; anything
 * else is an address already.
 */
export function target(t: AddressedTopology, net: Net, name: string): string {
  if (t.namespaces.some((n) => n.name === name)) return primaryAddress(t, name) ?? name;
  const own = net.addrs.find((a) => a.place === name && a.dev !== "lo" && !a.cidr.includes(":"));
  return own ? own.cidr.split("/")[0]! : name;
}

/** The addresses of a place, as text without prefix. */
export function addressesOf(net: Net, place: string): string[] {
  return net.addrs.filter((a) => a.place === place).map((a) => a.cidr.split("/")[0]!);
}

/** argv run inside NS (`ip netns exec`), or as is in the host. */
export function inNs(ns: string, argv: string[]): string[] {
  return ns === HOST ? argv : ["ip", "netns", "exec", ns, ...argv];
}
