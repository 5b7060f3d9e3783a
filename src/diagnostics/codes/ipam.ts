import type { CodeInfo } from "../diagnostic.js";

/** NS4xx: addresses and pools (src/ipam). */
export const ipamCodes = [
  {
    code: "NS401",
    severity: "error",
    message: "pool {pool} ({cidr}) is exhausted: all {capacity} {unit} are taken, none left for {owner}{more}",
    explanation: "More `addr auto` requests name the pool than it has free addresses (or subnets, with `split`).",
    example: "pool tiny 198.51.100.0/30\nns a < veth; addr auto from tiny >\nns b < veth; addr auto from tiny >\nns c < veth; addr auto from tiny >",
  },
  {
    code: "NS402",
    severity: "error",
    message: "`{text}` is not a CIDR block (pool {pool} needs ADDRESS/PREFIX)",
    explanation: "A pool is declared with an IPv4 or IPv6 block such as 10.0.0.0/24 or 2001:db8::/64.",
    example: "pool p 10.0.0.0",
  },
  {
    code: "NS403",
    severity: "error",
    message: "pool {pool}: `{cidr}` has host bits set; the block is {network}",
    explanation: "A pool's block must start at its network address; the bits after the prefix must be zero.",
    example: "pool p 10.0.0.5/24",
  },
  {
    code: "NS404",
    severity: "error",
    message: "pool {pool} ({cidr}) overlaps pool {other} ({otherCidr})",
    explanation: "Two pools that share addresses could hand out the same address twice.",
    example: "pool a 10.0.0.0/16\npool b 10.0.5.0/24",
  },
  {
    code: "NS405",
    severity: "error",
    message: "reserved address {addr} is outside pool {pool} ({cidr})",
    explanation: "`reserve` keeps addresses of the pool from being handed out; an address outside the block means nothing.",
    example: "pool p 10.0.0.0/24 reserve 10.0.1.1",
  },
  {
    code: "NS406",
    severity: "error",
    message: "`{text}` is not an IP address (reserve in pool {pool})",
    explanation: "`reserve` takes addresses such as 10.0.0.1 or 2001:db8::1, and ranges such as 10.0.0.10-10.0.0.99.",
    example: "pool p 10.0.0.0/24 reserve 10.0.0.300",
  },
  {
    code: "NS407",
    severity: "error",
    message: "split /{len} cannot carve pool {pool} ({cidr}): it must be longer than /{prefix} and at most /{max}",
    explanation: "`split /LEN` hands out subnets of length LEN, which must be smaller blocks than the pool itself.",
    example: "pool p 10.0.0.0/24 split /16",
  },
  {
    code: "NS408",
    severity: "error",
    message: "unknown pool `{pool}`",
    explanation: "`addr auto from NAME` names a pool that no `pool` statement declares.",
    example: "pool guests 10.0.0.0/24\nns a < veth; addr auto from guest >",
  },
  {
    code: "NS409",
    severity: "error",
    message: "`addr auto` needs a pool, and the script declares none",
    explanation: "Automatic addresses come from a `pool NAME CIDR` statement.",
    example: "ns a < veth; addr auto >",
  },
  {
    code: "NS410",
    severity: "error",
    message: "`addr auto` without `from`: there are {count} pools ({names}); say which one",
    explanation: "Without `from POOL`, `addr auto` uses the only pool; with several it cannot guess.",
    example: "pool a 10.0.0.0/24\npool b 10.1.0.0/24\nns x < veth; addr auto >",
  },
  // NS411 (a pool declared twice) is retired: the checker's NS310 says it, once.
  {
    code: "NS412",
    severity: "info",
    message: "{owner} had {old} from pool {pool}; it no longer fits ({reason}), so it gets a new one",
    explanation: "A remembered (sticky) allocation was dropped because the pool or the script changed under it.",
    example: "pool p 10.0.0.0/24 reserve 10.0.0.1   # after 10.0.0.1 was handed out to a namespace",
  },
  {
    code: "NS413",
    severity: "error",
    message: "no host address left for {owner} in {subnet}, the subnet pool {pool} gave its L2 segment ({hosts} usable)",
    explanation:
      "A split pool gives each L2 segment one subnet, and every `addr auto` on the segment a host of it: more requests than the subnet has hosts cannot fit.",
    example: "pool links 198.51.100.0/24 split /30\nbridge br0 < addr auto from links >\nfor i in 1..3 < ns n$i < veth to br0; addr auto from links > >",
  },
  {
    code: "NS414",
    severity: "error",
    message: "`{text}` is not an address range (reserve in pool {pool}): {reason}",
    explanation: "`reserve A-B` keeps every address from A to B (both included) out of the pool; A must not come after B.",
    example: "pool p 10.0.0.0/24 reserve 10.0.0.9-10.0.0.2",
  },
  {
    code: "NS415",
    severity: "error",
    message: "{addr} is taken: pool {pool} handed it out to {holder} ({held}), which keeps it",
    explanation:
      "An address the allocator has handed out stays with its owner (it is sticky): a static address of another interface may not take it, as CNI host-local refuses a requested IP already allocated; nothing is renumbered under running traffic.",
    example: "pool lab 192.0.2.0/24\nns h2 < veth; addr auto from lab >   # an earlier `up` gave h2 192.0.2.1\nns h5 < veth; addr 192.0.2.1/24 >",
  },
] as const satisfies readonly CodeInfo[];
