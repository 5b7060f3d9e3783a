import { describe, it, expect } from "vitest";
import { expand } from "../../src/expand/expand.js";
import { expandCodes } from "../../src/diagnostics/codes/expand.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { Script, Statement } from "../../src/ast/nodes.js";
import * as h from "./ast-helpers.js";

const covered = new Set<string>();

/** Expand and expect exactly one diagnostic of `code` at line:col. */
function one(script: Script, code: string, line: number, column: number, opts: Partial<Parameters<typeof expand>[1]> = {}): Diagnostic {
  const { diagnostics } = expand(script, { file: h.FILE, ...opts });
  expect(diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`)).toEqual([`${code}@${line}:${column}`]);
  covered.add(code);
  return diagnostics[0]!;
}

describe("NS2xx diagnostics point at the offending token", () => {
  it("NS201 undefined variable, with did-you-mean over names in scope", () => {
    const d = one(h.script(h.letS("count", h.num(3)), h.ns(h.t("c", h.v("countt", h.at(2, 6, 7))))), "NS201", 2, 6);
    expect(d.message).toBe("undefined variable `$countt`");
    expect(d.suggestions).toEqual(["count"]);
  });
  it("NS202 unknown def, with did-you-mean", () => {
    const d = one(h.script(h.def("container", ["n"]), h.call("contianer", [h.num(1)], h.at(4, 1, 9))), "NS202", 4, 1);
    expect(d.suggestions).toEqual(["container"]);
  });
  it("NS203 wrong number of arguments: at the call, related: the def", () => {
    const def = h.def("c", ["a", "b"]);
    const d = one(h.script(def, h.call("c", [h.num(1)], h.at(5, 3, 4))), "NS203", 5, 3);
    expect(d.message).toBe("`c` takes 2 arguments, but this call gives 1");
    expect(d.related?.[0]?.span).toEqual(def.name.span);
  });
  it("NS204 recursion stops at the depth limit and says it", () => {
    const d = one(h.script(h.def("f", [], h.call("f", [], h.at(1, 12, 3))), h.call("f")), "NS204", 1, 12, { limits: { maxDepth: 10 } });
    expect(d.message).toContain("10");
    expect(d.related?.some((r) => r.message.includes("call of `f`"))).toBe(true);
  });
  it("NS205 a loop too large, at the range, with the limit", () => {
    const loop = h.forRange("i", h.num(1), h.num(1_000_000), h.ns(h.t("c", h.v("i"))));
    loop.iter.span = h.at(1, 10, 12);
    const d = one(h.script(loop), "NS205", 1, 10);
    expect(d.message).toContain("100,000");
    expect(d.hint).toContain("1,000,000");
  });
  it("NS205 counts nested loops together", () => {
    const inner = h.forRange("j", h.num(1), h.num(10), h.ns(h.t("c", h.v("i"), "-", h.v("j"))));
    inner.iter.span = h.at(2, 12, 5);
    const { diagnostics, topology } = expand(h.script(h.forRange("i", h.num(1), h.num(10), inner)), { file: h.FILE, limits: { maxIterations: 50 } });
    expect(diagnostics.map((d) => d.code)).toEqual(["NS205"]);
    expect(topology.namespaces.length).toBe(40);
  });
  it("NS206 use of a missing file, with the resolved path in the hint", () => {
    const d = one(h.script(h.use("stdlib/nosuch", h.at(1, 5, 15))), "NS206", 1, 5, { load: () => ({ error: "looked for /repo/stdlib/nosuch.nsnet" }) });
    expect(d.hint).toContain("/repo/stdlib/nosuch.nsnet");
    const e = one(h.script(h.use("x", h.at(1, 5, 3))), "NS206", 1, 5);
    expect(e.message).toContain("no file loader");
  });
  it("NS207 division by zero, at the divisor", () => {
    one(h.script(h.letS("n", h.bin(h.num(4), "/", h.num(0, h.at(1, 13))))), "NS207", 1, 13);
  });
  it("NS208 type error: a list plus a number", () => {
    const d = one(h.script(h.letS("l", h.list(h.num(1))), h.letS("n", h.bin(h.v("l"), "+", h.num(1), h.at(2, 9, 5)))), "NS208", 2, 9);
    expect(d.message).toBe("type error: `+` needs two numbers, got a list and a number");
  });
  it("NS208 a list cannot become text; text + text hints at templates", () => {
    one(h.script(h.letS("l", h.list(h.num(1))), h.ns(h.t("c", h.v("l", h.at(2, 5, 2))))), "NS208", 2, 5);
    const d = one(h.script(h.letS("s", h.bin(h.str("a"), "+", h.str("b"), h.at(1, 9, 7)))), "NS208", 1, 9);
    expect(d.hint).toContain("template");
  });
  it("NS209 an address invalid after interpolation, at the address, in its iteration", () => {
    const cidr = h.tAt(h.at(3, 10, 25), "198.51.100.", h.bin(h.v("i"), "+", h.num(250)), "/24");
    const loop = h.forRange("i", h.num(1), h.num(10), h.ns(h.t("c", h.v("i")), [h.veth(), h.addr(cidr)]));
    const d = one(h.script(loop), "NS209", 3, 10);
    expect(d.message).toBe("198.51.100.256/24 is not a valid address");
    expect(d.related?.some((r) => r.message === "when i = 6")).toBe(true);
  });
  it("NS209 pools need a prefix; gateways must not have one; tcp targets need a port", () => {
    one(h.script({ ...h.pool("lan", "x"), cidr: h.tAt(h.at(1, 10, 8), "10.0.0.0") }), "NS209", 1, 10);
    const r = h.route("default", { via: "x" });
    r.via = h.tAt(h.at(2, 20, 11), "192.0.2.1/24");
    one(h.script(h.ns("a", [r])), "NS209", 2, 20);
    const e = h.expectTcp("x", "a");
    if (e.kind === "tcp") e.target = h.tAt(h.at(3, 12, 9), "192.0.2.1");
    one(h.script(e), "NS209", 3, 12);
  });
  it("NS210 an interface name over 15 bytes after interpolation, at the name", () => {
    const d = one(h.script(h.ns("a", [h.veth({ as: h.tAt(h.at(1, 18, 9), "interface", h.num(1234567)) })])), "NS210", 1, 18);
    expect(d.message).toContain("interface1234567");
    expect(d.message).toContain("16 bytes");
  });
  it("NS211 invalid namespace names, and `host`", () => {
    one(h.script(h.ns("1234", [], h.at(1, 4, 4))), "NS211", 1, 4);
    const d = one(h.script(h.ns("host", [], h.at(2, 4, 4))), "NS211", 2, 4);
    expect(d.hint).toContain("host < … >");
  });
  it("NS212 statements where they mean nothing, at the keyword", () => {
    const v = h.veth();
    v.keyword = h.at(1, 1, 4);
    const d = one(h.script(v), "NS212", 1, 1);
    expect(d.message).toBe("`veth` is not allowed at the top level");
    expect(d.hint).toContain("ns NAME");
    const a = h.addr("192.0.2.1/24");
    a.keyword = h.at(2, 1, 4);
    expect(one(h.script(a), "NS212", 2, 1).hint).toContain("host < … >");
    const p = h.proxyarp("eth0");
    p.keyword = h.at(3, 8, 8);
    one(h.script(h.host(p)), "NS212", 3, 8);
    const n = h.ns("inner");
    n.keyword = h.at(4, 9, 2);
    one(h.script(h.ns("outer", [n])), "NS212", 4, 9);
    const u = h.uplink("eth0");
    u.keyword = h.at(5, 9, 6);
    one(h.script(h.ns("x", [u])), "NS212", 5, 9);
    const inHandler = h.veth();
    inHandler.keyword = h.at(6, 20, 4);
    one(h.script(h.on("add", "ve-*", inHandler)), "NS212", 6, 20);
  });
  it("NS213 address without prefix (warning)", () => {
    const d = one(h.script(h.ns("a", [h.veth(), h.addr(h.tAt(h.at(1, 20, 9), "10.0.0.23"))])), "NS213", 1, 20);
    expect(d.severity).toBe("warning");
    expect(d.message).toContain("10.0.0.23/32");
  });
  it("NS214 invalid sysctl key, NS215 invalid value", () => {
    one(h.script(h.host(h.sysctl(h.tAt(h.at(1, 15, 19), "net/ipv4/ip_forward"), "1"))), "NS214", 1, 15);
    const s = h.sysctl("net.ipv4.ip_forward", "x");
    s.value = h.tAt(h.at(2, 30, 3), "1\n2");
    one(h.script(h.host(s)), "NS215", 2, 30);
  });
  it("NS222 a machine-wide sysctl key inside a namespace, NS223 at host level without `machine`", () => {
    one(h.script(h.ns("a", [h.sysctl(h.tAt(h.at(1, 15, 20), "kernel.core_pattern"), "|/tmp/x")])), "NS222", 1, 15);
    one(h.script(h.ns("a", [h.sysctl(h.tAt(h.at(1, 23, 14), "vm.drop_caches"), "3", true)])), "NS222", 1, 23);
    one(h.script(h.host(h.sysctl(h.tAt(h.at(2, 15, 14), "vm.drop_caches"), "3"))), "NS223", 2, 15);
    expect(expand(h.script(h.host(h.sysctl("vm.drop_caches", "3", true))), { file: h.FILE }).diagnostics).toEqual([]);
  });
  it("NS216 numbers out of range: VLAN id, ports, status, split", () => {
    const d = one(h.script(h.ns("a", [h.vlan(h.num(5000, h.at(1, 6, 4)), "eth0")])), "NS216", 1, 6);
    expect(d.message).toBe("A VLAN id must be a whole number from 1 to 4094, got 5000");
    const pm = h.portmap(8080, "web", 80);
    pm.hostPort = h.num(70000, h.at(2, 9, 5));
    one(h.script(pm), "NS216", 2, 9);
    const sp = h.pool("p", "10.0.0.0/8");
    sp.split = { prefix: 40, span: h.at(3, 25, 3) };
    one(h.script(sp), "NS216", 3, 25);
  });
  it("NS217 up/down of an interface nobody creates, with did-you-mean", () => {
    const d = one(h.script(h.ns("a", [h.veth(), h.linkState("down", h.ref("eth1", h.at(1, 15, 4)))])), "NS217", 1, 15);
    expect(d.suggestions).toEqual(["eth0"]);
    const e = one(h.script(h.host(h.linkState("up", h.ref("enp9s0", h.at(2, 10, 6))))), "NS217", 2, 10);
    expect(e.hint).toContain("uplink enp9s0");
  });
  it("NS218 a qualified reference in the wrong namespace", () => {
    const r = h.route("default", { via: "192.0.2.1" });
    r.dev = h.ref("b:eth0", h.at(1, 40, 6));
    one(h.script(h.ns("a", [r])), "NS218", 1, 40);
    const p = h.proxyarp("x");
    p.on = h.ref("lxc2:eth0", h.at(2, 20, 9));
    one(h.script(h.ns("a", [p])), "NS218", 2, 20);
  });
  it("NS219 unknown function, NS220 member expressions", () => {
    one(h.script(h.letS("n", { type: "Call", callee: h.id("size", h.at(1, 9, 4)), args: [], span: h.at(1, 9, 6) })), "NS219", 1, 9);
    one(h.script(h.letS("a", { type: "Member", object: h.id("lan"), property: h.id("next"), span: h.at(2, 9, 8) })), "NS220", 2, 9);
  });
  it("NS221 `down lo` is a warning", () => {
    expect(one(h.script(h.ns("a", [h.linkState("down", h.ref("lo", h.at(1, 12, 2)))])), "NS221", 1, 12).severity).toBe("warning");
  });
  it("NS224 a pattern that does not compile, at the pattern", () => {
    const e: Extract<Statement, { type: "Expect" }> = {
      type: "Expect",
      keyword: h.at(1, 1, 6),
      span: h.at(1, 1, 40),
      kind: "command",
      from: h.t("a"),
      argv: [h.t("ip")],
      pattern: { kind: "regex", source: "default (via", flags: "", span: h.at(1, 20, 14) },
    };
    const d = one(h.script(h.ns("a"), e), "NS224", 1, 20);
    expect(d.message).toMatch(/^\/default \(via\/ is not a valid pattern: /);
  });
  it("a repeated mistake inside a loop is reported once", () => {
    const loop = h.forRange("i", h.num(1), h.num(50), h.ns(h.t("c", h.v("nope", h.at(1, 30, 5)))));
    expect(expand(h.script(loop), { file: h.FILE }).diagnostics).toHaveLength(1);
  });
  it("covers every code in the catalog", () => {
    expect(expandCodes.map((c) => c.code).filter((c) => !covered.has(c))).toEqual([]);
  });
});
