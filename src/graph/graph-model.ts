import { computeSegments } from "../check/segments.js";
import { HOST, devKey, type AddressedTopology, type Device, type Partition } from "../model/topology.js";

/**
 * The picture every graph format draws, computed once from the addressed topology:
 * one cluster per namespace (host first), one node per interface, one edge per wire
 * (veth pair, bridge port, macvlan/ipvlan/vlan parent, moved-from), and the L2 segments
 * of src/check/segments.ts numbered for display. Renderers only lay this out.
 */
export type NodeKind = Device["kind"] | "referenced";

export interface GraphNode {
  /** `ns:name` */
  key: string;
  ns: string;
  name: string;
  kind: NodeKind;
  /** resolved addresses, in script order */
  addrs: string[];
  up: boolean;
  /** L2 segment number (1…) when the segment has more than one member; 0 otherwise */
  segment: number;
}

export type EdgeKind = "veth" | "port" | "parent" | "moved";

export interface GraphEdge {
  kind: EdgeKind;
  /** for a port: the member; for parent: the child; for moved: the device */
  from: string;
  /** for a port: the bridge; for parent: the parent */
  to: string;
  /** a short label: `macvlan bridge`, `vlan 10`, … ("" for veth and port) */
  label: string;
  segment: number;
}

export interface GraphCluster {
  ns: string;
  nodes: GraphNode[];
  /** `default via 1.1.128.1`, `proxyarp on eth0`, `nat from ve-+ to eth0`: what the
   *  namespace does besides its links */
  notes: string[];
}

/**
 * A partition in effect: the last `partition` statement of its scope (the one the planner
 * turns into drop rules), unless that is `partition off`. Drawn as a dashed cut between
 * its groups.
 */
export interface GraphPartition {
  /** 1… in script order */
  n: number;
  /** where the drop rules live: the namespace that forwards between the members */
  hub: string;
  /** `file:line` of the statement */
  at: string;
  /** groups labelled A, B, …, each with its namespaces in script order */
  groups: { label: string; namespaces: string[] }[];
}

export interface GraphModel {
  clusters: GraphCluster[];
  edges: GraphEdge[];
  /** numbered segments with more than one member: number → member keys */
  segments: { n: number; members: string[] }[];
  partitions: GraphPartition[];
}

export function buildGraph(t: AddressedTopology): GraphModel {
  const clusters = new Map<string, GraphCluster>();
  const nodes = new Map<string, GraphNode>();
  const cluster = (ns: string): GraphCluster => {
    let c = clusters.get(ns);
    if (!c) {
      c = { ns, nodes: [], notes: [] };
      clusters.set(ns, c);
    }
    return c;
  };
  const node = (ns: string, name: string, kind: NodeKind, up = true): GraphNode => {
    const key = devKey(ns, name);
    let n = nodes.get(key);
    if (!n) {
      n = { key, ns, name, kind, addrs: [], up, segment: 0 };
      nodes.set(key, n);
      cluster(ns).nodes.push(n);
    } else if (n.kind === "referenced" && kind !== "referenced") {
      n.kind = kind;
      n.up = up;
    }
    return n;
  };

  // Host first, then the namespaces in script order: the reading order of the script.
  cluster(HOST);
  for (const n of t.namespaces) cluster(n.name);
  for (const d of t.devices) node(d.ns, d.name, d.kind, d.up);

  const edges: GraphEdge[] = [];
  const seenVeth = new Set<string>();
  for (const d of t.devices) {
    const key = devKey(d.ns, d.name);
    if (d.master !== undefined) {
      node(d.ns, d.master, "referenced");
      edges.push({ kind: "port", from: key, to: devKey(d.ns, d.master), label: "", segment: 0 });
    }
    switch (d.kind) {
      case "veth": {
        const other = devKey(d.peer.ns, d.peer.name);
        if (seenVeth.has(other)) break;
        seenVeth.add(key);
        node(d.peer.ns, d.peer.name, "referenced");
        edges.push({ kind: "veth", from: key, to: other, label: "", segment: 0 });
        break;
      }
      case "macvlan":
      case "ipvlan":
      case "vlan": {
        node(d.parent.ns, d.parent.name, "referenced");
        const label = d.kind === "vlan" ? `vlan ${d.vlanId}` : `${d.kind} ${d.mode}`;
        edges.push({ kind: "parent", from: key, to: devKey(d.parent.ns, d.parent.name), label, segment: 0 });
        break;
      }
      case "moved":
        edges.push({ kind: "moved", from: key, to: devKey(d.from.ns, d.from.name), label: "moved from", segment: 0 });
        break;
      default:
        break;
    }
  }
  for (const a of t.resolved) node(a.ns, a.dev, "referenced").addrs.push(a.cidr);

  for (const r of t.routes) {
    const parts = [r.dst];
    if (r.via !== undefined) parts.push(`via ${r.via}`);
    if (r.dev !== undefined) parts.push(`dev ${r.dev}`);
    if (r.onlink) parts.push("onlink");
    cluster(r.ns).notes.push(`route ${parts.join(" ")}`);
  }
  for (const p of t.proxyArps) cluster(p.ns).notes.push(`proxyarp on host:${p.uplink}`);
  for (const p of t.neighProxies) cluster(p.ns).notes.push(`neigh proxy ${p.addr} on ${p.dev}`);
  for (const n of t.nats)
    cluster(n.ns).notes.push(
      `nat from ${n.source.kind === "subnet" ? n.source.cidr : n.source.pattern} to ${n.outDev.ns === n.ns ? "" : `${n.outDev.ns}:`}${n.outDev.name}`,
    );
  for (const m of t.portmaps) cluster(HOST).notes.push(`portmap ${m.proto} ${m.hostPort} to ${m.ns}:${m.port}`);

  // Segments: numbered in drawing order, so the numbers read top to bottom.
  const segs = computeSegments(t);
  const size = new Map<string, number>();
  for (const s of segs.segments) size.set(s.id, s.members.filter((m) => nodes.has(m)).length);
  const numbers = new Map<string, number>();
  const segments: GraphModel["segments"] = [];
  for (const c of clusters.values()) {
    for (const n of c.nodes) {
      const id = segs.segmentOf(n.key);
      if ((size.get(id) ?? 1) < 2) continue;
      let num = numbers.get(id);
      if (num === undefined) {
        num = numbers.size + 1;
        numbers.set(id, num);
        segments.push({ n: num, members: [] });
      }
      n.segment = num;
      segments[num - 1]!.members.push(n.key);
    }
  }
  for (const e of edges) e.segment = nodes.get(e.from)?.segment ?? 0;
  // Moved devices keep no wire to where they came from: that edge names a place, not a segment.
  for (const e of edges) if (e.kind === "moved") e.segment = 0;

  return {
    clusters: [...clusters.values()].filter((c) => c.ns !== HOST || c.nodes.length || c.notes.length),
    edges,
    segments,
    partitions: partitionsInEffect(t),
  };
}

