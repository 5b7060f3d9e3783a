import type { CodeInfo } from "../diagnostic.js";

/**
 * NS6xx: `nsnet why A B` — the first place a packet from A to B (or its reply) is lost, found
 * by walking the path hop by hop in nsnet's model of the network (src/why). `{leg}` says
 * which way the packet was going: `h1 → h3`, or `h3 → h1 (the reply)`. Each example is a
 * script whose first `expect … reaches …` gives its code (test/why/catalog.test.ts).
 */
export const whyCodes = [
  {
    code: "NS601",
    severity: "error",
    message: "{leg}: '{ns}' has no route to {dst}",
    explanation:
      "The namespace's routing table (its routes and the subnets of its own addresses) has no entry containing the destination, so the kernel answers 'Network is unreachable'.",
    example:
      "ns r < veth as rh peer h:eth0; addr 192.0.2.1/24 >\nns h < addr 192.0.2.10/24 on eth0 >   # no route out of 192.0.2.0/24\nexpect h reaches 198.51.100.1",
  },
  {
    code: "NS602",
    severity: "error",
    message: "{leg}: '{ns}' sends {dst} via {gw}, but nothing on the segment of {dev} answers ARP for {gw}",
    explanation:
      "The route names a gateway that no namespace on that link holds (a typo, a wrong subnet, a router not connected there), so the next hop never resolves.",
    example:
      "ns r < veth as rh peer h:eth0; addr 192.0.2.1/24 >\nns h < addr 192.0.2.10/24 on eth0; route default via 192.0.2.99 >\nexpect h reaches 198.51.100.1",
  },
  {
    code: "NS603",
    severity: "error",
    message: "{leg}: nothing on the segment of {ns}:{dev} answers ARP for {dst}",
    explanation: "The destination is on-link for the sender, but no namespace on that link holds it and none publishes it by proxy ARP.",
    example: "ns a < veth as x peer b:y; addr 192.0.2.10/24 >\nns b < addr 198.51.100.1/24 on y >\nexpect a reaches 192.0.2.20",
  },
  {
    code: "NS604",
    severity: "error",
    message: "{leg}: '{ns}' does not forward packets ({key} is {value})",
    explanation:
      "The packet reaches a namespace that is not its destination; it is passed on only when IP forwarding is on there, and new namespaces start with it off.",
    example:
      "ns r < veth as rh peer h:eth0; addr 192.0.2.1/24; veth as rx peer x:eth0; addr 198.51.100.1/24 >   # no ip_forward\nns h < addr 192.0.2.10/24 on eth0; route default via 192.0.2.1 >\nns x < addr 198.51.100.10/24 on eth0; route default via 198.51.100.1 >\nexpect h reaches x",
  },
  {
    code: "NS605",
    severity: "error",
    message: "{leg}: the partition drops traffic from {from} to {to} in '{ns}'",
    explanation: "A `partition` statement makes the namespace that forwards between the groups drop their traffic.",
    example:
      "ns sw < bridge br0 >\nns a < veth to sw:br0; addr 192.0.2.10/24 >\nns b < veth to sw:br0; addr 192.0.2.11/24 >\npartition a | b\nexpect a reaches b",
  },
  {
    code: "NS606",
    severity: "error",
    message: "{leg}: routing loop ({path})",
    explanation: "The routes send the packet back to a namespace it has already passed, so it circles until its TTL runs out.",
    example:
      "ns a < veth as ab peer b:ba; addr 192.0.2.1/24; route default via 192.0.2.2; sysctl net.ipv4.ip_forward = 1 >\nns b < addr 192.0.2.2/24 on ba; route default via 192.0.2.1; sysctl net.ipv4.ip_forward = 1 >\nexpect a reaches 198.51.100.1",
  },
  {
    code: "NS607",
    severity: "error",
    message: "{leg}: {ns}:{dev} is down",
    explanation: "The packet would leave or cross an interface that is administratively down.",
    example: "ns a < veth as x peer b:y; addr 192.0.2.10/24; down x >\nns b < addr 192.0.2.11/24 on y >\nexpect a reaches b",
  },
  {
    code: "NS608",
    severity: "error",
    message: "{leg}: '{ns}' has no {family} address to send from",
    explanation: "The sender has no address of the destination's family, so there is no source address a reply could come back to.",
    example: "ns a < veth as x peer b:y; route default dev x >\nns b < addr 192.0.2.2/24 on y >\nexpect a reaches b",
  },
  {
    code: "NS609",
    severity: "error",
    message: "{leg}: the gateway {gw} is an address of '{ns}' itself",
    explanation: "A route's gateway must be another machine on the link; the kernel refuses a local address as next hop.",
    example: "ns a < veth as x peer b:y; addr 192.0.2.10/24; route default via 192.0.2.10 >\nns b < addr 192.0.2.11/24 on y >\nexpect a reaches 198.51.100.1",
  },
  {
    code: "NS610",
    severity: "error",
    message: "{leg}: the reply to {src} is delivered to '{ns}', which holds that address too, not to '{owner}'",
    explanation: "Two namespaces hold the sender's address and the routes take the reply to the other one.",
    example:
      "ns t < veth as ta peer a:eth0; addr 192.0.2.1/24; veth as tc peer c:eth0; addr 192.0.2.2/25 >\nns a < addr 192.0.2.10/24 on eth0 >\nns c < addr 192.0.2.10/24 on eth0 >\nexpect a reaches t",
  },
] as const satisfies readonly CodeInfo[];
