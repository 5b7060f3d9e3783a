import { parseIp } from "../../ipam/ip.js";
import { HOST, type Route } from "../../model/topology.js";
import { contains, isLinkLocal6, parsePrefixed, subnetText } from "../cidr.js";
import { networkAddress } from "../../ipam/cidr.js";
import type { CheckContext } from "../context.js";
import { requireDevice } from "../references.js";
import { gatewayAdvice } from "./gateway-hints.js";

/**
 * A route's parts: the target is a subnet (no host bits), the gateway an address of the
 * same family inside a subnet connected to the namespace (on `dev IF` when given) unless
 * `onlink`, the device exists.
 */
export function routeShape(r: Route, ctx: CheckContext): void {
  if (r.dev !== undefined) requireDevice(ctx, r.ns, r.dev, r.devSpan ?? r.span);
  let dstFamily: 4 | 6 | undefined;
  if (r.dst !== "default") {
    const dst = parsePrefixed(r.dst);
    if (!dst) {
      ctx.accept("NS311", r.dstSpan, { text: r.dst });
      return;
    }
    dstFamily = dst.family;
    if (dst.addr !== networkAddress(dst)) {
      const subnet = subnetText(dst);
      ctx.accept("NS315", r.dstSpan, { cidr: r.dst }, { suggestions: [subnet] });
    }
  }
  if (r.via === undefined) return;
  const viaSpan = r.viaSpan ?? r.span;
  const via = parseIp(r.via);
  if (!via) {
    ctx.accept("NS311", viaSpan, { text: r.via });
    return;
  }
  if (dstFamily !== undefined && via.family !== dstFamily) {
    ctx.accept("NS317", viaSpan, { dst: r.dst, via: r.via }, { related: [{ span: r.dstSpan, message: `the destination is IPv${dstFamily}` }] });
    return;
  }
  if (r.onlink || isLinkLocal6(via) || ctx.unresolved.has(r.ns)) return;
  const own = (ctx.addressesByNs.get(r.ns) ?? []).filter((a) => a.value && (r.dev === undefined || a.dev === r.dev));
  if (own.some((a) => contains(a.value!, via))) return;
  const subnets = [...new Set(own.filter((a) => a.value!.family === via.family).map((a) => subnetText(a.value!)))];
  const scope = r.dev !== undefined ? ` on \`${r.dev}\`` : "";
  const connected = subnets.length ? `connected${scope}: ${subnets.slice(0, 4).join(", ")}${subnets.length > 4 ? ", …" : ""}; ` : "";
  // never a bare `onlink`: the kernel refuses it without `dev` (gateway-hints.ts)
  const advice = gatewayAdvice(r, via, ctx, connected);
  ctx.accept(
    "NS316",
    viaSpan,
    { via: r.via, ns: r.ns },
    {
      ...advice,
      // The host may well have addresses the script does not declare (DHCP on eth0).
      severity: r.ns === HOST ? "warning" : undefined,
    },
  );
}
