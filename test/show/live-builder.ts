import { defaultBroadcast } from "../../src/ipam/cidr.js";
import { emptyLiveState, type LiveLink, type LiveRoute, type LiveState } from "../../src/model/live.js";
import { HOST } from "../../src/model/topology.js";

/**
 * Hand-made kernel snapshots, in the shape readLive gives: ifindexes counted per
 * namespace from 1 (lo), so indexes collide across namespaces as they do in a kernel;
 * a veth end in another namespace than its peer carries a linkNetnsId.
 */
export class LiveBuilder {
  readonly live: LiveState = emptyLiveState();
  private readonly nextIndex = new Map<string, number>();

  constructor(hostDevices: string[] = ["eth0"]) {
    this.link(HOST, "lo", "loopback");
    for (const d of hostDevices) this.link(HOST, d, "");
  }

  ns(name: string): this {
    this.live.namespaces.push(name);
    this.live.namespaces.sort();
    this.link(name, "lo", "loopback");
    return this;
  }

  link(ns: string, name: string, kind: string, extra: Partial<LiveLink> = {}): LiveLink {
    const ifindex = this.nextIndex.get(ns) ?? 1;
    this.nextIndex.set(ns, ifindex + 1);
    const l: LiveLink = { ns, name, ifindex, kind, up: true, ...extra };
    this.live.links.push(l);
    return l;
  }

  find(ns: string, name: string): LiveLink {
    const l = this.live.links.find((x) => x.ns === ns && x.name === name);
    if (!l) throw new Error(`no link ${ns}:${name}`);
    return l;
  }

  veth(a: [string, string], b: [string, string], opts: { masterA?: string; masterB?: string } = {}): this {
    const la = this.link(a[0], a[1], "veth", opts.masterA ? { master: opts.masterA } : {});
    const lb = this.link(b[0], b[1], "veth", opts.masterB ? { master: opts.masterB } : {});
    la.linkIndex = lb.ifindex;
    lb.linkIndex = la.ifindex;
    if (a[0] !== b[0]) {
      la.linkNetnsId = 0;
      lb.linkNetnsId = 0;
    }
    return this;
  }

  child(ns: string, name: string, kind: "macvlan" | "ipvlan" | "vlan", parent: [string, string], extra: Partial<LiveLink> = {}): this {
    const p = this.find(parent[0], parent[1]);
    this.link(ns, name, kind, { linkIndex: p.ifindex, ...(p.ns !== ns ? { linkNetnsId: 0 } : {}), ...extra });
    return this;
  }

  /** addresses as the kernel holds them when nsnet (`brd +`), ifupdown or DHCP added them:
   *  IPv4 below /31 with its broadcast address */
  addr(ns: string, dev: string, ...cidrs: string[]): this {
    for (const cidr of cidrs) {
      const brd = defaultBroadcast(cidr);
      this.live.addrs.push(brd === undefined ? { ns, dev, cidr } : { ns, dev, cidr, brd });
    }
    return this;
  }

  route(ns: string, dst: string, r: Partial<LiveRoute> = {}): this {
    this.live.routes.push({ ns, dst, family: dst.includes(":") ? 6 : 4, ...r });
    return this;
  }

  /** what the kernel adds by itself for an address: the connected route, a link-local address */
  connected(ns: string, dev: string, subnet: string): this {
    this.route(ns, subnet, { dev, proto: "kernel", scope: "link" });
    this.addr(ns, dev, "fe80::1/64");
    this.route(ns, "fe80::/64", { dev, proto: "kernel" });
    return this;
  }

  /** a sysctl value as `show` reads it */
  sysctl(ns: string, key: string, value: string): this {
    this.live.sysctls[ns] = { ...this.live.sysctls[ns], [key]: value };
    return this;
  }

  proxy(addr: string, dev: string): this {
    this.live.proxies.push({ ns: HOST, addr, dev });
    return this;
  }

  down(ns: string, name: string): this {
    this.find(ns, name).up = false;
    return this;
  }
}