function partitionsInEffect(t: AddressedTopology): GraphPartition[] {
  const last = new Map<string, Partition>();
  for (const p of t.partitions) last.set(p.scope, p);
  const out: GraphPartition[] = [];
  for (const p of last.values()) {
    if (!p.groups) continue;
    const members = new Set(p.groups.flat().map((m) => m.name));
    // the same rule as the planner's: the one namespace at the far end of every member's veths
    const hubs = new Set(t.devices.flatMap((d) => (d.kind === "veth" && members.has(d.ns) && d.peer.ns !== d.ns ? [d.peer.ns] : [])));
    out.push({
      n: out.length + 1,
      hub: hubs.size === 1 ? [...hubs][0]! : p.scope,
      at: `${p.span.file}:${p.span.start.line}`,
      groups: p.groups.map((g, i) => ({ label: groupLabel(i), namespaces: g.map((m) => m.name) })),
    });
  }
  return out;
}

/** A, B, … Z, then A2, B2, …: short labels a reader can match across the picture. */
function groupLabel(i: number): string {
  const letter = String.fromCharCode(65 + (i % 26));
  return i < 26 ? letter : `${letter}${Math.floor(i / 26) + 1}`;
}

/** The partition group a namespace is drawn in (its first one, when several partitions name it). */
export function partitionGroupOf(g: GraphModel, ns: string): { p: GraphPartition; group: number } | undefined {
  for (const p of g.partitions) {
    const group = p.groups.findIndex((x) => x.namespaces.includes(ns));
    if (group >= 0) return { p, group };
  }
  return undefined;
}

/** A node's one-line role: how it connects, for the text form and tooltips. */
export function describeNode(n: GraphNode, g: GraphModel): string[] {
  const out: string[] = [];
  if (n.kind === "uplink") out.push("uplink");
  if (n.kind === "referenced") out.push("(not declared)");
  // the wire first, then what the device hangs off, then the bridge it is a port of
  for (const e of g.edges) if (e.kind === "veth" && (e.from === n.key || e.to === n.key)) out.push(`── ${e.from === n.key ? e.to : e.from}`);
  for (const e of g.edges) {
    if (e.from !== n.key) continue;
    if (e.kind === "parent") out.push(`${e.label} on ${e.to}`);
    else if (e.kind === "moved") out.push(`moved from ${e.to}`);
  }
  for (const e of g.edges) if (e.kind === "port" && e.from === n.key) out.push(`port of ${e.to.slice(e.to.indexOf(":") + 1)}`);
  if (n.kind === "bridge") {
    const ports = g.edges.filter((e) => e.kind === "port" && e.to === n.key).length;
    out.unshift(`bridge, ${ports} port${ports === 1 ? "" : "s"}`);
  }
  if (!n.up) out.push("down");
  return out;
}
