import type { Effect } from "./effect.js";

/**
 * `plan --explain`: why an op is there, in the words a student needs — what the kernel
 * would do without it. Pure; null when the op's summary already says all there is.
 */
export function whyOp(e: Effect): string | null {
  switch (e.k) {
    case "alias":
      return "ownership mark: nsnet later deletes or changes only links carrying its project's alias, never one it did not make";
    case "updown":
      return e.up ? "a new link is down; nothing is sent or received on it until it is up" : "the script says this link is down";
    case "proxy":
      return `a proxy neighbour entry: ${e.dev} answers ARP/NDP for ${e.addr}, which lives behind another link`;
    case "route":
      if (e.onlink) return "onlink: the gateway is not on any subnet of this device, so the kernel is told it is reachable there directly";
      if (e.dst === "default") return "without a default route the namespace can only reach its own subnets";
      return null;
    case "sysctl":
      return sysctlWhy(e.key, e.value);
    case "nft":
      if (e.masquerade.length) return "masquerade: packets leaving get the router's address as source, so replies find their way back to it";
      if (e.drop.length) return "partition: forwarded packets between these interfaces are dropped";
      return null;
    default:
      return null;
  }
}

function sysctlWhy(key: string, value: string): string | null {
  if (/^net\.ipv4\.ip_forward$|^net\.ipv6\.conf\.all\.forwarding$/.test(key)) {
    return value === "1" ? "a namespace forwards packets between its interfaces only with forwarding on (off by default in every new namespace)" : null;
  }
  if (/\.proxy_arp$/.test(key) && value === "1") {
    // net/ipv4/arp.c: a broadcast request answered by proxy is queued for a random time up
    // to proxy_delay (80 jiffies, 0.8 s) unless proxy_delay is 0; locktime (1 s) keeps the
    // first answer in the neighbour table
    return "proxy ARP: the host answers ARP on this link for addresses it routes elsewhere; the kernel delays such an answer to a broadcast request by a random time up to proxy_delay (0.8 s by default), so the first ping after an ARP entry expires can take that long";
  }
  if (/\.proxy_ndp$/.test(key) && value === "1") return "proxy NDP: the IPv6 counterpart of proxy ARP, for the proxy neighbour entries on this link";
  return null;
}
