import type { Device } from "../../model/topology.js";
import { ipLinkKeyword } from "../../model/names.js";
import type { CheckContext } from "../context.js";

/** An interface name that `ip link` would read as one of its keywords (model/names.ts). */
export function ipKeywordName(d: Device, ctx: CheckContext): void {
  const names: [string, Device["nameSpan"]][] = [[d.name, d.nameSpan]];
  if (d.kind === "moved") names.push([d.from.name, d.fromSpan]);
  for (const [name, span] of names) {
    const keyword = ipLinkKeyword(name);
    if (keyword !== null) ctx.accept("NS329", span, { name, keyword }, { hint: "rename it (`as IF` names this end, `veth NAME` the far end)" });
  }
}
