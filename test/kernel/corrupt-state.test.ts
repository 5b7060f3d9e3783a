import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

/**
 * State files are data anything may have damaged. Each damaged file is refused with its
 * name and the problem (exit 2, never a stack trace), a copy is kept as FILE.corrupt-TIME,
 * and `down` still removes the project by the kernel's marks — namespace, bridge, service.
 */
const SCRIPT = `bridge brq
ns q1 < veth to brq; addr 192.0.2.5/24 >
run in q1 sleep 1000
`;

const DAMAGE: [string, string][] = [
  ["state.json", ""],
  ["state.json", "garbage{"],
  ["state.json", "[]"],
  ["state.json", "null"],
  ["state.json", '{"version":1}'],
  ["state.json", '{"version":1,"project":"c5","applied":"x","services":[],"sysctlOriginals":{}}'],
  ["journal.json", "garbage{"],
];

describe("damaged state files (sandbox)", () => {
  it("are refused by name with a copy kept; down removes the project by its marks", async () => {
    const file = scriptFile("q.nsnet", SCRIPT);
    const steps: Step[] = [];
    DAMAGE.forEach(([name, text], i) => {
      const p = `c${i}`;
      steps.push(
        nsnet("up", file, "--project", p),
        { write: `/run/nsnet/${p}/${name}`, text: text.replace('"c5"', `"${p}"`) },
        nsnet("up", file, "--project", p),
        nsnet("down", "--project", p),
        { run: ["ls", `/run/nsnet/${p}`] },
        { dump: p },
      );
    });
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), steps, { timeoutMs: 300_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    DAMAGE.forEach(([name, text], i) => {
      const [up1, up2, down, ls] = r.runs.slice(i * 4, i * 4 + 4);
      const what = `${name} = ${JSON.stringify(text)}`;
      expect(up1!.status, up1!.stderr).toBe(0);
      expect(up2!.status, `${what}: ${up2!.stderr}`).toBe(2);
      expect(up2!.stderr, what).toMatch(
        new RegExp(`/run/nsnet/c${i}/${name.replace(".", "\\.")}: .*a copy was kept as /run/nsnet/c${i}/${name.replace(".", "\\.")}\\.corrupt-`),
      );
      expect(up2!.stderr, what).not.toMatch(/\n\s+at /);
      expect(down!.status, `${what}: ${down!.stderr}`).toBe(0);
      expect(ls!.stdout, what).toMatch(new RegExp(`${name.replace(".", "\\.")}\\.corrupt-`));
      // nothing of the project is left: no namespace, no bridge, no service
      const d = r.dumps[`c${i}`]!;
      expect(d.namespaces, what).toEqual(["z"]);
      expect(
        d.places.host!.links.map((l) => l.name),
        what,
      ).not.toContain("brq");
    });
    const left = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [{ run: ["pgrep", "-x", "sleep"] }]);
    expect(left.runs[0]!.stdout).toBe("");
  }, 300_000);

  it("a state of a newer nsnet is refused and left as it is, by up and by down", async () => {
    const file = scriptFile("n.nsnet", "ns n1\n");
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      nsnet("up", file, "--project", "n"),
      { write: "/run/nsnet/n/state.json", text: '{"version":2,"project":"n","applied":[],"services":[],"sysctlOriginals":{}}' },
      nsnet("up", file, "--project", "n"),
      nsnet("down", "--project", "n"),
      { run: ["ls", "/run/nsnet/n"] },
    ]);
    const [, up2, down, ls] = r.runs;
    expect(up2!.status).toBe(2);
    expect(up2!.stderr).toMatch(/state\.json: written by a newer nsnet \(state version 2; this nsnet reads 1\); not touched/);
    expect(down!.status).toBe(2);
    expect(ls!.stdout).not.toMatch(/corrupt/);
  }, 120_000);

  it("a read-only state directory is a clear error (exit 2), not a stack trace", async () => {
    const one = scriptFile("r.nsnet", "ns r1\n");
    const two = scriptFile("r.nsnet", "ns r1\nns r2\n");
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      { run: ["mkdir", "-p", "/run/ro"] },
      { run: ["mount", "-t", "tmpfs", "-o", "mode=0700", "ro", "/run/ro"] },
      nsnet("up", one, "--project", "r", "--state-dir", "/run/ro"),
      { run: ["mount", "-o", "remount,ro", "/run/ro"] },
      nsnet("up", two, "--project", "r", "--state-dir", "/run/ro"),
      { dump: "after" },
    ]);
    expect(r.runs.slice(0, 4).map((x) => x.status)).toEqual([0, 0, 0, 0]);
    const up = r.runs[4]!;
    expect(up.status, up.stderr).toBe(2);
    expect(up.stderr).toMatch(/^nsnet up: .*\/run\/ro\/.*(read-only|EROFS)/m);
    expect(up.stderr).not.toMatch(/\n\s+at /);
    // nothing was applied: the run could not even take its lock
    expect(r.dumps.after!.namespaces).toEqual(["r1", "z"]);
  }, 120_000);

  it("a damaged allocations.json is refused by name with a copy kept; removing it starts afresh", async () => {
    const file = scriptFile("al.nsnet", "pool lan 192.0.2.0/24\nbridge bra\nns al1 < veth to bra; addr auto from lan >\n");
    const dir = "/var/lib/nsnet/al";
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      nsnet("up", file, "--project", "al"),
      { write: `${dir}/allocations.json`, text: "garbage{" },
      nsnet("up", file, "--project", "al"),
      { run: ["ls", dir] },
      { run: ["rm", `${dir}/allocations.json`] },
      nsnet("up", file, "--project", "al"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [up1, up2, ls, , up3] = r.runs;
    expect(up1!.status, up1!.stderr).toBe(0);
    expect(up2!.status, up2!.stderr).toBe(2);
    expect(up2!.stderr).toMatch(
      /\/var\/lib\/nsnet\/al\/allocations\.json is not valid JSON .*a copy was kept as .*allocations\.json\.corrupt-.*remove it to start afresh/,
    );
    expect(up2!.stderr).not.toMatch(/\n\s+at /);
    expect(ls!.stdout).toMatch(/allocations\.json\.corrupt-/);
    expect(up3!.status, up3!.stderr).toBe(0);
  }, 120_000);
});
