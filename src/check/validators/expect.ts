import { parseIp } from "../../ipam/ip.js";
import type { Span } from "../../model/span.js";
import type { Expectation } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

/** An `expect` endpoint: a namespace, or (as a target) an address. */
function endpoint(ctx: CheckContext, name: string, span: Span): void {
  if (parseIp(name)) return;
  requireNamespace(ctx, name, span);
}

export function expectation(e: Expectation, ctx: CheckContext): void {
  requireNamespace(ctx, e.from, e.fromSpan);
  switch (e.kind) {
    case "reach":
      endpoint(ctx, e.to, e.toSpan);
      break;
    case "tcp":
      endpoint(ctx, e.host, e.targetSpan);
      if (!(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535)) ctx.accept("NS321", e.targetSpan, { port: e.port });
      break;
    case "http":
      break;
  }
}
