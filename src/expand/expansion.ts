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
/**
 * Size limits, so that a script too big is a diagnostic and never a crash (a 250,000
 * namespace script grew to 2.6 GB and died). The checker and the planner cost about
 * 20 KB a namespace (scripts/bench-check.mjs measures it): 20,000 namespaces — twice what
 * the benchmark applies — stay well inside the memory budget README "Decisions and limits"
 * states. Every statement run counts, so `def`s that call each other twice per level
 * cannot multiply a short text past the budget either.
 */
export const DEFAULT_MAX_NAMESPACES = 20_000;
export const DEFAULT_MAX_STATEMENTS = 500_000;
/** Blocks nested through calls (the parser limits each text to 100 levels, but 64 nested
 *  calls of bodies 90 deep overflowed the expander's stack): at most this many at once. */
export const DEFAULT_MAX_BLOCK_NESTING = 400;

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
  /** statements run so far (each iteration's and each call's count again) */
  statementsRun = 0;
  /** a size limit was hit: nothing more is expanded (what would follow is noise) */
  halted = false;
  /** blocks being run, one inside the other (calls' bodies included) */
  private blocks = 0;
  readonly maxBlockNesting: number;
  readonly maxIterations: number;
  readonly maxDepth: number;
  readonly maxNamespaces: number;
  readonly maxStatements: number;

  constructor(
    readonly opts: ExpandOptions,
    private readonly statements: StatementTable,
  ) {
    this.maxIterations = opts.limits?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
    this.maxDepth = opts.limits?.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.maxNamespaces = opts.limits?.maxNamespaces ?? DEFAULT_MAX_NAMESPACES;
    this.maxStatements = opts.limits?.maxStatements ?? DEFAULT_MAX_STATEMENTS;
    this.maxBlockNesting = opts.limits?.maxBlockNesting ?? DEFAULT_MAX_BLOCK_NESTING;
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
    if (this.halted || stmts.length === 0) return;
    if (this.blocks >= this.maxBlockNesting) {
      this.report("NS232", stmts[0]!.span, { limit: this.maxBlockNesting });
      this.halted = true;
      return;
    }
    this.blocks++;
    try {
      for (const s of stmts) this.statement(s, body, scope);
    } finally {
      this.blocks--;
    }
  }

  private statement(s: A.Statement, body: Body, scope: Scope): void {
    if (this.halted) return;
    if (++this.statementsRun > this.maxStatements) {
      this.report("NS231", s.span, { limit: this.maxStatements.toLocaleString("en-US") });
      this.halted = true;
      return;
    }
    const problem = placementProblem(s, body.kind);
    if (problem) {
      this.report("NS212", "keyword" in s ? s.keyword : s.span, { what: problem.what, where: problem.where }, { hint: problem.hint });
      return;
    }
    (this.statements[s.type] as StatementExpander)(this, s, body, scope);
  }
}
