import type { Span } from "./span.js";
import type { Statement } from "../ast/nodes.js";

/**
 * The flat topology: what a script means once let/def/for/use and interpolation are gone.
 * Produced by src/expand, read by src/check, src/ipam, src/plan, src/repl, src/graph.
 * Plain data (JSON-serialisable except for handler bodies), no methods.
 *
 * Conventions
 * - Namespaces are named by string; the root namespace is HOST ("host", a reserved name).
 * - An interface is identified by (ns, name). `devKey(ns, name)` gives "ns:name".
 * - Every item has `span` (the statement) and, where a diagnostic may point at a part,
 *   a `…Span` for that part.
 */

export const HOST = "host";

export interface DevRef {
  ns: string;
  name: string;
}

export function devKey(ns: string, name: string): string {
  return `${ns}:${name}`;
}

export interface Namespace {
  name: string;
  span: Span;
  nameSpan: Span;
}

interface DeviceBase {
  ns: string;
  name: string;
  span: Span;
  nameSpan: Span;
  /** bridge (by name, in the same namespace) this device is enslaved to */
  master?: string;
  masterSpan?: Span;
  /** desired admin state; nsnet brings every device it creates up unless told `down IF` */
  up: boolean;
  /** `mtu N` (a veth's on both ends) */
  mtu?: number;
  /** `hwaddr MAC`, lower case (a veth's on the end in the namespace that wrote it) */
  hwaddr?: string;
  /** `hairpin`: this bridge port sends frames back out the port they came in on (a veth's
   *  on the end that is the port); `hairpinSpan` is the word */
  hairpin?: true;
  hairpinSpan?: Span;
}

/** One end of a veth pair. Both ends are Devices; `primary` marks the end the planner creates
 *  (`ip link add PRIMARY … type veth peer name OTHER netns NS`). */
export interface VethDevice extends DeviceBase {
  kind: "veth";
  peer: DevRef;
  primary: boolean;
}
export interface BridgeDevice extends DeviceBase {
  kind: "bridge";
  /** `bridge NAME existing`: someone else's bridge (lxc-net's lxcbr0), used as-is — ports
   *  attached, addresses added, never created, marked or deleted, like an uplink */
  existing?: true;
  existingSpan?: Span;
}
export interface MacvlanDevice extends DeviceBase {
  kind: "macvlan";
  parent: DevRef;
  parentSpan: Span;
  mode: "bridge" | "private" | "vepa" | "passthru";
}
export interface IpvlanDevice extends DeviceBase {
  kind: "ipvlan";
  parent: DevRef;
  parentSpan: Span;
  mode: "l2" | "l3" | "l3s";
}
export interface VlanDevice extends DeviceBase {
  kind: "vlan";
  parent: DevRef;
  parentSpan: Span;
  vlanId: number;
}
/** An existing device moved into a namespace (`move DEV [as IF]`): not created, not deleted
 *  (down moves it back to where it came from under its old name). */
export interface MovedDevice extends DeviceBase {
  kind: "moved";
  from: DevRef;
  fromSpan: Span;
}
/** A declared host device (`uplink eth0`): used, never created or deleted. */
export interface UplinkDevice extends DeviceBase {
  kind: "uplink";
}

export type Device = VethDevice | BridgeDevice | MacvlanDevice | IpvlanDevice | VlanDevice | MovedDevice | UplinkDevice;

/** A device nsnet uses but never creates, marks or deletes, whose admin state it changes only
 *  when live shows it otherwise: an `uplink`, or a `bridge NAME existing`. */
export function isForeignDevice(d: Device): boolean {
  return d.kind === "uplink" || (d.kind === "bridge" && d.existing === true);
}

/** An address on an interface. Static addresses are text as written after interpolation
 *  (`10.0.0.1/24`, `2001:db8::1/64`, or without prefix → host address + warning). */
export interface AddressAssignment {
  ns: string;
  dev: string;
  span: Span;
  /** the span of the address token (or of `auto`) */
  valueSpan: Span;
  devSpan?: Span;
  spec: { kind: "static"; cidr: string; hostOnly: boolean } | { kind: "auto"; pool?: string; poolSpan?: Span };
}

export interface Route {
  ns: string;
  /** "default" or a CIDR */
  dst: string;
  dstSpan: Span;
  via?: string;
  viaSpan?: Span;
  dev?: string;
  devSpan?: Span;
  onlink: boolean;
  span: Span;
}

export interface Sysctl {
  ns: string;
  key: string;
  value: string;
  keySpan: Span;
  span: Span;
}

/** `proxyarp on HOSTIF` inside `ns NS`: routed-veth mode (docs/architecture.md §9). The planner derives
 *  the neighbour proxies, proxy_arp sysctl, host routes and ip_forward from this. */
export interface ProxyArp {
  ns: string;
  /** the uplink in the host whose segment the namespace's addresses are published on */
  uplink: string;
  uplinkSpan: Span;
  span: Span;
}

/** `neigh proxy ADDR on IF` in a host (or handler) body. */
export interface NeighProxy {
  ns: string;
  addr: string;
  addrSpan: Span;
  dev: string;
  devSpan: Span;
  span: Span;
}

