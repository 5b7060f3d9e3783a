import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expectGolden } from "../golden.js";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { derivedHandlers, hostSideOf } from "../../src/hook/derived.js";
import { plan } from "../../src/plan/plan.js";
import { formatPlan } from "../../src/plan/format.js";
import { emptyProjectState } from "../../src/model/state.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { HOST, emptyTopology, type AddressedTopology } from "../../src/model/topology.js";
import { keepSharedSysctls } from "../../src/hook/run.js";
import { render } from "../../src/plan/render.js";
import { simulate } from "../plan/simulate.js";

const golden = (name: string, actual: string) => expectGolden(new URL(`../fixtures/hook/${name}.golden`, import.meta.url), actual);

const example = (name: string): AddressedTopology => {
  const file = fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));
  const c = compileWithFsLoader(readFileSync(file, "utf8"), `examples/${name}`);
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.addressed!;
};

/** The host of the 2010 recipe after LXC started lxc1 and lxc2: their veths exist (no nsnet
 *  mark, host ends down), nothing of the routed set-up yet. */
function lxcHost(): LiveState {
  const live = emptyLiveState();
  live.links.push({ ns: HOST, name: "lo", ifindex: 1, kind: "loopback", up: true });
  live.links.push({ ns: HOST, name: "eth0", ifindex: 2, kind: "", up: true });
  live.links.push({ ns: HOST, name: "lxc1_veth0", ifindex: 7, kind: "veth", up: false });
  live.links.push({ ns: HOST, name: "lxc2_veth0", ifindex: 9, kind: "veth", up: false });
  live.addrs.push({ ns: HOST, dev: "eth0", cidr: "1.1.128.2/20" });
  live.routes.push({ ns: HOST, dst: "default", via: "1.1.128.1", dev: "eth0", family: 4 });
  live.routes.push({ ns: HOST, dst: "1.1.128.0/20", dev: "eth0", family: 4, proto: "kernel", scope: "link" });
  live.sysctls[HOST] = { "net.ipv4.ip_forward": "0", "net.ipv4.conf.lxc1_veth0.proxy_arp": "0", "net.ipv4.conf.lxc2_veth0.proxy_arp": "0" };
  return live;
}

describe("derived handlers: the host side of `ns X < veth … >`", () => {
  const t = example("routed-proxyarp.nsnet");

  it("one per veth end in the host, named as the language names it", () => {
    expect(derivedHandlers(t).map((h) => [h.iface, h.ns])).toEqual([
      ["lxc1_veth0", "lxc1"],
      ["lxc2_veth0", "lxc2"],
    ]);
  });

  it("is exactly the recipe's host side for lxc1: transit address, routes via it, proxy entries, sysctls — nothing in lxc1, nothing of lxc2", () => {
    const lxc1 = derivedHandlers(t)[0]!;
    const side = hostSideOf(t, lxc1, lxcHost());
    expect(side.namespaces).toEqual([]);
    expect(side.devices.map((d) => [d.kind, d.name])).toEqual([["uplink", "lxc1_veth0"]]);
    const r = plan(side, lxcHost(), { project: "if-lxc1_veth0", previous: emptyProjectState("if-lxc1_veth0") });
    expect(r.diagnostics).toEqual([]);
    for (const op of r.ops) {
      expect(op.ns).toBe(HOST);
      expect(["link", "link-del", "netns", "netns-del", "alias"]).not.toContain(op.effect.k);
      expect(op.text).not.toContain("lxc2");
    }
    golden("routed-lxc1.sh", formatPlan(r.ops, { format: "sh" }));
  });

  it("a repeated event plans nothing; remove plans only what does not vanish with the link", () => {
    const lxc1 = derivedHandlers(t)[0]!;
    const live = lxcHost();
    const side = hostSideOf(t, lxc1, live);
    const first = plan(side, live, { project: "k", previous: emptyProjectState("k") });
    const after = simulate(live, first.ops);
    const state = { ...emptyProjectState("k"), applied: first.ops };
    expect(plan(hostSideOf(t, lxc1, after), after, { project: "k", previous: state }).ops).toEqual([]);

    // the manager deletes the veth: its address, routes and proxy_arp go with it
    const gone = simulate(after, [{ k: "link-del", ns: HOST, name: "lxc1_veth0" }]);
    const remove = plan({ ...hostSideOf(t, lxc1, gone), devices: [], resolved: [], addresses: [], routes: [], neighProxies: [], sysctls: [] }, gone, {
      project: "k",
      previous: state,
    });
    expect(remove.ops.map((o) => o.text)).toEqual([
      "net.ipv4.ip_forward=0",
      "neigh del proxy 1.1.128.6 dev eth0",
      "neigh del proxy 1.1.128.5 dev eth0",
      "neigh del proxy 1.1.128.4 dev eth0",
      "neigh del proxy 1.1.128.3 dev eth0",
    ]);
  });

  it("a veth to a host bridge: the host side enslaves the adopted end and brings it up", () => {
    const c = compileWithFsLoader("bridge br0\nns c1 < veth to br0; addr 192.0.2.10/24 >\n", "b.nsnet");
    const h = derivedHandlers(c.addressed!)[0]!;
    const live = emptyLiveState();
    live.links.push({ ns: HOST, name: "br0", ifindex: 3, kind: "bridge", up: true }, { ns: HOST, name: "c1_veth0", ifindex: 4, kind: "veth", up: false });
    const r = plan(hostSideOf(c.addressed!, h, live), live, { project: "k", previous: emptyProjectState("k") });
    expect(r.ops.map((o) => o.text)).toEqual(["link set c1_veth0 master br0", "link set c1_veth0 up"]);
  });
});

describe("host-wide sysctls are shared by the project's interfaces", () => {
  const t = example("routed-proxyarp.nsnet");
  const [lxc1] = derivedHandlers(t);
  const live = lxcHost();
  const first = plan(hostSideOf(t, lxc1!, live), live, { project: "k", previous: emptyProjectState("k") });
  const state = { ...emptyProjectState("k"), applied: first.ops };
  const gone = simulate(simulate(live, first.ops), [{ k: "link-del", ns: HOST, name: "lxc1_veth0" }]);
  const remove = plan({ ...emptyTopology(), resolved: [] }, gone, { project: "k", previous: state });

  it("the last interface to go restores ip_forward", () => {
    const r = keepSharedSysctls(remove.ops, state, false);
    expect(r.ops).toBe(remove.ops);
    expect(r.handOver).toEqual([]);
  });

  it("while another interface holds a record, ip_forward stays and its entry moves there", () => {
    const r = keepSharedSysctls(remove.ops, state, true);
    expect(r.ops.map((o) => o.text)).toEqual(remove.ops.map((o) => o.text).filter((x) => !x.startsWith("net.ipv4.ip_forward")));
    expect(r.ops.map((o) => o.index)).toEqual(r.ops.map((_, i) => i + 1));
    expect(r.handOver.map((o) => [o.text, o.inverse && render(o.inverse).text])).toEqual([["net.ipv4.ip_forward=1", "net.ipv4.ip_forward=0"]]);
  });
});
