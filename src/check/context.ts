import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag, type Reporter } from "../diagnostics/codes.js";
import type { Span } from "../model/span.js";
import { HOST, devKey, type AddressedTopology, type Device, type Namespace, type Pool, type Topology } from "../model/topology.js";
import { parsePrefixed, type Prefixed } from "./cidr.js";
import { computeSegments, type Segments } from "./segments.js";

/**
 * What validators read: the topology plus indexes built once (so no validator loops over
 * everything for each item), and the one way to report a finding.
 */

/** An address as the checker sees it: static as written, or resolved after allocation. */
export interface CheckedAddress {
  ns: string;
  dev: string;
  /** the text (as written, or the allocator's canonical CIDR) */
  text: string;
  /** null when the text is not an address */
  value: Prefixed | null;
  /** the address token (or, for an allocated address, the `auto` token) */
  span: Span;
  devSpan?: Span;
  auto: boolean;
}

export type Accept = Reporter;

export interface CheckContext {
  topo: Topology;
  accept: Accept;
  /** first declaration of each namespace name */
  namespaces: Map<string, Namespace>;
  /** first device of each key `ns:name` */
  devices: Map<string, Device>;
  /** device names per namespace, for did-you-mean */
  deviceNames: Map<string, string[]>;
  pools: Map<string, Pool>;
  addresses: CheckedAddress[];
  addressesByNs: Map<string, CheckedAddress[]>;
  /** addresses by the L2 segment of their interface */
  addressesBySegment: Map<string, CheckedAddress[]>;
  /** namespaces with an `addr auto` the allocator has not resolved yet: their connected
   *  subnets are not known, so checks that need them stay quiet */
  unresolved: Set<string>;
  segments: Segments;
  /** keys `ns:name` of interfaces whose statement failed in expansion (already reported) */
  unbuilt: Set<string>;
  /** a declared namespace or the host */
  isNamespace(name: string): boolean;
  namespaceNames(): string[];
  device(ns: string, name: string): Device | undefined;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function spanKey(s: Span): string {
  return `${s.file}@${s.start.offset}-${s.end.offset}`;
}

function isAddressed(t: Topology | AddressedTopology): t is AddressedTopology {
  return Array.isArray((t as AddressedTopology).resolved);
}

/**
 * The addresses to check. Without allocation: the static ones. With it: every resolved
 * address, borrowing the token span of the statement it came from; static addresses the
 * allocator did not list are kept too (so either convention of `resolved` works).
 */
function effectiveAddresses(topo: Topology | AddressedTopology): { list: CheckedAddress[]; unresolved: Set<string> } {
  const list: CheckedAddress[] = [];
  const unresolved = new Set<string>();
  const fromStatic = (a: Topology["addresses"][number], text: string): CheckedAddress => {
    const c: CheckedAddress = { ns: a.ns, dev: a.dev, text, value: parsePrefixed(text), span: a.valueSpan, auto: false };
    if (a.devSpan) c.devSpan = a.devSpan;
    return c;
  };
  if (!isAddressed(topo)) {
    for (const a of topo.addresses) {
      if (a.spec.kind === "static") list.push(fromStatic(a, a.spec.cidr));
      else unresolved.add(a.ns);
    }
    return { list, unresolved };
  }
  const statics = new Map<string, Topology["addresses"][number]>();
  const autos = new Map<string, Topology["addresses"][number]>();
  for (const a of topo.addresses) {
    const where = `${a.ns}|${a.dev}|${spanKey(a.span)}`;
    if (a.spec.kind === "static") {
      const v = parsePrefixed(a.spec.cidr);
      statics.set(`${where}|${v ? `${v.addr}/${v.prefix}` : a.spec.cidr}`, a);
    } else autos.set(where, a);
  }
  const used = new Set<Topology["addresses"][number]>();
  for (const r of topo.resolved) {
    const where = `${r.ns}|${r.dev}|${spanKey(r.span)}`;
    const v = parsePrefixed(r.cidr);
    const st = statics.get(`${where}|${v ? `${v.addr}/${v.prefix}` : r.cidr}`);
    if (st) {
      used.add(st);
      list.push(fromStatic(st, r.cidr));
      continue;
    }
    const au = autos.get(where);
    const c: CheckedAddress = { ns: r.ns, dev: r.dev, text: r.cidr, value: v, span: au?.valueSpan ?? r.span, auto: true };
    if (au?.devSpan) c.devSpan = au.devSpan;
    list.push(c);
  }
  for (const a of topo.addresses) if (a.spec.kind === "static" && !used.has(a)) list.push(fromStatic(a, a.spec.cidr));
  return { list, unresolved };
}

export function buildContext(topo: Topology | AddressedTopology, out: Diagnostic[]): CheckContext {
  const namespaces = new Map<string, Namespace>();
  for (const n of topo.namespaces) if (!namespaces.has(n.name)) namespaces.set(n.name, n);
  const devices = new Map<string, Device>();
  const deviceNames = new Map<string, string[]>();
  for (const d of topo.devices) {
    const k = devKey(d.ns, d.name);
    if (devices.has(k)) continue;
    devices.set(k, d);
    push(deviceNames, d.ns, d.name);
  }
  const pools = new Map<string, Pool>();
  for (const p of topo.pools) if (!pools.has(p.name)) pools.set(p.name, p);
  const { list, unresolved } = effectiveAddresses(topo);
  const addressesByNs = new Map<string, CheckedAddress[]>();
  for (const a of list) push(addressesByNs, a.ns, a);
  const segments = computeSegments(topo);
  const addressesBySegment = new Map<string, CheckedAddress[]>();
  for (const a of list) push(addressesBySegment, segments.segmentOf(devKey(a.ns, a.dev)), a);
  return {
    topo,
    accept: (code, span, ...args) => {
      out.push(diag(code, span, ...args));
    },
    namespaces,
    devices,
    deviceNames,
    pools,
    addresses: list,
    addressesByNs,
    addressesBySegment,
    unresolved,
    segments,
    unbuilt: new Set((topo.unbuilt ?? []).map((u) => devKey(u.ns, u.name))),
    isNamespace: (name) => name === HOST || namespaces.has(name),
    namespaceNames: () => [HOST, ...namespaces.keys()],
    device: (ns, name) => devices.get(devKey(ns, name)),
  };
}
