import { containsAddress, networkAddress } from "../../ipam/cidr.js";
import type { Span } from "../../model/span.js";
import type { Route } from "../../model/topology.js";
import { parsePrefixed, subnetText } from "../cidr.js";
import type { CheckContext } from "../context.js";
import { gatewayIp, routeFamily, routingOf } from "../routing.js";

/**
 * Routes the kernel refuses, said at check instead of as a failed apply and a rollback:
 * two routes to one destination (NS330, both lines), a route to a subnet the kernel already
 * routes for an address (NS331), a route through an interface the script sets down (NS332),
 * `onlink` without `dev` (NS333). Each was measured in a sandbox (test/kernel/route-refusals).
 */

/** The destination as the kernel keys it: `default` or the canonical subnet; null when
 *  malformed or with host bits (NS311, NS315 say so). */
function destination(r: Route): string | null {
  if (r.dst === "default") return "default";
  const d = parsePrefixed(r.dst);
  return d && d.addr === networkAddress(d) ? subnetText(d) : null;
}

export function routeDuplicates(ctx: CheckContext): void {
  const first = new Map<string, Route>();
  for (const r of ctx.topo.routes) {
    const dst = destination(r);
    if (dst === null) continue;
    const family = routeFamily(r);
    const key = `${r.ns}\0${family}\0${dst}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, r);
      continue;
    }
    const what = dst === "default" ? `the IPv${family} default route` : `the route to ${dst}`;
    ctx.accept(
      "NS330",
      r.dstSpan,
      { ns: r.ns, dst: dst === "default" && family === 6 ? "default (IPv6)" : dst },
      {
        related: [{ span: seen.dstSpan, message: `${what} is first declared here` }],
        hint: "keep one of them: the kernel refuses the second (`File exists`); for a second way out, route a narrower destination through it",
      },
    );
  }
}

/** Where `onlink` is: the last word of a route statement (`route DST [via GW] [dev IF] onlink`). */
export function onlinkSpan(r: Route): Span {
  const { end } = r.span;
  if (end.column <= 6 || end.offset - r.span.start.offset < 6) return r.span;
  return { file: r.span.file, start: { offset: end.offset - 6, line: end.line, column: end.column - 6 }, end };
}

export function routeKernel(r: Route, ctx: CheckContext): void {
  if (r.onlink && r.via !== undefined && r.dev === undefined) {
    const ifs = routingOf(ctx)
      .interfacesOf(r.ns)
      .map((d) => d.name);
    const dev = ifs.length === 1 ? ifs[0]! : "IF";
    ctx.accept(
      "NS333",
      onlinkSpan(r),
      { via: r.via },
      {
        hint:
          `name the interface the gateway answers on: \`route ${r.dst} via ${r.via} dev ${dev} onlink\`` +
          (ifs.length > 1 ? ` (interfaces of \`${r.ns}\`: ${ifs.join(", ")})` : ""),
      },
    );
  }
  const dst = destination(r);
  const shown = dst === "default" ? "default" : (dst ?? r.dst);
  if (r.dev !== undefined) {
    const d = ctx.device(r.ns, r.dev);
    if (d && !d.up) {
      ctx.accept(
        "NS332",
        r.devSpan ?? r.span,
        { dst: shown, dev: r.dev },
        {
          related: [{ span: d.nameSpan, message: `\`${r.dev}\` is made here` }],
          hint: `bring \`${r.dev}\` up (drop \`down ${r.dev}\`) or route through another interface`,
        },
      );
      return;
    }
  } else if (r.via !== undefined && !r.onlink && routingOf(ctx).hasDown(r.ns)) {
    const via = gatewayIp(r.via);
    const own = via ? (ctx.addressesByNs.get(r.ns) ?? []).filter((a) => a.value?.family === via.family && containsAddress(a.value, via.family, via.addr)) : [];
    const devices = own.map((a) => ctx.device(a.ns, a.dev));
    if (own.length && devices.every((d) => d !== undefined && !d.up)) {
      const dev = own[0]!.dev;
      ctx.accept(
        "NS332",
        r.viaSpan ?? r.span,
        { dst: shown, dev },
        { related: [{ span: own[0]!.span, message: `${r.via} is reached on \`${dev}\` by this address` }], hint: `bring \`${dev}\` up (drop \`down ${dev}\`)` },
      );
      return;
    }
  }
  // IPv4's connected route has metric 0, the one `ip route add` uses; IPv6's has 256, apart from 1024.
  if (dst === null || dst === "default") return;
  const net = parsePrefixed(dst)!;
  if (net.family !== 4) return;
  const connected = (ctx.addressesByNs.get(r.ns) ?? []).find(
    (a) =>
      a.value?.family === 4 && a.value.prefix === net.prefix && a.value.prefix < 32 && subnetText(a.value) === dst && ctx.device(a.ns, a.dev)?.up !== false,
  );
  if (!connected) return;
  ctx.accept(
    "NS331",
    r.dstSpan,
    { dst, addr: connected.text, dev: connected.dev },
    {
      related: [{ span: connected.span, message: `the kernel routes ${dst} on \`${connected.dev}\` for this address` }],
      hint: `drop this route: ${dst} is already on \`${connected.dev}\``,
    },
  );
}
