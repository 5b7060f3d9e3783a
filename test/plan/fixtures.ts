import type { Span } from "../../src/model/span.js";
import { emptyTopology, HOST, type AddressedTopology, type Device } from "../../src/model/topology.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";

/** Hand-built addressed topologies (what parse → expand → allocate give for the scripts). */

export const at = (line: number, file = "card.nsnet"): Span => ({
  file,
  start: { offset: line * 100, line, column: 1 },
  end: { offset: line * 100 + 10, line, column: 11 },
});

function dev(d: Partial<Device> & Pick<Device, "kind" | "ns" | "name">, line: number, file?: string): Device {
  return { up: true, span: at(line, file), nameSpan: at(line, file), ...d } as Device;
}

/** uplink eth0
 *  ns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >
 *  (plus lxc2 with 1.1.128.7 when `withLxc2`) */
export function card(opts: { withLxc2?: boolean; transit?: boolean; hostRoute?: boolean } = {}): AddressedTopology {
  const t: AddressedTopology = { ...emptyTopology(), resolved: [] };
  t.devices.push(dev({ kind: "uplink", ns: HOST, name: "eth0" }, 1));
  if (opts.hostRoute) t.routes.push({ ns: HOST, dst: "default", dstSpan: at(1), via: "1.1.128.1", viaSpan: at(1), onlink: false, span: at(1) });
  const guest = (ns: string, line: number, addrs: string[]) => {
    t.namespaces.push({ name: ns, span: at(line), nameSpan: at(line) });
    t.devices.push(dev({ kind: "veth", ns: HOST, name: `${ns}_veth0`, peer: { ns, name: "eth0" }, primary: true }, line));
    t.devices.push(dev({ kind: "veth", ns, name: "eth0", peer: { ns: HOST, name: `${ns}_veth0` }, primary: false }, line));
    for (const cidr of addrs) t.resolved.push({ ns, dev: "eth0", cidr, span: at(line) });
    t.proxyArps.push({ ns, uplink: "eth0", uplinkSpan: at(line), span: at(line) });
  };
  guest("lxc1", 2, opts.transit ? ["1.1.128.3/20", "10.0.1.2/24"] : ["1.1.128.3/20"]);
  if (opts.transit) t.resolved.push({ ns: HOST, dev: "lxc1_veth0", cidr: "10.0.1.1/24", span: at(3) });
  if (opts.withLxc2) guest("lxc2", 4, ["1.1.128.7/20"]);
  return t;
}

/** The live host the card example runs on: eth0 up with 1.1.128.2/20, default via .1. */
export function cardHost(): LiveState {
  const live = emptyLiveState();
  live.links.push({ ns: HOST, name: "lo", ifindex: 1, kind: "loopback", up: true });
  live.links.push({ ns: HOST, name: "eth0", ifindex: 2, kind: "", up: true });
  live.addrs.push({ ns: HOST, dev: "eth0", cidr: "1.1.128.2/20" });
  live.routes.push({ ns: HOST, dst: "default", via: "1.1.128.1", dev: "eth0", family: 4 });
  live.routes.push({ ns: HOST, dst: "1.1.128.0/20", dev: "eth0", family: 4, proto: "kernel", scope: "link" });
  live.sysctls[HOST] = { "net.ipv4.ip_forward": "0" };
  return live;
}

/** bridge br0 in the host with 192.0.2.1/24; ns a and b on it (192.0.2.10, .11), default via .1;
 *  `nat from br0 to eth0`. A bridge in namespace `sw` with ns c attached (vagga nesting). */
export function bridged(): AddressedTopology {
  const f = "bridge.nsnet";
  const t: AddressedTopology = { ...emptyTopology(), resolved: [] };
  t.devices.push(dev({ kind: "uplink", ns: HOST, name: "eth0" }, 1, f));
  t.devices.push(dev({ kind: "bridge", ns: HOST, name: "br0" }, 2, f));
  t.resolved.push({ ns: HOST, dev: "br0", cidr: "192.0.2.1/24", span: at(2, f) });
  for (const [i, ns] of ["a", "b"].entries()) {
    const line = 3 + i;
    t.namespaces.push({ name: ns, span: at(line, f), nameSpan: at(line, f) });
    t.devices.push(dev({ kind: "veth", ns: HOST, name: `${ns}_veth0`, peer: { ns, name: "eth0" }, primary: true, master: "br0" }, line, f));
    t.devices.push(dev({ kind: "veth", ns, name: "eth0", peer: { ns: HOST, name: `${ns}_veth0` }, primary: false }, line, f));
    t.resolved.push({ ns, dev: "eth0", cidr: `192.0.2.${10 + i}/24`, span: at(line, f) });
    t.routes.push({ ns, dst: "default", dstSpan: at(line, f), via: "192.0.2.1", viaSpan: at(line, f), onlink: false, span: at(line, f) });
  }
  t.namespaces.push({ name: "sw", span: at(6, f), nameSpan: at(6, f) }, { name: "c", span: at(7, f), nameSpan: at(7, f) });
  t.devices.push(dev({ kind: "bridge", ns: "sw", name: "br1" }, 6, f));
  t.resolved.push({ ns: "sw", dev: "br1", cidr: "198.51.100.254/24", span: at(6, f) });
  t.devices.push(dev({ kind: "veth", ns: "c", name: "eth0", peer: { ns: "sw", name: "c_veth0" }, primary: true }, 7, f));
  t.devices.push(dev({ kind: "veth", ns: "sw", name: "c_veth0", peer: { ns: "c", name: "eth0" }, primary: false, master: "br1" }, 7, f));
  t.resolved.push({ ns: "c", dev: "eth0", cidr: "198.51.100.1/24", span: at(7, f) });
  t.nats.push({
    ns: HOST,
    source: { kind: "interfaces", pattern: "br0" },
    sourceSpan: at(8, f),
    outDev: { ns: HOST, name: "eth0" },
    outSpan: at(8, f),
    span: at(8, f),
  });
  return t;
}
