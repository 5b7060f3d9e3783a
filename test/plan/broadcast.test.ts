import { describe, expect, it } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { defaultBroadcast } from "../../src/ipam/cidr.js";
import { parseAddrs } from "../../src/exec/ip-json.js";
import { expectationsOf } from "../../src/exec/effects.js";
import { parseHelperOutput } from "../../src/exec/helper-protocol.js";
import { emptyLiveState } from "../../src/model/live.js";
import { emptyProjectState, opKey } from "../../src/model/state.js";
import { plan } from "../../src/plan/plan.js";
import { effectOf } from "../../src/plan/read.js";
import { render } from "../../src/plan/render.js";
import { simulate } from "./simulate.js";

/**
 * Issue 20 item 20: IPv4 addresses nsnet added had no broadcast address, where ifupdown,
 * NetworkManager, LXC and CNI's bridge plugin set one. nsnet now adds them with `brd +`
 * below /31 (the helper sends the same IFA_BROADCAST), reads it back, and verifies it.
 */
describe("broadcast addresses", () => {
  it("the default: the block's last address for IPv4 below /31, none for /31, /32 and IPv6", () => {
    expect(defaultBroadcast("198.51.100.2/24")).toBe("198.51.100.255");
    expect(defaultBroadcast("1.1.128.3/20")).toBe("1.1.143.255");
    expect(defaultBroadcast("172.18.192.1/30")).toBe("172.18.192.3");
    expect(defaultBroadcast("192.0.2.0/31")).toBeUndefined();
    expect(defaultBroadcast("192.0.2.7/32")).toBeUndefined();
    expect(defaultBroadcast("2001:db8::1/64")).toBeUndefined();
    expect(defaultBroadcast("nonsense")).toBeUndefined();
  });

  it("`addr add` carries `brd +` where there is a broadcast address; `addr del` never", () => {
    const text = (cidr: string, add = true) => render({ k: "addr", ns: "a", dev: "eth0", cidr, add }).text;
    expect(text("198.51.100.2/24")).toBe("addr add 198.51.100.2/24 brd + dev eth0");
    expect(text("192.0.2.0/31")).toBe("addr add 192.0.2.0/31 dev eth0");
    expect(text("192.0.2.7/32")).toBe("addr add 192.0.2.7/32 dev eth0");
    expect(text("2001:db8::1/64")).toBe("addr add 2001:db8::1/64 dev eth0");
    expect(text("198.51.100.2/24", false)).toBe("addr del 198.51.100.2/24 dev eth0");
  });

  it("reads its own text back, and the text of earlier versions (no `brd +`) as the same op", () => {
    const e = { k: "addr", ns: "a", dev: "eth0", cidr: "198.51.100.2/24", add: true } as const;
    expect(effectOf({ tool: "ip", ns: "a", text: "addr add 198.51.100.2/24 brd + dev eth0" })).toEqual(e);
    expect(effectOf({ tool: "ip", ns: "a", text: "addr add 198.51.100.2/24 dev eth0" })).toEqual(e);
    expect(opKey({ tool: "ip", ns: "a", text: "addr add 198.51.100.2/24 dev eth0" })).toBe(opKey(render(e)));
    // what nsnet never writes stays refused: `brd +` on IPv6, a /31, a delete, or another broadcast
    for (const text of [
      "addr add 2001:db8::1/64 brd + dev eth0",
      "addr add 192.0.2.0/31 brd + dev eth0",
      "addr del 198.51.100.2/24 brd + dev eth0",
      "addr add 198.51.100.2/24 brd 198.51.100.127 dev eth0",
    ])
      expect(effectOf({ tool: "ip", ns: "a", text }), text).toBeNull();
  });

  it("an address an earlier version added (no broadcast) is kept as it is: no delete and add again", () => {
    const c = compileText("ns a < veth; addr 198.51.100.2/24 >\n", "b.nsnet");
    const first = plan(c.addressed!, emptyLiveState(), { project: "b", previous: emptyProjectState("b") });
    const old = first.ops.map((o) => (o.effect.k === "addr" ? { ...o, text: o.text.replace(" brd +", "") } : o));
    const live = simulate(emptyLiveState(), first.ops);
    live.addrs = live.addrs.map(({ brd: _, ...a }) => a);
    expect(plan(c.addressed!, live, { project: "b", previous: { ...emptyProjectState("b"), applied: old } }).ops).toEqual([]);
  });

  it("ip -j's broadcast is read back (IPv4 only), and the verification after an apply wants it", () => {
    const json = JSON.stringify([
      {
        ifname: "eth0",
        addr_info: [
          { family: "inet", local: "198.51.100.2", prefixlen: 24, broadcast: "198.51.100.255" },
          { family: "inet6", local: "2001:db8::1", prefixlen: 64 },
        ],
      },
    ]);
    const addrs = parseAddrs("a", json);
    expect(addrs).toEqual([
      { ns: "a", dev: "eth0", cidr: "198.51.100.2/24", brd: "198.51.100.255" },
      { ns: "a", dev: "eth0", cidr: "2001:db8::1/64" },
    ]);
    const [want] = expectationsOf([
      {
        ...render({ k: "addr", ns: "a", dev: "eth0", cidr: "198.51.100.2/24", add: true }),
        index: 1,
        phase: "namespaces",
        summary: "",
        effect: { k: "addr", ns: "a", dev: "eth0", cidr: "198.51.100.2/24", add: true },
        inverse: null,
      },
    ]);
    expect(want!.describe).toBe("address 198.51.100.2/24 brd 198.51.100.255 on eth0 in a");
    expect(want!.holds({ ...emptyLiveState(), addrs })).toBe(true);
    expect(want!.holds({ ...emptyLiveState(), addrs: [{ ns: "a", dev: "eth0", cidr: "198.51.100.2/24" }] })).toBe(false);
  });

  it("the helper's record carries it the same way", () => {
    const state = {
      links: [],
      addrs: [
        { dev: "eth0", cidr: "198.51.100.2/24", brd: "198.51.100.255" },
        { dev: "eth0", cidr: "2001:db8::1/64" },
      ],
      routes: [],
      proxies: [],
    };
    const o = parseHelperOutput(`${JSON.stringify({ helper: 1 })}\n${JSON.stringify({ ns: "a", applied: 0, state })}\n`);
    expect(o.records.get("a")!.state!.addrs).toEqual([
      { ns: "a", dev: "eth0", cidr: "198.51.100.2/24", brd: "198.51.100.255" },
      { ns: "a", dev: "eth0", cidr: "2001:db8::1/64" },
    ]);
  });
});
