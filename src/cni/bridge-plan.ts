/**
 * What the drop-in bridge mode sends to the kernel, as text (pure; golden-tested). It builds
 * what the reference `bridge` plugin builds:
 * - host (shared, ensured on every ADD): the bridge, up; with isGateway the gateway
 *   address(es) on it and forwarding on; with ipMasq one nft table masquerading each subnet
 *   (to anything but the subnet itself and multicast, as the reference's per-container
 *   iptables chains do);
 * - per container: a veth whose container end is born in CNI_NETNS under CNI_IFNAME and
 *   whose host end is a port of the bridge (hairpin when asked), both up; the addresses,
 *   then the routes (gateway from the ipam result when a route names none).
 */
import { createHash } from "node:crypto";
import { ownerAlias } from "../model/state.js";
import { parseCidr, networkAddress, formatCidr, networkOf, overlaps } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import type { BridgeConf } from "./netconf.js";
import type { Allocated, Range } from "./host-local.js";
import type { IpLink } from "./kernel.js";
import type { ResultRoute } from "./result.js";

/** A locally administered unicast MAC derived from the project (stable across runs). */
export function bridgeMac(project: string): string {
  const h = createHash("sha256").update(project).digest();
  const bytes = [(h[0]! & 0xfc) | 0x02, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!];
  return bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
}

export function masqTableName(project: string): string {
  return `nsnet_${project.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/** The gateway CIDRs the bridge must carry: each IP's gateway with the IP's prefix. */
export function gatewayCidrs(ips: Allocated[]): string[] {
  return [...new Set(ips.map((ip) => `${ip.gateway}/${ip.address.split("/")[1]}`))];
}

/** Lines that make the bridge what the netconf asks for, given what is there now. */
export function bridgeLines(conf: BridgeConf, live: IpLink | undefined, gateways: string[], project: string): string[] {
  const lines: string[] = [];
  const br = conf.bridge;
  if (!live) {
    // a fixed address: a bridge without one takes the lowest of its ports' and changes as
    // containers come and go (the reference pins it too)
    lines.push(`link add ${br}${conf.mtu ? ` mtu ${conf.mtu}` : ""} address ${bridgeMac(project)} type bridge`, `link set ${br} alias ${ownerAlias(project)}`);
  }
  if (!live || !(live.flags ?? []).includes("UP")) lines.push(`link set ${br} up`);
  const have = new Set((live?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
  for (const gw of gateways) if (!have.has(gw)) lines.push(`addr add ${gw} dev ${br}`);
  return lines;
}

/**
 * Why an existing link named like the bridge cannot be used (null: fine). As the reference
 * does: it must be a bridge, and (IPv4) must not already carry a different address.
 */
export function bridgeProblem(conf: BridgeConf, live: IpLink | undefined, gateways: string[]): string | null {
  if (!live) return null;
  if (live.linkinfo?.info_kind !== "bridge") return `"${conf.bridge}" already exists but is not a bridge`;
  for (const gw of gateways) {
    if (!gw.includes(".")) continue;
    const other = (live.addr_info ?? []).find((a) => a.family === "inet" && `${a.local}/${a.prefixlen}` !== gw);
    if (other) return `"${conf.bridge}" already has an IP address different from ${gw} (${other.local}/${other.prefixlen})`;
  }
  return null;
}

/**
 * Why the network's subnets cannot be used here (null: fine): one overlaps a subnet the host
 * is already connected to — an address on any of its links but the network's own bridge
 * (the uplink's LAN, another network's bridge). The reference plugin takes such a subnet
 * and puts the gateway address on the bridge, LAN gateway or not; nsnet names both.
 */
export function subnetClash(ranges: Range[], hostLinks: IpLink[], bridge: string): string | null {
  for (const r of ranges) {
    for (const l of hostLinks) {
      if (l.ifname === bridge) continue;
      for (const a of l.addr_info ?? []) {
        const have = parseCidr(`${a.local}/${a.prefixlen}`);
        if (!have || !overlaps(r.subnet, have)) continue;
        const mine = formatCidr(networkOf(r.subnet));
        return `ipam subnet ${mine} overlaps ${a.local}/${a.prefixlen} on ${l.ifname} (the host is connected to ${formatCidr(networkOf(have))} there); choose a subnet this host does not use`;
      }
    }
  }
  return null;
}

export function vethLines(conf: BridgeConf, hostVeth: string, ifname: string, netns: string, project: string): string[] {
  const mtu = conf.mtu ? ` mtu ${conf.mtu}` : "";
  return [
    `link add ${hostVeth}${mtu} type veth peer name ${ifname}${mtu} netns ${netns}`,
    `link set ${hostVeth} alias ${ownerAlias(project)}`,
    `link set ${hostVeth} master ${conf.bridge}`,
    ...(conf.hairpinMode ? [`link set dev ${hostVeth} type bridge_slave hairpin on`] : []),
    `link set ${hostVeth} up`,
  ];
}

/** The routes of the result: ipam's, plus a default route per family with isDefaultGateway. */
export function resultRoutes(conf: BridgeConf, ips: Allocated[]): ResultRoute[] {
  const routes: ResultRoute[] = (conf.ipam?.routes ?? []).map((r) => ({ ...r }));
  if (conf.isDefaultGateway) {
    for (const fam of [4, 6] as const) {
      const ip = ips.find((i) => i.family === fam);
      if (!ip) continue;
      const dflt = fam === 4 ? "0.0.0.0/0" : "::/0";
      if (!routes.some((r) => r.gw !== undefined && r.dst === dflt)) routes.push({ dst: dflt, gw: ip.gateway });
    }
  }
  return routes;
}

export function containerLines(ifname: string, ips: Allocated[], routes: ResultRoute[]): string[] {
  const lines = ips.map((ip) => `addr add ${ip.address} dev ${ifname}`);
  lines.push(`link set ${ifname} up`);
  for (const r of routes) {
    const fam = parseCidr(r.dst)?.family;
    const gw = r.gw ?? ips.find((i) => i.family === fam)?.gateway;
    lines.push(`route add ${r.dst}${gw ? ` via ${gw}` : ""} dev ${ifname}`);
  }
  return lines;
}

/** One table for the network: replaced whole, so applying it again changes nothing. */
export function masqRuleset(project: string, subnets: string[]): string {
  const name = masqTableName(project);
  const rules = [...new Set(subnets.map((s) => formatCidr({ ...parseCidr(s)!, addr: networkAddress(parseCidr(s)!) })))].map((s) => {
    const v6 = parseIp(s.split("/")[0]!)?.family === 6;
    return v6 ? `ip6 saddr ${s} ip6 daddr != ${s} ip6 daddr != ff00::/8 masquerade` : `ip saddr ${s} ip daddr != ${s} ip daddr != 224.0.0.0/4 masquerade`;
  });
  return (
    `table inet ${name} {\n}\ndelete table inet ${name}\ntable inet ${name} {\n` +
    `\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n${rules.map((r) => `\t\t${r}\n`).join("")}\t}\n}\n`
  );
}
