import { describe, it, expect } from "vitest";
import { classifyInput, splitWords, LineAssembler } from "../../src/repl/input.js";
import { isIncomplete } from "../../src/syntax/parse.js";

describe("classifyInput", () => {
  it("tells dot-commands, exec forms, ping and statements apart", () => {
    expect(classifyInput(".save out.nsnet")).toEqual({ kind: "command", name: "save", arg: "out.nsnet" });
    expect(classifyInput(".undo")).toEqual({ kind: "command", name: "undo", arg: "" });
    expect(classifyInput("h1: ping -c1 h2")).toEqual({ kind: "exec", ns: "h1", argv: ["ping", "-c1", "h2"] });
    expect(classifyInput("exec h1 ip -br addr")).toEqual({ kind: "exec", ns: "h1", argv: ["ip", "-br", "addr"] });
    expect(classifyInput("exec x ls")).toEqual({ kind: "exec", ns: "x", argv: ["ls"] });
    expect(classifyInput("ping h1 h2")).toEqual({ kind: "ping", a: "h1", b: "h2" });
    expect(classifyInput("pingall")).toEqual({ kind: "pingall" });
    expect(classifyInput("ns h1 < veth; addr 192.0.2.1/24 >")).toEqual({ kind: "statement", text: "ns h1 < veth; addr 192.0.2.1/24 >" });
    expect(classifyInput("  # only a comment\n")).toEqual({ kind: "empty" });
    expect(classifyInput("")).toEqual({ kind: "empty" });
  });

  it("reports malformed REPL forms instead of guessing", () => {
    expect(classifyInput("h1:").kind).toBe("invalid");
    expect(classifyInput("ping h1").kind).toBe("invalid");
    expect(classifyInput("h1: echo 'open").kind).toBe("invalid");
    expect(classifyInput("..").kind).toBe("invalid");
  });

  it("does not mistake a qualified reference inside a statement for the shorthand", () => {
    expect(classifyInput("nat from ve-+ to host:eth0").kind).toBe("statement");
  });
});

describe("splitWords", () => {
  it("groups quotes without any shell meaning", () => {
    expect(splitWords(`echo "a b" 'c $d' e\\f "q\\"x"`)).toEqual(["echo", "a b", "c $d", "e\\f", 'q"x']);
    expect(splitWords(`sh -c "echo; rm -rf /"`)).toEqual(["sh", "-c", "echo; rm -rf /"]);
    expect(splitWords(`""`)).toEqual([""]);
    expect(splitWords(`"open`)).toMatch(/unterminated/);
  });
});

describe("LineAssembler", () => {
  const fake = { isIncomplete };
  it("waits for an open block to close", () => {
    const a = new LineAssembler((t) => fake.isIncomplete(t));
    expect(a.push("ns h1 <")).toBeNull();
    expect(a.pending).toBe(true);
    expect(a.push("  addr 192.0.2.1/24")).toBeNull();
    expect(a.push(">")).toBe("ns h1 <\n  addr 192.0.2.1/24\n>");
    expect(a.pending).toBe(false);
    expect(a.push("ns h2")).toBe("ns h2");
  });

  it("takes a dot-command on its own line at once, keeps an unterminated block for flush", () => {
    const a = new LineAssembler((t) => fake.isIncomplete(t));
    expect(a.push(".help")).toBe(".help");
    expect(a.push("ns h1 <")).toBeNull();
    expect(a.flush()).toBe("ns h1 <");
    expect(a.flush()).toBeNull();
  });

  it("reset drops a half-typed block (Ctrl-C)", () => {
    const a = new LineAssembler((t) => fake.isIncomplete(t));
    a.push("ns h1 <");
    a.reset();
    expect(a.push("ns h2")).toBe("ns h2");
  });
});

describe("LineAssembler robustness", () => {
  it("treats a failing isIncomplete as complete instead of dying", () => {
    const a = new LineAssembler(() => {
      throw new Error("lexer bug");
    });
    expect(a.push("ns h1 <")).toBe("ns h1 <");
  });
});
