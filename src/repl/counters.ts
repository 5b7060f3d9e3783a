import type { LiveFirewall } from "../model/firewall.js";

/**
 * `.counters`: nsnet's NAT and partition rules as the kernel holds them, each with nft's
 * counter — whether a ping ever met the masquerade (a connection's first packet does) or
 * the partition's drop. Pure: text from what firewall-read.ts parsed.
 */
export function countersText(tables: readonly LiveFirewall[]): string {
  const lines: string[] = [];
  for (const t of tables) {
    for (const r of t.rules) {
      if (r.kind === "dnat" || r.kind === "other") continue;
      // the bridge family repeats the inet drops for bridged traffic: shown apart
      const where = `${t.ns}${t.family === "bridge" ? " (bridged)" : ""}`;
      const what =
        r.kind === "masquerade"
          ? `nat from ${r.iif.replace(/\*$/, "+")} to ${r.oif}`
          : r.kind === "masquerade-subnet"
            ? `nat from ${r.saddr} to ${r.oif}`
            : `partition drop ${r.iif.join(",")} -> ${r.oif.join(",")}`;
      const n = r.counter ? `${r.counter.packets} packets, ${r.counter.bytes} bytes` : "no counter";
      lines.push(`${where.padEnd(12)} ${what.padEnd(40)} ${n}`);
    }
  }
  return lines.length ? `${lines.join("\n")}\n` : "no NAT or partition rules\n";
}
