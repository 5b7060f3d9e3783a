import { HOST } from "../model/topology.js";
import { defaultBroadcast } from "../ipam/cidr.js";
import type { OpStep } from "./op.js";
import { nftFamilies, placeOf, type Effect, type LinkEffect, type NftFamily, saddrFamily } from "./effect.js";

/**
 * The one producer of kernel text: an effect rendered as the step that performs it —
 * an `ip -batch` line (without the leading `ip`), a sysctl `KEY=VALUE`, a whole nft
 * ruleset, a service's JSON argv. read.ts parses exactly these forms back, for ops an older
 * nsnet stored as text.
 */

/** `netns NS` clause: omitted for the namespace the command runs in. */
const netnsClause = (ns: string, at: string): string => (ns === at ? "" : ` netns ${ns}`);

function linkAdd(e: LinkEffect): string {
  const here = netnsClause(e.ns, e.at);
  switch (e.kind) {
    case "bridge":
      return `link add ${e.name}${here} type bridge`;
    case "veth":
      return `link add ${e.name}${here} type veth peer name ${e.peer.name}${netnsClause(e.peer.ns, e.at)}`;
    case "macvlan":
    case "ipvlan":
      return `link add link ${e.parent} name ${e.name}${here} type ${e.kind} mode ${e.mode}`;
    case "vlan":
      return `link add link ${e.parent} name ${e.name}${here} type vlan id ${e.vlanId}`;
  }
}

const CHAIN_HEADERS = {
  prerouting: "type nat hook prerouting priority dstnat; policy accept;",
  output: "type nat hook output priority -100; policy accept;",
  postrouting: "type nat hook postrouting priority srcnat; policy accept;",
  forward: "type filter hook forward priority filter; policy accept;",
} as const;

export type ChainName = keyof typeof CHAIN_HEADERS;
export const chainHeader = (c: ChainName): string => CHAIN_HEADERS[c];

/** `"a"` or `{ "a", "b" }` */
export const nftNameSet = (names: readonly string[]): string => (names.length === 1 ? `"${names[0]}"` : `{ ${names.map((n) => `"${n}"`).join(", ")} }`);

/** The rules of each chain of one family's table, chains without rules left out. */
export function nftChains(e: Extract<Effect, { k: "nft" }>, family: NftFamily): [ChainName, string[]][] {
  const dnat = e.dnat.map((d) => `fib daddr type local ${d.proto} dport ${d.port} dnat ip to ${d.to}:${d.toPort}`);
  // `counter` on every NAT and partition rule: `.counters` in the REPL (nft's own numbers)
  // says whether traffic met the rule at all (issue 22 item 5)
  const drop = e.drop.map((d) => `iifname ${nftNameSet(d.iif)} oifname ${nftNameSet(d.oif)} counter drop`);
  const chains: [ChainName, string[]][] =
    family === "bridge"
      ? [["forward", drop]]
      : [
          ["prerouting", dnat],
          ["output", dnat],
          [
            "postrouting",
            e.masquerade.map(
              (m) => `${"saddr" in m ? `${saddrFamily(m.saddr)} saddr ${m.saddr}` : `iifname "${m.iif}"`} oifname "${m.oif}" counter masquerade`,
            ),
          ],
          ["forward", drop],
        ];
  return chains.filter(([, rules]) => rules.length > 0);
}

/** One family's table, replacing any previous one atomically: creating an empty table
 *  first makes the `delete` valid when none exists. */
function nftTable(e: Extract<Effect, { k: "nft" }>, family: NftFamily): string {
  const body = nftChains(e, family)
    .map(([name, rules]) => `\tchain ${name} {\n\t\t${chainHeader(name)}\n${rules.map((r) => `\t\t${r}\n`).join("")}\t}\n`)
    .join("");
  return `table ${family} ${e.table} {\n}\ndelete table ${family} ${e.table}\ntable ${family} ${e.table} {\n${body}}\n`;
}

function text(e: Effect): string {
  switch (e.k) {
    case "netns":
      return `netns add ${e.name}`;
    case "netns-del":
      return `netns del ${e.name}`;
    case "link":
      return linkAdd(e);
    case "link-del":
      return `link del ${e.name}`;
    case "move":
      // `netns 1`: the namespace of PID 1, the root namespace when run in it (or in a
      // sandbox with its own PID namespace); iproute2 has no name for the root namespace.
      return `link set ${e.from} netns ${e.ns === HOST ? "1" : e.ns} name ${e.name}`;
    case "alias":
      return `link set ${e.dev} alias ${e.alias}`;
    case "master":
      return e.master === null ? `link set ${e.dev} nomaster` : `link set ${e.dev} master ${e.master}`;
    case "hairpin":
      return `link set dev ${e.dev} type bridge_slave hairpin ${e.on ? "on" : "off"}`;
    case "updown":
      return `link set ${e.dev} ${e.up ? "up" : "down"}`;
    case "mtu":
      return `link set ${e.dev} mtu ${e.mtu}`;
    case "hwaddr":
      return `link set ${e.dev} address ${e.mac}`;
    case "addr":
      return e.add ? addrAddText(e.cidr, e.dev) : `addr del ${e.cidr} dev ${e.dev}`;
    case "route":
      return `route ${e.add ? "add" : "del"} ${e.dst}${e.via ? ` via ${e.via}` : ""}${e.dev ? ` dev ${e.dev}` : ""}${e.add && e.onlink ? " onlink" : ""}`;
    case "proxy":
      return `neigh ${e.add ? "add" : "del"} proxy ${e.addr} dev ${e.dev}`;
    case "sysctl":
      return `${e.key}=${e.value}`;
    case "nft":
      return nftFamilies(e)
        .map((f) => nftTable(e, f))
        .join("");
    case "nft-del":
      return e.families.map((f) => `delete table ${f} ${e.table}\n`).join("");
    case "service":
      return JSON.stringify(e.argv);
    case "service-stop":
      return JSON.stringify({ stop: e.argv });
  }
}

const TOOL = {
  sysctl: "sysctl",
  nft: "nft",
  "nft-del": "nft",
  service: "service",
  "service-stop": "service",
} as const;

/** The step that performs an effect: its tool, where it runs, its text. */
export function render(e: Effect): OpStep {
  const tool = (TOOL as Record<string, OpStep["tool"]>)[e.k] ?? "ip";
  return { tool, ns: placeOf(e), text: text(e) };
}

/** `addr add` as ifupdown, LXC and CNI's bridge plugin do it: an IPv4 address shorter than
 *  /31 gets its broadcast address (`brd +`: ip computes it, the helper the same way). */
export function addrAddText(cidr: string, dev: string): string {
  return `addr add ${cidr}${defaultBroadcast(cidr) === undefined ? "" : " brd +"} dev ${dev}`;
}

/** The text nsnet wrote for an `addr add` before it set broadcast addresses (state files of
 *  earlier versions hold it): the same fact. */
export function legacyAddrAddText(cidr: string, dev: string): string {
  return `addr add ${cidr} dev ${dev}`;
}
