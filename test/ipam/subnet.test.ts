import { describe, it, expect } from "vitest";
import { parseCidr, formatCidr } from "../../src/ipam/cidr.js";
import { canSplit, nthSubnet, splitCidr, subnetCount, subnetIndexOf, subnets } from "../../src/ipam/subnet.js";
import { parseIp } from "../../src/ipam/ip.js";

const c = (t: string) => parseCidr(t)!;

describe("subnet carving", () => {
  it("vagga: /30s from 172.18.192.0/19 are 2048", () => {
    const pool = c("172.18.192.0/19");
    expect(subnetCount(pool, 30)).toBe(2048n);
    expect(formatCidr(nthSubnet(pool, 30, 0)!)).toBe("172.18.192.0/30");
    expect(formatCidr(nthSubnet(pool, 30, 1)!)).toBe("172.18.192.4/30");
    expect(formatCidr(nthSubnet(pool, 30, 2047)!)).toBe("172.18.223.252/30");
    expect(nthSubnet(pool, 30, 2048)).toBeNull();
    expect(subnetIndexOf(pool, 30, parseIp("172.18.192.6")!.addr)).toBe(1n);
  });
  it("splits into the listed subnets", () => {
    expect(splitCidr(c("10.0.0.0/24"), 26)!.map(formatCidr)).toEqual(["10.0.0.0/26", "10.0.0.64/26", "10.0.0.128/26", "10.0.0.192/26"]);
    expect(splitCidr(c("10.0.0.0/24"), 24)!.map(formatCidr)).toEqual(["10.0.0.0/24"]);
    expect(splitCidr(c("2001:db8::/64"), 120)).toBeNull(); // 2^56 subnets: refused, not enumerated
  });
  it("does not enumerate a /64 to find one subnet", () => {
    const p = c("2001:db8::/64");
    expect(subnetCount(p, 120)).toBe(1n << 56n);
    expect(formatCidr(nthSubnet(p, 120, (1n << 56n) - 1n)!)).toBe("2001:db8::ffff:ffff:ffff:ff00/120");
    const first = subnets(p, 120).next().value!;
    expect(formatCidr(first)).toBe("2001:db8::/120");
  });
  it("refuses lengths that do not carve", () => {
    expect(canSplit(c("10.0.0.0/24"), 16)).toBe(false);
    expect(canSplit(c("10.0.0.0/24"), 33)).toBe(false);
    expect(subnetCount(c("10.0.0.0/24"), 16)).toBe(0n);
    expect(splitCidr(c("10.0.0.0/24"), 33)).toBeNull();
  });
});
