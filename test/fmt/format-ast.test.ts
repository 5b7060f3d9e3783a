import { describe, it, expect } from "vitest";
import type { Statement } from "../../src/ast/nodes.js";
import { format } from "../../src/fmt/format.js";
import { printArg, printExpr, printTemplate } from "../../src/fmt/print-expr.js";
import { at, bin, id, ifr, K, lines, n, neg, q, script, tpl, v } from "./build.js";

// Hand-built trees: the printer is tested without the parser.

const veth: Statement = { type: "Veth", keyword: K, pair: true, span: K };
const addr = (cidr: string, on?: string): Statement => ({
  type: "Addr",
  keyword: K,
  value: { kind: "static", cidr: tpl(cidr) },
  ...(on ? { on: ifr(on) } : {}),
  span: K,
});
const proxyarp: Statement = { type: "ProxyArp", keyword: K, on: ifr("eth0"), span: K };

describe("expressions", () => {
  it("uses the fewest parentheses", () => {
    expect(printExpr(bin("+", v("i"), n(1)))).toBe("$i + 1");
    expect(printExpr(bin("*", bin("+", v("a"), n(1)), n(2)))).toBe("($a + 1) * 2");
    expect(printExpr(bin("+", bin("*", v("a"), n(2)), n(1)))).toBe("$a * 2 + 1");
    expect(printExpr(bin("-", v("a"), bin("-", v("b"), v("c"))))).toBe("$a - ($b - $c)");
    expect(printExpr(bin("-", bin("-", v("a"), v("b")), v("c")))).toBe("$a - $b - $c");
    expect(printExpr(neg(bin("+", v("a"), n(1))))).toBe("-($a + 1)");
    expect(printExpr(neg(neg(v("a"))))).toBe("-(- $a)");
    expect(printExpr(neg(v("a")))).toBe("- $a");
    expect(printExpr(neg(n(4)))).toBe("-4");
    expect(printExpr({ type: "Member", object: id("p"), property: id("next"), span: K })).toBe("${p.next}");
    expect(printExpr({ type: "List", items: [n(1), { type: "String", value: q("x"), span: K }], span: K })).toBe('[1, "x"]');
  });
});

describe("templates", () => {
  it("keeps $name where unambiguous and braces where a name would glue on", () => {
    expect(printTemplate(tpl("c", v("i")))).toBe("c$i");
    expect(printTemplate(tpl("198.51.100.", bin("+", v("i"), n(1)), "/24"))).toBe("198.51.100.${i+1}/24");
    expect(printTemplate(tpl("x", bin("*", bin("+", v("i"), n(1)), neg(v("j")))))).toBe("x${(i+1)*-j}");
    expect(printTemplate(tpl("10.0.", v("n"), ".1/24"))).toBe("10.0.$n.1/24");
    expect(printTemplate(tpl(v("n"), "0"))).toBe("${n}0");
    expect(printTemplate(tpl(v("ns"), "_veth0"))).toBe("${ns}_veth0");
  });
  it("re-escapes quoted text", () => {
    expect(printTemplate(q('say "hi" \\ $5\n'))).toBe('"say \\"hi\\" \\\\ \\$5\\n"');
    expect(printTemplate(q("host ", v("x")))).toBe('"host $x"');
  });
});

describe("layout", () => {
  it("prints the card exactly", () => {
    const s = script(
      { type: "Uplink", keyword: K, name: tpl("eth0"), span: at(1) },
      { type: "Ns", keyword: K, name: tpl("lxc1"), body: [veth, addr("1.1.128.3/20"), proxyarp], span: at(2) },
    );
    expect(format(s)).toBe("uplink eth0\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >\n");
  });

  it("breaks a block of four statements, or one holding a block, over lines", () => {
    const four: Statement = { type: "Ns", keyword: K, name: tpl("a"), body: [veth, addr("1.1.1.1/24"), addr("1.1.1.2/24"), proxyarp], span: K };
    expect(format(script(four))).toBe("ns a <\n  veth pair\n  addr 1.1.1.1/24\n  addr 1.1.1.2/24\n  proxyarp on eth0\n>\n");
    const nested: Statement = {
      type: "Ns",
      keyword: K,
      name: tpl("b"),
      body: [{ type: "Bridge", keyword: K, name: tpl("br0"), body: [addr("1.1.1.254/24")], span: K }],
      span: K,
    };
    expect(format(script(nested))).toBe("ns b <\n  bridge br0 < addr 1.1.1.254/24 >\n>\n");
  });

  it("breaks a block wider than 100 columns", () => {
    const long = Array.from({ length: 3 }, (_, i) => addr(`2001:db8:aaaa:bbbb:cccc:dddd:eeee:${i}/64`, "eth0"));
    const out = format(script({ type: "Host", keyword: K, body: long, span: K }));
    expect(out.split("\n")[0]).toBe("host <");
    expect(out.split("\n").every((l) => l.length <= 100)).toBe(true);
  });

  it("prints empty blocks and blockless namespaces", () => {
    expect(format(script({ type: "Ns", keyword: K, name: tpl("a"), span: K }))).toBe("ns a\n");
    expect(format(script({ type: "Ns", keyword: K, name: tpl("a"), body: [], span: K }))).toBe("ns a < >\n");
  });

  it("keeps one blank line between paragraphs", () => {
    const s = script(
      { type: "Uplink", keyword: K, name: tpl("eth0"), span: at(1) },
      { type: "Uplink", keyword: K, name: tpl("eth1"), span: at(5) },
      { type: "Uplink", keyword: K, name: tpl("eth2"), span: at(6) },
    );
    expect(format(s)).toBe("uplink eth0\n\nuplink eth1\nuplink eth2\n");
  });
});

describe("comments", () => {
  it("keeps leading, trailing, header and dangling comments in place", () => {
    const body: Statement[] = [lines(veth, 4), lines(addr("1.1.128.3/20"), 6)];
    const ns = lines({ type: "Ns", keyword: K, name: tpl("lxc1"), body, span: K } as Statement, 3, 8);
    const s = script(lines({ type: "Uplink", keyword: K, name: tpl("eth0"), span: K } as Statement, 2), ns);
    const c = (text: string, line: number, col = 1) => ({ text, span: at(line, col, text.length) });
    const out = format(s, [
      c("#!/usr/bin/env nsnet", 1),
      c("# the uplink", 2, 60),
      c("# header", 3, 60),
      c("# about addr", 5),
      c("# trailing addr", 6, 60),
      c("# end of block", 7),
      c("# end of file", 10),
    ]);
    expect(out).toBe(
      [
        "#!/usr/bin/env nsnet",
        "uplink eth0  # the uplink",
        "ns lxc1 <  # header",
        "  veth pair",
        "  # about addr",
        "  addr 1.1.128.3/20  # trailing addr",
        "  # end of block",
        ">",
        "",
        "# end of file",
        "",
      ].join("\n"),
    );
  });
});

describe("command arguments", () => {
  it("keeps a joined argument one unquoted word", () => {
    expect(printArg(tpl("--dir=/srv/a b"))).toBe('--dir=/srv/a" b"');
    expect(printArg(tpl("a b"))).toBe('a" b"');
    expect(printArg(tpl(" a"))).toBe('""" a"');
    expect(printArg(q("a b"))).toBe('"a b"');
    expect(printArg(tpl("$5"))).toBe("$5");
    expect(printArg(tpl("x", v("y"), " z"))).toBe('x$y" z"');
  });
});
