import type { Portmap } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

function validPort(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 65535;
}

/** `portmap [tcp|udp] HOSTPORT to NS:PORT`: a known namespace, ports in range. */
export function portmapShape(p: Portmap, ctx: CheckContext): void {
  requireNamespace(ctx, p.ns, p.nsSpan);
  if (!validPort(p.hostPort)) ctx.accept("NS321", p.hostPortSpan ?? p.span, { port: p.hostPort });
  if (!validPort(p.port)) ctx.accept("NS321", p.portSpan ?? p.span, { port: p.port });
}

/** One host port (per protocol) forwards to one place: both sites. */
export function portmapDuplicates(ctx: CheckContext): void {
  const first = new Map<string, Portmap>();
  for (const p of ctx.topo.portmaps) {
    const key = `${p.proto}/${p.hostPort}`;
    const seen = first.get(key);
    if (!seen) {
      first.set(key, p);
      continue;
    }
    ctx.accept(
      "NS322",
      p.hostPortSpan ?? p.span,
      { proto: p.proto, port: p.hostPort },
      {
        related: [{ span: seen.hostPortSpan ?? seen.span, message: `${key} first goes to \`${seen.ns}:${seen.port}\` here` }],
      },
    );
  }
}
