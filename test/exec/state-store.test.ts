import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockBusyError, StateStore, projectName } from "../../src/exec/state-store.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "nsnet-state-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("project names", () => {
  it("derives a sanitized name with a hash of the absolute path", () => {
    const a = projectName("/srv/x/my lab.nsnet");
    expect(a).toMatch(/^my_lab-[0-9a-f]{8}$/);
    expect(projectName("/srv/y/my lab.nsnet")).not.toBe(a);
    expect(projectName("/srv/x/my lab.nsnet")).toBe(a);
  });
  it("validates --project", () => {
    expect(projectName("x", "web_1")).toBe("web_1");
    for (const bad of ["../x", "a b", "", "a".repeat(33), "x/y"]) expect(() => projectName("x", bad)).toThrow(/invalid project name/);
  });
});

describe("state store", () => {
  it("writes atomically and reads back; no temp files remain", async () => {
    const s = new StateStore("p", dir);
    expect((await s.readState()).applied).toEqual([]);
    await s.writeState({ version: 1, project: "p", applied: [], sysctlOriginals: { host: { k: "0" } }, services: [] });
    expect((await s.readState()).sysctlOriginals).toEqual({ host: { k: "0" } });
    expect(await readdir(s.dir)).toEqual(["state.json"]);
  });

  it("serialises runs: a held lock is busy, a dead holder's lock is stale and broken", async () => {
    const s = new StateStore("p", dir);
    const release = await s.lock();
    await expect(new StateStore("p", dir).lock({ waitMs: 0 })).rejects.toThrow(LockBusyError);
    await expect(new StateStore("p", dir).lock({ waitMs: 100 })).rejects.toThrow(/locked by another nsnet run \(pid \d+/);
    await release();
    const again = await s.lock({ waitMs: 0 });
    await again();
    // a pid that cannot exist
    await writeFile(s.lockPath, "2147483646\n");
    const r = await s.lock({ waitMs: 0 });
    expect((await readFile(s.lockPath, "utf8")).split(" ")[0]).toBe(String(process.pid));
    await r();
  });

  it("a waiting run gets the lock once the holder releases it", async () => {
    const s = new StateStore("p", dir);
    const release = await s.lock();
    setTimeout(() => void release(), 100);
    const r2 = await new StateStore("p", dir).lock({ waitMs: 2000 });
    await r2();
  });
});
