import type { Span } from "../../src/model/span.js";
import {
  HOST,
  emptyTopology,
  type AddressAssignment,
  type AddressedTopology,
  type BridgeDevice,
  type DevRef,
  type Device,
  type MacvlanDevice,
  type Namespace,
  type Nat,
  type Pool,
  type ResolvedAddress,
  type Route,
  type Topology,
  type VethDevice,
  type VlanDevice,
} from "../../src/model/topology.js";

/**
 * Builds topologies for checker tests without the parser. Every item is "written" on a
 * line of its own (line = the order of creation, from 1), and each property a diagnostic
 * may point at gets its own column, so a test can assert exactly where a finding points.
 */
export class TopoBuilder {
  readonly topo: Topology = emptyTopology();
  private line = 0;

  constructor(readonly file = "test.nsnet") {}

  private at(line: number, column: number, length = 3): Span {
    const offset = line * 100 + column - 1;
    return {
      file: this.file,
      start: { offset, line, column },
      end: { offset: offset + length, line, column: column + length },
    };
  }

  /** A new statement: its span and a maker for spans of its parts on that line. */
  private stmt(): { span: Span; part: (column: number) => Span } {
    const line = ++this.line;
    return { span: this.at(line, 1, 60), part: (c) => this.at(line, c) };
  }

  ns(name: string): Namespace {
    const s = this.stmt();
    const n: Namespace = { name, span: s.span, nameSpan: s.part(4) };
    this.topo.namespaces.push(n);
    return n;
  }

  private device<D extends Device>(d: D): D {
    this.topo.devices.push(d);
    return d;
  }

  bridge(ns: string, name: string): BridgeDevice {
    const s = this.stmt();
    return this.device({ kind: "bridge", ns, name, span: s.span, nameSpan: s.part(8), up: true });
  }

  uplink(name: string): Device {
    const s = this.stmt();
    return this.device({ kind: "uplink", ns: HOST, name, span: s.span, nameSpan: s.part(8), up: true });
  }

  /** `veth` in `ns` named `name`, far end `far`; `farMaster` enslaves the far end. */
  veth(ns: string, name: string, far: DevRef, opts: { farMaster?: string; master?: string } = {}): [VethDevice, VethDevice] {
    const s = this.stmt();
    const near: VethDevice = { kind: "veth", ns, name, span: s.span, nameSpan: s.part(10), up: true, peer: far, primary: false };
    const farDev: VethDevice = { kind: "veth", ns: far.ns, name: far.name, span: s.span, nameSpan: s.part(20), up: true, peer: { ns, name }, primary: true };
    if (opts.master) Object.assign(near, { master: opts.master, masterSpan: s.part(40) });
    if (opts.farMaster) Object.assign(farDev, { master: opts.farMaster, masterSpan: s.part(30) });
    this.device(near);
    this.device(farDev);
    return [near, farDev];
  }

  macvlan(ns: string, name: string, parent: DevRef): MacvlanDevice {
    const s = this.stmt();
    return this.device({ kind: "macvlan", ns, name, span: s.span, nameSpan: s.part(30), up: true, parent, parentSpan: s.part(12), mode: "bridge" });
  }

  vlan(ns: string, name: string, parent: DevRef, vlanId: number): VlanDevice {
    const s = this.stmt();
    return this.device({ kind: "vlan", ns, name, span: s.span, nameSpan: s.part(30), up: true, parent, parentSpan: s.part(12), vlanId });
  }

  addr(ns: string, dev: string, cidr: string): AddressAssignment {
    const s = this.stmt();
    const a: AddressAssignment = {
      ns,
      dev,
      span: s.span,
      valueSpan: s.part(6),
      devSpan: s.part(30),
      spec: { kind: "static", cidr, hostOnly: !cidr.includes("/") },
    };
    this.topo.addresses.push(a);
    return a;
  }

