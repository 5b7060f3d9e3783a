import { describe, it, expect } from "vitest";
import { expectGolden } from "../golden.js";
import { plan, planDown, sysctlKeysNeeded } from "../../src/plan/plan.js";
import { formatPlan } from "../../src/plan/format.js";
import { groupBatches } from "../../src/plan/batch.js";
import { emptyProjectState, opKey, type ProjectState } from "../../src/model/state.js";
import { render } from "../../src/plan/render.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { HOST, type AddressedTopology } from "../../src/model/topology.js";
import type { Op } from "../../src/plan/op.js";
import { card, cardHost, bridged } from "./fixtures.js";
import { simulate } from "./simulate.js";

const golden = (name: string, actual: string) => expectGolden(new URL(`../fixtures/plan/${name}.golden`, import.meta.url), actual);

/** Apply a plan to a simulated kernel and remember it as the executor would. */
function apply(ops: Op[], live: LiveState, prev: ProjectState): { live: LiveState; state: ProjectState } {
  const isUndo = (o: Op) => o.summary.startsWith("undo: ");
  const undone = new Set(ops.filter(isUndo).map((o) => opKey(render(o.inverse!))));
  const applied = [...prev.applied.filter((o) => !undone.has(opKey(o))), ...ops.filter((o) => !isUndo(o))];
  const sysctlOriginals = structuredClone(prev.sysctlOriginals);
  for (const o of ops) if (o.inverse?.k === "sysctl" && !isUndo(o)) (sysctlOriginals[o.inverse.ns] ??= {})[o.inverse.key] ??= o.inverse.value;
  return { live: simulate(live, ops), state: { ...prev, applied, sysctlOriginals } };
}

const texts = (ops: Op[]) => ops.map((o) => `${o.phase} ${o.tool}${o.ns === HOST ? "" : ` -n ${o.ns}`}: ${o.text}`);

describe("plan: the card example (docs/architecture.md §9)", () => {
  const r = plan(card(), cardHost(), { project: "card", previous: emptyProjectState("card") });

  it("is exactly the routed-veth recipe", () => {
    expect(r.diagnostics).toEqual([]);
    expect(texts(r.ops)).toEqual([
      "host ip: netns add lxc1",
      "host ip: link add lxc1_veth0 type veth peer name eth0 netns lxc1",
      "host ip: link set lxc1_veth0 alias nsnet:card",
      "host ip: link set lxc1_veth0 up",
      "namespaces ip -n lxc1: link set lo up",
      "namespaces ip -n lxc1: link set lo alias nsnet:card",
      "namespaces ip -n lxc1: link set eth0 alias nsnet:card",
      "namespaces ip -n lxc1: addr add 1.1.128.3/20 brd + dev eth0",
      "namespaces ip -n lxc1: link set eth0 up",
      "namespaces ip -n lxc1: route add default via 1.1.128.1 dev eth0 onlink",
      "host-routes ip: route add 1.1.128.3/32 dev lxc1_veth0",
      "host-routes ip: neigh add proxy 1.1.128.3 dev eth0",
      "sysctl sysctl: net.ipv4.conf.lxc1_veth0.proxy_arp=1",
      "sysctl sysctl: net.ipv4.ip_forward=1",
    ]);
    expect(r.ops.map((o) => o.index)).toEqual(r.ops.map((_, i) => i + 1));
    expect(r.ops.find((o) => o.text === "net.ipv4.ip_forward=1")!.inverse).toEqual({ k: "sysctl", ns: HOST, key: "net.ipv4.ip_forward", value: "0" });
  });

  it("golden: text, json, sh", () => {
    golden("card.text", formatPlan(r.ops, { format: "text" }));
    golden("card.explain.text", formatPlan(r.ops, { format: "text", explain: true }));
    golden("card.json", formatPlan(r.ops, { format: "json" }));
    golden("card.sh", formatPlan(r.ops, { format: "sh" }));
  });

  it("takes the gateway from the host block, then the caller, else reports NS590", () => {
    const declared = plan(card({ hostRoute: true }), emptyLiveState(), { project: "card", previous: emptyProjectState("card") });
    expect(declared.ops.some((o) => o.text === "route add default via 1.1.128.1 dev eth0 onlink")).toBe(true);
    const fromCaller = plan(card(), emptyLiveState(), { project: "card", previous: emptyProjectState("card"), hostGateway: "1.1.143.254" });
    expect(fromCaller.ops.some((o) => o.text === "route add default via 1.1.143.254 dev eth0 onlink")).toBe(true);
    const none = plan(card(), emptyLiveState(), { project: "card", previous: emptyProjectState("card") });
    expect(none.diagnostics.map((d) => d.code)).toContain("NS590");
    expect(none.ops.some((o) => o.text.startsWith("route add default"))).toBe(false);
  });

  it("routes via the transit address when the veth ends share a subnet", () => {
    const t = plan(card({ transit: true }), cardHost(), { project: "card", previous: emptyProjectState("card") });
    expect(t.ops.map((o) => o.text)).toContain("route add 1.1.128.3/32 via 10.0.1.2 dev lxc1_veth0");
    expect(t.ops.map((o) => o.text)).toContain("addr add 10.0.1.1/24 brd + dev lxc1_veth0");
    expect(t.ops.filter((o) => o.text.startsWith("neigh add proxy")).map((o) => o.text)).toEqual(["neigh add proxy 1.1.128.3 dev eth0"]);
  });

  it("asks the caller for the host sysctls it sets, not those that vanish with a link", () => {
    expect(sysctlKeysNeeded(card())).toEqual([{ ns: HOST, key: "net.ipv4.ip_forward" }]);
  });
});

