import { describe, it, expect } from "vitest";
import { COMMAND_OPTIONS, checkOptions, parseCommandLine } from "../../src/cli/cli.js";
import { UsageError } from "../../src/cli/exit-codes.js";
import { runCli, tempScript } from "./run-cli.js";

const CARD = "uplink eth0\nhost < addr 1.1.128.2/20 on eth0; route default via 1.1.128.1 >\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >\n";

function refused(argv: string[]): string {
  try {
    checkOptions(parseCommandLine(argv));
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return "accepted";
}

describe("command-line options", () => {
  it("refuses --dry-run on up and points at plan (it used to apply for real)", () => {
    expect(refused(["up", "x.nsnet", "--dry-run"])).toBe(
      "unknown option --dry-run for `nsnet up`; to see what `up` would do without doing it, run `nsnet plan FILE`",
    );
    expect(refused(["x.nsnet", "--dry-run"])).toMatch(/^unknown option --dry-run/);
    expect(refused(["apply", "x.nsnet", "--dry-run"])).toMatch(/^unknown option --dry-run for `nsnet up`/);
  });

  it("refuses an option the command does not act on, e.g. check --format dot", () => {
    expect(refused(["check", "x.nsnet", "--format", "dot"])).toBe("unknown option --format for `nsnet check`");
    expect(refused(["fmt", "x.nsnet", "--explain"])).toMatch(/^unknown option --explain for `nsnet fmt`/);
    expect(refused(["graph", "x.nsnet", "--json"])).toMatch(/^unknown option --json for `nsnet graph`/);
    expect(refused(["show", "--state-dir", "/tmp/x"])).toMatch(/^unknown option --state-dir for `nsnet show`/);
    expect(refused(["up", "x.nsnet", "--format=sh"])).toMatch(/^unknown option --format for `nsnet up`/);
  });

  it("refuses unknown long and short options anywhere, with a suggestion when one is close", () => {
    expect(refused(["plan", "x.nsnet", "--explian"])).toBe("unknown option --explian for `nsnet plan` (did you mean --explain?)");
    expect(refused(["up", "-n", "x.nsnet"])).toMatch(/^unknown option -n /);
    expect(refused(["--bogus"])).toMatch(/^unknown option --bogus/);
    expect(refused(["plan", "x.nsnet", "--explain=yes"])).toBe("--explain takes no value");
  });

  it("accepts what each command documents, and -q/-v/-h everywhere", () => {
    expect(refused(["plan", "x.nsnet", "--format", "sh", "--explain", "--state-dir", "/tmp/s", "--project", "p", "-q"])).toBe("accepted");
    expect(refused(["check", "a.nsnet", "b.nsnet", "--json", "-v"])).toBe("accepted");
    expect(refused(["fmt", "a.nsnet", "--check"])).toBe("accepted");
    expect(refused(["graph", "a.nsnet", "--format", "mermaid"])).toBe("accepted");
    expect(refused(["down", "--project", "p"])).toBe("accepted");
    expect(refused(["sandbox", "a.nsnet", "--project", "p", "--", "ls", "--weird"])).toBe("accepted");
    for (const cmd of Object.keys(COMMAND_OPTIONS)) expect(refused([cmd, "--help"])).toBe("accepted");
  });

  it("exits 2 with the message and a pointer, not the whole usage text", async () => {
    const f = tempScript("card.nsnet", CARD);
    const r = await runCli(["check", f, "--format", "dot"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("nsnet check: unknown option --format for `nsnet check`\n(`nsnet check --help` shows the usage)\n");
  });

  it("a missing file is just the error (exit 2), without the usage text", async () => {
    for (const argv of [
      ["check", "/nonexistent/x.nsnet"],
      ["/nonexistent/x.nsnet", "check"],
      ["graph", "/nonexistent/x.nsnet"],
    ]) {
      const r = await runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nsnet (check|graph): cannot read \/nonexistent\/x\.nsnet: no such file\n$/);
    }
  });

  it("`nsnet repl MISSING` exits 2 with the same one line, before any session starts (it exited 1)", async () => {
    const r = await runCli(["repl", "/nonexistent/x.nsnet"], { input: "" });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("nsnet repl: cannot read /nonexistent/x.nsnet: no such file\n");
  });
});
