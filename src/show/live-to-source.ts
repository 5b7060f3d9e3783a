import type { LiveAddr, LiveLink, LiveRoute, LiveState } from "../model/live.js";
import type { LiveFirewall } from "../model/firewall.js";
import { HOST } from "../model/topology.js";
import { isAllowedName } from "../model/names.js";
import { isChildKind, isSimulatedUplink, parentOf, selectLive, type Selection } from "./select.js";
import { firewallStatements, type FirewallStatements } from "./firewall.js";
import { findProxyArps, type ProxyArpIdiom } from "./proxyarp-idiom.js";
import { changedSysctls } from "./sysctls.js";
import { defaultBroadcast } from "../ipam/cidr.js";
import { formatIp, parseIp } from "../ipam/ip.js";

/**
 * Live state as nsnet source (`nsnet show`): what `nsnet up` would need to rebuild it.
 * Pure: a LiveState in, text out. Everything is written explicitly (both veth names,
 * `on IF` for every address, modes) so the text does not depend on default names.
 *
 * A veth pair is one statement, written by one side:
 * - a namespace ↔ the host: the namespace writes `veth HOSTEND as IF [to HOSTBRIDGE]`;
 * - two namespaces: the side whose peer is a bridge port writes `veth FAR as IF to NS:BR`,
 *   else the first namespace in order writes `veth as IF peer NS:FAR`;
 * - an end that is itself a bridge port is written inside `bridge BR < … >`, which
 *   enslaves it.
 * What the language cannot say (vxlan, a physical NIC, a veth whose peer is out of
 * sight) becomes a comment, as do its addresses and routes, so the text still compiles.
 *
 * So that `nsnet up` of the output rebuilds what was shown, it also says:
 * - the sysctls that differ from a fresh namespace's (src/show/sysctls.ts), except those a
 *   printed statement implies (`proxyarp`, `nat`, `portmap` turn forwarding on);
 * - nsnet's nft tables as `nat`, `portmap` and `partition` (src/show/firewall.ts);
 * - the routed-veth idiom as `proxyarp on IF` (src/show/proxyarp-idiom.ts);
 * - the host's addresses and routes on the uplinks it declares (the gateway a proxied or
 *   masqueraded namespace goes through).
 */
export interface ShowOptions {
  /** namespaces to print (default: every namespace in the snapshot) */
  namespaces?: string[];
  /** nsnet's nft tables, when read (src/exec/firewall-read.ts) */
  firewall?: LiveFirewall[];
}

/** What `show` prints, worked out once: the selection, the firewall's statements, the idioms. */
export interface ShowPlan {
  sel: Selection;
  fw: FirewallStatements;
  proxyArps: ProxyArpIdiom[];
}

export function planShow(live: LiveState, opts: ShowOptions = {}): ShowPlan {
  const first = selectLive(live, opts.namespaces);
  const fw = firewallStatements(live, first, opts.firewall ?? [], (n) => isWritableName(n));
  const uplinks = [...new Set([...first.uplinks, ...fw.hostDevices])].sort();
  const sel: Selection = { ...first, uplinks };
  return { sel, fw, proxyArps: findProxyArps(live, sel) };
}

export function liveToSource(live: LiveState, opts: ShowOptions = {}): string {
  return new SourcePrinter(live, planShow(live, opts)).print();
}

/** The snapshot cut down to what `liveToSource` prints (`nsnet show --json`). */
export function liveToJson(live: LiveState, opts: ShowOptions = {}): LiveState & { firewall: LiveFirewall[] } {
  const { sel } = planShow(live, opts);
  const hostKept = new Set([...sel.hostOurs, ...sel.uplinks]);
  const keepLink = (ns: string, name: string) => (ns === HOST ? hostKept.has(name) : sel.shown.includes(ns));
  const keepOwn = (ns: string, dev: string | undefined) => (ns === HOST ? dev !== undefined && hostKept.has(dev) : sel.shown.includes(ns));
  const sysctls: LiveState["sysctls"] = {};
  for (const [ns, values] of Object.entries(live.sysctls)) if (ns === HOST || sel.shown.includes(ns)) sysctls[ns] = values;
  return {
    namespaces: sel.shown,
    links: live.links.filter((l) => keepLink(l.ns, l.name)),
    addrs: live.addrs.filter((a) => keepOwn(a.ns, a.dev)),
    routes: live.routes.filter((r) => keepOwn(r.ns, r.dev)),
    proxies: sel.proxies,
    sysctls,
    firewall: (opts.firewall ?? []).filter((f) => f.ns === HOST || sel.shown.includes(f.ns)),
  };
}

/** Routes the kernel (or a router advertisement) made by itself: not part of a script. */
const SELF_MADE_PROTOS = new Set(["kernel", "ra", "redirect"]);

