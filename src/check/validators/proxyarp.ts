import { didYouMean } from "../../diagnostics/suggest.js";
import { bitsOf } from "../../ipam/ip.js";
import { HOST, devKey, type Device, type ProxyArp } from "../../model/topology.js";
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
    const close = didYouMean(p.uplink, uplinks);
    // A name the script already gives a host device cannot also be declared `uplink NAME`
    // (NS308/NS309): then the mistake is the interface, not a missing declaration.
    const suggestions = dev ? [...close, ...uplinks.filter((u) => !close.includes(u))] : close;
    ctx.accept(
      "NS319",
      p.uplinkSpan,
      { name: p.uplink },
      {
        hint: dev ? wrongInterface(p, dev, uplinks.length > 0) : suggestions.length ? undefined : `declare it with \`uplink ${p.uplink}\``,
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

/** `proxyarp on X` where X is a host device of the script's own making (often the namespace's own veth end). */
function wrongInterface(p: ProxyArp, dev: Device, haveUplinks: boolean): string {
  const what = dev.kind === "veth" && dev.peer.ns === p.ns ? `\`${p.ns}\`'s own veth end` : `a ${dev.kind}`;
  const head = `\`proxyarp on\` names the host's uplink, where \`${p.ns}\`'s addresses are published, not ${what}`;
  return haveUplinks ? head : `${head}: declare the host's outside interface and name it, \`uplink eth0\` and \`proxyarp on eth0\``;
}

/** The other end of this link (same segment, another namespace) has an address in the same subnet. */
function isTransit(a: CheckedAddress, ctx: CheckContext): boolean {
  const seg = ctx.addressesBySegment.get(ctx.segments.segmentOf(devKey(a.ns, a.dev))) ?? [];
  return seg.some((b) => b.ns !== a.ns && b.value !== null && overlaps(b.value, a.value!));
}
