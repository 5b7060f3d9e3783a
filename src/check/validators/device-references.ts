import { HOST, type Device } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireDevice, requireNamespace } from "../references.js";
import { didYouMean } from "../../diagnostics/suggest.js";

/**
 * What a device points at exists: its namespace, its master bridge, its parent (macvlan,
 * ipvlan, vlan). Both veth ends are devices, so a far end born in an unknown namespace
 * (`peer b`, `to b:br0`) is reported through its own entry.
 */
export function deviceReferences(d: Device, ctx: CheckContext): void {
  if (!requireNamespace(ctx, d.ns, d.nameSpan)) return;
  if (d.master !== undefined) {
    const span = d.masterSpan ?? d.nameSpan;
    const m = ctx.device(d.ns, d.master);
    if (!m) {
      const bridges = (ctx.deviceNames.get(d.ns) ?? []).filter((n) => ctx.device(d.ns, n)?.kind === "bridge");
      const suggestions = didYouMean(d.master, bridges);
      ctx.accept(
        "NS304",
        span,
        { name: d.master, ns: d.ns },
        {
          suggestions,
          hint: d.ns === HOST ? `declare it with \`bridge ${d.master}\`` : `declare it inside \`ns ${d.ns}\` with \`bridge ${d.master}\``,
        },
      );
    } else if (m.kind !== "bridge") {
      ctx.accept(
        "NS305",
        span,
        { name: d.master, kind: m.kind },
        {
          related: [{ span: m.nameSpan, message: `\`${d.master}\` is declared here` }],
        },
      );
    }
  }
  switch (d.kind) {
    case "macvlan":
    case "ipvlan":
    case "vlan":
      if (d.parent.ns === d.ns && d.parent.name === d.name) break;
      requireDevice(ctx, d.parent.ns, d.parent.name, d.parentSpan);
      if (d.kind === "vlan" && !(Number.isInteger(d.vlanId) && d.vlanId >= 1 && d.vlanId <= 4094)) {
        // No span of its own for the id: the statement starts with it (`vlan ID on …`).
        ctx.accept("NS326", d.span, { id: d.vlanId });
      }
      break;
    default:
      break;
  }
}