/**
 * Whether a name can be written back: the one allowlist of name characters every entry
 * keeps to (src/model/names.ts — `1box` and `on` included, `x@y` not). The kernel allows
 * many characters nsnet does not; a device so named is left as a comment.
 */
export function isWritableName(name: string): boolean {
  return isAllowedName(name);
}

/** Words that would read as keywords right after `veth`, where the far end's name stands. */
const AFTER_VETH = new Set(["pair", "as", "to", "peer"]);

class SourcePrinter {
  private readonly linksOf = new Map<string, LiveLink[]>();
  /** links a statement can create (or, for uplinks, declare) */
  private readonly expressible = new Set<LiveLink>();
  private readonly order: Map<string, number>;
  private readonly sel: Selection;
  private readonly fw: FirewallStatements;
  private readonly proxyArps: Map<string, ProxyArpIdiom>;
  /** routes, proxies and sysctls a printed statement stands for */
  private readonly absorbed: { routes: Set<LiveRoute>; proxies: Set<unknown>; sysctls: Set<string> };

  constructor(
    private readonly live: LiveState,
    plan: ShowPlan,
  ) {
    this.sel = plan.sel;
    this.fw = plan.fw;
    this.proxyArps = new Map(plan.proxyArps.map((p) => [p.ns, p]));
    this.absorbed = { routes: new Set(), proxies: new Set(), sysctls: new Set() };
    for (const p of plan.proxyArps) {
      for (const r of p.routes) this.absorbed.routes.add(r);
      for (const x of p.proxies) this.absorbed.proxies.add(x);
      for (const k of p.sysctls) this.absorbed.sysctls.add(`${k.ns}\0${k.key}`);
    }
    for (const ns of plan.fw.forwarding) this.absorbed.sysctls.add(`${ns}\0net.ipv4.ip_forward`);
    const sel = this.sel;
    for (const l of live.links) {
      const list = this.linksOf.get(l.ns) ?? [];
      list.push(l);
      this.linksOf.set(l.ns, list);
    }
    for (const list of this.linksOf.values()) list.sort((a, b) => a.ifindex - b.ifindex);
    this.order = new Map(sel.shown.map((n, i) => [n, i]));
    for (const l of live.links) if (this.canExpress(l)) this.expressible.add(l);
  }

  print(): string {
    const { shown } = this.sel;
    const out = [`# live state read by \`nsnet show\`: ${shown.length} namespace${shown.length === 1 ? "" : "s"}`];
    const top: string[] = [];
    for (const u of this.sel.uplinks) top.push(isWritableName(u) ? `uplink ${u}` : `# host:${JSON.stringify(u)}: a name nsnet cannot write (not expressible)`);
    for (const l of this.hostLinks()) {
      if (l.kind === "bridge") top.push(`bridge ${l.name}`);
      else if (l.kind !== "veth") top.push(`# host:${l.name}: ${describeKind(l)} (not expressible)`);
    }
    if (top.length) out.push("", ...top);
    for (const ns of shown) out.push("", ...this.namespace(ns));
    const host = this.hostBody();
    if (host.length) out.push("", "host <", ...host.map((l) => `  ${l}`), ">");
    const last = [...(this.fw.nat.get(HOST) ?? []), ...this.fw.top];
    if (last.length) out.push("", ...last);
    if (!shown.length) out.push("# (no namespaces)");
    return out.join("\n") + "\n";
  }

  private hostLinks(): LiveLink[] {
    return (this.linksOf.get(HOST) ?? []).filter((l) => this.sel.hostOurs.has(l.name));
  }

  private canExpress(l: LiveLink): boolean {
    if (!isWritableName(l.name)) return false;
    if (l.ns === HOST) {
      if (this.sel.uplinks.includes(l.name) || (this.sel.hostOurs.has(l.name) && l.kind === "bridge")) return true;
      // a host end exists in the source exactly when its namespace's statement does
      const p = l.kind === "veth" ? this.sel.pairs.peerOf(l) : undefined;
      return this.sel.hostOurs.has(l.name) && p !== undefined && p.ns !== HOST && this.canExpress(p);
    }
    if (l.kind === "bridge") return true;
    if (l.kind === "veth") {
      const p = this.sel.pairs.peerOf(l);
      return (
        p !== undefined &&
        p.ns !== l.ns &&
        !isSimulatedUplink(p) &&
        isWritableName(p.name) &&
        (p.master === undefined || isWritableName(p.master)) &&
        !this.farNameMisread(l, p)
      );
    }
    if (isChildKind(l.kind)) return this.childStatement(l) !== undefined;
    return false;
  }

  // ───────────── one namespace ─────────────

