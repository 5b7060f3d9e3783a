import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { buildFakeRepl, cleanBuilds, drive, tempDir, type Step } from "./pty-harness.js";

/** The terminal and pipe fronts over nsnet's compiler and a toy kernel (no sandbox needed). */
const PROMPT = "nsnet> ";
const CONT = "\\.\\.\\.> ";
const line = (text: string, expectAfter = PROMPT, timeout = 10): Step[] => [{ send: `${text}\r` }, { expect: expectAfter, timeout }];

function fakeResult(out: string): { namespaces: string[]; exec: { ns: string; argv: string[] }[]; accepted: string[] } {
  const m = /FAKE (\{.*\})/.exec(out);
  if (!m) throw new Error(`no FAKE line in:\n${out}`);
  return JSON.parse(m[1]!);
}

describe("REPL through a pseudo-terminal (toy kernel)", () => {
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
        ...line("  veth pair; addr 192.0.2.1/24", CONT),
        ...line(">", "ok: \\d+ ops in \\d+ ms"),
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
        ...line("ns h2 < veth pair; addr 192.0.2.2/24 >", "ok: \\d+ ops in \\d+ ms"),
        { expect: PROMPT },
        ...line("h1: ping -c1 -W1 h2"),
        ...line(".exit", "FAKE"),
        { wait_exit: 10 },
      ],
    });
    expect(r.reason).toBeNull();
    expect(r.exit).toBe(0);
    const t = r.transcript!;
    expect(t).toContain("nsnet> ns h1 <\n...>   veth pair; addr 192.0.2.1/24\n...> >\n");
    // the input as typed, not a line counted over the session
    expect(t).toContain("<input 2>:1:1: error[NS104]: unknown statement 'nss'");
    expect(t).toContain("nsnet> nat");
    const fake = fakeResult(t);
    // Ctrl-C dropped the half-typed `ns h9 <` and the typed `nat`; two Ctrl-C did not exit
    expect(fake.accepted).toEqual(["ns h1 <\n  veth pair; addr 192.0.2.1/24\n>", "ns h2 < veth pair; addr 192.0.2.2/24 >"]);
    expect(fake.namespaces).toEqual(["h1", "h2"]);
    expect(fake.exec).toEqual([{ ns: "h1", argv: ["ping", "-c1", "-W1", "192.0.2.2"] }]);
    const history = readFileSync(hist, "utf8");
    expect(history).toContain("h1: ping -c1 -W1 h2");
  });

  it("two REPLs sharing a history file at once: every line whole, and a third one's Up arrow offers the newest", async () => {
    const hist = join(tempDir(), "history");
    const run = (first: number, text: string) =>
      drive({
        argv: [process.execPath, main],
        env: { NSNET_HISTORY: hist },
        steps: [{ expect: PROMPT }, { send: "", pause: first }, ...line(text), { send: "", pause: 1.5 }, { send: ".exit\r" }, { wait_exit: 10 }],
      });
    // both open (and read) the file before either writes: node's writer left the longer tail
    await Promise.all([run(0.5, "# h1: sysctl -w net.ipv4.ip_forward=1"), run(1.2, "# ping h1 h3")]);
    const lines = readFileSync(hist, "utf8").split("\n");
    expect(lines.slice(0, 2)).toEqual(["# h1: sysctl -w net.ipv4.ip_forward=1", "# ping h1 h3"]);
    expect(lines.filter((l) => l !== "").every((l) => ["# h1: sysctl -w net.ipv4.ip_forward=1", "# ping h1 h3", ".exit"].includes(l))).toBe(true);
    const r = await drive({
      argv: [process.execPath, main],
      env: { NSNET_HISTORY: hist },
      steps: [
        { expect: PROMPT },
        { send: "\u001b[A" },
        { expect: "\\.exit" },
        { send: "\u001b[A" },
        { expect: "# ping h1 h3" },
        { send: "\u0015.exit\r" },
        { wait_exit: 10 },
      ],
    });
    expect(r.exit).toBe(0);
  });

  it("Tab completes by context: `veth to la` a bridge, not the pool `lab`; `ns ` the known namespaces only", async () => {
    const r = await drive({
      argv: [process.execPath, main],
      env: { NSNET_HISTORY: "" },
      steps: [
        { expect: PROMPT },
        ...line("pool lab 192.0.2.0/24", "ok"),
        { expect: PROMPT },
        ...line("bridge lan0", "ok: "),
        { expect: PROMPT },
        // one candidate: Tab writes it out, Enter applies the statement
        { send: "ns h1 < veth to la\t", pause: 0.3 },
        { send: "; addr auto from lab >\r" },
        { expect: "ok: \\d+ ops" },
        { expect: PROMPT },
        ...line("ns h2 < veth to lan0; addr auto from lab >", "ok: "),
        { expect: PROMPT },
        { send: "ns \t", pause: 0.3 },
        { send: "\t", pause: 0.3 },
        { expect: "h1\\s+h2" },
        { send: "\u0003" },
        { expect: PROMPT },
        ...line(".exit", "FAKE"),
        { wait_exit: 10 },
      ],
    });
    expect(r.reason, r.transcript).toBeNull();
    const t = r.transcript!;
    expect(t).toContain("nsnet> ns h1 < veth to lan0; addr auto from lab >");
    const listing = t.slice(t.lastIndexOf("ok: "), t.indexOf("nsnet> .exit"));
    expect(listing).toMatch(/h1\s+h2/);
    expect(listing).not.toMatch(/proxyarp|bridge|partition|lab\b/);
    expect(fakeResult(t).namespaces).toEqual(["h1", "h2"]);
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
    writeFileSync(input, "# a lab\nns h1 <\n  veth pair; addr 192.0.2.1/24\n>\nnss h2\nns h2 < veth pair; addr 192.0.2.2/24 >\nh2: echo h1\n");
    const r = await drive({ argv: [process.execPath, main], pipe: input });
    expect(r.exit).toBe(1);
    expect(r.stdout).not.toContain(PROMPT);
    // line 6 of the stream: the comment on line 1 counts
    expect(r.stdout).toContain("<stdin>:5:1: error[NS104]: unknown statement 'nss'");
    const fake = fakeResult(r.stdout!);
    expect(fake.namespaces).toEqual(["h1", "h2"]);
    expect(fake.exec).toEqual([{ ns: "h2", argv: ["echo", "192.0.2.1"] }]);
  });
});
