import { describe, it, expect } from "vitest";
import { addressFor, primaryAddresses, substituteNames } from "../../src/repl/addresses.js";
import { emptyTopology, type AddressedTopology } from "../../src/model/topology.js";
import { emptyLiveState } from "../../src/model/live.js";
import { noSpan } from "../../src/model/span.js";

const s = noSpan();

function topo(): AddressedTopology {
  const t: AddressedTopology = { ...emptyTopology(), resolved: [] };
  t.namespaces.push({ name: "h1", span: s, nameSpan: s }, { name: "h2", span: s, nameSpan: s }, { name: "h3", span: s, nameSpan: s });
  for (const [ns, name] of [
    ["h1", "eth0"],
    ["h1", "eth1"],
    ["h2", "eth0"],
  ] as const) {
    t.devices.push({ kind: "veth", ns, name, span: s, nameSpan: s, up: true, peer: { ns: "host", name: `${ns}_${name}` }, primary: false });
  }
  // resolved order deliberately not device order: eth1's address was written first
  t.resolved.push(
    { ns: "h1", dev: "eth1", cidr: "198.51.100.1/24", span: s },
    { ns: "h1", dev: "eth0", cidr: "192.0.2.1/24", span: s },
    { ns: "h1", dev: "eth0", cidr: "192.0.2.11/24", span: s },
    { ns: "h2", dev: "eth0", cidr: "192.0.2.2/24", span: s },
  );
  return t;
}

describe("primaryAddresses", () => {
  it("is the first address of the first interface, without prefix", () => {
    const p = primaryAddresses(topo());
    expect(p.get("h1")).toBe("192.0.2.1");
    expect(p.get("h2")).toBe("192.0.2.2");
    expect(p.has("h3")).toBe(false);
  });

  it("falls back to live state for namespaces the topology gives no address, never lo", () => {
    const live = emptyLiveState();
    live.addrs.push({ ns: "h3", dev: "lo", cidr: "127.0.0.1/8" }, { ns: "h3", dev: "eth0", cidr: "2001:db8::3/64" });
    expect(primaryAddresses(topo(), live).get("h3")).toBe("2001:db8::3");
  });
});

describe("substituteNames", () => {
  it("replaces whole arguments that name a namespace, nothing else", () => {
    const p = primaryAddresses(topo());
    expect(substituteNames(["ping", "-c1", "-W1", "h2"], p)).toEqual(["ping", "-c1", "-W1", "192.0.2.2"]);
    expect(substituteNames(["echo", "h2x", "xh1", "h1", "h3"], p)).toEqual(["echo", "h2x", "xh1", "192.0.2.1", "h3"]);
  });
});

describe("addressFor (pingall's target on the shared segment)", () => {
  // h3 (198.51.100.3) has r1 as its gateway; r1's first interface faces h1's segment
  function routed(): AddressedTopology {
    const t: AddressedTopology = { ...emptyTopology(), resolved: [] };
    for (const n of ["h1", "r1", "h3"]) t.namespaces.push({ name: n, span: s, nameSpan: s });
    t.resolved.push(
      { ns: "h1", dev: "eth0", cidr: "192.0.2.10/24", span: s },
      { ns: "r1", dev: "eth0", cidr: "192.0.2.1/24", span: s },
      { ns: "r1", dev: "eth1", cidr: "2001:db8:3::1/64", span: s },
      { ns: "r1", dev: "eth1", cidr: "198.51.100.1/24", span: s },
      { ns: "h3", dev: "eth0", cidr: "2001:db8:3::3/64", span: s },
      { ns: "h3", dev: "eth0", cidr: "198.51.100.3/24", span: s },
      { ns: "h3", dev: "lo", cidr: "192.0.2.1/32", span: s },
    );
    return t;
  }
  it("a router is pinged at its address on the pinger's segment (IPv4 first), not its primary", () => {
    const t = routed();
    const p = primaryAddresses(t);
    expect(p.get("r1")).toBe("192.0.2.1");
    expect(addressFor(t, "h3", "r1", p)).toBe("198.51.100.1");
    expect(addressFor(t, "h1", "r1", p)).toBe("192.0.2.1");
    expect(addressFor(t, "r1", "h3", p)).toBe("198.51.100.3");
  });
  it("no shared segment (or lo only): the primary address", () => {
    const t = routed();
    const p = primaryAddresses(t);
    expect(addressFor(t, "h1", "h3", p)).toBe(p.get("h3"));
    expect(addressFor(undefined, "h1", "h3", new Map([["h3", "203.0.113.3"]]))).toBe("203.0.113.3");
  });
});
