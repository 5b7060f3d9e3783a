import { containsAddress, networkAddress, parseAddressOrCidr, type Cidr } from "../ipam/cidr.js";
import { formatIp, type IpAddress } from "../ipam/ip.js";

/**
 * The checker's view of an address, over src/ipam's CIDR math (use that directly for block
 * arithmetic): a block that remembers whether it was written without a prefix (then /32 or
 * /128), and the few adapters the validators share.
 */
export interface Prefixed extends Cidr {
  hostOnly: boolean;
}

/** "10.0.0.1/24", "2001:db8::1/64" or a bare address → Prefixed, or null if malformed. */
export function parsePrefixed(text: string): Prefixed | null {
  const r = parseAddressOrCidr(text);
  return r === null ? null : { ...r.cidr, hostOnly: !r.hadPrefix };
}

/** Is `ip` inside the subnet `net`? */
export function contains(net: Cidr, ip: IpAddress): boolean {
  return containsAddress(net, ip.family, ip.addr);
}

/** The subnet as canonical text, e.g. "10.0.0.0/24". */
export function subnetText(p: Cidr): string {
  return `${formatIp(p.family, networkAddress(p))}/${p.prefix}`;
}

export function ipText(ip: IpAddress): string {
  return formatIp(ip.family, ip.addr);
}

/** fe80::/10: on every IPv6 interface, so always "connected". */
export function isLinkLocal6(ip: IpAddress): boolean {
  return ip.family === 6 && ip.addr >> 118n === 0x3fan;
}
