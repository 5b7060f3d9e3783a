import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { Effect } from "../../src/plan/effect.js";
import { render } from "../../src/plan/render.js";
import { effectOf } from "../../src/plan/read.js";
import { formatIp } from "../../src/ipam/ip.js";
import { HOST } from "../../src/model/topology.js";

// Names nsnet could write: interface names of 1–15 bytes, namespace names (or the host).
const ifname = fc.stringMatching(/^[a-z][a-z0-9_]{0,7}[0-9]$/);
const nsname = fc.stringMatching(/^[a-z][a-z0-9_-]{0,9}$/).filter((n) => n !== "host");
const place = fc.oneof(fc.constant(HOST), nsname);
const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join("."));
const ipv6 = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }).map((a) => formatIp(6, a));
const ip = fc.oneof(ipv4, ipv6);
const cidr = fc.oneof(fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })), fc.tuple(ipv6, fc.integer({ min: 0, max: 128 }))).map(([a, l]) => `${a}/${l}`);
const port = fc.integer({ min: 1, max: 65535 });
const argv = fc.array(
  fc.string({ unit: "grapheme" }).filter((s) => !s.includes("\0")),
  { minLength: 1, maxLength: 4 },
);
const names = fc.array(ifname, { minLength: 1, maxLength: 3 });

const link: fc.Arbitrary<Effect> = fc.tuple(place, place, ifname).chain(([at, ns, name]) =>
  fc.oneof(
    fc.constant({ k: "link" as const, at, ns, name, kind: "bridge" as const }),
    fc.record({ ns: place, name: ifname }).map((peer) => ({ k: "link" as const, at, ns, name, kind: "veth" as const, peer })),
    fc
      .tuple(ifname, fc.constantFrom("bridge", "private", "vepa", "passthru"))
      .map(([parent, mode]) => ({ k: "link" as const, at, ns, name, kind: "macvlan" as const, parent, mode })),
    fc.tuple(ifname, fc.constantFrom("l2", "l3", "l3s")).map(([parent, mode]) => ({ k: "link" as const, at, ns, name, kind: "ipvlan" as const, parent, mode })),
    fc
      .tuple(ifname, fc.integer({ min: 0, max: 4095 }))
      .map(([parent, vlanId]) => ({ k: "link" as const, at, ns, name, kind: "vlan" as const, parent, vlanId })),
  ),
);

const route: fc.Arbitrary<Effect> = fc
  .record({
    ns: place,
    dst: fc.oneof(fc.constant("default"), cidr, ip),
    via: fc.option(ip, { nil: undefined }),
    dev: fc.option(ifname, { nil: undefined }),
    add: fc.boolean(),
    onlink: fc.boolean(),
  })
  .filter((r) => r.via !== undefined || r.dev !== undefined)
  .map(({ ns, dst, via, dev, add, onlink }) => {
    const e: Extract<Effect, { k: "route" }> = { k: "route", ns, dst, add };
    if (via !== undefined) e.via = via;
    if (dev !== undefined) e.dev = dev;
    if (add && onlink) e.onlink = true;
    return e;
  });

const sysctlKey = fc.array(fc.stringMatching(/^[a-z0-9_]{1,8}(\/[a-z0-9]{1,3})?$/), { minLength: 2, maxLength: 5 }).map((s) => s.join("."));
const sysctlValue = fc.string().filter((v) => v.length > 0 && !/[\n\r\0]/.test(v));

const nft: fc.Arbitrary<Effect> = fc
  .record({
    ns: place,
    table: fc.stringMatching(/^nsnet_[A-Za-z0-9_]{1,12}$/),
    masquerade: fc.array(fc.oneof(fc.record({ iif: fc.stringMatching(/^[a-z0-9_.@-]{1,8}\*?$/), oif: ifname }), fc.record({ saddr: cidr, oif: ifname })), {
      maxLength: 3,
    }),
    dnat: fc.array(fc.record({ proto: fc.constantFrom("tcp" as const, "udp" as const), port, to: ipv4, toPort: port }), { maxLength: 3 }),
    drop: fc.array(fc.record({ iif: names, oif: names }), { maxLength: 3 }),
  })
  .filter((e) => e.masquerade.length + e.dnat.length + e.drop.length > 0)
  .map((e) => ({ k: "nft" as const, ...e }));

