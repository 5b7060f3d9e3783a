import { didYouMean } from "../../diagnostics/suggest.js";
import { bitsOf } from "../../ipam/ip.js";
import { HOST, devKey, type ProxyArp } from "../../model/topology.js";
import { contains, ipText, isLinkLocal6, subnetText } from "../cidr.js";
import { overlaps } from "../../ipam/cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";
import { requireNamespace } from "../references.js";

/**
 * `proxyarp on UPLINK` (docs/architecture.md §9): UPLINK is a declared uplink, and every address of the
 * namespace is inside the uplink's subnet (the host's address on it) — except transit
 * addresses, which share a subnet with the other end of the namespace's own link.
 */
export function proxyArp(p: ProxyArp, ctx: CheckContext): void {
  requireNamespace(ctx, p.ns, p.span);
  const dev = ctx.device(HOST, p.uplink);
  if (!dev || dev.kind !== "uplink") {
    const uplinks = ctx.topo.devices.filter((d) => d.ns === HOST && d.kind === "uplink").map((d) => d.name);
    const suggestions = didYouMean(p.uplink, uplinks);
    ctx.accept(
      "NS319",
      p.uplinkSpan,
      { name: p.uplink },
      {
        hint: suggestions.length ? undefined : `declare it with \`uplink ${p.uplink}\``,
        suggestions,
        related: dev ? [{ span: dev.nameSpan, message: `\`${p.uplink}\` is a ${dev.kind} declared here` }] : undefined,
      },
    );
    return;
  }
  const uplinkNets = (ctx.addressesByNs.get(HOST) ?? []).filter((a) => a.dev === p.uplink && a.value && a.value.prefix < bitsOf(a.value.family));
  for (const a of ctx.addressesByNs.get(p.ns) ?? []) {
    const v = a.value;
    if (!v || a.dev === "lo" || isLinkLocal6(v)) continue;
    const nets = uplinkNets.filter((u) => u.value!.family === v.family);
    // Without a declared address on the uplink its subnet is known only at plan time.
    if (nets.length === 0 || nets.some((u) => contains(u.value!, v)) || isTransit(a, ctx)) continue;
    const net = nets[0]!;
    ctx.accept(
      "NS318",
      a.span,
      { addr: ipText(v), uplink: p.uplink, subnet: subnetText(net.value!) },
      {
        related: [
          { span: p.uplinkSpan, message: `\`${p.ns}\` is published on \`${p.uplink}\` here` },
          { span: net.span, message: `the uplink's subnet comes from this address` },
        ],
        hint: "use an address of the uplink's subnet, or give the other end of the link an address in the same subnet (a transit subnet)",
      },
    );
  }
}

/** The other end of this link (same segment, another namespace) has an address in the same subnet. */
function isTransit(a: CheckedAddress, ctx: CheckContext): boolean {
  const seg = ctx.addressesBySegment.get(ctx.segments.segmentOf(devKey(a.ns, a.dev))) ?? [];
  return seg.some((b) => b.ns !== a.ns && b.value !== null && overlaps(b.value, a.value!));
}
