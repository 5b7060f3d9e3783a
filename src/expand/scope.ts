import type { DefStmt } from "../ast/nodes.js";
import type { HandlerClosure, Value } from "../model/topology.js";

/** A def together with the scope it was written in (defs see the variables around them). */
export interface DefBinding {
  def: DefStmt;
  closure: Scope;
}

/**
 * Lexical scopes: each block (ns/host/bridge body, loop iteration, def call, used file) gets
 * a child scope, so a def parameter shadows an outer variable and a loop variable does not
 * outlive its body. Lookups walk the parent chain: depth is the block nesting, never the
 * script size, so expansion stays linear.
 */
export class Scope implements HandlerClosure {
  private readonly vars = new Map<string, Value>();
  private readonly defs = new Map<string, DefBinding>();

  constructor(readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this);
  }

  setVar(name: string, value: Value): void {
    this.vars.set(name, value);
  }

  setDef(name: string, binding: DefBinding): void {
    this.defs.set(name, binding);
  }

  lookupVar(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  lookupDef(name: string): DefBinding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const d = s.defs.get(name);
      if (d !== undefined) return d;
    }
    return undefined;
  }

  /** Variable names visible here, for "did you mean". */
  *varNames(): Iterable<string> {
    for (let s: Scope | undefined = this; s; s = s.parent) yield* s.vars.keys();
  }

  *defNames(): Iterable<string> {
    for (let s: Scope | undefined = this; s; s = s.parent) yield* s.defs.keys();
  }

  /** The visible variables as plain data, inner bindings winning (captured by `on` handlers). */
  flattenVars(): Record<string, Value> {
    const out: Record<string, Value> = {};
    for (let s: Scope | undefined = this; s; s = s.parent) {
      for (const [k, v] of s.vars) if (!(k in out)) out[k] = v;
    }
    return out;
  }

  /** Defs hold scopes (closures, cycles): a serialised handler keeps its plain variables only. */
  toJSON(): undefined {
    return undefined;
  }

  /** Bring another scope's own bindings (a used file's definitions) into this one. */
  importFrom(other: Scope): void {
    for (const [k, v] of other.vars) this.vars.set(k, v);
    for (const [k, d] of other.defs) this.defs.set(k, d);
  }
}
