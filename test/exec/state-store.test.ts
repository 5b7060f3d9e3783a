import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LockBusyError, StateStore, projectName } from "../../src/exec/state-store.js";
import { opFromText } from "../plan/op-from-text.js";

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

  it("writes one applied op a line, without the effect its text already says, and reads it back whole", async () => {
    const s = new StateStore("p", dir);
    const applied = [
      opFromText(1, "host", "host", "netns add a", { inverse: "netns del a" }),
      { ...opFromText(2, "namespaces", "a", "link set lo up"), undoneWith: "namespace" as const },
      opFromText(3, "namespaces", "a", "addr add 192.0.2.1/24 dev lo", { inverse: "addr del 192.0.2.1/24 dev lo" }),
      // no inverse and nothing that undoes it (a sysctl whose value before was unknown)
      opFromText(4, "sysctl", "host", "net.ipv4.ip_forward=1", { tool: "sysctl" }),
      // an inverse computed from the value found before (sysctlOriginals)
      opFromText(5, "sysctl", "host", "net.ipv4.conf.all.proxy_arp=1", { tool: "sysctl", inverse: "net.ipv4.conf.all.proxy_arp=0" }),
    ];
    const sysctlOriginals = { host: { "net.ipv4.conf.all.proxy_arp": "0" } };
    const state = { version: 1 as const, project: "p", applied, sysctlOriginals, services: [], script: 'ns a < addr 192.0.2.1/24 on lo >\n# "applied":[]' };
    await s.writeState(state);
    const text = await readFile(join(s.dir, "state.json"), "utf8");
    expect(text.split("\n").filter((l) => l.includes('"effect"'))).toHaveLength(1);
    // the inverses nsnet computes from the text are not stored either
    expect(text).not.toContain('"inverse":{');
    expect(text.split("\n").filter((l) => l.includes('"text":'))).toHaveLength(5);
    expect(await s.readState()).toEqual(state);
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
