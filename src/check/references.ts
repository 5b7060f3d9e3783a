import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "../model/span.js";
import { HOST, devKey } from "../model/topology.js";
import type { CheckContext } from "./context.js";

/**
 * Reporting of names that do not resolve, shared by the validators that follow references.
 * Suggestions come from the names in scope (Elm's Suggest): namespaces for a namespace,
 * the interfaces of that namespace for an interface.
 */

/** Reports an unknown namespace; true if it was known. */
export function requireNamespace(ctx: CheckContext, name: string, span: Span): boolean {
  if (ctx.isNamespace(name)) return true;
  const suggestions = didYouMean(name, ctx.namespaceNames());
  const extra = suggestions.length ? { suggestions } : { hint: `declare it with \`ns ${name}\`` };
  ctx.accept("NS301", span, { name }, extra);
  return false;
}

/** Interfaces that exist in every namespace without being declared. */
const IMPLICIT = new Set(["lo"]);

/**
 * Reports an interface that nothing creates. In the host an undeclared device may well
 * exist (eth0), so that is a warning asking for `uplink`; elsewhere it is an error.
 * Returns true when the interface is declared (or implicit).
 */
export function requireDevice(ctx: CheckContext, ns: string, name: string, span: Span): boolean {
  if (IMPLICIT.has(name) || ctx.device(ns, name)) return true;
  if (ctx.unbuilt.has(devKey(ns, name))) return false; // its own statement failed, and said so
  if (!ctx.isNamespace(ns)) {
    requireNamespace(ctx, ns, span);
    return false;
  }
  const names = ctx.deviceNames.get(ns) ?? [];
  const suggestions = didYouMean(name, names);
  if (ns === HOST) {
    ctx.accept("NS303", span, { name }, { hint: `add \`uplink ${name}\` if it is an existing host device`, suggestions });
  } else {
    const hint = !suggestions.length && names.length ? `interfaces of \`${ns}\`: ${names.join(", ")}` : undefined;
    ctx.accept("NS302", span, { name, ns }, hint ? { hint, suggestions } : { suggestions });
  }
  return false;
}