  auto(ns: string, dev: string, pool?: string): AddressAssignment {
    const s = this.stmt();
    const a: AddressAssignment = {
      ns,
      dev,
      span: s.span,
      valueSpan: s.part(6),
      devSpan: s.part(30),
      spec: pool ? { kind: "auto", pool, poolSpan: s.part(16) } : { kind: "auto" },
    };
    this.topo.addresses.push(a);
    return a;
  }

  route(ns: string, dst: string, via?: string, opts: { dev?: string; onlink?: boolean } = {}): Route {
    const s = this.stmt();
    const r: Route = { ns, dst, dstSpan: s.part(7), onlink: opts.onlink ?? false, span: s.span };
    if (via !== undefined) Object.assign(r, { via, viaSpan: s.part(25) });
    if (opts.dev !== undefined) Object.assign(r, { dev: opts.dev, devSpan: s.part(45) });
    this.topo.routes.push(r);
    return r;
  }

  sysctl(ns: string, key: string, value: string) {
    const s = this.stmt();
    const x = { ns, key, value, keySpan: s.part(8), span: s.span };
    this.topo.sysctls.push(x);
    return x;
  }

  proxyarp(ns: string, uplink: string) {
    const s = this.stmt();
    const p = { ns, uplink, uplinkSpan: s.part(13), span: s.span };
    this.topo.proxyArps.push(p);
    return p;
  }

  neighProxy(ns: string, addr: string, dev: string) {
    const s = this.stmt();
    const n = { ns, addr, addrSpan: s.part(13), dev, devSpan: s.part(30), span: s.span };
    this.topo.neighProxies.push(n);
    return n;
  }

  pool(name: string, cidr: string): Pool {
    const s = this.stmt();
    const p: Pool = { name, nameSpan: s.part(6), cidr, cidrSpan: s.part(15), reserve: [], span: s.span };
    this.topo.pools.push(p);
    return p;
  }

  nat(ns: string, pattern: string, outDev: DevRef) {
    const s = this.stmt();
    const n: Nat = { ns, source: { kind: "interfaces", pattern }, sourceSpan: s.part(10), outDev, outSpan: s.part(25), span: s.span };
    this.topo.nats.push(n);
    return n;
  }

  portmap(proto: "tcp" | "udp", hostPort: number, ns: string, port: number) {
    const s = this.stmt();
    const p = { proto, hostPort, ns, nsSpan: s.part(20), port, span: s.span, hostPortSpan: s.part(13), portSpan: s.part(30) };
    this.topo.portmaps.push(p);
    return p;
  }

  partition(groups: string[][]) {
    const s = this.stmt();
    let col = 11;
    const p = {
      scope: HOST,
      groups: groups.map((g) => g.map((name) => ({ name, span: s.part((col += 5)) }))),
      span: s.span,
    };
    this.topo.partitions.push(p);
    return p;
  }

  reach(from: string, to: string, negate = false) {
    const s = this.stmt();
    const e = { kind: "reach" as const, from, fromSpan: s.part(8), to, toSpan: s.part(20), negate, span: s.span };
    this.topo.expects.push(e);
    return e;
  }

  tcp(from: string, host: string, port: number) {
    const s = this.stmt();
    const e = { kind: "tcp" as const, host, port, targetSpan: s.part(12), from, fromSpan: s.part(40), span: s.span };
    this.topo.expects.push(e);
    return e;
  }

  service(ns: string) {
    const s = this.stmt();
    const c = { ns, nsSpan: s.part(8), argv: ["sleep", "1"], span: s.span };
    this.topo.services.push(c);
    return c;
  }

  /** The topology after allocation: every `auto` resolved as given (by statement). */
  addressed(resolved: { of: AddressAssignment; cidr: string }[] = []): AddressedTopology {
    const r: ResolvedAddress[] = [];
    for (const a of this.topo.addresses) {
      if (a.spec.kind === "static") r.push({ ns: a.ns, dev: a.dev, cidr: a.spec.cidr, span: a.span });
    }
    for (const x of resolved) r.push({ ns: x.of.ns, dev: x.of.dev, cidr: x.cidr, span: x.of.span, fromPool: "p" });
    return { ...this.topo, resolved: r };
  }
}
