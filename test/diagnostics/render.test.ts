import kleur from "kleur";
import { describe, it, expect } from "vitest";
import { renderDiagnostics, diagnosticsToJson, STYLES } from "../../src/diagnostics/render.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

const src = "uplink eth0\nns lxc1 < veth pair; addr 1.1.128.300/20 >\n";
const span = (line: number, col: number, len: number) => ({
  file: "x.nsnet",
  start: { offset: 0, line, column: col },
  end: { offset: len, line, column: col + len },
});

describe("renderDiagnostics", () => {
  const d: Diagnostic = {
    code: "NS104",
    severity: "error",
    message: "1.1.128.300 is not a valid IPv4 address",
    span: span(2, 27, 14),
    related: [{ span: span(1, 8, 4), message: "uplink declared here" }],
    hint: "an IPv4 octet is 0–255",
    suggestions: ["1.1.128.30/20"],
  };

  it("prints location, code, source line and a caret under the span", () => {
    const out = renderDiagnostics([d], { sources: new Map([["x.nsnet", src]]), color: false });
    const lines = out.split("\n");
    expect(lines[0]).toBe("x.nsnet:2:27: error[NS104]: 1.1.128.300 is not a valid IPv4 address");
    expect(lines[1]).toBe(" 2 | ns lxc1 < veth pair; addr 1.1.128.300/20 >");
    expect(lines[2]).toBe("   | " + " ".repeat(26) + "^".repeat(14));
    expect(out).toContain("note: x.nsnet:1:8: uplink declared here");
    expect(out).toContain("help: did you mean `1.1.128.30/20`?");
    expect(out).toContain("hint: an IPv4 octet is 0–255");
  });

  it("has no escape codes without colour and some with it", () => {
    const plain = renderDiagnostics([d], { sources: new Map([["x.nsnet", src]]), color: false });
    expect(plain).not.toMatch(/\u001b\[/);
    const coloured = renderDiagnostics([d], { sources: new Map([["x.nsnet", src]]), color: true });
    expect(coloured).toMatch(/\u001b\[/);
  });

  it("colours as kleur does, which the REPL and `up` use (the renderer writes the codes itself)", () => {
    kleur.enabled = true;
    const expected = {
      error: kleur.bold().red("x y"),
      warning: kleur.bold().yellow("x y"),
      info: kleur.bold().cyan("x y"),
      note: kleur.bold().blue("x y"),
      hint: kleur.bold().green("x y"),
      dim: kleur.dim("x y"),
      bold: kleur.bold("x y"),
    };
    expect(Object.fromEntries(Object.entries(STYLES).map(([k, f]) => [k, f("x y")]))).toEqual(expected);
  });

  it("renders JSON with the same data", () => {
    const parsed = JSON.parse(diagnosticsToJson([d]));
    expect(parsed.diagnostics[0]).toEqual(d);
  });
});
