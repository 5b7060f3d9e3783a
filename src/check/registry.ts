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

  run(ctx: CheckContext): void {
    for (const e of this.entries) {
      if (e.kind === "topology") {
        e.fn(undefined, ctx);
        continue;
      }
      const items: readonly unknown[] =
        e.kind === "addresses" ? ctx.addresses : e.kind === "assignments" ? ctx.topo.addresses : ctx.topo[e.kind];
      for (const item of items) e.fn(item, ctx);
    }
  }
}
