import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { buildFakeRepl, cleanBuilds, drive, tempDir, type Step } from "./pty-harness.js";

/** The terminal and pipe fronts over the fake engine: no kernel, so no sandbox needed. */
const PROMPT = "nsnet> ";
const CONT = "\\.\\.\\.> ";
const line = (text: string, expectAfter = PROMPT, timeout = 10): Step[] => [{ send: `${text}\r` }, { expect: expectAfter, timeout }];

function fakeResult(out: string): { applied: string[]; exec: { ns: string; argv: string[] }[]; accepted: string[] } {
  const m = /FAKE (\{.*\})/.exec(out);
  if (!m) throw new Error(`no FAKE line in:\n${out}`);
  return JSON.parse(m[1]!);
}

describe("REPL through a pseudo-terminal (fake engine)", () => {
  let main: string;
  beforeAll(async () => {
    main = await buildFakeRepl();
  });
  afterAll(cleanBuilds);

  it("blocks, mistakes, completion, Ctrl-C, NS: CMD, history", async () => {
    const dir = tempDir();
    const hist = join(dir, "history");
    const r = await drive({
      argv: [process.execPath, main],
      env: { NSNET_HISTORY: hist },
      steps: [
        { expect: PROMPT },
        ...line("ns h1 <", CONT),
        ...line("  addr 192.0.2.1/24", CONT),
        ...line(">", "ok: 1 op"),
        { expect: PROMPT },
        ...line("nss h2", "did you mean `ns`\\?"),
        { expect: PROMPT },
        { send: "na\t" },
        { expect: "nat" },
        { send: "\u0003" },
        { expect: PROMPT },
        ...line("ns h9 <", CONT),
        { send: "\u0003" },
        { expect: PROMPT },
        { send: "\u0003" },
        { expect: PROMPT },
        ...line("ns h2 < addr 192.0.2.2/24 >", "ok: 1 op"),
        { expect: PROMPT },
        ...line("h1: ping -c1 -W1 h2"),
        ...line(".exit", "FAKE"),
        { wait_exit: 10 },
      ],
    });
    expect(r.reason).toBeNull();
    expect(r.exit).toBe(0);
    const t = r.transcript!;
    expect(t).toContain("nsnet> ns h1 <\n...>   addr 192.0.2.1/24\n...> >\n");
    expect(t).toContain("<repl>:4:1: error[NS101]: unknown statement 'nss'");
    expect(t).toContain("nsnet> nat");
    const fake = fakeResult(t);
    // Ctrl-C dropped the half-typed `ns h9 <` and the typed `nat`; two Ctrl-C did not exit
    expect(fake.accepted).toEqual(["ns h1 <\n  addr 192.0.2.1/24\n>", "ns h2 < addr 192.0.2.2/24 >"]);
    expect(fake.exec).toEqual([{ ns: "h1", argv: ["ping", "-c1", "-W1", "192.0.2.2"] }]);
    const history = readFileSync(hist, "utf8");
    expect(history).toContain("h1: ping -c1 -W1 h2");
  });

  it("Ctrl-D leaves", async () => {
    const r = await drive({
      argv: [process.execPath, main],
      env: { NSNET_HISTORY: "" },
      steps: [{ expect: PROMPT }, { send: "\u0004" }, { expect: "FAKE" }, { wait_exit: 10 }],
    });
    expect(r.reason).toBeNull();
    expect(r.exit).toBe(0);
  });

  it("piped input: no prompts, statement by statement, non-zero exit after a failure", async () => {
    const dir = tempDir();
    const input = join(dir, "in.nsnet");
    writeFileSync(input, "# a lab\nns h1 <\n  addr 192.0.2.1/24\n>\nnss h2\nns h2 < addr 192.0.2.2/24 >\nh2: echo h1\n");
    const r = await drive({ argv: [process.execPath, main], pipe: input });
    expect(r.exit).toBe(1);
    expect(r.stdout).not.toContain(PROMPT);
    expect(r.stdout).toContain("unknown statement 'nss'");
    const fake = fakeResult(r.stdout!);
    expect(fake.applied).toEqual(["h1", "h2"]);
    expect(fake.exec).toEqual([{ ns: "h2", argv: ["echo", "192.0.2.1"] }]);
  });
});
