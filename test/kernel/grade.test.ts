import { execa } from "execa";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI } from "./cli-sandbox.js";

/**
 * `nsnet grade` over a folder of the labs' solutions and broken versions (issue 22, done
 * when): each submission in a sandbox of its own, the class table right. Run in a pid
 * namespace of its own, like every sandboxed test: nothing it starts outlives it.
 */
const lab = (name: string) => join("examples/labs", name);

async function grade(
  name: string,
  subs: Record<string, string>,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; json: any; junit: string; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), `nsnet-grade-${name}-`));
  for (const [file, text] of Object.entries(subs)) writeFileSync(join(dir, `${file}.nsnet`), text);
  const checks = join(lab(name), "checks.nsnet");
  const run = (args: string[]) =>
    execa("unshare", ["--pid", "--fork", "--mount-proc", "--", process.execPath, CLI, "grade", checks, dir, ...extra, ...args], {
      reject: false,
      timeout: 300_000,
    });
  const t0 = Date.now();
  const text = await run(["--junit", join(dir, "junit.xml")]);
  const ms = Date.now() - t0;
  const json = await run(["--json"]);
  return {
    code: text.exitCode ?? 1,
    stdout: String(text.stdout),
    json: JSON.parse(String(json.stdout)),
    junit: readFileSync(join(dir, "junit.xml"), "utf8"),
    ms,
  };
}

const read = (name: string, v: string) => readFileSync(join(lab(name), `${v}.nsnet`), "utf8");
const rows = (stdout: string) => stdout.split("\n\n")[1]!.split("\n").slice(1);

describe("nsnet grade (sandboxed)", () => {
  it("router lab: the solution full marks, the start none, forwarding forgotten partial", async () => {
    const g = await grade("router", {
      solution: read("router", "solution"),
      start: read("router", "start"),
      "no-forward": read("router", "solution").replace("  sysctl net.ipv4.ip_forward = 1\n", ""),
      "does-not-check": "ns h1 <\n",
    });
    expect(g.code).toBe(0);
    expect(rows(g.stdout)).toEqual([
      "does-not-check   -   -   -   -   -  0/8 (does not check)",
      "no-forward       -   -   -   1   1  2/8",
      "solution         3   2   1   1   1  8/8",
      "start            -   -   -   -   -  0/8",
    ]);
    expect(g.stdout).toContain("  start #1: 198.51.100.10 unreachable: h1 → h3: 'h1' has no route to 198.51.100.10");
    expect(g.stdout).toContain("  no-forward #1: 198.51.100.10 unreachable: h1 → h3: 'r1' does not forward packets (net.ipv4.ip_forward is 0)");
    expect(g.json.submissions.map((s: any) => [s.name, s.status, s.score, s.max])).toEqual([
      ["does-not-check", "check-failed", 0, 8],
      ["no-forward", "graded", 2, 8],
      ["solution", "graded", 8, 8],
      ["start", "graded", 0, 8],
    ]);
    // the broken start's pings are proven broken from the script: no 4 s retries
    const start = g.json.submissions.find((s: any) => s.name === "start");
    expect(start.elapsedMs).toBeLessThan(8000);
    expect(g.junit).toContain('<testsuite name="solution" tests="5" failures="0"');
    expect(g.junit).toContain('<testsuite name="start" tests="5" failures="5"');
  }, 320_000);

  it("a submission's own commands are refused unless the teacher allows them", async () => {
    const sub = `${read("router", "solution")}exec h1 true\n`;
    const refused = await grade("router", { commands: sub });
    expect(rows(refused.stdout)).toEqual(["commands     -   -   -   -   -  0/8 (refused)"]);
    expect(refused.stdout).toContain("runs `true` as root (`exec`/`run in`); grade with --allow-commands");
    const allowed = await grade("router", { commands: sub }, ["--allow-commands"]);
    expect(rows(allowed.stdout)).toEqual(["commands     3   2   1   1   1  8/8"]);
  }, 320_000);

  it("NAT lab: the reversed nat loses the path and the masquerade checks, keeps the rest", async () => {
    const g = await grade("nat", { solution: read("nat", "solution"), start: read("nat", "start") });
    expect(rows(g.stdout)).toEqual(["solution     2   3   1   1  7/7", "start        -   -   1   1  2/7"]);
    expect(g.stdout).toMatch(/ {2}start #2: outside sees h1 as 192\.0\.2\.10$/m);
  }, 320_000);

  it("proxy ARP lab: the unpublished container is unreachable from the LAN, the published one is", async () => {
    const g = await grade("proxyarp", { solution: read("proxyarp", "solution"), start: read("proxyarp", "start") });
    expect(rows(g.stdout)).toEqual(["solution     3   2   1   2   1  9/9", "start        -   -   1   -   -  1/9"]);
    expect(g.stdout).toContain("hint: publish 192.0.2.11 on the LAN: `proxyarp on eth0` inside `ns c2`");
  }, 320_000);
});