export interface Pool {
  name: string;
  nameSpan: Span;
  cidr: string;
  cidrSpan: Span;
  split?: number;
  splitSpan?: Span;
  reserve: { addr: string; span: Span }[];
  span: Span;
}

/** What a `nat` rule masquerades: packets that came in on interfaces matching an
 *  interface-name pattern (`ve-+`), or packets from a source subnet (CNI's ipMasq). */
export type NatSource = { kind: "interfaces"; pattern: string } | { kind: "subnet"; cidr: string };

export interface Nat {
  /** namespace the masquerade rule lives in: the out interface's (an `iifname` only
   *  matches interfaces of the rule's own namespace, so the source is read there too) */
  ns: string;
  source: NatSource;
  sourceSpan: Span;
  outDev: DevRef;
  outSpan: Span;
  span: Span;
}

export interface Portmap {
  proto: "tcp" | "udp";
  hostPort: number;
  ns: string;
  nsSpan: Span;
  port: number;
  span: Span;
  /** the port tokens, when the expander knows them (the checker points at them) */
  hostPortSpan?: Span;
  portSpan?: Span;
}

export interface Partition {
  /** the namespace the statement was written in (HOST at top level) */
  scope: string;
  /** null: `partition off` */
  groups: { name: string; span: Span }[][] | null;
  span: Span;
}

/**
 * An `expect`. `from` is always the namespace where the probe starts (or that is looked at);
 * `points` the weight `nsnet grade` gives it (absent: 1).
 */
export type Expectation = (
  | { kind: "reach"; from: string; fromSpan: Span; to: string; toSpan: Span; negate: boolean; via?: string; viaSpan?: Span; span: Span }
  | { kind: "http"; url: string; urlSpan: Span; status: number; from: string; fromSpan: Span; span: Span }
  | { kind: "tcp"; host: string; port: number; targetSpan: Span; from: string; fromSpan: Span; span: Span }
  /** `expect WATCHER sees FROM as ADDR`: FROM's packets arrive at WATCHER from ADDR (NAT) */
  | { kind: "sees"; watcher: string; watcherSpan: Span; from: string; fromSpan: Span; as: string; asSpan: Span; span: Span }
  /** `expect FROM route DST [via GW] [dev IF]`: FROM's table has that route */
  | { kind: "route"; from: string; fromSpan: Span; dst: string; dstSpan: Span; via?: string; dev?: string; span: Span }
  /** `expect FROM sysctl KEY = VALUE` */
  | { kind: "sysctl"; from: string; fromSpan: Span; key: string; keySpan: Span; value: string; span: Span }
  /** `expect FROM: CMD… matches /PATTERN/FLAGS`: the command's output matches */
  | { kind: "command"; from: string; fromSpan: Span; argv: string[]; pattern: string; flags: string; patternSpan: Span; span: Span }
) & { points?: number; pointsSpan?: Span };

/** `run in NS CMD…` (service, tracked, stopped by down) or `exec NS CMD…` (now). */
export interface Command {
  ns: string;
  nsSpan: Span;
  argv: string[];
  span: Span;
}

/** `on add|remove "PATTERN" < body >`: expanded only when an event arrives (with $iface…). */
export interface Handler {
  action: "add" | "remove";
  pattern: string;
  patternSpan: Span;
  body: Statement[];
  /** variables in scope where the handler was written (let values), for later expansion */
  scope: Record<string, Value>;
  /**
   * The expander's whole scope where the handler was written (defs too), so the same
   * process expands the body as written. Serialising drops it; `scope` then stands in.
   */
  closure?: HandlerClosure;
  span: Span;
}

/** Opaque here: the expander's scope (src/expand/scope.ts), which serialises to nothing. */
export interface HandlerClosure {
  toJSON(): undefined;
}

/** Values of the expansion language. */
export type Value = number | string | Value[];

export interface Topology {
  namespaces: Namespace[];
  devices: Device[];
  addresses: AddressAssignment[];
  routes: Route[];
  sysctls: Sysctl[];
  proxyArps: ProxyArp[];
  neighProxies: NeighProxy[];
  pools: Pool[];
  nats: Nat[];
  portmaps: Portmap[];
  partitions: Partition[];
  expects: Expectation[];
  services: Command[];
  execs: Command[];
  handlers: Handler[];
  /**
   * Interfaces a statement would have made but did not, because an error was reported at
   * it (`veth averyveryverylongname` leaves its `eth0` unbuilt). Later references to them
   * are not reported again: one mistake, one diagnostic.
   */
  unbuilt?: DevRef[];
}

export function emptyTopology(): Topology {
  return {
    namespaces: [],
    devices: [],
    addresses: [],
    routes: [],
    sysctls: [],
    proxyArps: [],
    neighProxies: [],
    pools: [],
    nats: [],
    portmaps: [],
    partitions: [],
    expects: [],
    services: [],
    execs: [],
    handlers: [],
  };
}

/** After allocation every address is static: `cidr` is concrete; `auto` records where it came from. */
export interface ResolvedAddress {
  ns: string;
  dev: string;
  /** canonical CIDR text, e.g. "10.0.0.2/24" */
  cidr: string;
  span: Span;
  fromPool?: string;
}

export interface AddressedTopology extends Topology {
  resolved: ResolvedAddress[];
}
