import { describe, expect, it } from "vitest";
import { CLI, inSandbox, scriptFile, type Step } from "./cli-sandbox.js";

// nsnet's state and allocation files (a --pool-file included) are regular files only: a FIFO
// in their place must not hang nsnet, a device must not be opened or written beside, and a
// copy of a corrupt file goes only into nsnet's own private directories (issue 19, item 10).
// Every nsnet run is bounded by timeout(1): a hang is exit 124, not a stuck test.
const NET = "pool p 192.0.2.0/24\nbridge br0 < addr 192.0.2.1/24 >\nns a < veth to br0; addr auto from p >\n";
const bounded = (...args: string[]): Step => ({ run: ["timeout", "20", process.execPath, CLI, ...args] });

describe("state and allocation files must be regular files (sandbox)", () => {
  it("a FIFO or a character device as --pool-file or state.json is refused at once, and nothing is written beside it", async () => {
    const f = scriptFile("pool.nsnet", NET);
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { run: ["mkdir", "-m", "700", "/run/pools"] },
      { run: ["mkfifo", "/run/pools/fifo"] },
      // /dev/null's own device numbers, made where nothing else lives
      { run: ["mknod", "/run/pools/null", "c", "1", "3"] },
      { write: "/run/pools/bad.json", text: "not json" },
      bounded("plan", f, "--pool-file", "/run/pools/fifo"),
      bounded("up", f, "--pool-file", "/run/pools/fifo"),
      bounded("up", f, "--pool-file", "/run/pools/null"),
      bounded("up", f, "--pool-file", "/run/pools/bad.json"),
      { run: ["ls", "-A", "/run/pools"] },
      { run: ["mkdir", "-p", "-m", "700", "/run/nsnet/ff"] },
      { run: ["mkfifo", "/run/nsnet/ff/state.json"] },
      bounded("down", "--project", "ff"),
      { run: ["find", "/var/lib/nsnet", "-name", "*.corrupt-*"] },
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [plan, upFifo, upNull, upBad, ls, , , downFifo, corrupt] = r.runs.slice(3);
    for (const x of [plan, upFifo, upNull, upBad, downFifo]) expect(x!.status, `${x!.argv.join(" ")}\n${x!.stderr}`).toBe(2);
    expect(plan!.stderr).toMatch(/\/run\/pools\/fifo is a FIFO, not a regular file/);
    expect(upFifo!.stderr).toMatch(/\/run\/pools\/fifo is a FIFO, not a regular file/);
    expect(upNull!.stderr).toMatch(/\/run\/pools\/null is a character device, not a regular file/);
    expect(downFifo!.stderr).toMatch(/state\.json is a FIFO, not a regular file/);
    // the corrupt pool file's copy is nsnet's, in its own private directory; nothing beside the user's files
    expect(upBad!.stderr).toMatch(/bad\.json is not valid JSON .*a copy was kept as \/var\/lib\/nsnet\/\.corrupt\/bad\.json\.corrupt-/);
    expect(ls!.stdout.trim().split("\n").sort()).toEqual(["bad.json", "fifo", "null"]);
    expect(corrupt!.stdout.trim().split("\n")).toHaveLength(1);
    expect(corrupt!.stdout).toMatch(/^\/var\/lib\/nsnet\/\.corrupt\/bad\.json\.corrupt-/);
    expect(r.dumps.after!.namespaces).toEqual(["z"]);
  }, 150_000);
});
