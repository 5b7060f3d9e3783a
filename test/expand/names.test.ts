import { describe, it, expect } from "vitest";
import {
  escapeText,
  isValidIfName,
  isValidNsName,
  validateIdent,
  validateIfName,
  validateIfPattern,
  validateNsName,
  validateSysctlKey,
  validateSysctlValue,
} from "../../src/model/names.js";

describe("interface names (docs/architecture.md §8)", () => {
  it("accepts kernel-valid names up to 15 bytes", () => {
    for (const n of ["eth0", "lxc1_veth0", "ve-web", "a", "x".repeat(15), "br-0.10", "1box", "-x"]) expect(validateIfName(n)).toBeNull();
  });
  it("counts bytes, not characters", () => {
    expect(validateIfName("é".repeat(7))).toMatch(/'é'/); // 14 bytes: its length is fine, its letters are not ASCII
    expect(validateIfName("é".repeat(8))).toMatch(/16 bytes/);
  });
  it("rejects what the kernel or nsnet cannot use, saying why", () => {
    expect(validateIfName("")).toMatch(/empty/);
    expect(validateIfName("x".repeat(16))).toMatch(/16 bytes.*at most 15/);
    expect(validateIfName("a/b")).toMatch(/'\/'/);
    expect(validateIfName("ns:if")).toMatch(/':'/);
    expect(validateIfName("a b")).toMatch(/space/);
    expect(validateIfName("a\tb")).toMatch(/tab/);
    expect(validateIfName("a\0b")).toMatch(/NUL/);
    expect(validateIfName("eth%d")).toMatch(/'%'/);
    expect(validateIfName(".")).not.toBeNull();
    expect(validateIfName("..")).not.toBeNull();
    expect(isValidIfName("eth0")).toBe(true);
    expect(isValidIfName("eth 0")).toBe(false);
  });
});

describe("the one allowlist of name characters (DESIGN §1.5)", () => {
  it("refuses what a batch line, a comment or the language would read otherwise, naming it escaped", () => {
    for (const [name, shown] of [
      ["e#x", "'#'"],
      ["x;exec", "';'"],
      ["a<b", "'<'"],
      ["a>b", "'>'"],
      ['a"b', `'"'`],
      ["a'b", "'''"],
      ["a\\b", "'\\'"],
      ["${1+1}", "'$'"],
      ["a\u001b]0;p", "\\x1b"],
      ["a\u0007", "\\x07"],
      ["a\u000bb", "\\x0b"],
      ["a\u202eb", "\\u{202e}"],
    ] as const) {
      const why = validateIfName(name);
      expect(why, name).toContain(shown);
      expect(why, name).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(validateIfPattern(name), name).not.toBeNull();
    }
  });
  it("refuses what would not read back as one word: '..' (a range), a lone '-', digits and dots (found by the import property test)", () => {
    expect(validateIfName("a..")).toMatch(/'\.\.'/);
    expect(validateNsName("a..b")).toMatch(/'\.\.'/);
    expect(validateIfName("-")).toMatch(/minus/);
    expect(validateIfName("1.2")).toMatch(/IPv4/);
    expect(validateNsName("10.1.2")).toMatch(/IPv4/);
    expect(validateIfName("br-0.10")).toBeNull();
  });
  it("lets a pattern add '+' and '*', and nothing else", () => {
    expect(validateIfName("ve-+")).toMatch(/'\+'/);
    expect(validateIfPattern("ve-+")).toBeNull();
    expect(validateIfPattern("lxc*")).toBeNull();
    expect(validateIfPattern("ve;+")).toMatch(/';'/);
    expect(validateIfPattern("a/+")).toMatch(/'\/'/);
  });
  it("escapes text for a message or a comment: one line, no control character", () => {
    expect(escapeText("a\nb\u001b]0;pwned\u0007 é – \\ \u202e\u2028\u00a0")).toBe("a\\x0ab\\x1b]0;pwned\\x07 é – \\ \\u{202e}\\u{2028}\\xa0");
  });
});

describe("namespace names", () => {
  it("accepts the documented pattern", () => {
    for (const n of ["lxc1", "_x", "9lives", "a.b-c_d", "x".repeat(64)]) expect(validateNsName(n)).toBeNull();
  });
  it("rejects digits only, host, dots, bad characters and long names", () => {
    expect(validateNsName("1234")).toMatch(/process id/);
    expect(validateNsName("host")).toMatch(/reserved/);
    expect(validateNsName(".")).not.toBeNull();
    expect(validateNsName("..")).not.toBeNull();
    expect(validateNsName("-x")).toMatch(/starts with '-'/);
    expect(validateNsName(".x")).toMatch(/starts with/);
    expect(validateNsName("a/b")).toMatch(/'\/'/);
    expect(validateNsName("a b")).toMatch(/space/);
    expect(validateNsName("x".repeat(65))).toMatch(/65/);
    expect(validateNsName("")).toMatch(/empty/);
    expect(isValidNsName("lxc1")).toBe(true);
    expect(isValidNsName("12")).toBe(false);
  });
});

describe("identifiers", () => {
  it("follow [A-Za-z_][A-Za-z0-9_.-]*", () => {
    expect(validateIdent("links")).toBeNull();
    expect(validateIdent("_a.b-c")).toBeNull();
    expect(validateIdent("1a")).toMatch(/starts with '1'/);
    expect(validateIdent("a b")).toMatch(/space/);
    expect(validateIdent("")).toMatch(/empty/);
  });
});

describe("sysctl keys and values", () => {
  it("accepts dotted keys", () => {
    expect(validateSysctlKey("net.ipv4.ip_forward")).toBeNull();
    expect(validateSysctlKey("net.ipv4.conf.lxc1_veth0.proxy_arp")).toBeNull();
    expect(validateSysctlKey("net.ipv4.conf.ve-web.forwarding")).toBeNull();
  });
  it("rejects paths, empty segments and odd characters", () => {
    expect(validateSysctlKey("net/ipv4/ip_forward")).toMatch(/'\/'/);
    expect(validateSysctlKey("net..ipv4")).toMatch(/'\.\.'/);
    expect(validateSysctlKey("net.ipv4.")).toMatch(/empty segment/);
    expect(validateSysctlKey("forward")).toMatch(/single segment/);
    expect(validateSysctlKey("net.ipv4.a b")).toMatch(/space/);
    expect(validateSysctlKey("")).toMatch(/empty/);
  });
  it("values are one line", () => {
    expect(validateSysctlValue("1")).toBeNull();
    expect(validateSysctlValue("4096 87380 6291456")).toBeNull();
    expect(validateSysctlValue("1\n2")).toMatch(/line break/);
    expect(validateSysctlValue("1\0")).toMatch(/NUL/);
    expect(validateSysctlValue("")).toMatch(/empty/);
  });
});