  private namespace(ns: string): string[] {
    const links = (this.linksOf.get(ns) ?? []).filter((l) => l.kind !== "loopback" && l.name !== "lo");
    const body: string[] = [];
    const bridges = new Map(links.filter((l) => l.kind === "bridge" && this.expressible.has(l)).map((l) => [l.name, [] as string[]]));
    const ports: [LiveLink, string][] = [];
    for (const l of links) {
      if (l.kind === "bridge" && this.expressible.has(l)) continue;
      const stmt = this.deviceStatement(l);
      if (stmt === undefined) continue;
      if (stmt.startsWith("#")) body.push(stmt);
      else if (l.master !== undefined && bridges.has(l.master)) ports.push([l, stmt]);
      else {
        body.push(stmt);
        if (l.master !== undefined) body.push(`# ${l.name}: port of ${l.master}, which is not a bridge here (not expressible)`);
      }
    }
    for (const [l, stmt] of ports) bridges.get(l.master!)!.push(stmt);
    const devices: string[] = [];
    for (const [name, inside] of bridges) {
      if (inside.length) devices.push(`bridge ${name} <`, ...inside.map((s) => `  ${s}`), ">");
      else devices.push(`bridge ${name}`);
    }
    devices.push(...body);

    for (const l of links) for (const a of this.addrsOf(l)) devices.push(this.addrLine(l, a));
    for (const r of this.routesOf(ns)) if (!this.absorbed.routes.has(r)) devices.push(this.route(r, links));
    const idiom = this.proxyArps.get(ns);
    if (idiom) devices.push(isWritableName(idiom.uplink) ? `proxyarp on ${idiom.uplink}` : `# proxyarp on ${JSON.stringify(idiom.uplink)} (not expressible)`);
    devices.push(...(this.fw.nat.get(ns) ?? []));
    devices.push(...this.sysctls(ns));
    for (const l of links) if (!l.up && this.expressible.has(l)) devices.push(`down ${l.name}`);

    if (!devices.length) return [`ns ${ns}`];
    return [`ns ${ns} <`, ...devices.map((l) => `  ${l}`), ">"];
  }

  /** The statement creating `l` in its namespace; undefined when another statement does. */
  private deviceStatement(l: LiveLink): string | undefined {
    if (l.kind === "veth") {
      const p = this.sel.pairs.peerOf(l);
      if (!p) return `# ${l.name}: veth whose peer is in no namespace read (not expressible)`;
      if (p.ns === l.ns) return p.ifindex < l.ifindex ? undefined : `# ${l.name}: veth paired with ${p.name} in the same namespace (not expressible)`;
      if (isSimulatedUplink(p)) return `# ${l.name}: the far end of host:${p.name}, an uplink the sandbox simulates (not expressible)`;
      if (!this.writes(l, p)) return undefined;
      if (!this.expressible.has(l)) return `# ${l.name}: veth to ${p.ns}:${p.name}, a name nsnet cannot write (not expressible)`;
      const as = `as ${l.name}`;
      if (p.ns === HOST) return `veth ${p.name} ${as}${p.master !== undefined ? ` to ${p.master}` : ""}`;
      const far = p.ns;
      if (p.master !== undefined) return `veth ${p.name} ${as} to ${far}:${p.master}`;
      return `veth ${as} peer ${far}:${p.name}`;
    }
    if (!isWritableName(l.name)) return `# ${JSON.stringify(l.name)}: ${describeKind(l)}, a name nsnet cannot write (not expressible)`;
    if (isChildKind(l.kind)) return this.childStatement(l) ?? `# ${l.name}: ${l.kind} whose parent is not in the snapshot (not expressible)`;
    return `# ${l.name}: ${describeKind(l)} (not expressible)`;
  }

  /** `veth to as eth0`: a far end named like a keyword, in the one place that matters. */
  private farNameMisread(l: LiveLink, p: LiveLink): boolean {
    return this.writes(l, p)
      ? AFTER_VETH.has(p.name) && (p.ns === HOST || p.master !== undefined)
      : AFTER_VETH.has(l.name) && (l.ns === HOST || l.master !== undefined);
  }

  /** Which end of a pair between two namespaces writes the statement (see the file comment). */
  private writes(l: LiveLink, p: LiveLink): boolean {
    if (p.ns === HOST || !this.order.has(p.ns)) return true;
    if ((p.master !== undefined) !== (l.master !== undefined)) return p.master !== undefined;
    return this.order.get(l.ns)! < this.order.get(p.ns)!;
  }

