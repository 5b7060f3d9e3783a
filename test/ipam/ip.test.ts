import { isIPv6 } from "node:net";
import fc from "fast-check";
import { describe, it, expect } from "vitest";
import { canonicalIp, formatIp, formatIpv4, ipFamily, isIpv4Mapped, isIpv6, parseIp, parseIpv4 } from "../../src/ipam/ip.js";

describe("parseIpv4", () => {
  it("parses dotted quads", () => {
    expect(parseIpv4("0.0.0.0")).toBe(0);
    expect(parseIpv4("255.255.255.255")).toBe(0xffffffff);
    expect(parseIpv4("192.0.2.1")).toBe(0xc0000201);
  });
  it.each([
    "10.0.0.300",
    "010.0.0.1",
    "10.0.0.01",
    "10.0.0",
    "10.0.0.0.1",
    "10..0.1",
    "10.0.0.",
    ".10.0.0",
    " 10.0.0.1",
    "10.0.0.1 ",
    "1e1.0.0.1",
    "",
    "a.b.c.d",
    "-1.0.0.0",
  ])("refuses %j", (text) => expect(parseIpv4(text)).toBeNull());
  it("formats back", () => {
    expect(formatIpv4(0xc0000201)).toBe("192.0.2.1");
    expect(formatIpv4(0xffffffff)).toBe("255.255.255.255");
  });
});

describe("IPv6", () => {
  const canon: [string, string][] = [
    ["::", "::"],
    ["::1", "::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1"], // first of two equal runs
    ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group is not compressed
    ["2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::"], // the longest run wins
    ["fe80::", "fe80::"],
    ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
    ["::ffff:192.0.2.1", "::ffff:192.0.2.1"],
    ["::FFFF:c000:0201", "::ffff:192.0.2.1"],
    ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
    ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
  ];
  it.each(canon)("canonicalises %s → %s (RFC 5952)", (text, want) => expect(canonicalIp(text)).toBe(want));
  it.each([
    ":::",
    "1::2::3",
    "12345::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:8::",
    "g::1",
    "fe80::1%eth0",
    "[::1]",
    "::1.2.3.4.5",
    "1.2.3.4::",
    ":1::",
    "::ffff:010.0.0.1",
    "::ffff:1.2.3.256",
  ])("refuses %j", (text) => expect(parseIp(text)).toBeNull());
  it("round-trips through bigint", () => {
    const ip = parseIp("2001:db8::dead:beef")!;
    expect(ip.family).toBe(6);
    expect(ip.addr).toBe(0x20010db8000000000000_0000deadbeefn);
    expect(formatIp(6, ip.addr)).toBe("2001:db8::dead:beef");
  });
  it("recognises IPv4-mapped addresses", () => {
    expect(isIpv4Mapped(parseIp("::ffff:1.2.3.4")!.addr)).toBe(true);
    expect(isIpv4Mapped(parseIp("::1.2.3.4")!.addr)).toBe(false);
  });
});

describe("isIpv6", () => {
  // the parser checks address tokens with it in place of node:net's isIPv6 (whose module
  // costs every start-up): the two must agree on every text an address token can hold
  // (no zone: `%` never reaches it)
  it("agrees with node:net's isIPv6 on texts of hex digits, colons and dots", () => {
    const text = fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:.::"), maxLength: 45 });
    fc.assert(
      fc.property(text, (t) => isIpv6(t) === isIPv6(t)),
      { numRuns: 20000 },
    );
    fc.assert(fc.property(fc.ipV6(), (t) => isIpv6(t) && isIPv6(t)));
  });
  it.each(["::", "1:2:3:4:5:6:7::", "::ffff:1.2.3.4", "1:2:3:4:5::1.2.3.4"])("takes %j", (t) => expect(isIpv6(t)).toBe(true));
  it.each(["1.2.3.4", "1::2::3", "::1.2.3.04", "12345::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6::1.2.3.4", ""])("refuses %j", (t) => expect(isIpv6(t)).toBe(false));
});

describe("ipFamily", () => {
  it("tells the family or null", () => {
    expect(ipFamily("10.0.0.1")).toBe(4);
    expect(ipFamily("2001:db8::1")).toBe(6);
    expect(ipFamily("10.0.0.1/24")).toBeNull();
    expect(ipFamily("eth0")).toBeNull();
  });
});