const effect: fc.Arbitrary<Effect> = fc.oneof(
  nsname.map((name) => ({ k: "netns" as const, name })),
  nsname.map((name) => ({ k: "netns-del" as const, name })),
  link,
  fc.record({ ns: place, name: ifname }).map((x) => ({ k: "link-del" as const, ...x })),
  fc.record({ fromNs: place, from: ifname, ns: place, name: ifname }).map((x) => ({ k: "move" as const, ...x })),
  fc.record({ ns: place, dev: ifname, alias: fc.stringMatching(/^nsnet:[A-Za-z0-9_-]{1,32}$/) }).map((x) => ({ k: "alias" as const, ...x })),
  fc.record({ ns: place, dev: ifname, master: fc.option(ifname, { nil: null }) }).map((x) => ({ k: "master" as const, ...x })),
  fc.record({ ns: place, dev: ifname, on: fc.boolean() }).map((x) => ({ k: "hairpin" as const, ...x })),
  fc.record({ ns: place, dev: ifname, up: fc.boolean() }).map((x) => ({ k: "updown" as const, ...x })),
  fc.record({ ns: place, dev: ifname, mtu: fc.integer({ min: 68, max: 65535 }) }).map((x) => ({ k: "mtu" as const, ...x })),
  fc.record({ ns: place, dev: ifname, mac: fc.stringMatching(/^[0-9a-f][02468ace](:[0-9a-f]{2}){5}$/) }).map((x) => ({ k: "hwaddr" as const, ...x })),
  fc.record({ ns: place, dev: ifname, cidr, add: fc.boolean() }).map((x) => ({ k: "addr" as const, ...x })),
  route,
  fc.record({ ns: place, addr: ip, dev: ifname, add: fc.boolean() }).map((x) => ({ k: "proxy" as const, ...x })),
  fc.record({ ns: place, key: sysctlKey, value: sysctlValue }).map((x) => ({ k: "sysctl" as const, ...x })),
  nft,
  fc
    .record({
      ns: place,
      table: fc.stringMatching(/^nsnet_[a-z0-9_]{1,12}$/),
      families: fc.constantFrom<("inet" | "bridge")[]>(["inet"], ["bridge"], ["inet", "bridge"]),
    })
    .map((x) => ({ k: "nft-del" as const, ...x })),
  fc.record({ ns: place, argv }).map((x) => ({ k: "service" as const, ...x })),
  fc.record({ ns: place, argv }).map((x) => ({ k: "service-stop" as const, ...x })),
);

describe("render and effectOf agree", () => {
  it("effectOf(render(e)) deep-equals e for every effect nsnet can express", () => {
    fc.assert(
      fc.property(effect, (e) => {
        expect(effectOf(render(e))).toEqual(e);
      }),
      { numRuns: 2000 },
    );
  });

  it("the texts are those earlier versions stored (state files keep being read)", () => {
    const texts: [Effect, string][] = [
      [
        { k: "link", at: HOST, ns: HOST, name: "lxc1_veth0", kind: "veth", peer: { ns: "lxc1", name: "eth0" } },
        "link add lxc1_veth0 type veth peer name eth0 netns lxc1",
      ],
      [{ k: "link", at: HOST, ns: "sw", name: "br0", kind: "bridge" }, "link add br0 netns sw type bridge"],
      [{ k: "link", at: "a", ns: "a", name: "mv0", kind: "macvlan", parent: "eth0", mode: "bridge" }, "link add link eth0 name mv0 type macvlan mode bridge"],
      [{ k: "link", at: HOST, ns: HOST, name: "eth0.5", kind: "vlan", parent: "eth0", vlanId: 5 }, "link add link eth0 name eth0.5 type vlan id 5"],
      [{ k: "move", fromNs: "a", from: "e1", ns: HOST, name: "eth1" }, "link set e1 netns 1 name eth1"],
      [{ k: "route", ns: "a", dst: "default", via: "192.0.2.1", dev: "eth0", onlink: true, add: true }, "route add default via 192.0.2.1 dev eth0 onlink"],
      [{ k: "proxy", ns: HOST, addr: "192.0.2.3", dev: "eth0", add: false }, "neigh del proxy 192.0.2.3 dev eth0"],
      [{ k: "sysctl", ns: HOST, key: "net.ipv4.conf.eth0/5.proxy_arp", value: "1" }, "net.ipv4.conf.eth0/5.proxy_arp=1"],
      [{ k: "service", ns: "a", argv: ["sleep", "9"] }, '["sleep","9"]'],
      [{ k: "service-stop", ns: "a", argv: ["sleep", "9"] }, '{"stop":["sleep","9"]}'],
    ];
    for (const [e, text] of texts) expect(render(e).text).toBe(text);
  });
});
