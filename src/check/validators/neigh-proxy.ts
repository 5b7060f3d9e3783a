import { parseIp } from "../../ipam/ip.js";
import type { NeighProxy } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireDevice } from "../references.js";

/** `neigh proxy ADDR on IF`: an address, on an interface that exists. */
export function neighProxy(n: NeighProxy, ctx: CheckContext): void {
  if (!parseIp(n.addr)) ctx.accept("NS311", n.addrSpan, { text: n.addr });
  requireDevice(ctx, n.ns, n.dev, n.devSpan);
}
