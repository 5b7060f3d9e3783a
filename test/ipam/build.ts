// Small builders for ipam tests: topologies with just pools and addresses.
import type { AddressAssignment, Pool, Topology } from "../../src/model/topology.js";
import { emptyTopology } from "../../src/model/topology.js";
import type { Span } from "../../src/model/span.js";

let offset = 0;
/** A distinct span per call, so tests can tell which token a diagnostic points at. */
export function span(label = "t"): Span {
  const start = offset;
  offset += 10;
  return { file: `${label}.nsnet`, start: { offset: start, line: 1 + start / 10, column: 1 }, end: { offset: start + 5, line: 1 + start / 10, column: 6 } };
}

export function pool(name: string, cidr: string, opts: { split?: number; reserve?: string[] } = {}): Pool {
  const p: Pool = { name, nameSpan: span(), cidr, cidrSpan: span(), reserve: (opts.reserve ?? []).map((addr) => ({ addr, span: span() })), span: span() };
  if (opts.split !== undefined) {
    p.split = opts.split;
    p.splitSpan = span();
  }
  return p;
}

export function auto(ns: string, dev = "eth0", from?: string): AddressAssignment {
  const spec: AddressAssignment["spec"] = from === undefined ? { kind: "auto" } : { kind: "auto", pool: from, poolSpan: span() };
  return { ns, dev, span: span(), valueSpan: span(), spec };
}

export function fixed(ns: string, cidr: string, dev = "eth0"): AddressAssignment {
  return { ns, dev, span: span(), valueSpan: span(), spec: { kind: "static", cidr, hostOnly: !cidr.includes("/") } };
}

export function topo(pools: Pool[], addresses: AddressAssignment[]): Topology {
  return { ...emptyTopology(), pools, addresses };
}
