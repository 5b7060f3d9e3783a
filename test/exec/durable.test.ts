import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { keepCorruptCopy, readFileNoFollow } from "../../src/exec/durable.js";

// nsnet's files are regular files: a FIFO in their place is refused at once (it used to block
// the read forever), a device is refused without being opened, and a corrupt file's copy is
// the text read, written where nsnet says — never beside a path that is not nsnet's (issue 19 item 10).
describe("readFileNoFollow", () => {
  it("refuses a FIFO at once instead of waiting for a writer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-durable-"));
    const fifo = join(dir, "state.json");
    execFileSync("mkfifo", [fifo]);
    const t0 = Date.now();
    await expect(readFileNoFollow(fifo)).rejects.toThrow(/state\.json is a FIFO, not a regular file/);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("refuses a character device and a directory", async () => {
    await expect(readFileNoFollow("/dev/null")).rejects.toThrow(/\/dev\/null is a character device, not a regular file/);
    await expect(readFileNoFollow(tmpdir())).rejects.toThrow(/is a directory, not a regular file/);
  });

  it("still reads a regular file, and an absent one is null", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-durable-"));
    writeFileSync(join(dir, "f"), "text");
    expect(await readFileNoFollow(join(dir, "f"))).toBe("text");
    expect(await readFileNoFollow(join(dir, "absent"))).toBeNull();
  });
});

describe("keepCorruptCopy", () => {
  it("writes the text it is given into the directory it is told, privately", async () => {
    const user = mkdtempSync(join(tmpdir(), "nsnet-user-"));
    const own = join(mkdtempSync(join(tmpdir(), "nsnet-own-")), ".corrupt");
    const pool = join(user, "pool.json");
    writeFileSync(pool, "not json");
    const copy = await keepCorruptCopy(pool, "not json", own);
    expect(copy).toMatch(/\.corrupt\/pool\.json\.corrupt-/);
    expect(readFileSync(copy!, "utf8")).toBe("not json");
    expect(statSync(copy!).mode & 0o777).toBe(0o600);
    expect(statSync(own).mode & 0o777).toBe(0o700);
    expect(readdirSync(user)).toEqual(["pool.json"]);
  });
});
