import { describe, it, expect } from "vitest";
import { isIPv4, isIPv6, parseAddressText } from "../../src/expand/address-text.js";

describe("address text", () => {
  it("IPv4: four decimal octets ≤ 255 without leading zeros", () => {
    expect(isIPv4("198.51.100.1")).toBe(true);
    expect(isIPv4("0.0.0.0")).toBe(true);
    expect(isIPv4("198.51.100.260")).toBe(false);
    expect(isIPv4("198.51.100")).toBe(false);
    expect(isIPv4("198.51.100.010")).toBe(false);
    expect(isIPv4("a.b.c.d")).toBe(false);
  });
  it("IPv6: groups, one ::, embedded IPv4", () => {
    for (const a of ["2001:db8::1", "::", "::1", "fe80::", "2001:db8:0:0:0:0:0:1", "::ffff:192.0.2.1", "2001:DB8::A"]) expect(isIPv6(a)).toBe(true);
    for (const a of ["2001:db8:::1", "2001::db8::1", "12345::", "2001:db8:0:0:0:0:0:0:1", "1:2:3:4:5:6:7", "g::1", ":"]) expect(isIPv6(a)).toBe(false);
  });
  it("parses prefixes and bounds them by family", () => {
    expect(parseAddressText("10.0.0.1/24")).toEqual({ ok: true, family: 4, addr: "10.0.0.1", prefix: 24 });
    expect(parseAddressText("2001:db8::1/64")).toEqual({ ok: true, family: 6, addr: "2001:db8::1", prefix: 64 });
    expect(parseAddressText("10.0.0.1")).toEqual({ ok: true, family: 4, addr: "10.0.0.1" });
    expect(parseAddressText("10.0.0.1/33")).toMatchObject({ ok: false, reason: expect.stringMatching(/0 to 32/) });
    expect(parseAddressText("2001:db8::/129")).toMatchObject({ ok: false, reason: expect.stringMatching(/0 to 128/) });
    expect(parseAddressText("10.0.0.1/")).toMatchObject({ ok: false });
    expect(parseAddressText("198.51.100.260/24")).toMatchObject({ ok: false, reason: expect.stringMatching(/198\.51\.100\.260/) });
  });
});
