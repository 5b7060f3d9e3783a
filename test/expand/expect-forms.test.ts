import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { format } from "../../src/fmt/format.js";
import { parse } from "../../src/syntax/parse.js";
import { mainLexer } from "../../src/syntax/tokens.js";

/** The expect forms of issue 22 item 4 through the front half: parse, expand, check, fmt. */
const ROUTER = `ns r1 <
  veth as h1 peer h1:eth0
  addr 192.0.2.1/24
  veth as h3 peer h3:eth0
  addr 198.51.100.1/24
  sysctl net.ipv4.ip_forward = 1
>
ns h1 < addr 192.0.2.10/24 on eth0; route default via 192.0.2.1 >
ns h3 < addr 198.51.100.10/24 on eth0; route default via 198.51.100.1 >
`;
const compile = (text: string) => compileWithFsLoader(text, "t.nsnet");
const codes = (text: string) => compile(text).diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`);
const canonical = (text: string) => format(parse(text, "t.nsnet").script, []);

describe("expect: via, sees, route, sysctl, command, points", () => {
  const CHECKS = `expect h1 reaches h3 via r1 points 3
expect h3 sees h1 as 192.0.2.10
expect h1 route default via 192.0.2.1 dev eth0 points 2
expect h3 route 198.51.100.0/24
expect r1 sysctl net.ipv4.ip_forward = 1
expect h1: ping -c1 -W1 h3 matches /1 received/i points 0
expect host: ip neigh show proxy matches "192\\\\.0"
`;

  it("expand to the topology's expectations, with their points", () => {
    const c = compile(ROUTER + CHECKS);
    expect(c.diagnostics).toEqual([]);
    const strip = c.addressed!.expects.map(({ span: _s, fromSpan: _f, ...e }) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.endsWith("Span"))));
    expect(strip).toEqual([
      { kind: "reach", from: "h1", to: "h3", negate: false, via: "r1", points: 3 },
      { kind: "sees", watcher: "h3", from: "h1", as: "192.0.2.10" },
      { kind: "route", from: "h1", dst: "default", via: "192.0.2.1", dev: "eth0", points: 2 },
      { kind: "route", from: "h3", dst: "198.51.100.0/24" },
      { kind: "sysctl", from: "r1", key: "net.ipv4.ip_forward", value: "1" },
      { kind: "command", from: "h1", argv: ["ping", "-c1", "-W1", "h3"], pattern: "1 received", flags: "i", points: 0 },
      { kind: "command", from: "host", argv: ["ip", "neigh", "show", "proxy"], pattern: "192\\.0", flags: "" },
    ]);
  });

  it("print back as written (fmt), a fixed point", () => {
    const text = ROUTER + CHECKS;
    const out = canonical(text);
    expect(out).toContain("expect h1 reaches h3 via r1 points 3\n");
    expect(out).toContain("expect h1: ping -c1 -W1 h3 matches /1 received/i points 0\n");
    expect(out).toContain('expect host: ip neigh show proxy matches "192\\\\.0"\n');
    expect(out).toContain("expect h1 route default via 192.0.2.1 dev eth0 points 2\n");
    expect(canonical(out)).toBe(out);
  });

  it("a word `matches` inside the command is quoted when printed, so it reads back the same", () => {
    const text = `${ROUTER}expect h1: grep "matches" /etc/hosts matches /x/\n`;
    const c = compile(text);
    expect(c.addressed!.expects.at(-1)).toMatchObject({ argv: ["grep", "matches", "/etc/hosts"], pattern: "x" });
    expect(canonical(text)).toContain('expect h1: grep "matches" /etc/hosts matches /x/\n');
  });

  it("/…/ is a pattern only right after `matches`: paths and prefixes stay words", () => {
    const kinds = (t: string) => mainLexer.tokenize(t).tokens.map((k) => k.tokenType.name);
    expect(kinds("exec h1 ls /srv/files/")).not.toContain("RegexLit");
    expect(kinds("pool p 10.0.0.0/8 split /24")).not.toContain("RegexLit");
    expect(kinds("expect h1: x matches /a b/")).toContain("RegexLit");
    expect(kinds("exec h1 grep matches /etc/hosts")).not.toContain("RegexLit");
    // an exec keeps such a word as its argument, text unchanged
    const c = compile(`${ROUTER}exec h1 echo matches /a/\n`);
    expect(c.addressed!.execs[0]!.argv).toEqual(["echo", "matches", "/a/"]);
  });

  it("mistakes are diagnostics at their token", () => {
    expect(codes(`${ROUTER}expect h1: ip route matches /default (via/\n`)).toEqual(["NS224@10:29"]);
    // flags are i, m, s: `/x/g` is no pattern (a word), so the statement lacks one
    expect(codes(`${ROUTER}expect h1: ip route matches /x/g\n`)).toEqual(["NS101@10:33"]);
    expect(codes(`${ROUTER}expect h1 route nowhere\n`)).toEqual(["NS209@10:17"]);
    expect(codes(`${ROUTER}expect h1 route default via r1\n`)).toEqual(["NS209@10:29"]);
    expect(codes(`${ROUTER}expect r1 sysctl ip_forward = 1\n`)).toEqual(["NS214@10:18"]);
    expect(codes(`${ROUTER}expect h1 reaches h3 points -1\n`)).toEqual(["NS216@10:29"]);
    expect(codes(`${ROUTER}expect h1 reaches h3 via r9\n`)).toEqual(["NS301@10:26"]);
    expect(codes(`${ROUTER}expect h9 sees h1 as 192.0.2.10\n`)).toEqual(["NS301@10:8"]);
    expect(codes(`${ROUTER}expect h3 sees h1 as r1\n`)).toEqual(["NS209@10:22"]);
  });

  it("the sandbox's lan is a place an expect may name, in a script with an uplink", () => {
    const up = "uplink eth0\nhost < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns c < veth pair; addr 192.0.2.10/24; proxyarp on eth0 >\n";
    expect(codes(`${up}expect lan reaches c\nexpect c reaches lan\nexpect lan: ip neigh matches /c/\n`)).toEqual([]);
    expect(codes(`${ROUTER}expect lan reaches h1\n`)).toEqual(["NS301@10:8"]);
  });
});
