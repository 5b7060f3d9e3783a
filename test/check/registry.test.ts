import { describe, expect, it } from "vitest";
import { check, defaultRegistry } from "../../src/check/check.js";
import { ValidationRegistry } from "../../src/check/registry.js";
import { TopoBuilder } from "./topo-builder.js";

describe("ValidationRegistry", () => {
  it("calls an item validator once per item of its kind, and a whole validator once", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.ns("b");
    b.bridge("a", "br0");
    const seen: string[] = [];
    const reg = new ValidationRegistry()
      .register("namespaces", (n) => seen.push(`ns ${n.name}`))
      .register("devices", (d) => seen.push(`dev ${d.name}`))
      .registerWhole((ctx) => seen.push(`whole ${ctx.topo.namespaces.length}`));
    expect(check(b.topo, reg)).toEqual([]);
    expect(seen).toEqual(["ns a", "ns b", "dev br0", "whole 2"]);
  });

  it("reports through accept with the catalog's message and severity", () => {
    const b = new TopoBuilder();
    const n = b.ns("a");
    const reg = new ValidationRegistry().register("namespaces", (ns, ctx) => ctx.accept("NS307", ns.nameSpan, { name: ns.name }));
    expect(check(b.topo, reg)).toEqual([{ code: "NS307", severity: "error", message: "namespace `a` is declared twice", span: n.nameSpan }]);
  });

  it("registers one validator per concern in the default registry", () => {
    const names = defaultRegistry().names();
    expect(names).toContain("addresses:addressValue");
    expect(names).toContain("topology:addressConflicts");
    expect(new Set(names).size).toBe(names.length);
  });

  it("turns a throwing validator into one NS300 naming it, at the item, and goes on with the others", () => {
    const b = new TopoBuilder();
    const a = b.ns("a");
    b.ns("a");
    const seen: string[] = [];
    const reg = new ValidationRegistry()
      .register("namespaces", function explodes(n) {
        seen.push(n.name);
        throw new Error("boom");
      })
      .registerWhole(function alsoExplodes() {
        throw new TypeError("x is undefined");
      })
      .register("namespaces", (n, ctx) => {
        if (ctx.namespaces.get(n.name) !== n) ctx.accept("NS307", n.nameSpan, { name: n.name });
      });
    const ds = check(b.topo, reg);
    expect(seen).toEqual(["a"]); // stopped after its first throw: one diagnostic, not one per item
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([
      "NS300 internal error in the check `namespaces:explodes`: boom",
      "NS300 internal error in the check `topology:alsoExplodes`: x is undefined",
      "NS307 namespace `a` is declared twice",
    ]);
    expect(ds[0]!.span).toEqual(a.span);
  });
});
