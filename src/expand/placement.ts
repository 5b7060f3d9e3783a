import type { Statement } from "../ast/nodes.js";

/**
 * Where each statement may be written. The expansion context, not the lexical position,
 * decides: a def body runs wherever it is called.
 *   top     — the script's top level (the host namespace, for declarations)
 *   host    — `host < … >` (and a bridge body at top level)
 *   ns      — `ns NAME < … >` (and a bridge body inside it)
 *   handler — `on add|remove "PATTERN" < … >`, expanded per udev event, host side
 *   module  — a file brought in by `use`: definitions only
 */
export type BodyKind = "top" | "host" | "ns" | "handler" | "module";

type Kind = Statement["type"];

const everywhere: BodyKind[] = ["top", "host", "ns", "handler", "module"];
const declarations: BodyKind[] = ["top", "host", "ns"];
const settings: BodyKind[] = ["host", "ns", "handler"];

const allowedIn: Record<Kind, BodyKind[]> = {
  Let: everywhere,
  Def: everywhere,
  Use: everywhere,
  CallStmt: ["top", "host", "ns", "handler"],
  For: ["top", "host", "ns", "handler"],
  Pool: ["top", "host", "ns", "module"],
  Ns: ["top"],
  Host: ["top"],
  Uplink: ["top", "host"],
  On: ["top", "host"],
  Bridge: ["top", "host", "ns", "handler"],
  Nat: declarations,
  Portmap: declarations,
  Partition: declarations,
  Expect: declarations,
  Run: declarations,
  Exec: declarations,
  Veth: ["ns"],
  ProxyArp: ["ns"],
  Move: ["ns"],
  Macvlan: settings,
  Ipvlan: settings,
  Vlan: settings,
  Addr: settings,
  Route: settings,
  Sysctl: settings,
  LinkState: settings,
  NeighProxy: settings,
};

const keyword: Record<Kind, string> = {
  Let: "let",
  Def: "def",
  Use: "use",
  CallStmt: "a call",
  For: "for",
  Pool: "pool",
  Ns: "ns",
  Host: "host",
  Uplink: "uplink",
  On: "on",
  Bridge: "bridge",
  Nat: "nat",
  Portmap: "portmap",
  Partition: "partition",
  Expect: "expect",
  Run: "run",
  Exec: "exec",
  Veth: "veth",
  ProxyArp: "proxyarp",
  Move: "move",
  Macvlan: "macvlan",
  Ipvlan: "ipvlan",
  Vlan: "vlan",
  Addr: "addr",
  Route: "route",
  Sysctl: "sysctl",
  LinkState: "up/down",
  NeighProxy: "neigh proxy",
};

const where: Record<BodyKind, string> = {
  top: "at the top level",
  host: "inside `host < … >`",
  ns: "inside `ns NAME < … >`",
  handler: "inside an `on add|remove` handler",
  module: "in a file brought in by `use`",
};

/** null when allowed, else the params and hint of an NS212 diagnostic. */
export function placementProblem(stmt: Statement, body: BodyKind): { what: string; where: string; hint: string } | null {
  const ok = allowedIn[stmt.type];
  if (ok.includes(body)) return null;
  return { what: keyword[stmt.type], where: where[body], hint: hintFor(stmt.type, body) };
}

function hintFor(kind: Kind, body: BodyKind): string {
  if (body === "module") return "a used file only provides definitions (def, let, pool); call them from your script";
  switch (kind) {
    case "Veth":
      return "a veth connects a namespace to the host or to another namespace: write it inside `ns NAME < … >`";
    case "ProxyArp":
      return "proxyarp publishes a namespace's addresses on a host uplink: write it inside `ns NAME < … >`";
    case "Move":
      return "`move DEV` brings a host device into a namespace: write it inside `ns NAME < … >`";
    case "Ns":
      return "namespaces do not nest; write `ns NAME < … >` at the top level and link them with `veth peer NS`";
    case "Host":
      return "write `host < … >` at the top level";
    case "Uplink":
      return "an uplink is a host device: declare it at the top level (`uplink eth0`)";
    case "On":
      return "udev handlers are declared at the top level";
    default:
      if (body === "top") return "host settings go inside `host < … >`; namespace settings inside `ns NAME < … >`";
      return `\`${keyword[kind]}\` is allowed ${allowedIn[kind].map((b) => where[b]).join(", ")}`;
  }
}
