import type { CodeInfo } from "../diagnostic.js";

/** NS3xx: findings of the checker (src/check) on the expanded, possibly addressed, topology. */
export const checkCodes = [
  {
    code: "NS300",
    severity: "error",
    message: "internal error in the check `{name}`: {error}",
    explanation: "A validator of nsnet failed on this script: a bug in nsnet. The other checks still ran; please report it with the script.",
    example: "# no script triggers it on purpose; test/check/registry.test.ts makes a validator throw",
  },
  {
    code: "NS301",
    severity: "error",
    message: "unknown namespace `{name}`",
    explanation: "A statement names a namespace the script never declares with `ns NAME`.",
    example: "ns a < veth peer b >   # no `ns b` anywhere",
  },
  {
    code: "NS302",
    severity: "error",
    message: "no interface `{name}` in namespace `{ns}`",
    explanation: "A statement names an interface that nothing in the script creates in that namespace.",
    example: "ns a < veth; addr 192.0.2.1/24 on eth1 >",
  },
  {
    code: "NS303",
    severity: "warning",
    message: "host interface `{name}` is not declared",
    explanation: "A host device is used without `uplink NAME`; nsnet cannot check it exists and treats it as someone else's.",
    example: "ns a < macvlan on eth0 >   # add `uplink eth0`",
  },
  {
    code: "NS304",
    severity: "error",
    message: "no bridge `{name}` in namespace `{ns}`",
    explanation: "A device is enslaved (`to BR`, `master`) to a bridge that the script does not declare in that namespace.",
    example: "ns a < veth to br9 >   # no `bridge br9`",
  },
  {
    code: "NS305",
    severity: "error",
    message: "`{name}` is a {kind}, not a bridge",
    explanation: "Only a bridge can be the master of another interface.",
    example: "uplink eth0\nns a < veth to eth0 >",
  },
  {
    code: "NS306",
    severity: "error",
    message: "unknown pool `{name}`",
    explanation: "`addr auto from POOL` names a pool the script does not declare.",
    example: "ns a < veth; addr auto from lan >   # no `pool lan …`",
  },
  {
    code: "NS307",
    severity: "error",
    message: "namespace `{name}` is declared twice",
    explanation: "Two `ns` statements (after loops and defs) produce the same namespace name.",
    example: "ns a\nns a",
  },
  {
    code: "NS308",
    severity: "error",
    message: "interface `{name}` is declared twice in namespace `{ns}`",
    explanation: "Two statements create an interface with the same name in one namespace.",
    example: "uplink eth0\nns a < macvlan on eth0 as e0; macvlan on eth0 as e0 >",
  },
  {
    code: "NS309",
    severity: "error",
    message: "veth end `{name}` in namespace `{ns}` is produced twice",
    explanation: "Two veth pairs give one of their ends the same name in the same namespace (often the host end).",
    example: "ns a < veth vh0 >\nns b < veth vh0 >",
  },
  {
    code: "NS310",
    severity: "error",
    message: "pool `{name}` is declared twice",
    explanation: "Two `pool` statements use the same name.",
    example: "pool lan 10.0.0.0/24\npool lan 10.1.0.0/24",
  },
  {
    code: "NS311",
    severity: "error",
    message: "`{text}` is not a valid address",
    explanation: "An address or CIDR is not IPv4/IPv6 text, or its prefix is longer than the address.",
    example: "ns a < veth; addr 10.0.0.300/24 >",
  },
  {
    code: "NS312",
    severity: "error",
    message: "address {addr} is used twice in one L2 segment",
    explanation: "Two interfaces that share a broadcast domain (a bridge, a veth pair, a macvlan family) carry the same address.",
    example: "bridge br0 < addr 10.0.0.1/24 >\nns a < veth to br0; addr 10.0.0.1/24 >",
  },
  {
    code: "NS313",
    severity: "error",
    message: "{addr} is the network address of {subnet}",
    explanation: "The first address of a subnet names the subnet; it cannot be given to a host (IPv4 prefixes below /31).",
    example: "ns a < veth; addr 10.0.0.0/24 >",
  },
  {
    code: "NS314",
    severity: "error",
    message: "{addr} is the broadcast address of {subnet}",
    explanation: "The last address of an IPv4 subnet (prefix below /31) is its broadcast address, not a host's.",
    example: "ns a < veth; addr 10.0.0.255/24 >",
  },
  {
    code: "NS315",
    severity: "error",
    message: "route target {cidr} has host bits set",
    explanation: "A route's destination must be a subnet: the bits after the prefix must be zero.",
    example: "ns a < veth; addr 10.0.0.2/24; route 10.1.0.1/16 via 10.0.0.1 >",
  },
  {
    code: "NS316",
    severity: "error",
    message: "gateway {via} is not inside any subnet connected to namespace `{ns}`",
    explanation: "A route's gateway must be reachable on a connected subnet of the namespace (or the route marked `onlink`).",
    example: "ns a < veth; addr 10.0.0.2/24; route default via 10.9.0.1 >",
  },
  {
    code: "NS317",
    severity: "error",
    message: "route to {dst} via {via} mixes IPv4 and IPv6",
    explanation: "A route's destination and gateway must be of the same address family.",
    example: "ns a < veth; addr 10.0.0.2/24; route 10.1.0.0/16 via 2001:db8::1 >",
  },
  {
    code: "NS318",
    severity: "error",
    message: "{addr} is outside the subnet of uplink `{uplink}` ({subnet})",
    explanation: "With `proxyarp on UPLINK`, every address of the namespace is published on the uplink's segment, so it must be inside the uplink's subnet.",
    example: "uplink eth0\nhost < addr 192.0.2.2/24 on eth0 >\nns a < veth pair; addr 198.51.100.3/24; proxyarp on eth0 >",
  },
  {
    code: "NS319",
    severity: "error",
    message: "proxyarp on `{name}`, which is not a declared uplink",
    explanation: "Proxy ARP publishes a namespace's addresses on a host uplink; the interface must be declared with `uplink NAME`.",
    example: "ns a < veth pair; addr 192.0.2.3/24; proxyarp on eth0 >   # no `uplink eth0`",
  },
  {
    code: "NS320",
    severity: "warning",
    message: "subnet {subnet} on `{dev}` overlaps {other} on `{otherDev}` in namespace `{ns}`",
    explanation: "Two interfaces of one namespace have overlapping connected subnets, so the namespace routes part of the space two ways.",
    example: "ns a < veth as e0; addr 10.0.0.2/24; veth as e1; addr 10.0.0.130/25 >",
  },
  {
    code: "NS321",
    severity: "error",
    message: "port {port} is out of range 1–65535",
    explanation: "TCP and UDP ports are 1 to 65535.",
    example: "ns web\nportmap tcp 70000 to web:80",
  },
  {
    code: "NS322",
    severity: "error",
    message: "host port {proto}/{port} is mapped twice",
    explanation: "Two `portmap` statements forward the same host port and protocol.",
    example: "ns a\nns b\nportmap tcp 8080 to a:80\nportmap tcp 8080 to b:80",
  },
  {
    code: "NS323",
    severity: "error",
    message: "partition names namespace `{name}` twice",
    explanation: "A namespace can be in only one group of a partition.",
    example: "ns a\nns b\npartition a | b a",
  },
  {
    code: "NS324",
    severity: "warning",
    message: "nat pattern `{pattern}` matches no interface in namespace `{ns}`",
    explanation: "A `nat from PATTERN` rule names no interface the script creates there, so it masquerades nothing the script knows of.",
    example: "uplink eth0\nnat from vx-+ to eth0",
  },
  {
    code: "NS326",
    severity: "error",
    message: "vlan id {id} is out of range 1–4094",
    explanation: "802.1Q vlan ids are 1 to 4094.",
    example: "uplink eth0\nns a < vlan 4095 on host:eth0 >",
  },
  {
    code: "NS328",
    severity: "warning",
    message: "this partition{where} replaces an earlier one: only the last partition holds",
    explanation: "A script declares the network; it is not run step by step, so of several partitions for one namespace only the last is applied.",
    example: "ns a\nns b\npartition a | b\npartition off",
  },
  {
    code: "NS327",
    severity: "error",
    message: "nat source {cidr} has host bits set; the subnet is {subnet}",
    explanation: "A `nat from CIDR` source must be a subnet: the bits after the prefix must be zero.",
    example: "uplink eth0\nnat from 10.22.0.1/16 to eth0",
  },
  {
    code: "NS329",
    severity: "error",
    message: "interface name `{name}` is read by `ip` as its keyword `{keyword}`",
    explanation:
      "`ip link` reads a bare interface name only when it is none of its own words (and any prefix of `address`, `type`, `help`, `link`, `master` … counts): such a name would change the command nsnet sends.",
    example: "ns a < veth dev as help >",
  },
  {
    code: "NS330",
    severity: "error",
    message: "namespace `{ns}` has two routes to {dst}",
    explanation:
      "A namespace holds one route per destination (nsnet sets no metric): the kernel refuses the second with `File exists`, so `up` would fail and roll back. Both lines are shown.",
    example:
      "bridge br0 < addr 192.0.2.1/24 >\nns r < veth to br0; addr 192.0.2.254/24 >\nns a < veth to br0; addr 192.0.2.2/24; route default via 192.0.2.1; route default via 192.0.2.254 >",
  },
  {
    code: "NS331",
    severity: "error",
    message: "route to {dst} repeats the route the kernel adds for {addr} on `{dev}`",
    explanation:
      "An IPv4 address with a prefix makes the kernel route its subnet on that interface; another route to the same subnet is refused with `File exists`.",
    example: "ns a < veth; addr 192.0.2.2/24; route 192.0.2.0/24 dev eth0 >",
  },
  {
    code: "NS332",
    severity: "error",
    message: "route to {dst} goes through `{dev}`, which the script sets down",
    explanation:
      "The kernel takes a route only through an interface that is up: `Device for nexthop is not up`, or `Nexthop has invalid gateway` for a gateway whose subnet is on a down interface.",
    example: "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 dev eth0; down eth0 >",
  },
  {
    code: "NS333",
    severity: "error",
    message: "route via {via} is `onlink` but names no `dev`",
    explanation:
      "`onlink` says the gateway answers on a link whose subnets do not include it, so the kernel must be told which link: without `dev IF` it refuses the route (`Nexthop device required for onlink`).",
    example: "ns a < veth; addr 192.0.2.2/24; route default via 198.51.100.1 onlink >",
  },
  {
    code: "NS334",
    severity: "warning",
    message: "`route {dst} dev {dev}` has no gateway, and nothing on that link answers ARP for other addresses",
    explanation:
      "Without a gateway the namespace asks by ARP for each destination itself on that link; only an interface with proxy ARP (and forwarding) answers for addresses that are not its own, as vagga's gateway does, so elsewhere the traffic silently goes nowhere.",
    example: "ns a < veth; addr 192.0.2.2/24; route default dev eth0 >",
  },
  {
    code: "NS335",
    severity: "error",
    message: "bridge `{name}` would get its 1024th port `{port}`; a bridge has at most 1023",
    explanation:
      "The kernel numbers a bridge's ports with 10 bits and refuses port 1024 (`Exchange full`): spread the ports over several bridges joined by a veth, or route instead of bridging.",
    example: "bridge br0\nfor i in 1..1024 < ns h$i < veth to br0 > >",
  },
  {
    code: "NS336",
    severity: "warning",
    message: "`{gw}` is a gateway but does not forward IPv{family}",
    explanation:
      "Another namespace sends its traffic through this one, which drops it: a namespace forwards nothing until told (`sysctl net.ipv4.ip_forward = 1`), and nsnet turns forwarding on by itself only for `proxyarp`, `nat` and `portmap`.",
    example:
      "ns r < veth as e0 peer a:eth0; addr 192.0.2.1/24; veth as e1; addr 198.51.100.1/24 >\nns a < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >",
  },
  {
    code: "NS337",
    severity: "warning",
    message: "gateway {via} is no address on the link of `{dev}`",
    explanation:
      "No interface on the link the route leaves by (a veth pair, a bridge and its ports) has the gateway's address, and none answers ARP for others, so packets for the gateway go nowhere.",
    example: "bridge br0 < addr 192.0.2.1/24 >\nns a < veth to br0; addr 192.0.2.2/24; route default via 192.0.2.254 >",
  },
  {
    code: "NS338",
    severity: "warning",
    message: "gateway {via} is `{ns}`'s own address",
    explanation:
      "A namespace cannot be its own gateway: the kernel takes such a route and the packets never leave (with `onlink` it refuses it: `Nexthop has invalid gateway`, an error then).",
    example: "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 via 192.0.2.2 >",
  },
  {
    code: "NS339",
    severity: "warning",
    message: "`{ns}` has no route back to {subnet}",
    explanation:
      "Another namespace reaches this one through a router, but this one has no route (nor a default one) to the sender's subnet, so its replies go nowhere and the ping fails although the way there works.",
    example:
      "ns r < veth as e0 peer a:eth0; addr 192.0.2.1/24; veth as e1 peer b:eth0; addr 198.51.100.1/24; sysctl net.ipv4.ip_forward = 1 >\nns a < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns b < addr 198.51.100.2/24 on eth0 >",
  },
  {
    code: "NS340",
    severity: "warning",
    message: "{subnet} and {other} share one link but differ in prefix",
    explanation:
      "Addresses on one L2 link (a bridge and its ports, a veth pair) should have one subnet: with /24 on one and /25 on another, each takes part of the other's range for off-link and sends it to a gateway.",
    example: "bridge br0 < addr 192.0.2.1/24 >\nns a < veth to br0; addr 192.0.2.2/24 >\nns b < veth to br0; addr 192.0.2.3/25 >",
  },
  {
    code: "NS341",
    severity: "warning",
    message: "address {addr} is also {other}",
    explanation:
      "Two namespaces (or a namespace and the host) carry one address on different links: traffic for it reaches only one of them. Addresses hidden behind a `nat` (vagga's guests) may repeat.",
    example: "uplink eth0\nhost < addr 198.51.100.2/24 on eth0 >\nns a < veth pair; addr 198.51.100.2/24; proxyarp on eth0 >",
  },
  {
    code: "NS342",
    severity: "warning",
    message: "nat from {source} to `{out}`: that traffic arrives on `{out}` and never leaves through it",
    explanation:
      "A masquerade rule rewrites packets as they leave through its out interface; traffic that arrives on that very interface leaves through another one, so the rule never applies.",
    example: "ns r < veth as wan0; addr 203.0.113.2/24; veth as lan0; addr 192.0.2.1/24; nat from 192.0.2.0/24 to lan0 >",
  },
  {
    code: "NS343",
    severity: "warning",
    message: "nat from {source} to `{out}` looks reversed: `{ns}` reaches other networks through {source}",
    explanation:
      "The source of a masquerade is the inside (what sits behind the router) and the out interface the way to the rest of the network; this rule masquerades what comes in from outside instead.",
    example:
      "ns isp < veth as e0 peer r:wan0; addr 203.0.113.1/24 >\nns r < addr 203.0.113.2/24 on wan0; route default via 203.0.113.1; veth as lan0; addr 192.0.2.1/24; nat from wan0 to lan0 >",
  },
  {
    code: "NS344",
    severity: "warning",
    message: "{addr} in `{ns}` is in the subnet of uplink `{uplink}` but not on its link, and nothing publishes it there",
    explanation:
      "An address of the LAN on a veth to the host is reachable from the LAN only if the host answers ARP for it on the uplink and routes it down the veth: `proxyarp on UPLINK` (the routed-veth recipe) does both.",
    example: "uplink eth0\nhost < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns c2 < veth pair; addr 192.0.2.11/24 >",
  },
] as const satisfies readonly CodeInfo[];