  private childStatement(l: LiveLink): string | undefined {
    const parent = parentOf(l, this.live.links);
    if (!parent || !isWritableName(parent.name)) return undefined;
    const on = parent.ns === HOST ? parent.name : `${parent.ns}:${parent.name}`;
    const as = `as ${l.name}`;
    if (l.kind === "vlan") return l.vlanId === undefined ? undefined : `vlan ${l.vlanId} on ${on} ${as}`;
    const modes = l.kind === "macvlan" ? ["bridge", "private", "vepa", "passthru"] : ["l2", "l3", "l3s"];
    const mode = l.mode ?? modes[0]!;
    if (!modes.includes(mode)) return undefined;
    return `${l.kind} on ${on} mode ${mode} ${as}`;
  }

  // ───────────── addresses and routes ─────────────

  private addrsOf(l: LiveLink): LiveAddr[] {
    // link-local IPv6 addresses come with every link; the kernel makes them
    return this.live.addrs.filter((a) => a.ns === l.ns && a.dev === l.name && !/^fe[89ab][0-9a-f]:/i.test(a.cidr));
  }

  private routesOf(ns: string): LiveRoute[] {
    return this.live.routes.filter((r) => r.ns === ns && !(r.proto !== undefined && SELF_MADE_PROTOS.has(r.proto)));
  }

  private route(r: LiveRoute, links: LiveLink[]): string {
    const parts = [`route ${r.dst}`];
    if (r.via !== undefined) parts.push(`via ${r.via}`);
    if (r.dev !== undefined) parts.push(`dev ${r.dev}`);
    if (r.onlink) parts.push("onlink");
    const text = parts.join(" ");
    if (r.via === undefined && r.dev === undefined) return `# ${text}: a route with neither gateway nor device (not expressible)`;
    const dev = r.dev === undefined ? undefined : links.find((l) => l.name === r.dev);
    return dev ? this.commentUnless(dev, text) : r.dev === undefined ? text : `# ${text}`;
  }

  /** `addr CIDR on DEV`, noting a broadcast address other than the one nsnet sets. */
  private addrLine(l: LiveLink, a: LiveAddr): string {
    return this.commentUnless(l, `addr ${a.cidr} on ${l.name}`) + broadcastNote(a);
  }

  private commentUnless(l: LiveLink, stmt: string): string {
    return this.expressible.has(l) ? stmt : `# ${stmt}`;
  }

  // ───────────── the host side ─────────────

  private hostBody(): string[] {
    const body: string[] = [];
    const ours = this.hostLinks();
    // the uplinks' own addresses and routes: the gateway proxied and masqueraded
    // namespaces go through (on this host they exist already; a rebuild needs them)
    const uplinks = (this.linksOf.get(HOST) ?? []).filter((l) => this.sel.uplinks.includes(l.name));
    const wired = [...uplinks, ...ours];
    for (const l of wired) for (const a of this.addrsOf(l)) body.push(this.addrLine(l, a));
    for (const r of this.routesOf(HOST)) {
      if (r.dev === undefined || this.absorbed.routes.has(r)) continue;
      if (this.sel.hostOurs.has(r.dev) || this.sel.uplinks.includes(r.dev)) body.push(this.route(r, wired));
    }
    for (const p of this.sel.proxies) if (!this.absorbed.proxies.has(p)) body.push(`neigh proxy ${p.addr} on ${p.dev}`);
    body.push(...this.sysctls(HOST));
    for (const l of ours) if (!l.up && this.expressible.has(l)) body.push(`down ${l.name}`);
    return body;
  }

  /** `sysctl K = V` for what differs from a fresh namespace and no printed statement implies. */
  private sysctls(ns: string): string[] {
    return changedSysctls(this.live, ns)
      .filter(([key, value]) => !(value === "1" && this.absorbed.sysctls.has(`${ns}\0${key}`)))
      .map(([key, value]) =>
        /^[A-Za-z0-9_.@+-]+$/.test(key) && /^[A-Za-z0-9_.:/-]+$/.test(value)
          ? `sysctl ${key} = ${value}`
          : `# sysctl ${JSON.stringify(key)} = ${JSON.stringify(value)} (not expressible)`,
      );
  }
}

function describeKind(l: LiveLink): string {
  return l.kind ? l.kind : "a device of no kind (a physical NIC?)";
}

/** The language has no broadcast setting (nsnet sets the default, as `brd +` does): an address
 *  whose broadcast in the kernel is another gets a comment saying so. Only a parsed IPv4
 *  address is printed. */
function broadcastNote(a: LiveAddr): string {
  const want = defaultBroadcast(a.cidr);
  const ip = a.brd === undefined ? null : parseIp(a.brd);
  const have = ip?.family === 4 ? formatIp(4, ip.addr) : undefined;
  return have === want ? "" : `  # broadcast ${have ?? "none"} here; nsnet sets ${want ?? "none"}`;
}
