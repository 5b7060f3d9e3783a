import { parseIp } from "../../ipam/ip.js";
import type { Span } from "../../model/span.js";
import type { Expectation } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

/** The namespace `nsnet sandbox` makes to play the uplinks' LAN (src/exec/sandbox.ts). */
const SANDBOX_LAN = "lan";

/** A namespace, or — in a script with an uplink and no namespace of that name — the
 *  sandbox's `lan`, which an `expect` may start from or aim at (it exists in the sandbox). */
function place(ctx: CheckContext, name: string, span: Span): void {
  if (name === SANDBOX_LAN && !ctx.isNamespace(name) && ctx.topo.devices.some((d) => d.kind === "uplink")) return;
  requireNamespace(ctx, name, span);
}

/** An `expect` endpoint: a namespace, or (as a target) an address. */
function endpoint(ctx: CheckContext, name: string, span: Span): void {
  if (parseIp(name)) return;
  place(ctx, name, span);
}

export function expectation(e: Expectation, ctx: CheckContext): void {
  place(ctx, e.from, e.fromSpan);
  switch (e.kind) {
    case "reach":
      endpoint(ctx, e.to, e.toSpan);
      if (e.via !== undefined && e.viaSpan) place(ctx, e.via, e.viaSpan);
      break;
    case "tcp":
      endpoint(ctx, e.host, e.targetSpan);
      if (!(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535)) ctx.accept("NS321", e.targetSpan, { port: e.port });
      break;
    case "sees":
      place(ctx, e.watcher, e.watcherSpan);
      break;
    case "http":
    case "route":
    case "sysctl":
    case "command":
      break;
  }
}