describe("plan: idempotence, removal, down", () => {
  const ctx = (previous: ProjectState) => ({ project: "card", previous });

  it("up of an applied topology is 0 ops", () => {
    for (const t of [card({ withLxc2: true }), card({ transit: true }), bridged()]) {
      const first = plan(t, cardHost(), ctx(emptyProjectState("card")));
      const after = apply(first.ops, cardHost(), emptyProjectState("card"));
      expect(plan(t, after.live, ctx(after.state)).ops).toEqual([]);
    }
  });

  it("removing a namespace plans exactly its removal", () => {
    const first = plan(card({ withLxc2: true }), cardHost(), ctx(emptyProjectState("card")));
    const after = apply(first.ops, cardHost(), emptyProjectState("card"));
    const second = plan(card(), after.live, ctx(after.state));
    expect(texts(second.ops)).toEqual(["host-routes ip: neigh del proxy 1.1.128.7 dev eth0", "host ip: netns del lxc2"]);
    const done = apply(second.ops, after.live, after.state);
    expect(plan(card(), done.live, ctx(done.state)).ops).toEqual([]);
  });

  it("a changed address is removed, then added", () => {
    const first = plan(bridged(), emptyLiveState(), ctx(emptyProjectState("card")));
    const after = apply(first.ops, emptyLiveState(), emptyProjectState("card"));
    const t = bridged();
    t.resolved = t.resolved.map((a) => (a.ns === "a" ? { ...a, cidr: "192.0.2.20/24" } : a));
    expect(texts(plan(t, after.live, ctx(after.state)).ops)).toEqual([
      "namespaces ip -n a: addr del 192.0.2.10/24 dev eth0",
      "namespaces ip -n a: addr add 192.0.2.20/24 brd + dev eth0",
    ]);
  });

  it("re-adds what a removal takes with it: a new address on a proxied namespace gets its default route again", () => {
    const first = plan(card(), cardHost(), ctx(emptyProjectState("card")));
    const after = apply(first.ops, cardHost(), emptyProjectState("card"));
    const t = card();
    t.resolved = t.resolved.map((a) => (a.ns === "lxc1" ? { ...a, cidr: "1.1.128.4/20" } : a));
    // deleting lxc1's only IPv4 address flushes its IPv4 routes: the default route must come back
    expect(texts(plan(t, after.live, ctx(after.state)).ops)).toEqual([
      "host-routes ip: neigh del proxy 1.1.128.3 dev eth0",
      "host-routes ip: route del 1.1.128.3/32 dev lxc1_veth0",
      "namespaces ip -n lxc1: addr del 1.1.128.3/20 dev eth0",
      "namespaces ip -n lxc1: addr add 1.1.128.4/20 brd + dev eth0",
      "namespaces ip -n lxc1: route add default via 1.1.128.1 dev eth0 onlink",
      "host-routes ip: route add 1.1.128.4/32 dev lxc1_veth0",
      "host-routes ip: neigh add proxy 1.1.128.4 dev eth0",
    ]);
  });

  it("down undoes everything, newest first, restoring sysctls, namespaces last", () => {
    const first = plan(card({ withLxc2: true }), cardHost(), ctx(emptyProjectState("card")));
    const after = apply(first.ops, cardHost(), emptyProjectState("card"));
    const down = planDown(after.state, after.live);
    expect(texts(down)).toEqual([
      "sysctl sysctl: net.ipv4.ip_forward=0",
      "host-routes ip: neigh del proxy 1.1.128.7 dev eth0",
      "host-routes ip: neigh del proxy 1.1.128.3 dev eth0",
      "host ip: netns del lxc2",
      "host ip: netns del lxc1",
    ]);
    const gone = simulate(after.live, down);
    expect(gone.namespaces).toEqual([]);
    expect(gone.proxies).toEqual([]);
    expect(gone.sysctls[HOST]).toEqual({ "net.ipv4.ip_forward": "0" });
    expect(planDown(after.state, gone)).toEqual([]);
  });

  it("leaves a same-named link that is not ours alone", () => {
    const live = cardHost();
    live.links.push({ ns: HOST, name: "lxc1_veth0", ifindex: 9, kind: "veth", up: true, alias: "someone-else" });
    const r = plan(card(), live, ctx(emptyProjectState("card")));
    expect(r.ops.some((o) => o.text.includes("lxc1_veth0") && o.tool === "ip")).toBe(false);
    const first = plan(card(), cardHost(), ctx(emptyProjectState("card")));
    const after = apply(first.ops, cardHost(), emptyProjectState("card"));
    const stranger = structuredClone(after.live);
    stranger.namespaces = [];
    stranger.links = stranger.links.filter((l) => l.ns === HOST);
    stranger.links.find((l) => l.name === "lxc1_veth0")!.alias = "nsnet:other";
    expect(planDown(after.state, stranger).some((o) => o.text === "link del lxc1_veth0")).toBe(false);
  });
});

