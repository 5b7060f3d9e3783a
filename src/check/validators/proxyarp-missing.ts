import { containsAddress } from "../../ipam/cidr.js";
import { bitsOf } from "../../ipam/ip.js";
import { HOST } from "../../model/topology.js";
import { ipText, isLinkLocal6 } from "../cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";
import { routingOf } from "../routing.js";

/**
 * NS344 (issue 22): a namespace holding an address of an uplink's subnet on a link that is
 * not the uplink's own (a veth to the host, not a bridge or macvlan on the uplink), without
 * `proxyarp on` that uplink: nothing on the LAN can reach the address, and the namespace
 * asks the LAN's hosts by ARP where nobody hears it. The routed-veth recipe publishes it.
 */
export function proxyArpMissing(ctx: CheckContext): void {
  const view = routingOf(ctx);
  const uplinks = ctx.topo.devices.filter((d) => d.ns === HOST && d.kind === "uplink");
  if (uplinks.length === 0) return;
  const nets: { uplink: string; segment: string; net: CheckedAddress }[] = [];
  for (const a of ctx.addressesByNs.get(HOST) ?? []) {
    const v = a.value;
    if (!v || v.prefix >= bitsOf(v.family) - 1 || isLinkLocal6(v) || !uplinks.some((u) => u.name === a.dev)) continue;
    nets.push({ uplink: a.dev, segment: view.segmentOf(HOST, a.dev), net: a });
  }
  if (nets.length === 0) return;
  const proxied = new Set(ctx.topo.proxyArps.map((p) => `${p.ns}\0${p.uplink}`));
  const said = new Set<string>();
  for (const [ns, list] of ctx.addressesByNs) {
    if (ns === HOST) continue;
    for (const a of list) {
      const v = a.value;
      if (!v || a.dev === "lo" || isLinkLocal6(v) || view.natHidden(a)) continue;
      const seg = view.segmentOf(ns, a.dev);
      const on = nets.find((n) => n.net.value!.family === v.family && containsAddress(n.net.value!, v.family, v.addr) && n.segment !== seg);
      if (!on || proxied.has(`${ns}\0${on.uplink}`) || said.has(`${ns}\0${on.uplink}`)) continue;
      // only a link that leads to the host can be published by it
      if (!view.l3On(seg).some((d) => d.ns === HOST) || view.pending(seg)) continue;
      said.add(`${ns}\0${on.uplink}`);
      ctx.accept(
        "NS344",
        a.span,
        { addr: ipText(v), ns, uplink: on.uplink },
        {
          related: [{ span: on.net.span, message: `the subnet of \`${on.uplink}\` comes from this address` }],
          hint: `publish it on the uplink, as the routed-veth recipe does: add \`proxyarp on ${on.uplink}\` in \`ns ${ns}\``,
        },
      );
    }
  }
}
