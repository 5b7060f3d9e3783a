import type * as A from "../ast/nodes.js";
import type { Diagnostic, RelatedSite } from "../diagnostics/diagnostic.js";
import { diag, type DiagArgs } from "../diagnostics/codes.js";
import type { Span } from "../model/span.js";
import { emptyTopology, type Value } from "../model/topology.js";
import type { Report } from "./evaluate.js";
import { placementProblem, type BodyKind } from "./placement.js";
import { Scope } from "./scope.js";
import type { ExpandOptions } from "./options.js";

export const DEFAULT_MAX_ITERATIONS = 100_000;
export const DEFAULT_MAX_DEPTH = 64;

/** The block statements are expanded in: where they act and what they default to. */
export interface Body {
  kind: BodyKind;
  /** the namespace statements of this body act on */
  ns: string;
  file: string;
  /** the most recent interface created in this body: the default of `addr` */
  recent?: string;
  /** inside `bridge NAME < … >`: devices created here in `ns` are enslaved to it */
  master?: { name: string; span: Span };
}

/** Per namespace: what the default names `eth${k}` and `${ns}_veth${n}` count. */
export interface NsCounters {
  veths: number;
  placed: number;
  names: Set<string>;
}

/** `up`/`down DEV`, applied once the whole script is expanded (last statement wins). */
export interface PendingLinkState {
  ns: string;
  name: string;
  state: "up" | "down";
  span: Span;
}

/** How one kind of statement is expanded; the table of them is statements.ts. */
export type StatementExpander<S extends A.Statement = A.Statement> = (x: Expansion, s: S, body: Body, scope: Scope) => void;
export type StatementTable = { [T in A.Statement["type"]]: StatementExpander<Extract<A.Statement, { type: T }>> };

/**
 * The state of one expansion: the topology being built, the diagnostics, the counters
 * behind default names, and the limits on loops and calls. Statement expanders receive
 * it and add to it; nothing here outlives the expansion.
 */
export class Expansion {
  readonly topo = emptyTopology();
  readonly diags: Diagnostic[] = [];
  readonly counters = new Map<string, NsCounters>();
  readonly linkStates: PendingLinkState[] = [];
  /** used files by resolved path: their scope, or "loading" while a cycle reads them */
  readonly modules = new Map<string, Scope | "loading">();
  /** related sites describing where we are: calls and loop iterations, innermost last */
  readonly context: RelatedSite[] = [];
  private readonly seen = new Set<string>();
  iterations = 0;
  depth = 0;
  readonly maxIterations: number;
  readonly maxDepth: number;

  constructor(
    readonly opts: ExpandOptions,
    private readonly statements: StatementTable,
  ) {
    this.maxIterations = opts.limits?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    this.maxDepth = opts.limits?.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  rootScope(vars?: Record<string, Value>): Scope {
    const s = new Scope();
    for (const [k, v] of Object.entries(vars ?? {})) s.setVar(k, v);
    return s;
  }

  /** Reports once per code and token (loops repeat statements), with the call/loop sites. */
  readonly report: Report = (code, span, ...[params, extra = {}]) => {
    const key = `${code}@${span.file}:${span.start.offset}-${span.end.offset}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const related = [...(extra.related ?? []), ...this.context.slice(-3).reverse()];
    this.diags.push(diag(code, span, ...([params, { ...extra, related }] as DiagArgs<typeof code>)));
  };

  runBlock(stmts: readonly A.Statement[], body: Body, scope: Scope): void {
    for (const s of stmts) this.statement(s, body, scope);
  }

  private statement(s: A.Statement, body: Body, scope: Scope): void {
    const problem = placementProblem(s, body.kind);
    if (problem) {
      this.report("NS212", "keyword" in s ? s.keyword : s.span, { what: problem.what, where: problem.where }, { hint: problem.hint });
      return;
    }
    (this.statements[s.type] as StatementExpander)(this, s, body, scope);
  }
}