describe("plan: every op can be undone", () => {
  const all: AddressedTopology[] = [card({ withLxc2: true, transit: true }), bridged()];
  it("has an inverse, or says which other op's inverse removes it (in its summary too)", () => {
    for (const t of all)
      for (const op of plan(t, cardHost(), { project: "p", previous: emptyProjectState("p") }).ops)
        if (op.inverse === null) {
          expect(op.undoneWith).toBeDefined();
          expect(op.summary).toMatch(/undone with the (link|namespace)|moving it back/);
        }
  });
});

describe("groupBatches", () => {
  it("one batch per run of (phase, tool, ns); namespace batches share a stage", () => {
    const r = plan(bridged(), emptyLiveState(), { project: "br", previous: emptyProjectState("br") });
    const b = groupBatches(r.ops);
    expect(b.map((x) => `${x.stage} ${x.phase} ${x.tool} ${x.ns} ${x.ops.length}`)).toEqual([
      "0 host ip host 18",
      "1 namespaces ip a 6",
      "1 namespaces ip b 6",
      "1 namespaces ip sw 8",
      "1 namespaces ip c 5",
      "2 sysctl sysctl host 1",
      "3 firewall nft host 1",
    ]);
    expect(b.flatMap((x) => x.ops)).toEqual(r.ops);
  });

  it("an ip op for the place of the batch before it joins that batch across phases when it is alone in its stage", () => {
    const op = (index: number, phase: Op["phase"], tool: Op["tool"], ns: string) =>
      ({ index, phase, tool, ns, text: `op ${index}`, summary: "", effect: { k: "up", ns, dev: "x" }, inverse: null }) as unknown as Op;
    // a udev hook's plan: the host's addresses, then its routes and proxy entries, then sysctls
    const hook = [op(1, "host", "ip", HOST), op(2, "host", "ip", HOST), op(3, "host-routes", "ip", HOST), op(4, "sysctl", "sysctl", HOST)];
    expect(groupBatches(hook).map((x) => `${x.stage} ${x.phase} ${x.tool} ${x.ns} ${x.ops.length}`)).toEqual(["0 host ip host 3", "1 sysctl sysctl host 1"]);
    // namespace batches in between keep the host's two batches apart
    const net = [op(1, "host", "ip", HOST), op(2, "namespaces", "ip", "a"), op(3, "namespaces", "ip", "b"), op(4, "host-routes", "ip", HOST)];
    expect(groupBatches(net).map((x) => `${x.stage} ${x.phase} ${x.ns}`)).toEqual(["0 host host", "1 namespaces a", "1 namespaces b", "2 host-routes host"]);
    // a batch that shares its stage is not extended by the next phase's op for its place
    const shared = [op(1, "namespaces", "ip", "a"), op(2, "namespaces", "ip", "b"), op(3, "host-routes", "ip", "b")];
    expect(groupBatches(shared).map((x) => `${x.stage} ${x.phase} ${x.ns} ${x.ops.length}`)).toEqual([
      "0 namespaces a 1",
      "0 namespaces b 1",
      "1 host-routes b 1",
    ]);
  });

  it("golden: the bridge example in all formats", () => {
    const r = plan(bridged(), emptyLiveState(), { project: "br", previous: emptyProjectState("br") });
    golden("bridge.text", formatPlan(r.ops, { format: "text" }));
    golden("bridge.json", formatPlan(r.ops, { format: "json" }));
    golden("bridge.sh", formatPlan(r.ops, { format: "sh", explain: true }));
  });
});
