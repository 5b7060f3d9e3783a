import type { CodeInfo } from "../diagnostic.js";

/**
 * Findings the planner makes (it is the first phase that sees the live host's gateway and
 * uplink subnets). NS59x: the end of the live/apply range, clear of the checker's NS5xx.
 */
export const planCodes = [
  {
    code: "NS590",
    severity: "error",
    message: "no IPv{family} gateway for the default route of namespace '{ns}'",
    explanation: "proxyarp gives a namespace a default route via the uplink's gateway; none was found in the host block, the live host or the caller.",
    example: "uplink eth0\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >   # host has no default route",
  },
  {
    code: "NS591",
    severity: "error",
    message: "proxyarp in '{ns}' needs a veth whose other end is in the host",
    explanation: "routed-veth mode routes the namespace's addresses to the host end of a veth pair; the namespace has none.",
    example: "uplink eth0\nns a < macvlan on eth0; addr 1.1.128.3/20; proxyarp on eth0 >",
  },
  {
    code: "NS592",
    severity: "warning",
    message: "the current value of sysctl {key} in '{ns}' is unknown; `down` will not restore it",
    explanation:
      "the caller did not read the sysctls the plan sets (see sysctlKeysNeeded), or the value found is not one nsnet writes back (numbers and short words only: never a pipe, a path or a line break), so the op has no inverse.",
    example: "host < sysctl net.ipv4.ip_forward = 1 >",
  },
  {
    code: "NS593",
    severity: "error",
    message: "portmap target '{ns}' has no IPv4 address to forward to",
    explanation: "a portmap DNATs to the namespace's first IPv4 address; the namespace has none.",
    example: "ns web < veth pair >\nportmap tcp 8080 to web:80",
  },
  {
    code: "NS594",
    severity: "error",
    message: "cannot partition: '{ns}' has no veth into the namespace '{via}' that forwards for the other groups",
    explanation: "partition drops traffic where it is forwarded: the one namespace (or the host) holding the other ends of every member's veths.",
    example: "ns a < veth pair >\nns b < macvlan on eth0 >\npartition a | b",
  },
  {
    code: "NS595",
    severity: "error",
    message: "nat pattern '{pattern}' is not an interface name with an optional trailing wildcard",
    explanation: "nft matches interface names exactly or by a trailing '*' (written '+' or '*' in nsnet).",
    example: "nat from ve-*-x to eth0",
  },
  {
    code: "NS596",
    severity: "error",
    message: "'{dev}' in '{ns}' is created from its parent '{parent}' in '{parentNs}', which is neither the host nor '{ns}'",
    explanation: "a macvlan/ipvlan/vlan is created in its parent's namespace and born in place; nsnet supports parents in the host or in the same namespace.",
    example: "ns a < veth pair >\nns b < macvlan on a:eth0 >",
  },
] as const satisfies readonly CodeInfo[];
