import { HOST, type DevRef } from "../model/topology.js";

export type { DevRef };

/**
 * What an op does to the kernel, as data. The planner builds ops from effects; the text
 * sent to `ip`, `sysctl`, `nft` and the service argv are renderings of them (render.ts,
 * the only producer of that text); the diff, the executor's verification and rollback, and
 * the test kernel all read effects, never text. Text is parsed back (read.ts) only for ops
 * an older nsnet stored as text.
 *
 * Places are HOST or a namespace name. Every effect says where it happens; a `link` also
 * says where its command runs (`at`): a bridge or veth is created from the host with
 * `netns NS`, a macvlan/ipvlan/vlan from its parent's namespace.
 */

export type LinkEffect = { k: "link"; at: string; ns: string; name: string } & (
  | { kind: "bridge" }
  | { kind: "veth"; peer: DevRef }
  | { kind: "macvlan"; parent: string; mode: string }
  | { kind: "ipvlan"; parent: string; mode: string }
  | { kind: "vlan"; parent: string; vlanId: number }
);

/** `iifname "IIF" oifname "OIF" masquerade` (IIF may end in `*`), or by source subnet:
 *  `ip saddr CIDR oifname "OIF" masquerade` (`ip6 saddr` for IPv6) */
export type Masquerade = { iif: string; oif: string } | { saddr: string; oif: string };

/** `ip` or `ip6`: the nft family keyword for a source subnet. */
export const saddrFamily = (cidr: string): "ip" | "ip6" => (cidr.includes(":") ? "ip6" : "ip");
/** `fib daddr type local PROTO dport PORT dnat ip to TO:TOPORT`, in prerouting and output */
export interface Dnat {
  proto: "tcp" | "udp";
  port: number;
  to: string;
  toPort: number;
}
/** `iifname { … } oifname { … } drop`, in the inet and the bridge forward hooks */
export interface Drop {
  iif: string[];
  oif: string[];
}

export type NftFamily = "inet" | "bridge";

export type Effect =
  | { k: "netns"; name: string }
  | { k: "netns-del"; name: string }
  | LinkEffect
  | { k: "link-del"; ns: string; name: string }
  /** an existing link moved from `fromNs` (where the command runs) into `ns`, renamed */
  | { k: "move"; fromNs: string; from: string; ns: string; name: string }
  | { k: "alias"; ns: string; dev: string; alias: string }
  | { k: "master"; ns: string; dev: string; master: string | null }
  /** a bridge port's hairpin mode (`link set dev DEV type bridge_slave hairpin on|off`, as
   *  the CNI bridge plugin sets it for hairpinMode) */
  | { k: "hairpin"; ns: string; dev: string; on: boolean }
  | { k: "updown"; ns: string; dev: string; up: boolean }
  | { k: "mtu"; ns: string; dev: string; mtu: number }
  /** `link set DEV address MAC` (lower case) */
  | { k: "hwaddr"; ns: string; dev: string; mac: string }
  | { k: "addr"; ns: string; dev: string; cidr: string; add: boolean }
  /** `onlink` only on an add (a delete matches the route without it) */
  | { k: "route"; ns: string; dst: string; via?: string; dev?: string; onlink?: true; add: boolean }
  | { k: "proxy"; ns: string; addr: string; dev: string; add: boolean }
  | { k: "sysctl"; ns: string; key: string; value: string }
  /** the project's whole table in one namespace (replaced atomically when re-applied) */
  | { k: "nft"; ns: string; table: string; masquerade: Masquerade[]; dnat: Dnat[]; drop: Drop[] }
  | { k: "nft-del"; ns: string; table: string; families: NftFamily[] }
  | { k: "service"; ns: string; argv: string[] }
  | { k: "service-stop"; ns: string; argv: string[] };

export type EffectKind = Effect["k"];

/** Why an op has no inverse of its own: its effect vanishes with the inverse of another op —
 *  deleting the link it is about, deleting its namespace, or moving its device back. */
export type UndoneWith = "link" | "namespace" | "move-back";

export const UNDONE_WITH: readonly UndoneWith[] = ["link", "namespace", "move-back"];

/** The families an nft effect writes tables in (bridge only for partitions). */
export function nftFamilies(e: Extract<Effect, { k: "nft" }>): NftFamily[] {
  return e.drop.length > 0 ? ["inet", "bridge"] : ["inet"];
}

/** `net.ipv4.conf.DEV.LEAF`: a '.' in DEV (`eth0.5`) is written '/' as sysctl(8) does. */
export const devSysctlKey = (family: 4 | 6, dev: string, leaf: string): string => `net.ipv${family}.conf.${dev.replaceAll(".", "/")}.${leaf}`;

/** The device a sysctl key is about (`net.ipv4.conf.DEV.proxy_arp` → DEV), if any. */
export function sysctlDev(key: string): string | undefined {
  const m = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(key);
  if (!m || m[1] === "all" || m[1] === "default") return undefined;
  return m[1]!.replaceAll("/", ".");
}

/** The devices (in the effect's namespace) an effect reads or changes, for subsumption. */
export function devicesTouched(e: Effect): string[] {
  switch (e.k) {
    case "alias":
    case "master":
    case "hairpin":
    case "updown":
    case "mtu":
    case "hwaddr":
    case "addr":
    case "proxy":
      return [e.dev];
    case "route":
      return e.dev ? [e.dev] : [];
    case "sysctl": {
      const d = sysctlDev(e.key);
      return d ? [d] : [];
    }
    default:
      return [];
  }
}

/** Where an effect's command runs. */
export function placeOf(e: Effect): string {
  switch (e.k) {
    case "netns":
    case "netns-del":
      return HOST;
    case "link":
      return e.at;
    case "move":
      return e.fromNs;
    default:
      return e.ns;
  }
}
