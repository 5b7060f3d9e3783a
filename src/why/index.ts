import { visible } from "../diagnostics/render.js";
import { primaryAddress } from "../model/addresses.js";
import type { LiveState } from "../model/live.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import { ipOf, ipText } from "./lookup.js";
import { netFromTopology, overlayLive, type Net } from "./net.js";
import { walk, type WhyResult } from "./walk.js";

export type { WhyResult, Leg, Hop } from "./walk.js";
export type { Net } from "./net.js";
export { netFromTopology, overlayLive, sysctlKeysFor } from "./net.js";

/**
 * `why A B`: A is a namespace (or `host`, or the sandbox's `lan`); B a namespace — standing
 * for its primary address, as in `expect` and `ping` — or an address. Returns a usage
 * message for an endpoint it cannot place.
 */
export function resolveEnds(t: AddressedTopology, net: Net, a: string, b: string): { from: string; to: string; dst: string } | string {
  const known = (n: string) => n === HOST || net.places.includes(n);
  if (!known(a)) return `no namespace ${visible(a)}${ipOf(a) ? " (the first end is a namespace, not an address)" : ""}`;
  const addr = ipOf(b);
  if (addr && !b.includes("/")) return { from: a, to: b, dst: ipText(addr) };
  if (!known(b)) return `no namespace or address ${visible(b)}`;
  // a namespace the script does not declare (the sandbox's lan): its first address not on lo
  const declared = t.namespaces.some((n) => n.name === b) ? primaryAddress(t, b) : undefined;
  const dst = declared ?? net.addrs.find((x) => x.place === b && x.dev !== "lo" && ipOf(x.cidr)?.family === 4)?.cidr.split("/")[0];
  if (!dst) return `${visible(b)} has no address to send to`;
  return { from: a, to: b, dst };
}

export interface WhyOptions {
  /** the kernel's state, read by the caller: its routes, addresses and sysctls are used */
  live?: LiveState;
  /** a Net already built for this topology (pingall asks many pairs) */
  net?: Net;
}

/** `nsnet why`: the first place a ping from A to B, or its reply, is lost. Pure. */
export function why(t: AddressedTopology, a: string, b: string, opts: WhyOptions = {}): WhyResult | string {
  const model = opts.net ?? netFromTopology(t);
  const net = opts.live ? overlayLive(model, opts.live) : model;
  const ends = resolveEnds(t, net, a, b);
  if (typeof ends === "string") return ends;
  return walk(net, ends.from, ends.to, ends.dst);
}
