import { describe, it, expect } from "vitest";
import { CLI, inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

/**
 * The project lock is taken before the world is read and the plan made: two `up`s of one
 * project started together both succeed, the second finding nothing left to do.
 */
const SCRIPT = `bridge brc
for i in 1..20 < ns c$i < veth to brc; addr 192.0.2.\${i}/24 > >
`;

describe("concurrent runs of one project (sandbox)", () => {
  it("three ups started together all exit 0; one applies, the others are no-ops", async () => {
    const file = scriptFile("conc.nsnet", SCRIPT);
    const up = [process.execPath, CLI, "up", file, "--project", "c", "--json"];
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      // all three are made to wait for one holder, so they go on together when it is gone
      // (started together without one, process start-up alone often keeps them apart)
      { run: ["mkdir", "-p", "-m", "700", "/run/nsnet/c"] },
      { spawn: ["sleep", "1.5"], name: "holder" },
      { write: "/run/nsnet/c/lock", text: "{pid:holder}\n" },
      { parallel: [{ run: up }, { run: up }, { run: up }] },
      nsnet("down", file, "--project", "c"),
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const ups = r.runs.slice(1, 4);
    for (const u of ups) expect(u.status, u.stderr).toBe(0);
    const ops = ups.map((x) => (JSON.parse(x.stdout) as { ops: number }).ops).sort((x, y) => x - y);
    expect(ops.slice(0, 2)).toEqual([0, 0]);
    expect(ops[2]).toBeGreaterThan(50);
    expect(r.runs[4]!.status, r.runs[4]!.stderr).toBe(0);
    expect(r.dumps.after!.namespaces).toEqual(["z"]);
  });

  it("says once, on stderr, whose lock it waits for", async () => {
    const file = scriptFile("one.nsnet", "ns w1\n");
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { run: ["mkdir", "-p", "-m", "700", "/run/nsnet/w"] },
      // a live holder (a lock without a start time is held while its pid lives)…
      { spawn: ["sleep", "120"], name: "holder" },
      { write: "/run/nsnet/w/lock", text: "{pid:holder}\n" },
      {
        parallel: [
          { run: ["sh", "-c", 'exec "$0" "$@" 2>/run/up.err', process.execPath, CLI, "up", file, "--project", "w"] },
          // …that goes away only once the waiting run has said so, however slow its start
          { run: ["timeout", "60", "sh", "-c", "until grep -q 'waiting for project lock' /run/up.err 2>/dev/null; do sleep 0.1; done; kill {pid:holder}"] },
        ],
      },
      { read: "/run/up.err", as: "err" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [up, killer] = r.runs.slice(1);
    expect(up!.status, r.files.err ?? "").toBe(0);
    expect(killer!.status).toBe(0);
    const waits = (r.files.err ?? "").match(/nsnet: waiting for project lock held by pid (\d+)/g) ?? [];
    expect(waits).toEqual([`nsnet: waiting for project lock held by pid ${r.pids.holder}`]);
  });

  it("ups of different projects sharing one pool file, started together: no address is handed out twice", async () => {
    const pooled = (p: string) => `pool lan 192.0.2.0/24\nbridge br${p}\nfor i in 1..8 < ns ${p}$i < veth to br${p}; addr auto from lan > >\n`;
    const up = (p: string) => [process.execPath, CLI, "up", scriptFile(`${p}.nsnet`, pooled(p)), "--project", p, "--pool-file", "/run/pools/lab.json"];
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { run: ["mkdir", "-p", "-m", "700", "/run/pools"] },
      { parallel: [{ run: up("pa") }, { run: up("pb") }, { run: up("pc") }] },
      { dump: "after" },
      { read: "/run/pools/lab.json", as: "pools" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const u of r.runs.slice(1, 4)) expect(u.status, u.stderr).toBe(0);
    const addrs = Object.values(r.dumps.after!.places).flatMap((p) => p.addrs.map((a) => a.split(" ")[1]!));
    expect(addrs).toHaveLength(24);
    expect(new Set(addrs).size).toBe(24);
    const owners = Object.keys((JSON.parse(r.files.pools!) as { pools: { lan: { owners: Record<string, string> } } }).pools.lan.owners);
    expect(owners.filter((o) => o.startsWith("pa/"))).toHaveLength(8);
    expect(owners).toHaveLength(24);
  });
});
