import { describe, expect, it } from "vitest";
import type { Statement, Template, Expr } from "../../src/ast/nodes.js";
import { parse } from "../../src/syntax/parse.js";

/** The tree without spans, for readable shape assertions. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "span" || k === "keyword" ? undefined : v)));
}
function one(src: string): Statement {
  const r = parse(src, "t.nsnet");
  expect(r.diagnostics).toEqual([]);
  expect(r.script.body).toHaveLength(1);
  return r.script.body[0]!;
}
const text = (t: string) => ({ type: "Template", quoted: false, parts: [{ kind: "text", text: t }] });
const lit = (src: string, t: Template) => t.parts.map((p) => src.slice(p.span.start.offset, p.span.end.offset)).join("");

describe("AST shapes", () => {
  it("the card example", () => {
    const r = parse("uplink eth0\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >\n", "card");
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.script.body)).toEqual([
      { type: "Uplink", name: text("eth0") },
      {
        type: "Ns",
        name: text("lxc1"),
        body: [
          { type: "Veth", pair: true },
          { type: "Addr", value: { kind: "static", cidr: text("1.1.128.3/20") } },
          { type: "ProxyArp", on: { type: "IfRef", name: text("eth0") } },
        ],
      },
    ]);
  });

  it("interpolated address: one template, text and expression parts with their own spans", () => {
    const src = "addr 198.51.100.${i+1}/24";
    const s = one(src);
    expect(shape(s)).toEqual({
      type: "Addr",
      value: {
        kind: "static",
        cidr: {
          type: "Template",
          quoted: false,
          parts: [
            { kind: "text", text: "198.51.100." },
            { kind: "expr", expr: { type: "Binary", op: "+", left: { type: "Var", name: "i" }, right: { type: "Number", value: 1 } } },
            { kind: "text", text: "/24" },
          ],
        },
      },
    });
    const cidr = (s as Extract<Statement, { type: "Addr" }>).value as { cidr: Template };
    expect(lit(src, cidr.cidr)).toBe("198.51.100.${i+1}/24");
    const e = (cidr.cidr.parts[1] as { expr: Expr }).expr as Extract<Expr, { type: "Binary" }>;
    expect(src.slice(e.right.span.start.offset, e.right.span.end.offset)).toBe("1");
    expect(e.right.span.start.column).toBe(21);
  });

  it("names with $var and ${expr}", () => {
    expect(shape((one("ns c$i") as Extract<Statement, { type: "Ns" }>).name)).toEqual({
      type: "Template",
      quoted: false,
      parts: [
        { kind: "text", text: "c" },
        { kind: "expr", expr: { type: "Var", name: "i" } },
      ],
    });
    expect(shape((one("veth ${ns}_veth0") as Extract<Statement, { type: "Veth" }>).farName)).toEqual({
      type: "Template",
      quoted: false,
      parts: [
        { kind: "expr", expr: { type: "Var", name: "ns" } },
        { kind: "text", text: "_veth0" },
      ],
    });
  });

  it("IfRef NS:IF with spans on both halves", () => {
    const src = "veth to gw:br0";
    const s = one(src) as Extract<Statement, { type: "Veth" }>;
    expect(shape(s.to)).toEqual({ type: "IfRef", ns: text("gw"), name: text("br0") });
    expect(s.to!.name.span.start.column).toBe(12);
    expect(shape((one("nat from ve-+ to host:eth0") as Extract<Statement, { type: "Nat" }>).to)).toEqual({
      type: "IfRef",
      ns: text("host"),
      name: text("eth0"),
    });
    expect(shape((one("veth peer b:eth3") as Extract<Statement, { type: "Veth" }>).peer)).toEqual({ ns: text("b"), name: text("eth3") });
  });

  it("IPv6 addresses and CIDRs are single tokens, not IfRefs", () => {
    expect(shape(one("addr 2001:db8::1/64 on eth1"))).toEqual({
      type: "Addr",
      value: { kind: "static", cidr: text("2001:db8::1/64") },
      on: { type: "IfRef", name: text("eth1") },
    });
    expect(shape(one("route default via fe80::1 dev eth0"))).toMatchObject({ via: text("fe80::1") });
  });

  it("portmap NS:PORT and expect tcp ADDR:PORT", () => {
    expect(shape(one("portmap udp 5353 to web:53"))).toEqual({
      type: "Portmap",
      proto: "udp",
      hostPort: { type: "Number", value: 5353 },
      ns: text("web"),
      port: { type: "Number", value: 53 },
    });
    expect(shape(one("portmap 8080 to web:80"))).toMatchObject({ proto: "tcp" });
    expect(shape(one("expect tcp 10.0.0.2:8080 open from client"))).toEqual({
      type: "Expect",
      kind: "tcp",
      target: text("10.0.0.2:8080"),
      from: text("client"),
    });
    expect(shape(one("expect tcp [2001:db8::1]:80 open from c"))).toMatchObject({ target: text("[2001:db8::1]:80") });
  });

  it("expect http with a bare or quoted URL", () => {
    expect(shape(one("expect http http://10.0.0.2:8080/a.txt status 200 from c"))).toEqual({
      type: "Expect",
      kind: "http",
      url: text("http://10.0.0.2:8080/a.txt"),
      status: { type: "Number", value: 200 },
      from: text("c"),
    });
    expect(shape(one('expect http "http://h/x y" status 404 from c'))).toMatchObject({
      url: { quoted: true, parts: [{ kind: "text", text: "http://h/x y" }] },
    });
  });

  it("run-in argv: words, quoted words with interpolation, glued pieces; never shell syntax", () => {
    const s = one('run in web sh -c "echo ${n} > /tmp/x; ls | wc # no comment" --port=80 $dir') as Extract<Statement, { type: "Run" }>;
    expect(shape(s.ns)).toEqual(text("web"));
    expect(shape(s.argv)).toEqual([
      text("sh"),
      text("-c"),
      {
        type: "Template",
        quoted: true,
        parts: [
          { kind: "text", text: "echo " },
          { kind: "expr", expr: { type: "Var", name: "n" } },
          { kind: "text", text: " > /tmp/x; ls | wc # no comment" },
        ],
      },
      text("--port=80"),
      { type: "Template", quoted: false, parts: [{ kind: "expr", expr: { type: "Var", name: "dir" } }] },
    ]);
  });

  it("an unquoted ; or > ends a command", () => {
    const r = parse("ns a < run in a sleep 1 >; exec a true; ns b", "t");
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.script.body)).toEqual([
      { type: "Ns", name: text("a"), body: [{ type: "Run", ns: text("a"), argv: [text("sleep"), text("1")] }] },
      { type: "Exec", ns: text("a"), argv: [text("true")] },
      { type: "Ns", name: text("b") },
    ]);
  });

  it("continuation joins lines; blocks span lines", () => {
    const r = parse("pool p \\\n  10.0.0.0/8 \\\n  split /24\nns a <\n\n  veth\n  addr auto from p\n>\n", "t");
    expect(r.diagnostics).toEqual([]);
    expect(shape(r.script.body)).toEqual([
      { type: "Pool", name: { type: "Ident", name: "p" }, cidr: text("10.0.0.0/8"), split: { prefix: 24 }, reserve: [] },
      {
        type: "Ns",
        name: text("a"),
        body: [
          { type: "Veth", pair: false },
          { type: "Addr", value: { kind: "auto", pool: { type: "Ident", name: "p" } } },
        ],
      },
    ]);
    expect(r.script.body[0]!.span.end.line).toBe(3);
  });

  it("expressions: precedence, unary minus, lists, calls, members", () => {
    expect(shape((one("let x = 1 + 2 * -$n") as Extract<Statement, { type: "Let" }>).value)).toEqual({
      type: "Binary",
      op: "+",
      left: { type: "Number", value: 1 },
      right: { type: "Binary", op: "*", left: { type: "Number", value: 2 }, right: { type: "Unary", op: "-", operand: { type: "Var", name: "n" } } },
    });
    expect(shape((one("let y = ${p.next}") as Extract<Statement, { type: "Let" }>).value)).toEqual({
      type: "Member",
      object: { type: "Ident", name: "p" },
      property: { type: "Ident", name: "next" },
    });
    expect(shape(one("mk(web, [1, 2], f(3))"))).toEqual({
      type: "CallStmt",
      callee: { type: "Ident", name: "mk" },
      args: [
        { type: "String", value: text("web") },
        {
          type: "List",
          items: [
            { type: "Number", value: 1 },
            { type: "Number", value: 2 },
          ],
        },
        { type: "Call", callee: { type: "Ident", name: "f" }, args: [{ type: "Number", value: 3 }] },
      ],
    });
  });

  it("keywords are contextual: namespaces may be called lan, up, to", () => {
    const r = parse("ns lan\nns up < veth to to >\nbridge from", "t");
    expect(r.diagnostics).toEqual([]);
    expect(r.script.body.map((s) => s.type)).toEqual(["Ns", "Ns", "Bridge"]);
  });

  it("comments are returned with spans, # inside strings is not a comment", () => {
    const src = 'ns a # one\n# two\nexec a echo "#x"\n';
    const r = parse(src, "t");
    expect(r.comments.map((c) => c.text)).toEqual(["# one", "# two"]);
    expect(r.comments[1]!.span.start).toEqual({ offset: 11, line: 2, column: 1 });
  });

  it("every node of a statement carries a span inside the source", () => {
    const src = "ns a < veth vh0 as eth1 to gw:br0; addr 10.0.0.${i}/24 on eth1 >";
    const s = one(src) as Extract<Statement, { type: "Ns" }>;
    const veth = s.body![0] as Extract<Statement, { type: "Veth" }>;
    expect(src.slice(veth.span.start.offset, veth.span.end.offset)).toBe("veth vh0 as eth1 to gw:br0");
    expect(src.slice(veth.keyword.start.offset, veth.keyword.end.offset)).toBe("veth");
    expect(src.slice(veth.as!.span.start.offset, veth.as!.span.end.offset)).toBe("eth1");
  });
});
