import { describe, it, expect } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allocate } from "../../src/ipam/allocate.js";
import { FsAllocationStore } from "../../src/ipam/store-fs.js";
import { MemoryAllocationStore } from "../../src/ipam/store.js";
import { ProjectAllocations } from "../../src/ipam/shared-store.js";
import { expand } from "../../src/expand/expand.js";
import { parse } from "../../src/syntax/parse.js";

const topo = (text: string) => expand(parse(text, "t.nsnet").script, { file: "t.nsnet" }).topology;
const script = (prefix: string, n: number, split = "") =>
  `pool lan 192.0.2.0/24${split}\nbridge br${prefix}\n` +
  Array.from({ length: n }, (_, i) => `ns ${prefix}${i} < veth to br${prefix}; addr auto from lan >\n`).join("");

/** One project's `up` as the engine does it: load, allocate, save under the store's lock. */
const upOf = (store: ProjectAllocations, text: string) =>
  store.update((s) => {
    const r = allocate(topo(text), s);
    return { snapshot: r.allocations, value: r.topology.resolved.flatMap((x) => (x ? [x.cidr] : [])) };
  });

describe("a pool file shared by several projects", () => {
  it("never hands one address to two projects, keeps each project's own sticky, frees only its own", async () => {
    const shared = new MemoryAllocationStore();
    const a = new ProjectAllocations(shared, "a");
    const b = new ProjectAllocations(shared, "b");
    const fromA = await upOf(a, script("a", 3));
    const fromB = await upOf(b, script("b", 3));
    expect(new Set([...fromA, ...fromB]).size).toBe(6);
    // a shrinks: its freed address goes to b's next newcomer, a's others stay put
    const fromA2 = await upOf(a, script("a", 2));
    expect(fromA2).toEqual(fromA.slice(0, 2));
    const fromB2 = await upOf(b, script("b", 4));
    expect(fromB2.slice(0, 3)).toEqual(fromB);
    expect(fromB2[3]).toBe(fromA[2]);
    // on disk each owner carries its project
    const pools = (await shared.load()).pools.lan!;
    expect(Object.keys(pools.owners).every((k) => k.startsWith("a/") || k.startsWith("b/"))).toBe(true);
    expect(pools.held).toBeUndefined();
  });

  it("split pools: one subnet per segment, none shared between projects", async () => {
    const shared = new MemoryAllocationStore();
    const a = await upOf(new ProjectAllocations(shared, "a"), script("a", 2, " split /30"));
    const b = await upOf(new ProjectAllocations(shared, "b"), script("b", 2, " split /30"));
    const subnet = (c: string) => c.split("/")[0]!.split(".").slice(0, 3).join(".") + "." + (Number(c.split("/")[0]!.split(".")[3]) & ~3);
    expect(new Set([...a.map(subnet)]).size).toBe(1);
    expect(a.map(subnet)[0]).not.toBe(b.map(subnet)[0]);
  });

  it("ten projects allocating at once through one file on disk: no address twice, no update lost", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-pools-"));
    const stores = Array.from({ length: 10 }, (_, i) => new ProjectAllocations(new FsAllocationStore(dir, { fileName: "lab.json" }), `p${i}`));
    const got = await Promise.all(stores.map((s, i) => upOf(s, script(`p${i}x`, 5))));
    const all = got.flat();
    expect(all).toHaveLength(50);
    expect(new Set(all).size).toBe(50);
    const onDisk = await new FsAllocationStore(dir, { fileName: "lab.json" }).load();
    expect(Object.keys(onDisk.pools.lan!.owners)).toHaveLength(50);
  });
});
