/**
 * nsnet's firewall tables as read back from the kernel (`nft -j list ruleset`), one per
 * namespace that has one: the rules in the shapes nsnet writes (src/plan/nft.ts), each
 * recognised from nft's JSON, never from rule text. `show` turns them back into `nat`,
 * `portmap` and `partition` statements.
 */
export type LiveFirewallRule =
  /** `nat from IIF to OIF`: `iifname "IIF" oifname "OIF" masquerade` (IIF may end in `*`) */
  | { kind: "masquerade"; iif: string; oif: string; counter?: RuleCounter }
  /** `nat from CIDR to OIF`: `ip saddr CIDR oifname "OIF" masquerade` (`ip6 saddr` for IPv6) */
  | { kind: "masquerade-subnet"; saddr: string; oif: string; counter?: RuleCounter }
  /** `portmap PROTO DPORT to NS:PORT`: `fib daddr type local PROTO dport DPORT dnat ip to ADDR:PORT` */
  | { kind: "dnat"; proto: "tcp" | "udp"; dport: number; addr: string; port: number }
  /** one direction of a partition: `iifname { … } oifname { … } drop` */
  | { kind: "drop"; iif: string[]; oif: string[]; counter?: RuleCounter }
  /** a rule in one of our tables in a shape nsnet never writes (someone edited the table) */
  | { kind: "other"; chain: string };

/** nft's `counter` on a rule: what met it since it was written (a masquerade rule is met by
 *  a connection's first packet only: conntrack translates the rest) */
export interface RuleCounter {
  packets: number;
  bytes: number;
}

export interface LiveFirewall {
  ns: string;
  /** `nsnet_<project>` */
  table: string;
  family: "inet" | "bridge";
  rules: LiveFirewallRule[];
}
