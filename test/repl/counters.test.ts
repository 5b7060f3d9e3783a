import { describe, it, expect } from "vitest";
import { parseNftJson } from "../../src/exec/firewall-read.js";
import { countersText } from "../../src/repl/counters.js";

const meta = (key: string, right: unknown) => ({ match: { op: "==", left: { meta: { key } }, right } });
const ruleset = (chain: string, expr: unknown[]) =>
  JSON.stringify({
    nftables: [
      { table: { family: "inet", name: "nsnet_lab", handle: 1 } },
      { chain: { family: "inet", table: "nsnet_lab", name: chain, handle: 2 } },
      { rule: { family: "inet", table: "nsnet_lab", chain, handle: 3, expr } },
    ],
  });

describe("nft counters on nsnet's rules", () => {
  it("a masquerade and a drop with `counter` are recognised, their numbers kept; .counters prints them", () => {
    const nat = parseNftJson(
      "r1",
      ruleset("postrouting", [meta("iifname", "lan"), meta("oifname", "wan"), { counter: { packets: 3, bytes: 252 } }, { masquerade: null }]),
    );
    expect(nat[0]?.rules).toEqual([{ kind: "masquerade", iif: "lan", oif: "wan", counter: { packets: 3, bytes: 252 } }]);
    const drop = parseNftJson(
      "host",
      ruleset("forward", [meta("iifname", { set: ["a", "b"] }), meta("oifname", "c"), { counter: { packets: 0, bytes: 0 } }, { drop: null }]),
    );
    expect(drop[0]?.rules).toEqual([{ kind: "drop", iif: ["a", "b"], oif: ["c"], counter: { packets: 0, bytes: 0 } }]);
    // a rule written before counters existed reads as before
    const old = parseNftJson("r1", ruleset("postrouting", [meta("iifname", "lan"), meta("oifname", "wan"), { masquerade: null }]));
    expect(old[0]?.rules).toEqual([{ kind: "masquerade", iif: "lan", oif: "wan" }]);
    expect(countersText([...nat, ...drop, ...old])).toBe(
      "r1           nat from lan to wan                      3 packets, 252 bytes\n" +
        "host         partition drop a,b -> c                  0 packets, 0 bytes\n" +
        "r1           nat from lan to wan                      no counter\n",
    );
    expect(countersText([])).toBe("no NAT or partition rules\n");
  });
});
