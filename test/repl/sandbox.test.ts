import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { buildCli, canSandbox, cleanBuilds, drive, engineLanded, repo, tempDir, type Captured, type Step } from "./pty-harness.js";

/**
 * The real REPL (built CLI, real engine, real kernel) — only ever inside a fresh
 * `unshare --mount --net` sandbox that the pty driver checks before it mounts anything.
 * Addresses: 192.0.2.0/24 only. Every wait and every ping is bounded.
 */
const PROMPT = "nsnet> ";
const CONT = "\\.\\.\\.> ";
const line = (text: string, expectAfter = PROMPT, timeout = 20): Step[] => [{ send: `${text}\r` }, { expect: expectAfter, timeout }];

const STATE = ["--state-dir", "/run/nsnet", "--project", "repltest"];
const DUMPS = [
  ["ip", "-j", "netns", "list"],
  ["ip", "-j", "addr", "show"],
  ["ip", "-j", "-n", "h1", "addr", "show"],
  ["ip", "-j", "-n", "h2", "addr", "show"],
];

interface IpAddrEntry {
  ifname: string;
  flags?: string[];
  master?: string;
  link_type?: string;
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

/** What must match between two sandboxes: names, masters, admin state, addresses (no
 *  ifindexes, MACs or IPv6 link-local addresses, which differ every time). */
function normalize(dumps: Captured[]): string[] {
  const out: string[] = [];
  for (const d of dumps) {
    const where = d.argv.includes("-n") ? d.argv[d.argv.indexOf("-n") + 1] : "host";
    if (d.argv.includes("netns")) {
      const list = d.stdout.trim() ? (JSON.parse(d.stdout) as { name: string }[]) : [];
      out.push(
        `netns ${list
          .map((n) => n.name)
          .sort()
          .join(",")}`,
      );
      continue;
    }
    const entries = d.stdout.trim() ? (JSON.parse(d.stdout) as IpAddrEntry[]) : [];
    for (const e of entries) {
      if (e.ifname === "lo") continue;
      const addrs = (e.addr_info ?? [])
        .filter((a) => a.scope !== "link")
        .map((a) => `${a.local}/${a.prefixlen}`)
        .sort();
      out.push(`${where} ${e.ifname} ${e.link_type ?? ""} up=${(e.flags ?? []).includes("UP")} master=${e.master ?? "-"} ${addrs.join(",")}`);
    }
  }
  return out.sort();
}

const ready = engineLanded() && (await canSandbox());

describe.skipIf(!ready)("REPL in a sandbox (real engine, real kernel)", () => {
  let main: string;
  beforeAll(async () => {
    main = await buildCli();
  }, 300_000);
  afterAll(cleanBuilds);

  it("applies statements as typed, pings between namespaces, and .save reproduces the same state", async () => {
    const dir = tempDir();
    const saved = join(dir, "saved.nsnet");
    const a = await drive({
      sandbox: true,
      argv: [process.execPath, main, "repl", ...STATE],
      env: { NSNET_HISTORY: join(dir, "history"), NO_COLOR: "1" },
      steps: [
        { expect: PROMPT, timeout: 20 },
        ...line("bridge br0", "ok: "),
        { expect: PROMPT },
        ...line("ns h1 <", CONT),
        ...line("  veth to br0", CONT),
        ...line("  addr 192.0.2.1/24", CONT),
        ...line(">", "ok: "),
        { expect: PROMPT },
        ...line("ns h2 < veth to br9; addr 192.0.2.2/24 >", "error\\["),
        { expect: PROMPT },
        ...line("ns h2 < veth to br0; addr 192.0.2.2/24 >", "ok: "),
        { expect: PROMPT },
        { send: "na\t" },
        { expect: "nat" },
        { send: "\u0003" },
        { expect: PROMPT },
        ...line("h1: ping -c1 -W1 h2", "1 received"),
        { expect: PROMPT },
        ...line("pingall", "reachable"),
        { expect: PROMPT },
        // Ctrl-C stops a command run in a namespace, not the REPL
        { send: "h1: sleep 30\r", pause: 1 },
        { send: "\u0003" },
        { expect: "exit \\d+", timeout: 5 },
        { expect: PROMPT, timeout: 5 },
        ...line(`.save ${saved}`, "saved 3 statements"),
        { expect: PROMPT },
        ...line(".show", "ns h2"),
        { expect: PROMPT },
        ...line(".exit", "$", 5),
        { wait_exit: 15 },
      ],
      post: [...DUMPS, [process.execPath, main, "show"]],
    });
    expect(a.reason, a.transcript).toBeNull();
    expect(a.exit).toBe(0);
    const t = a.transcript!;
    expect(t).toContain("nsnet> ns h1 <\n...>   veth to br0\n...>   addr 192.0.2.1/24\n...> >\n");
    expect(t).toMatch(/<input 3>:1:17: error\[NS\d+\].*br9.*\n 1 \| ns h2 < veth to br9.*\n +\| +\^\^\^\n/);
    expect(t).toMatch(/h1\s+·\s+ok [0-9.]+ms\nh2\s+ok [0-9.]+ms\s+·/);
    expect(t).toContain("2/2 reachable");
    // `.show` is `nsnet show`, host side included
    const shown = t.slice(t.indexOf("nsnet> .show\n") + "nsnet> .show\n".length, t.lastIndexOf("nsnet> .exit"));
    const cli = a.post[DUMPS.length]!;
    expect(cli.code, cli.stderr).toBe(0);
    expect(shown).toBe(cli.stdout);
    expect(shown).toContain("bridge br0");

    const script = readFileSync(saved, "utf8");
    expect(script).toContain("bridge br0");
    expect(script).not.toContain("br9");

    // A fresh sandbox: `nsnet up` of the saved file gives the same live state.
    const b = await drive({
      sandbox: true,
      pre: [[process.execPath, main, "up", saved, ...STATE]],
      argv: ["true"],
      steps: [{ wait_exit: 10 }],
      post: DUMPS,
    });
    expect(b.pre[0]!.code, b.pre[0]!.stderr).toBe(0);
    const before = normalize(a.post.slice(0, DUMPS.length));
    expect(before).toContain("netns h1,h2");
    expect(before.some((l) => /^h1 eth0 .*192\.0\.2\.1\/24/.test(l))).toBe(true);
    expect(normalize(b.post)).toEqual(before);
  }, 240_000);

  it("`nsnet sandbox FILE` on a terminal: Ctrl-C stops only the command (ping prints its statistics); the lab, the REPL and the shell go on", async () => {
    const r = await drive({
      sandbox: true,
      cwd: repo,
      // the shell's next command on the same line must run too (bash stops a list when a
      // child dies of SIGINT)
      argv: ["bash", "-c", `${process.execPath} ${main} sandbox examples/demo.nsnet; echo "after the sandbox: $?"`],
      env: { NSNET_HISTORY: "", NO_COLOR: "1" },
      steps: [
        { expect: PROMPT, timeout: 60 },
        { send: "h1: ping h3\r" },
        { expect: "bytes from 192\\.0\\.2\\.\\d+", timeout: 10 },
        { send: "\u0003" },
        { expect: "--- 192\\.0\\.2\\.\\d+ ping statistics ---", timeout: 10 },
        { expect: PROMPT, timeout: 10 },
        // the lab is still there: its namespaces answer, its service too
        ...line("h2: ping -c1 -W1 h1", "1 received"),
        { expect: PROMPT },
        ...line("web: ip -br addr", "198\\.51\\.100\\.3/24"),
        { expect: PROMPT },
        ...line(".exit", "after the sandbox: 0", 30),
        { wait_exit: 15 },
      ],
    });
    expect(r.reason, r.transcript).toBeNull();
    expect(r.exit, r.transcript).toBe(0);
  }, 240_000);

  it("the demo's tour without a terminal (what ./scripts/demo runs when piped)", async () => {
    const r = await drive({
      sandbox: true,
      cwd: repo,
      argv: [process.execPath, main, "sandbox", "examples/demo.nsnet", "--", process.execPath, main, "repl", "examples/demo.nsnet"],
      pipe: join(repo, "examples/demo-tour.repl"),
      env: { NO_COLOR: "1" },
      timeout: 180,
    });
    expect(r.exit, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain("12/12 reachable");
    expect(r.stdout).toContain("undone: `ns h4 <");
    expect(r.stderr).not.toMatch(/error/i);
    // the commands it types are shown, each before its output, so the tour can be followed
    const at = (s: string) => (r.stdout ?? "").indexOf(s);
    for (const typed of [".nodes", "pingall", "h1: ip -br addr", "ns h4 < veth to br0; addr auto from lab; route default via 192.0.2.1 >", ".undo"]) {
      expect(r.stdout).toContain(`nsnet> ${typed}\n`);
    }
    expect(at("nsnet> pingall\n")).toBeLessThan(at("12/12 reachable"));
    expect(at("12/12 reachable")).toBeLessThan(at("nsnet> h1: ip -br addr\n"));
    expect(at("nsnet> .undo\n")).toBeLessThan(at("undone: `ns h4 <"));
  }, 240_000);

  it("piped input: statement by statement, exec output, .undo, non-zero exit after a mistake", async () => {
    const dir = tempDir();
    const input = join(dir, "in.nsnet");
    const first = join(dir, "first.nsnet");
    writeFileSync(first, "# loaded before the piped statements\nbridge br0\n");
    writeFileSync(
      input,
      [
        "ns h1 <",
        "  veth to br0",
        "  addr 192.0.2.1/24",
        ">",
        "ns h2 < veth to br0; addr 192.0.2.9/24 >",
        "ns h3 < veth to br0; addr 192.0.2.1/24 >",
        "h2: ping -c1 -W1 h1",
        "ping h1 h2",
        ".undo",
        "",
      ].join("\n"),
    );
    const r = await drive({ sandbox: true, argv: [process.execPath, main, "repl", first, ...STATE], pipe: input, env: { NO_COLOR: "1" }, post: DUMPS });
    expect(r.exit, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(PROMPT);
    expect(r.stdout).toContain("1 received");
    expect(r.stderr).toMatch(/error\[NS\d+\]/); // the duplicate 192.0.2.1 on br0's segment
    expect(r.stdout).toContain("undone: `ns h2 <");
    const after = normalize(r.post);
    expect(after).toContain("netns h1");
    expect(after.some((l) => /^host h1_veth0 \S* up=true master=br0/.test(l))).toBe(true);
  }, 240_000);

  it("piped: .load diagnostics at FILE:line, .undo into a loaded file removes it, .undo of a `run in` stops the service", async () => {
    const dir = tempDir();
    const lab = join(dir, "lab.nsnet");
    const svc = join(dir, "svc.nsnet");
    const bad = join(dir, "bad.nsnet");
    const input = join(dir, "in.repl");
    writeFileSync(lab, "bridge br0\nns h1 < veth to br0; addr 192.0.2.1/24 >\nns h2 < veth to br0; addr 192.0.2.2/24 >\nexpect h1 reaches h2\n");
    writeFileSync(svc, "ns s1 < veth pair; addr 192.0.2.9/24 >\nrun in s1 sleep 4712\n");
    writeFileSync(bad, "# one namespace\nns h4 < veth to br9 >\n");
    writeFileSync(
      input,
      [
        `.load ${lab}`,
        "run in h1 sleep 4711",
        'h1: pgrep -f -x "sleep 4711"',
        ".undo",
        'h1: pgrep -f -x "sleep 4711"',
        "ns h3 < veth to br0; addr 192.0.2.3/24 >",
        ".undo",
        ".undo",
        `.load ${svc}`,
        ".undo",
        `.load ${bad}`,
        ".show",
        ".down",
        "",
      ].join("\n"),
    );
    const r = await drive({
      sandbox: true,
      argv: [process.execPath, main, "repl", ...STATE],
      pipe: input,
      env: { NO_COLOR: "1" },
      post: [
        ["ip", "netns", "list"],
        ["ip", "-br", "link", "show", "br0"],
        ["pgrep", "-f", "-x", "sleep 471[12]"],
      ],
    });
    expect(r.stdout).toContain("expect h1 reaches h2: ok");
    // the service ran (pgrep printed its pid), .undo stopped it (the second pgrep found nothing)
    expect(r.stdout).toContain("undone: `run in h1 sleep 4711`");
    expect(r.stdout?.match(/^\d+$/gm)).toHaveLength(1);
    expect(r.stderr?.match(/^exit 1$/gm)).toHaveLength(1);
    expect(r.stdout).toContain("undone: `ns h3 <");
    expect(r.stdout).toContain(`undone: .load ${lab}`);
    expect(r.stdout).toContain(`undone: .load ${svc}`);
    expect(r.stderr).toContain(`${bad}:2:17: error[NS304]: no bridge \`br9\``);
    expect(r.stderr).not.toMatch(/internal error|JSON argv|cannot undo/);
    expect(r.exit, r.stderr).toBe(1);
    // before `.down`: nothing left of the loaded files
    expect(r.stdout).not.toMatch(/^ns [hs]\d\b/m);
    expect(r.stdout).toContain("ok: removed everything");
    const [netns, br0, sleeps] = r.post;
    expect(netns!.stdout.trim()).toBe("");
    expect(br0!.code).not.toBe(0);
    expect(sleeps!.stdout).toBe("");
  }, 240_000);
});
