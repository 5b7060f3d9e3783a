import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

/** `nsnet why` as a user runs it (the built CLI), on the labs, without the kernel (--static). */
describe("nsnet why", () => {
  it("names the first break with its line and the fix; exit 1", async () => {
    const r = await runCli(["why", "examples/labs/router/start.nsnet", "h1", "h3", "--static"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(
      [
        "why h1 → h3 (198.51.100.10), in nsnet's model of examples/labs/router/start.nsnet:",
        "h1 → h3:",
        "  h1    ✗ lost here",
        "examples/labs/router/start.nsnet:17:1: error[NS601]: h1 → h3: 'h1' has no route to 198.51.100.10",
        " 17 | ns h1 < addr 192.0.2.10/24 on eth0 >",
        "    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^",
        "hint: add `route default via 192.0.2.1` inside `ns h1` (r1 is on its link and knows the way)",
        "",
      ].join("\n"),
    );
  });

  it("walks the solution there and back; exit 0", async () => {
    const r = await runCli(["why", "examples/labs/nat/solution.nsnet", "h1", "outside", "--static"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("  r1       in lan, forwards by 203.0.113.0/24 dev wan (connected), masquerade 192.0.2.10 as 203.0.113.1 → outside:eth0\n");
    expect(r.stdout).toContain(
      "  r1       in wan, reply to 203.0.113.1 is for 192.0.2.10 (NAT undone), forwards by 192.0.2.0/24 dev lan (connected) → h1:eth0\n",
    );
    expect(r.stdout).toMatch(/reachable: h1 → r1 → outside, and back\n$/);
  });

  it("--json: the walk and the finding as a diagnostic record", async () => {
    const r = await runCli(["why", "examples/labs/proxyarp/start.nsnet", "lan", "c2", "--static", "--json"]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ from: "lan", to: "c2", address: "192.0.2.11", source: "model", reachable: false });
    expect(j.finding).toMatchObject({ code: "NS603", severity: "error", span: { start: { line: 18, column: 1 } } });
    expect(j.finding.hint).toContain("`proxyarp on eth0` inside `ns c2`");
    expect(j.legs[0].hops[0]).toMatchObject({ place: "lan", out: "eth0", src: "192.0.2.1" });
  });

  it("usage: unknown ends, escaped; wrong arity", async () => {
    const bad = await runCli(["why", "examples/labs/router/start.nsnet", "h1", "nope\u001b]2;x\u0007", "--static"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("no namespace or address nope\\x1b]2;x\\x07");
    expect(bad.stderr).not.toContain("\u001b");
    expect((await runCli(["why", "examples/labs/router/start.nsnet", "h1", "--static"])).code).toBe(2);
    expect((await runCli(["why", "examples/labs/router/start.nsnet", "h1", "h3", "--offline"])).code).toBe(2);
  });

  it("a script with errors: the diagnostics, exit 1", async () => {
    const r = await runCli(["why", "test/fixtures/check/fail/unknown-namespace.nsnet", "a", "b", "--static"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[NS30\d\]/);
  });
});
