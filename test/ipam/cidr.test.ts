import { describe, it, expect } from "vitest";
import {
  blockSize,
  broadcastAddress,
  canonicalCidr,
  containsAddress,
  containsCidr,
  firstUsable,
  formatCidr,
  hasHostBits,
  hostAddressProblem,
  lastUsable,
  networkOf,
  nthAddress,
  overlaps,
  parseAddressOrCidr,
  parseCidr,
  usableCount,
} from "../../src/ipam/cidr.js";
import { formatIp, parseIp } from "../../src/ipam/ip.js";

const c = (text: string) => {
  const r = parseCidr(text);
  if (!r) throw new Error(`bad test CIDR ${text}`);
  return r;
};
const ip = (text: string) => parseIp(text)!.addr;
const text4 = (a: bigint) => formatIp(4, a);

describe("parseCidr", () => {
  it("parses IPv4 and IPv6 blocks", () => {
    expect(parseCidr("10.0.0.5/24")).toEqual({ family: 4, addr: ip("10.0.0.5"), prefix: 24 });
    expect(parseCidr("2001:db8::/64")).toEqual({ family: 6, addr: ip("2001:db8::"), prefix: 64 });
    expect(parseCidr("0.0.0.0/0")).toEqual({ family: 4, addr: 0n, prefix: 0 });
    expect(parseCidr("::/0")).toEqual({ family: 6, addr: 0n, prefix: 0 });
  });
  it.each([
    "10.0.0.0",
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/024",
    "10.0.0.0/-1",
    "10.0.0.300/24",
    "010.0.0.0/8",
    "10.0.0.0/24/1",
    "/24",
    "10.0.0.0/ 24",
    "::1/1e2",
  ])("refuses %j", (text) => expect(parseCidr(text)).toBeNull());
  it("formats canonically and keeps host bits", () => {
    expect(canonicalCidr("2001:DB8:0:0::1/64")).toBe("2001:db8::1/64");
    expect(canonicalCidr("10.0.0.5/24")).toBe("10.0.0.5/24");
    expect(canonicalCidr("::ffff:10.0.0.1/128")).toBe("::ffff:10.0.0.1/128");
    expect(canonicalCidr("nope")).toBeNull();
  });
  it("takes a bare address as a host block when asked", () => {
    expect(parseAddressOrCidr("10.0.0.1")).toEqual({ cidr: { family: 4, addr: ip("10.0.0.1"), prefix: 32 }, hadPrefix: false });
    expect(parseAddressOrCidr("2001:db8::1")?.cidr.prefix).toBe(128);
    expect(parseAddressOrCidr("10.0.0.1/8")?.hadPrefix).toBe(true);
    expect(parseAddressOrCidr("10.0.0.1/40")).toBeNull();
  });
});

describe("block arithmetic", () => {
  it("network, broadcast, host bits", () => {
    const b = c("192.0.2.77/26");
    expect(text4(networkOf(b).addr)).toBe("192.0.2.64");
    expect(text4(broadcastAddress(b))).toBe("192.0.2.127");
    expect(hasHostBits(b)).toBe(true);
    expect(hasHostBits(c("192.0.2.64/26"))).toBe(false);
    expect(hasHostBits(c("0.0.0.0/0"))).toBe(false);
    expect(hasHostBits(c("10.0.0.1/32"))).toBe(false);
    expect(formatCidr(networkOf(c("2001:db8::1:2/112")))).toBe("2001:db8::1:0/112");
    expect(blockSize(c("::/0"))).toBe(1n << 128n);
  });

  it("usable hosts: IPv4 drops network and broadcast below /31", () => {
    const b = c("10.0.0.0/24");
    expect(text4(firstUsable(b))).toBe("10.0.0.1");
    expect(text4(lastUsable(b))).toBe("10.0.0.254");
    expect(usableCount(b)).toBe(254n);
    expect(usableCount(c("10.0.0.0/30"))).toBe(2n);
  });
  it("usable hosts: /31 and /32 use every address", () => {
    expect(usableCount(c("10.0.0.0/31"))).toBe(2n);
    expect(text4(firstUsable(c("10.0.0.0/31")))).toBe("10.0.0.0");
    expect(usableCount(c("10.0.0.9/32"))).toBe(1n);
    expect(text4(firstUsable(c("10.0.0.9/32")))).toBe("10.0.0.9");
    expect(usableCount(c("0.0.0.0/0"))).toBe((1n << 32n) - 2n);
  });
  it("usable hosts: IPv6 drops only the subnet-router anycast address below /127", () => {
    expect(usableCount(c("2001:db8::/120"))).toBe(255n);
    expect(formatIp(6, lastUsable(c("2001:db8::/120")))).toBe("2001:db8::ff");
    expect(usableCount(c("2001:db8::/127"))).toBe(2n);
    expect(usableCount(c("2001:db8::5/128"))).toBe(1n);
    expect(usableCount(c("2001:db8::/64"))).toBe((1n << 64n) - 1n);
  });

  it("host address problems for interface addresses", () => {
    expect(hostAddressProblem(c("10.0.0.0/24"))).toBe("network");
    expect(hostAddressProblem(c("10.0.0.255/24"))).toBe("broadcast");
    expect(hostAddressProblem(c("10.0.0.1/24"))).toBeNull();
    expect(hostAddressProblem(c("10.0.0.0/31"))).toBeNull();
    expect(hostAddressProblem(c("10.0.0.0/32"))).toBeNull();
    expect(hostAddressProblem(c("2001:db8::/64"))).toBe("network");
    expect(hostAddressProblem(c("2001:db8::ffff:ffff:ffff:ffff/64"))).toBeNull();
  });

  it("contains and overlaps", () => {
    const net = c("10.0.0.0/8");
    expect(containsAddress(net, 4, ip("10.255.255.255"))).toBe(true);
    expect(containsAddress(net, 4, ip("11.0.0.0"))).toBe(false);
    expect(containsAddress(net, 6, ip("::a00:1"))).toBe(false); // families never mix
    expect(containsCidr(net, c("10.1.0.0/16"))).toBe(true);
    expect(containsCidr(c("10.1.0.0/16"), net)).toBe(false);
    expect(containsCidr(net, net)).toBe(true);
    expect(containsCidr(c("0.0.0.0/0"), c("255.255.255.255/32"))).toBe(true);
    expect(containsCidr(c("::/0"), c("::ffff:1.2.3.4/128"))).toBe(true);
    expect(overlaps(c("10.0.0.0/16"), c("10.0.5.0/24"))).toBe(true);
    expect(overlaps(c("10.0.5.0/24"), c("10.0.0.0/16"))).toBe(true);
    expect(overlaps(c("10.0.0.0/24"), c("10.0.1.0/24"))).toBe(false);
    expect(overlaps(c("0.0.0.0/0"), c("::/0"))).toBe(false);
  });

  it("nth address counts from the network, negative from the end", () => {
    const b = c("10.233.0.4/30");
    expect(text4(nthAddress(b, 0)!)).toBe("10.233.0.4");
    expect(text4(nthAddress(b, 1)!)).toBe("10.233.0.5");
    expect(text4(nthAddress(b, -1)!)).toBe("10.233.0.7");
    expect(nthAddress(b, 4)).toBeNull();
    expect(nthAddress(b, -5)).toBeNull();
    expect(formatIp(6, nthAddress(c("2001:db8::/64"), 1n << 63n)!)).toBe("2001:db8:0:0:8000::");
  });
});
