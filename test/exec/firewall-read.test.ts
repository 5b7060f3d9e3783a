import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { parseNftJson } from "../../src/exec/firewall-read.js";

// `nft -j list ruleset` of a host where nsnet applied a NAT'd bridge with a portmap and a
// partition (captured in a sandbox), plus hand-made rules nsnet never writes.
const fixture = readFileSync(new URL("./nft-ruleset.fixture.json", import.meta.url), "utf8");

describe("reading nsnet's nft tables back", () => {
  it("finds our tables and their rules as structure, the output chain's DNAT once", () => {
    const tables = parseNftJson("host", fixture);
    expect(tables.map((t) => `${t.family} ${t.table}`)).toEqual(["inet nsnet_nat_4f01498a", "bridge nsnet_nat_4f01498a"]);
    expect(tables[0]!.rules).toEqual([
      { kind: "dnat", proto: "tcp", dport: 8080, addr: "192.0.2.2", port: 80 },
      { kind: "masquerade", iif: "cni0", oif: "eth0" },
      { kind: "drop", iif: ["web_veth0"], oif: ["db_veth0", "cache_veth0"] },
      { kind: "drop", iif: ["db_veth0", "cache_veth0"], oif: ["web_veth0"] },
    ]);
    expect(tables[1]!.rules.map((r) => r.kind)).toEqual(["drop", "drop"]);
  });

  it("ignores tables that are not ours, keeps an unknown rule of ours as `other`, survives bad JSON", () => {
    const doc = {
      nftables: [
        { table: { family: "inet", name: "filter" } },
        { rule: { family: "inet", table: "filter", chain: "input", expr: [{ accept: null }] } },
        { table: { family: "inet", name: "nsnet_p" } },
        { rule: { family: "inet", table: "nsnet_p", chain: "forward", expr: [{ counter: { packets: 0, bytes: 0 } }, { accept: null }] } },
        {
          rule: {
            family: "inet",
            table: "nsnet_p",
            chain: "postrouting",
            expr: [
              { match: { op: "==", left: { meta: { key: "iifname" } }, right: "ve-*" } },
              { match: { op: "==", left: { meta: { key: "oifname" } }, right: "eth0" } },
              { masquerade: null },
            ],
          },
        },
      ],
    };
    expect(parseNftJson("n1", JSON.stringify(doc))).toEqual([
      {
        ns: "n1",
        table: "nsnet_p",
        family: "inet",
        rules: [
          { kind: "other", chain: "forward" },
          { kind: "masquerade", iif: "ve-*", oif: "eth0" },
        ],
      },
    ]);
    expect(parseNftJson("n1", "not json")).toEqual([]);
    expect(parseNftJson("n1", '{"nftables": 3}')).toEqual([]);
  });

  it('reads a masquerade by source subnet (as nft 1.0 prints `ip saddr CIDR oifname "IF" masquerade`)', () => {
    const text =
      '{"nftables": [{"table": {"family": "inet", "name": "nsnet_t", "handle": 1}}, {"rule": {"family": "inet", "table": "nsnet_t", "chain": "postrouting", "handle": 2, "expr": [' +
      '{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, ' +
      '{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "eth0"}}, {"masquerade": null}]}}]}';
    expect(parseNftJson("host", text)).toEqual([
      { ns: "host", table: "nsnet_t", family: "inet", rules: [{ kind: "masquerade-subnet", saddr: "192.0.2.0/24", oif: "eth0" }] },
    ]);
  });
});
