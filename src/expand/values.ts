import type * as A from "../ast/nodes.js";
import { HOST } from "../model/topology.js";
import { validateIfName, validateNsName } from "../model/names.js";
import { evalExpr, evalTemplate, kindOf } from "./evaluate.js";
import type { Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";

/** Names and numbers of statements, validated; undefined once the problem is reported. */

export function ifName(x: Expansion, t: A.Template, scope: Scope): string | undefined {
  const name = evalTemplate(t, scope, x.report);
  if (name === undefined) return undefined;
  const reason = validateIfName(name);
  if (reason) {
    x.report("NS210", t.span, { name, reason });
    return undefined;
  }
  return name;
}

/** Whether the word `host` names the root namespace here (`run in host …`) or is refused. */
export interface NsNameOptions {
  host: "root" | "refused";
}

export function nsName(x: Expansion, t: A.Template, scope: Scope, o: NsNameOptions): string | undefined {
  const name = evalTemplate(t, scope, x.report);
  if (name === undefined) return undefined;
  if (o.host === "root" && name === HOST) return HOST;
  const reason = validateNsName(name);
  if (reason) {
    x.report("NS211", t.span, { name, reason }, name === HOST ? { hint: "statements about the root namespace go in `host < … >`" } : {});
    return undefined;
  }
  return name;
}

/** `NS:IF` or `IF`; an unqualified IF is in `defaultNs`. */
export function ifRef(x: Expansion, r: A.IfRef, defaultNs: string, scope: Scope): { ns: string; name: string } | undefined {
  const ns = r.ns ? nsName(x, r.ns, scope, { host: "root" }) : defaultNs;
  const name = ifName(x, r.name, scope);
  if (ns === undefined || name === undefined) return undefined;
  return { ns, name };
}

export interface IntegerOptions {
  /** completes "… must be a number": `a port`, `an MTU` */
  what: string;
  min?: number;
  max?: number;
}

export function integer(x: Expansion, e: A.Expr, scope: Scope, o: IntegerOptions): number | undefined {
  const { what, min = -Infinity, max = Infinity } = o;
  const v = evalExpr(e, scope, x.report);
  if (v === undefined) return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) {
    x.report("NS208", e.span, { detail: `${what} must be a number, got ${kindOf(v)}` });
    return undefined;
  }
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = min === -Infinity ? "a whole number" : `a whole number from ${min} to ${max}`;
    x.report("NS216", e.span, { what: capitalise(what), range, value: n });
    return undefined;
  }
  return n;
}

export function nsLabel(ns: string): string {
  return ns === HOST ? "the host" : `namespace ${ns}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
