/**
 * A snapshot of the kernel's state, as the live-state reader (src/exec/live.ts) reads it
 * with `ip -j`, and as pure fakes give it in tests. The checker's live pass and the
 * planner's diff both read this; neither ever reads the kernel itself.
 */
export interface LiveLink {
  /** HOST ("host") for the root namespace */
  ns: string;
  name: string;
  ifindex: number;
  /** "veth", "bridge", "macvlan", "ipvlan", "vlan", "loopback", "" when unknown */
  kind: string;
  /** nsnet marks its own links with alias `nsnet:<project>` */
  alias?: string;
  master?: string;
  /** admin state (IFF_UP) */
  up: boolean;
  mtu?: number;
  mac?: string;
  /** for veth/macvlan/vlan: ifindex of the peer/parent and, if in another ns, its netns id */
  linkIndex?: number;
  linkNetnsId?: number;
  /** macvlan/ipvlan mode, vlan id */
  mode?: string;
  vlanId?: number;
  /** a bridge port's hairpin mode, when the reader reports it (undefined: not read) */
  hairpin?: boolean;
}

export interface LiveAddr {
  ns: string;
  dev: string;
  /** "10.0.0.1/24", "2001:db8::1/64" */
  cidr: string;
  /** the IPv4 broadcast address the kernel holds for it (IFA_BROADCAST), when it has one */
  brd?: string;
}

export interface LiveRoute {
  ns: string;
  /** "default" or canonical CIDR ("1.1.128.3/32" for host routes) */
  dst: string;
  via?: string;
  dev?: string;
  family: 4 | 6;
  onlink?: boolean;
  proto?: string;
  scope?: string;
}

export interface LiveNeighProxy {
  ns: string;
  addr: string;
  dev: string;
}

export interface LiveState {
  /** named namespaces (`ip netns list`), not including HOST */
  namespaces: string[];
  links: LiveLink[];
  addrs: LiveAddr[];
  routes: LiveRoute[];
  proxies: LiveNeighProxy[];
  /** sysctl values read on demand: ns → key → value (only keys someone asked for) */
  sysctls: Record<string, Record<string, string>>;
}

export function emptyLiveState(): LiveState {
  return { namespaces: [], links: [], addrs: [], routes: [], proxies: [], sysctls: {} };
}
