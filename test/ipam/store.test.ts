import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AllocationStoreError, FsAllocationStore, allocationDir } from "../../src/ipam/store-fs.js";
import { MemoryAllocationStore } from "../../src/ipam/store.js";
import { emptySnapshot, readSnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { allocate } from "../../src/ipam/allocate.js";
import { auto, pool, topo } from "./build.js";

const snap = (owners: Record<string, string>): AllocationSnapshot => ({ version: 1, pools: { lan: { cidr: "10.0.0.0/24", owners } } });
// larger than any pid_max, so never a live process
const DEAD_PID = 2 ** 31 - 1;

describe("readSnapshot", () => {
  it("accepts a snapshot and says what is wrong with anything else", () => {
    expect(readSnapshot(snap({ "a:eth0#0": "10.0.0.1/24" }))).toEqual(snap({ "a:eth0#0": "10.0.0.1/24" }));
    expect(readSnapshot([])).toBe("not a JSON object");
    expect(readSnapshot({ version: 2, pools: {} })).toMatch(/unsupported version 2/);
    expect(readSnapshot({ version: 1, pools: { p: { cidr: "x", owners: { a: 1 } } } })).toMatch(/owner a/);
  });
});

describe("MemoryAllocationStore", () => {
  it("round-trips copies and updates under one call", async () => {
    const store = new MemoryAllocationStore();
    expect(await store.load()).toEqual(emptySnapshot());
    const t = topo([pool("lan", "10.0.0.0/24")], [auto("a")]);
    const value = await store.update((s) => {
      const r = allocate(t, s);
      return { snapshot: r.allocations, value: r.topology.resolved.length };
    });
    expect(value).toBe(1);
    const loaded = await store.load();
    expect(loaded.pools.lan!.owners).toEqual({ "a:eth0#0": "10.0.0.1/24" });
    loaded.pools.lan!.owners = {}; // a copy: the store is not changed through it
    expect((await store.load()).pools.lan!.owners).not.toEqual({});
    await store.update(() => ({ snapshot: null, value: 0 }));
    expect(store.saves).toBe(1);
  });
});

describe("FsAllocationStore", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "nsnet-ipam-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("places a project's allocations under the root", () => {
    expect(allocationDir("demo")).toBe("/var/lib/nsnet/demo");
    expect(allocationDir("demo", root)).toBe(join(root, "demo"));
  });

  it("loads an empty snapshot when nothing was saved, then what was saved", async () => {
    const store = new FsAllocationStore(join(root, "p"));
    expect(await store.load()).toEqual(emptySnapshot());
    await store.save(snap({ "a:eth0#0": "10.0.0.1/24" }));
    expect(await new FsAllocationStore(join(root, "p")).load()).toEqual(snap({ "a:eth0#0": "10.0.0.1/24" }));
    // nothing left behind: no temp files, no lock
    expect(readdirSync(join(root, "p"))).toEqual(["allocations.json"]);
  });

  it("sticky across runs: a second process-like store sees the first's allocations", async () => {
    const dir = join(root, "p");
    const t1 = topo([pool("lan", "10.0.0.0/24")], [auto("a"), auto("b")]);
    const t2 = topo([pool("lan", "10.0.0.0/24")], [auto("new"), auto("b")]);
    const run = (t: typeof t1) =>
      new FsAllocationStore(dir).update((s) => {
        const r = allocate(t, s);
        return { snapshot: r.allocations, value: r.topology.resolved.map((x) => x.cidr) };
      });
    expect(await run(t1)).toEqual(["10.0.0.1/24", "10.0.0.2/24"]);
    expect(await run(t2)).toEqual(["10.0.0.1/24", "10.0.0.2/24"]); // b kept .2; new got the freed .1
  });

  it("refuses a corrupt file with a clear error instead of forgetting every allocation", async () => {
    const store = new FsAllocationStore(root);
    writeFileSync(store.file, "{ not json");
    await expect(store.load()).rejects.toThrow(AllocationStoreError);
    writeFileSync(store.file, JSON.stringify({ version: 9, pools: {} }));
    await expect(store.load()).rejects.toThrow(/unsupported version 9/);
  });

  it("writes atomically: a failing update leaves the old file and releases the lock", async () => {
    const store = new FsAllocationStore(root);
    await store.save(snap({ "a:eth0#0": "10.0.0.1/24" }));
    const before = readFileSync(store.file, "utf8");
    await expect(
      store.update(() => {
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(readFileSync(store.file, "utf8")).toBe(before);
    expect(existsSync(store.lockFile)).toBe(false);
  });

  it("serialises concurrent updates (no lost update)", async () => {
    const dir = join(root, "p");
    const add = (owner: string, cidr: string) =>
      new FsAllocationStore(dir, { pollMs: 2 }).update((s) => {
        const pools = { ...s.pools, lan: { cidr: "10.0.0.0/24", owners: { ...(s.pools.lan?.owners ?? {}), [owner]: cidr } } };
        return { snapshot: { version: 1 as const, pools }, value: undefined };
      });
    await Promise.all(Array.from({ length: 12 }, (_, i) => add(`n${i}:eth0#0`, `10.0.0.${i + 1}/24`)));
    expect(Object.keys((await new FsAllocationStore(dir).load()).pools.lan!.owners)).toHaveLength(12);
  });

  it("waits for a live holder only so long, then says who holds the lock", async () => {
    const store = new FsAllocationStore(root, { lockTimeoutMs: 80, pollMs: 5 });
    // a live process that is not us (our parent), recorded without a start time
    const holder = `${process.ppid} abcdef\n`;
    writeFileSync(store.lockFile, holder);
    await expect(store.save(emptySnapshot())).rejects.toThrow(new RegExp(`locked by another nsnet run \\(pid ${process.ppid}`));
    expect(readFileSync(store.lockFile, "utf8")).toBe(holder); // not ours: left alone
  });

  it("breaks a lock whose pid now belongs to another process (start time differs)", async () => {
    const store = new FsAllocationStore(root, { lockTimeoutMs: 1000, pollMs: 5 });
    writeFileSync(store.lockFile, `${process.ppid} 1 abcdef\n`);
    await store.save(snap({}));
    expect(existsSync(store.lockFile)).toBe(false);
  });

  it("refuses a symlink in place of the snapshot, and a directory others can write", async () => {
    const store = new FsAllocationStore(join(root, "p"));
    await store.save(snap({}));
    rmSync(store.file);
    symlinkSync("/etc/hostname", store.file);
    await expect(store.load()).rejects.toThrow(/symbolic link/);
    chmodSync(join(root, "p"), 0o777);
    await expect(store.save(snap({}))).rejects.toThrow(/writable by its group/);
  });

  it("breaks a lock whose pid is dead", async () => {
    const store = new FsAllocationStore(root, { lockTimeoutMs: 1000, pollMs: 5 });
    writeFileSync(store.lockFile, `${DEAD_PID} abcdef\n`);
    await store.save(snap({}));
    expect(existsSync(store.lockFile)).toBe(false);
    expect(readdirSync(root).sort()).toEqual(["allocations.json"]);
  });
});
