import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * The build (scripts/bundle.mjs, run by `npm run build`) needs no root and does no kernel
 * work: the only process it starts is node, running the built nsnet's `check` to train the
 * code cache. (It once trained a hook's functions by handling a udev event inside
 * `unshare --mount --net`, which needs root and makes links.)
 */
const source = readFileSync(new URL("../../scripts/bundle.mjs", import.meta.url), "utf8");

describe("the build", () => {
  it("starts no process but node (no unshare, no ip, no shell)", () => {
    const spawns = [...source.matchAll(/\b(spawnSync|spawn|execFileSync|execFile|execSync|exec)\(\s*([^,)]+)/g)].map((m) => m[2]!.trim());
    expect(spawns.length).toBeGreaterThan(0);
    expect(spawns.filter((first) => first !== "process.execPath")).toEqual([]);
    expect(source).not.toMatch(/\bunshare\b|\bnsenter\b|\bip (netns|link|addr|route)\b/);
  });

  it("trains the code cache with the built nsnet's check only", () => {
    const trainings = [...source.matchAll(/spawnSync\(process\.execPath, \[STUB, "([\w-]+)"/g)].map((m) => m[1]);
    expect(trainings).toEqual(["check"]);
  });
});