/** The card example after `nsnet up`, as the kernel reports it. */
export function cardLive(): LiveState {
  return new LiveBuilder()
    .ns("lxc1")
    .veth([HOST, "lxc1_veth0"], ["lxc1", "eth0"])
    .addr(HOST, "eth0", "1.1.128.2/20")
    .route(HOST, "default", { via: "1.1.128.1", dev: "eth0", proto: "boot" })
    .addr("lxc1", "eth0", "1.1.128.3/20")
    .connected("lxc1", "eth0", "1.1.128.0/20")
    .route("lxc1", "default", { via: "1.1.128.1", dev: "eth0", onlink: true, proto: "boot" })
    .route(HOST, "1.1.128.3/32", { dev: "lxc1_veth0", proto: "boot", scope: "link" })
    .proxy("1.1.128.3", "eth0")
    .sysctl(HOST, "net.ipv4.ip_forward", "1")
    .sysctl(HOST, "net.ipv4.conf.lxc1_veth0.proxy_arp", "1")
    .sysctl(HOST, "net.ipv4.conf.all.proxy_arp", "0").live;
}

/**
 * A bit of everything: a host bridge with two namespaces on it, a namespace bridge with a
 * guest on it, a direct veth between two namespaces, a macvlan on the host's eth0, a
 * vxlan, a veth whose peer is out of sight, a link that is down, IPv6.
 */
export function mixedLive(): LiveState {
  const b = new LiveBuilder(["eth0", "wlan0"]);
  b.link(HOST, "br0", "bridge");
  b.link(HOST, "docker0", "bridge");
  for (const n of ["a", "b", "gw", "guest", "mv", "odd"]) b.ns(n);
  b.veth([HOST, "a_veth0"], ["a", "eth0"], { masterA: "br0" });
  b.veth([HOST, "b_veth0"], ["b", "eth0"], { masterA: "br0" });
  b.veth(["a", "eth1"], ["b", "eth1"]);
  b.link("gw", "br1", "bridge");
  b.veth(["guest", "eth0"], ["gw", "guest_veth0"], { masterB: "br1" });
  b.child("mv", "eth0", "macvlan", [HOST, "eth0"], { mode: "private" });
  b.link("odd", "vx0", "vxlan");
  b.link("odd", "lost0", "veth", { linkIndex: 40, linkNetnsId: 3 });
  b.veth(["odd", "x0"], ["odd", "x1"]);
  b.addr(HOST, "br0", "192.0.2.1/24").connected(HOST, "br0", "192.0.2.0/24");
  b.addr(HOST, "wlan0", "198.51.100.7/24");
  b.addr("a", "eth0", "192.0.2.10/24", "2001:db8::10/64").connected("a", "eth0", "192.0.2.0/24");
  b.route("a", "default", { via: "192.0.2.1", dev: "eth0", proto: "boot" });
  b.route("a", "default", { via: "2001:db8::1", dev: "eth0", proto: "boot" });
  b.addr("a", "eth1", "198.51.100.1/30").addr("b", "eth1", "198.51.100.2/30");
  b.addr("b", "eth0", "192.0.2.11/24");
  b.down("b", "eth1");
  b.addr("gw", "br1", "203.0.113.254/24").addr("guest", "eth0", "203.0.113.1/24");
  b.route("guest", "default", { via: "203.0.113.254", dev: "eth0", proto: "boot" });
  b.addr("mv", "eth0", "198.51.100.123/24");
  b.addr("odd", "vx0", "203.0.113.50/24");
  b.route("odd", "203.0.113.128/25", { via: "203.0.113.1", dev: "vx0", proto: "boot" });
  b.route("odd", "192.0.2.0/24", { proto: "boot" });
  b.route(HOST, "203.0.113.0/24", { via: "192.0.2.2", dev: "br0", proto: "boot" });
  b.route(HOST, "default", { via: "198.51.100.1", dev: "wlan0", proto: "dhcp" });
  b.proxy("192.0.2.99", "br0");
  return b.live;
}
