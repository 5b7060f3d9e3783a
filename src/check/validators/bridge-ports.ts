import { HOST, devKey } from "../../model/topology.js";
import type { CheckContext } from "../context.js";

/** The kernel numbers a bridge's ports with 10 bits (BR_MAX_PORTS 1024, port 0 unused). */
export const MAX_BRIDGE_PORTS = 1023;

/**
 * NS335: a bridge with more ports than the kernel takes (`Exchange full` at port 1024, after
 * the first 1023 were made), said at the port that overflows, with the way out.
 */
export function bridgePorts(ctx: CheckContext): void {
  const ports = new Map<string, number>();
  for (const d of ctx.topo.devices) {
    if (d.master === undefined) continue;
    const k = devKey(d.ns, d.master);
    if (ctx.devices.get(k)?.kind === "bridge") ports.set(k, (ports.get(k) ?? 0) + 1);
  }
  const seen = new Map<string, number>();
  for (const d of ctx.topo.devices) {
    if (d.master === undefined) continue;
    const k = devKey(d.ns, d.master);
    const total = ports.get(k);
    if (total === undefined || total <= MAX_BRIDGE_PORTS) continue;
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n !== MAX_BRIDGE_PORTS + 1) continue;
    const bridge = ctx.devices.get(k)!;
    const sw = d.ns === HOST ? "sw1" : `${d.ns}_sw1`;
    const to = d.ns === HOST ? d.master : `${d.ns}:${d.master}`;
    ctx.accept(
      "NS335",
      d.masterSpan ?? d.nameSpan,
      { name: d.master, port: d.ns === HOST ? d.name : `${d.ns}:${d.name}` },
      {
        related: [{ span: bridge.nameSpan, message: `\`${d.master}\` is declared here, and gets ${total} ports in all` }],
        hint:
          `put at most ${MAX_BRIDGE_PORTS} ports on one bridge: several bridges joined by a veth form one link ` +
          `(\`ns ${sw} < bridge br1 < veth to ${to} > >\`, then \`veth to ${sw}:br1\` for the ports past ${MAX_BRIDGE_PORTS - 1}), ` +
          "or a routed design (`veth pair` per namespace with routes or `proxyarp`, no bridge)",
      },
    );
  }
}
