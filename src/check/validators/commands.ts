import type { Command } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

/** `run in NS …` / `exec NS …`: NS is declared (or the host). */
export function commandNamespace(c: Command, ctx: CheckContext): void {
  requireNamespace(ctx, c.ns, c.nsSpan);
}
