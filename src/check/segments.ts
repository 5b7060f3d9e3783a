import { devKey, type Topology } from "../model/topology.js";

/**
 * L2 segments: the sets of interfaces that share a broadcast domain, so an address may
 * appear only once in each. Built by union-find over device keys `ns:name`:
 * - a bridge and every device enslaved to it;
 * - both ends of a veth pair (so a namespace's end joins the bridge its far end is on);
 * - a macvlan/ipvlan and its parent (an uplink and its macvlans are one segment);
 * - vlan sub-interfaces: one segment per (parent, vlan id), apart from the parent's own.
 * Devices that are only referenced (an undeclared parent) are members too; a key nobody
 * mentions is a segment of its own.
 */
export interface Segment {
  /** the representative key; stable for one computation, not across edits */
  id: string;
  /** device keys `ns:name`, in first-seen order */
  members: string[];
}

export interface Segments {
  /** the segment id of a device key; a key never seen is its own segment */
  segmentOf(key: string): string;
  segments: Segment[];
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  add(k: string): void {
    if (!this.parent.has(k)) this.parent.set(k, k);
  }

  find(k: string): string {
    let root = this.parent.get(k);
    if (root === undefined) return k;
    while (root !== this.parent.get(root)) root = this.parent.get(root)!;
    // Path compression keeps the 10,000-guest bridge linear.
    let cur = k;
    while (cur !== root) {
      const next = this.parent.get(cur)!;
      this.parent.set(cur, root);
      cur = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    this.add(a);
    this.add(b);
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }

  keys(): IterableIterator<string> {
    return this.parent.keys();
  }
}

/** Prefix for the synthetic node standing for one vlan on one parent; contains a NUL so it
 *  can never equal a real device key. */
const VLAN_NODE = "\0vlan:";

export function computeSegments(topo: Pick<Topology, "devices">): Segments {
  const uf = new UnionFind();
  for (const d of topo.devices) {
    const key = devKey(d.ns, d.name);
    uf.add(key);
    if (d.master !== undefined) uf.union(devKey(d.ns, d.master), key);
    switch (d.kind) {
      case "veth":
        uf.union(key, devKey(d.peer.ns, d.peer.name));
        break;
      case "macvlan":
      case "ipvlan":
        uf.union(devKey(d.parent.ns, d.parent.name), key);
        break;
      case "vlan":
        uf.add(devKey(d.parent.ns, d.parent.name));
        // Device first, so the root is always a real device key.
        uf.union(key, `${VLAN_NODE}${devKey(d.parent.ns, d.parent.name)}.${d.vlanId}`);
        break;
      default:
        break;
    }
  }
  const byRoot = new Map<string, Segment>();
  for (const k of uf.keys()) {
    if (k.startsWith(VLAN_NODE)) continue;
    const root = uf.find(k);
    let seg = byRoot.get(root);
    if (!seg) {
      seg = { id: root, members: [] };
      byRoot.set(root, seg);
    }
    seg.members.push(k);
  }
  return { segmentOf: (key) => uf.find(key), segments: [...byRoot.values()] };
}
