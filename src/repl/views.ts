import { HOST, type AddressedTopology, type Device } from "../model/topology.js";
import type { LiveState } from "../model/live.js";

/**
 * The REPL's read-only views of the compiled topology (.nodes, .links, .addrs, .graph;
 * `.show` is `nsnet show`'s src/show). Pure: data in, text out — the model the planner reads.
 */

/** namespaces of the topology, host first when it holds anything */
function nsOrder(topo: AddressedTopology): string[] {
  const names = topo.namespaces.map((n) => n.name).filter((n) => n !== HOST);
  const hostUsed = topo.devices.some((d) => d.ns === HOST) || topo.resolved.some((r) => r.ns === HOST);
  return hostUsed ? [HOST, ...names] : names;
}

function addrsOf(topo: AddressedTopology, ns: string, dev: string): string[] {
  return topo.resolved.filter((r) => r.ns === ns && r.dev === dev).map((r) => r.cidr);
}

function table(rows: string[][]): string {
  if (!rows.length) return "";
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2)))
          .join("")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

export function nodesView(topo: AddressedTopology, live?: LiveState): string {
  const names = nsOrder(topo);
  if (!names.length) return "(no namespaces yet)\n";
  return table(
    names.map((ns) => {
      const devs = topo.devices.filter((d) => d.ns === ns && d.kind !== "uplink");
      const addrs = topo.resolved.filter((r) => r.ns === ns).map((r) => r.cidr);
      const state = ns === HOST || !live ? "" : live.namespaces.includes(ns) ? "live" : "not applied";
      return [ns, `${devs.length} if`, addrs.join(" ") || "-", state];
    }),
  );
}

function connection(topo: AddressedTopology, d: Device): string {
  switch (d.kind) {
    case "veth": {
      const peer = topo.devices.find((p) => p.ns === d.peer.ns && p.name === d.peer.name);
      return `\u21c4 ${d.peer.ns}:${d.peer.name}${peer?.master ? ` (on ${peer.master})` : ""}`;
    }
    case "macvlan":
      return `on ${d.parent.ns}:${d.parent.name} mode ${d.mode}`;
    case "ipvlan":
      return `on ${d.parent.ns}:${d.parent.name} mode ${d.mode}`;
    case "vlan":
      return `id ${d.vlanId} on ${d.parent.ns}:${d.parent.name}`;
    case "moved":
      return `moved from ${d.from.ns}:${d.from.name}`;
    case "bridge": {
      const ports = topo.devices.filter((p) => p.ns === d.ns && p.master === d.name).map((p) => p.name);
      return ports.length ? `ports ${ports.join(", ")}` : "no ports";
    }
    case "uplink":
      return "existing host device";
  }
}

export function linksView(topo: AddressedTopology): string {
  if (!topo.devices.length) return "(no links yet)\n";
  return table(
    topo.devices.map((d) => [
      `${d.ns}:${d.name}`,
      d.kind,
      connection(topo, d),
      [d.master ? `master ${d.master}` : "", d.up ? "" : "down"].filter(Boolean).join(" "),
    ]),
  );
}

export function addrsView(topo: AddressedTopology): string {
  if (!topo.resolved.length) return "(no addresses yet)\n";
  return table(topo.resolved.map((r) => [`${r.ns}:${r.dev}`, r.cidr, r.fromPool ? `from pool ${r.fromPool}` : ""]));
}

/**
 * A text picture: each namespace, its interfaces with addresses, and what each connects to.
 *   h1
 *   └─ eth0 veth 192.0.2.1/24 ⇄ host:h1_veth0 (on br0)
 */
export function graphView(topo: AddressedTopology): string {
  const names = nsOrder(topo);
  if (!names.length) return "(empty)\n";
  const out: string[] = [];
  for (const ns of names) {
    out.push(ns === HOST ? "host (root namespace)" : ns);
    const devs = topo.devices.filter((d) => d.ns === ns);
    const loose = [...new Set(topo.resolved.filter((r) => r.ns === ns && !devs.some((d) => d.name === r.dev)).map((r) => r.dev))];
    const items = [
      ...devs.map((d) => [d.name, d.kind, ...addrsOf(topo, ns, d.name), connection(topo, d)].join(" ")),
      ...loose.map((dev) => [dev, ...addrsOf(topo, ns, dev)].join(" ")),
    ];
    for (const [i, item] of items.entries()) out.push(`${i === items.length - 1 ? "\u2514\u2500" : "\u251c\u2500"} ${item}`);
    if (!items.length) out.push("\u2514\u2500 (no interfaces)");
  }
  return out.join("\n") + "\n";
}
