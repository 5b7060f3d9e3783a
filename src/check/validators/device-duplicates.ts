import type { Device } from "../../model/topology.js";
import { devKey } from "../../model/topology.js";
import type { CheckContext } from "../context.js";

/**
 * Two devices with one key `ns:name`. When a veth end is involved the usual cause is two
 * pairs whose generated (or given) far-end names meet in one namespace, so it gets its own code.
 */
export function duplicateDevice(d: Device, ctx: CheckContext): void {
  const first = ctx.devices.get(devKey(d.ns, d.name));
  if (!first || first === d) return;
  const veth = d.kind === "veth" || first.kind === "veth";
  ctx.accept(
    veth ? "NS309" : "NS308",
    d.nameSpan,
    { name: d.name, ns: d.ns },
    {
      related: [{ span: first.nameSpan, message: `\`${d.ns}:${d.name}\` is first produced here` }],
      hint: veth ? "name one of the ends explicitly (`veth NAME` for the far end, `as IF` for this end)" : undefined,
    },
  );
}
