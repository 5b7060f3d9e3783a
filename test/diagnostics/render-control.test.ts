import { describe, it, expect } from "vitest";
import { renderDiagnostics, visible } from "../../src/diagnostics/render.js";
import { compileText } from "../../src/engine/compile.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";

// A script holding ESC]2;…BEL once retitled the terminal through a diagnostic: control
// characters from a file are shown escaped, never sent raw.
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe("control characters in diagnostics", () => {
  it("escapes C0, DEL and C1 controls, keeping text, tab and newline", () => {
    expect(visible("a\u001b]2;x\u0007b")).toBe("a\\x1b]2;x\\x07b");
    expect(visible("\u0000\u007f\u009b")).toBe("\\x00\\x7f\\x9b");
    expect(visible("tab\there\nnext — ünïcode")).toBe("tab\there\nnext — ünïcode");
  });

  it("a script with a terminal title sequence renders without raw controls, caret under the token", () => {
    const file = "ctl.nsnet";
    const text = "ns a\u001b]2;pwned\u0007 < veth pair >\n";
    const c = compileText(text, file);
    expect(c.diagnostics.length).toBeGreaterThan(0);
    const out = renderDiagnostics(c.diagnostics, { sources: new Map([[file, text]]), color: false });
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).toContain(" 1 | ns a\\x1b]2;pwned\\x07 < veth pair >");
    // the caret stands under `pwned\x07` as displayed, not where the raw column would put it
    const lines = out.split("\n");
    const i = lines.findIndex((l) => l.includes("unexpected 'pwned"));
    expect(lines[i]).toContain("unexpected 'pwned\\x07'");
    expect(lines[i + 2]).toBe("   | " + " ".repeat("ns a\\x1b]2;".length) + "^".repeat("pwned\\x07".length));
  });

  it("escapes the message, related notes, hint, suggestions and file name too", () => {
    const span = { file: "a\u001bb.nsnet", start: { offset: 0, line: 1, column: 1 }, end: { offset: 1, line: 1, column: 2 } };
    const d: Diagnostic = {
      code: "NS302",
      severity: "error",
      message: "no interface `e\u001b[2Jx`",
      span,
      related: [{ span, message: "see \u0007here" }],
      hint: "hint \u009b31m",
      suggestions: ["e\u0008th0"],
    };
    const out = renderDiagnostics([d], { sources: new Map(), color: true });
    // colour is ours (ESC [ … m around known words); nothing else may be a control
    expect(out.replace(/\u001b\[[0-9;]*m/g, "")).not.toMatch(RAW_CONTROL);
    expect(out).toContain("a\\x1bb.nsnet:1:1");
    expect(out).toContain("e\\x1b[2Jx");
    expect(out).toContain("see \\x07here");
    expect(out).toContain("hint \\x9b31m");
    expect(out).toContain("e\\x08th0");
  });
});
