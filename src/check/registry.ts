import { noSpan, type Span } from "../model/span.js";
import type { Topology } from "../model/topology.js";
import type { CheckContext, CheckedAddress } from "./context.js";

/**
 * Validators registered by the kind of topology item they look at (after Langium's
 * ValidationRegistry): each is called once per item of that kind and reports through
 * `ctx.accept`. Concerns that need the whole picture at once (overlaps found by a sweep)
 * register for "topology" and are called once.
 */
export type ItemKind = Exclude<keyof Topology, "addresses" | "handlers" | "unbuilt"> | "addresses" | "assignments";

/**
 * "addresses" are the checker's effective addresses (static, or resolved after allocation);
 * "assignments" are the `addr` statements as written (`auto` included), for their references.
 */
export type ItemOf<K extends ItemKind> = K extends "addresses"
  ? CheckedAddress
  : K extends "assignments"
    ? Topology["addresses"][number]
    : Topology[Exclude<K, "addresses" | "assignments">][number];

export type ItemCheck<K extends ItemKind> = (item: ItemOf<K>, ctx: CheckContext) => void;
export type WholeCheck = (ctx: CheckContext) => void;

interface Entry {
  kind: ItemKind | "topology";
  name: string;
  fn: (item: unknown, ctx: CheckContext) => void;
}

export class ValidationRegistry {
  private readonly entries: Entry[] = [];

  register<K extends ItemKind>(kind: K, fn: ItemCheck<K>, name = fn.name || kind): this {
    this.entries.push({ kind, name, fn: fn as (item: unknown, ctx: CheckContext) => void });
    return this;
  }

  registerWhole(fn: WholeCheck, name = fn.name || "topology"): this {
    this.entries.push({ kind: "topology", name, fn: (_item, ctx) => fn(ctx) });
    return this;
  }

  /** Names of the registered validators, in run order (for tests and `--explain`). */
  names(): string[] {
    return this.entries.map((e) => `${e.kind}:${e.name}`);
  }

  /**
   * Runs every validator. One that throws (a bug, never the user's fault) is stopped there
   * and becomes one NS300 naming it, at the item it choked on; the others still run, so a
   * bug in one check never hides the findings of the rest (Langium's registry does the same).
   */
  run(ctx: CheckContext): void {
    for (const e of this.entries) {
      const items: readonly unknown[] =
        e.kind === "topology" ? [undefined] : e.kind === "addresses" ? ctx.addresses : e.kind === "assignments" ? ctx.topo.addresses : ctx.topo[e.kind];
      for (const item of items) {
        try {
          e.fn(item, ctx);
        } catch (err) {
          const at = spanOf(item) ?? ctx.topo.namespaces[0]?.span ?? noSpan();
          ctx.accept(
            "NS300",
            at,
            { name: `${e.kind}:${e.name}`, error: err instanceof Error ? err.message : String(err) },
            {
              hint: "this is a bug in nsnet, not in your script; the other checks ran — please report it with the script",
            },
          );
          break;
        }
      }
    }
  }
}

function spanOf(item: unknown): Span | undefined {
  const s = (item as { span?: Span } | undefined)?.span;
  return s && typeof s.file === "string" ? s : undefined;
}
