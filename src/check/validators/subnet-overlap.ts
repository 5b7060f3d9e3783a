import { bitsOf } from "../../ipam/ip.js";
import { isLinkLocal6, subnetText } from "../cidr.js";
import { broadcastAddress, networkAddress } from "../../ipam/cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";

interface Range {
  lo: bigint;
  hi: bigint;
  a: CheckedAddress;
}

/**
 * Two interfaces of one namespace with overlapping connected subnets (a warning). A sweep
 * over the subnets sorted by start, per namespace and family. Host addresses (/32, /128)
 * connect nothing and are left out, as is IPv6 link-local (on every interface).
 */
export function subnetOverlap(ctx: CheckContext): void {
  for (const [ns, list] of ctx.addressesByNs) {
    if (list.length < 2) continue;
    for (const family of [4, 6] as const) {
      const ranges: Range[] = [];
      for (const a of list) {
        const v = a.value;
        if (!v || v.family !== family || v.prefix >= bitsOf(family) || isLinkLocal6(v)) continue;
        ranges.push({ lo: networkAddress(v), hi: broadcastAddress(v), a });
      }
      if (ranges.length < 2) continue;
      ranges.sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : x.hi > y.hi ? -1 : x.hi < y.hi ? 1 : 0));
      const reported = new Set<string>();
      let widest = ranges[0]!;
      for (const r of ranges.slice(1)) {
        if (r.lo <= widest.hi && r.a.dev !== widest.a.dev) {
          const pair = [widest.a.dev, r.a.dev].sort().join("\0");
          if (!reported.has(pair)) {
            reported.add(pair);
            ctx.accept(
              "NS320",
              r.a.span,
              {
                subnet: subnetText(r.a.value!),
                dev: r.a.dev,
                other: subnetText(widest.a.value!),
                otherDev: widest.a.dev,
                ns,
              },
              { related: [{ span: widest.a.span, message: `${subnetText(widest.a.value!)} is connected on \`${widest.a.dev}\` here` }] },
            );
          }
        }
        if (r.hi > widest.hi) widest = r;
      }
    }
  }
}
