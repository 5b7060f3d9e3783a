import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LiveState } from "../model/live.js";
import type { Span } from "../model/span.js";
import type { ProjectState } from "../model/state.js";
import { HOST, type AddressedTopology, type Device } from "../model/topology.js";
import type { Op, OpStep, Phase } from "./op.js";
import { planDiag } from "./codes.js";
import { ipText, ownerAlias, sysctlText } from "./text.js";
import { proxyArpPlan } from "./proxyarp.js";
import { firewallOps } from "./nft.js";

/** An op before numbering. */
export type Draft = Omit<Op, "index">;

export interface DeriveContext {
  project: string;
  previous: ProjectState;
  live: LiveState;
  hostGateway?: string;
}

/** A derived sysctl, before its inverse is known. */
export interface SysctlWant {
  ns: string;
  key: string;
  value: string;
  span: Span;
  why: string;
  /** the sysctl is about a device nsnet creates: it goes away with the device */
  ownDevice?: boolean;
}

const ip = (phase: Phase, ns: string, text: string, summary: string, inverse: OpStep | null, span?: Span): Draft => {
  const d: Draft = { tool: "ip", ns, text, phase, summary, inverse };
  if (span) d.span = span;
  return d;
};

const created = (d: Device): boolean => d.kind !== "uplink" && d.kind !== "moved";
const parented = (d: Device): d is Extract<Device, { parent: unknown }> =>
  d.kind === "macvlan" || d.kind === "ipvlan" || d.kind === "vlan";

function creationText(d: Device, batchNs: string): string {
  switch (d.kind) {
    case "bridge":
      return ipText.bridgeAdd(d.name, d.ns, batchNs);
    case "veth":
      return ipText.vethAdd(d.name, d.ns, d.peer.name, d.peer.ns, batchNs);
    case "macvlan":
      return ipText.macvlanAdd(d.name, d.ns, d.parent.name, d.mode, batchNs);
    case "ipvlan":
      return ipText.ipvlanAdd(d.name, d.ns, d.parent.name, d.mode, batchNs);
    case "vlan":
      return ipText.vlanAdd(d.name, d.ns, d.parent.name, d.vlanId, batchNs);
    default:
      throw new Error(`internal: ${d.kind} devices are not created`);
  }
}

function creationSummary(d: Device): string {
  const where = (ns: string, name: string) => (ns === HOST ? name : `${ns}:${name}`);
  switch (d.kind) {
    case "veth":
      return `create veth ${where(d.ns, d.name)} ↔ ${where(d.peer.ns, d.peer.name)}`;
    case "bridge":
      return `create bridge ${where(d.ns, d.name)}`;
    case "macvlan":
    case "ipvlan":
      return `create ${d.kind} ${where(d.ns, d.name)} on ${where(d.parent.ns, d.parent.name)} (mode ${d.mode})`;
    case "vlan":
      return `create vlan ${d.vlanId} ${where(d.ns, d.name)} on ${where(d.parent.ns, d.parent.name)}`;
    default:
      return "";
  }
}

/** Every sysctl the topology wants: the script's own, then those proxyarp/nat/portmap imply
 *  (the script's value wins for a key it sets). Independent of live state. */
export function wantedSysctls(desired: AddressedTopology): SysctlWant[] {
  const out: SysctlWant[] = desired.sysctls.map((s) => ({ ns: s.ns, key: s.key, value: s.value, span: s.span, why: "set" }));
  const seen = new Set(out.map((s) => `${s.ns}\0${s.key}`));
  const add = (w: SysctlWant) => {
    const k = `${w.ns}\0${w.key}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(w);
  };
  for (const p of desired.proxyArps) for (const w of proxyArpPlan.sysctls(desired, p)) add(w);
  for (const n of desired.nats) add({ ns: n.ns, key: "net.ipv4.ip_forward", value: "1", span: n.span, why: "forward for nat" });
  for (const m of desired.portmaps) add({ ns: HOST, key: "net.ipv4.ip_forward", value: "1", span: m.span, why: "forward for portmap" });
  return out;
}

/**
 * The full list of ops the topology means, in execution order, ignoring what already exists.
 * Ordering (each phase's ops contiguous per namespace, so a batch is one run of ops):
 * - host: `netns add`; bridges (anywhere, born in place with `netns NS`) before veths and
 *   host-parented macvlan/ipvlan/vlan, so every link exists before any namespace batch runs;
 *   moves out of the host; aliases, masters, addresses and `up` of host devices; then, one
 *   batch per namespace P, devices whose parent lives in P and moves out of P.
 * - namespaces (parallel): lo up; aliases of links living there; masters (bridges already
 *   exist); addresses; up; routes; proxy neighbours.
 * - host-routes: host routes (links are up by now), then proxy neighbours.
 * - sysctl, firewall, services.
 */
/**
 * `mtu N` / `hwaddr MAC`: set before the link goes up. A link nsnet creates takes them away
 * when it is deleted; a moved device gets back what live state showed before.
 */
function linkAttrOps(d: Device, phase: Phase, live: LiveState): Draft[] {
  const out: Draft[] = [];
  const before = d.kind === "moved" ? live.links.find((l) => l.ns === d.from.ns && l.name === d.from.name) : undefined;
  if (d.mtu !== undefined) {
    const undo = d.kind !== "moved" ? null : before?.mtu !== undefined ? { tool: "ip" as const, ns: d.ns, text: ipText.mtu(d.name, before.mtu) } : null;
    out.push(ip(phase, d.ns, ipText.mtu(d.name, d.mtu), `mtu ${d.mtu} on ${d.name}${undo || d.kind === "moved" ? "" : " (undone with the link)"}`, undo, d.span));
  }
  if (d.hwaddr !== undefined) {
    const undo = d.kind !== "moved" ? null : before?.mac ? { tool: "ip" as const, ns: d.ns, text: ipText.hwaddr(d.name, before.mac) } : null;
    out.push(ip(phase, d.ns, ipText.hwaddr(d.name, d.hwaddr), `hardware address ${d.hwaddr} on ${d.name}${undo || d.kind === "moved" ? "" : " (undone with the link)"}`, undo, d.span));
  }
  return out;
}

export function deriveOps(desired: AddressedTopology, ctx: DeriveContext): { ops: Draft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const alias = ownerAlias(ctx.project);
  const devs = desired.devices;
  const nsNames = desired.namespaces.map((n) => n.name).filter((n) => n !== HOST);
  const owned = new Set(nsNames);
  const creates = devs.filter(created);
  const inNs = (ns: string) => (x: { ns: string }) => x.ns === ns;

  const host: Draft[] = [];
  for (const n of desired.namespaces) {
    if (n.name === HOST) continue;
    host.push(ip("host", HOST, ipText.netnsAdd(n.name), `create namespace ${n.name}`, { tool: "ip", ns: HOST, text: ipText.netnsDel(n.name) }, n.span));
  }
  const linkAdd = (d: Device, batchNs: string): Draft =>
    ip("host", batchNs, creationText(d, batchNs), creationSummary(d), { tool: "ip", ns: d.ns, text: ipText.linkDel(d.name) }, d.span);
  for (const d of creates) if (d.kind === "bridge") host.push(linkAdd(d, HOST));
  for (const d of creates) if (d.kind === "veth" && d.primary) host.push(linkAdd(d, HOST));
  const elsewhere = new Map<string, Draft[]>();
  const later = (ns: string, op: Draft) => elsewhere.set(ns, [...(elsewhere.get(ns) ?? []), op]);
  for (const d of creates) {
    if (!parented(d)) continue;
    if (d.parent.ns === HOST) host.push(linkAdd(d, HOST));
    else if (d.parent.ns === d.ns) later(d.ns, linkAdd(d, d.ns));
    else diagnostics.push(planDiag("NS596", d.parentSpan, { dev: d.name, ns: d.ns, parent: d.parent.name, parentNs: d.parent.ns }));
  }
  for (const d of devs) {
    if (d.kind !== "moved") continue;
    const op = ip("host", d.from.ns, ipText.move(d.from.name, d.ns, d.name), `move ${d.from.ns}:${d.from.name} into ${d.ns} as ${d.name}`,
      { tool: "ip", ns: d.ns, text: ipText.move(d.name, d.from.ns, d.from.name) }, d.span);
    if (d.from.ns === HOST) host.push(op);
    else later(d.from.ns, op);
  }

  const resolvedIn = (ns: string) => desired.resolved.filter((a) => a.ns === ns);
  const devicePrep = (ns: string, phase: Phase): Draft[] => {
    const out: Draft[] = [];
    const here = devs.filter(inNs(ns));
    for (const d of here.filter(created))
      out.push(ip(phase, ns, ipText.alias(d.name, alias), `mark ${d.name} as nsnet's (undone with the link)`, null, d.span));
    for (const d of here)
      if (d.master)
        out.push(ip(phase, ns, ipText.master(d.name, d.master), `enslave ${d.name} to bridge ${d.master}`,
          { tool: "ip", ns, text: ipText.nomaster(d.name) }, d.masterSpan ?? d.span));
    for (const d of here) out.push(...linkAttrOps(d, phase, ctx.live));
    for (const a of resolvedIn(ns))
      out.push(ip(phase, ns, ipText.addrAdd(a.cidr, a.dev), `address ${a.cidr} on ${a.dev}`, { tool: "ip", ns, text: ipText.addrDel(a.cidr, a.dev) }, a.span));
    for (const d of here) {
      if (d.kind === "uplink") continue; // handled against live state in plan.ts
      if (d.up) out.push(ip(phase, ns, ipText.up(d.name), `bring ${d.name} up (undone with the link)`, null, d.span));
    }
    return out;
  };
  host.push(...devicePrep(HOST, "host"));
  for (const d of devs.filter((d) => d.kind === "uplink"))
    host.push(ip("host", d.ns, d.up ? ipText.up(d.name) : ipText.down(d.name), `bring uplink ${d.name} ${d.up ? "up" : "down"}`,
      { tool: "ip", ns: d.ns, text: d.up ? ipText.down(d.name) : ipText.up(d.name) }, d.span));
  for (const ns of [...elsewhere.keys()].sort()) host.push(...elsewhere.get(ns)!);

  const pa = proxyArpPlan.ops(desired, ctx);
  diagnostics.push(...pa.diagnostics);

  const routeOp = (phase: Phase, r: { ns: string; dst: string; via?: string; dev?: string; onlink: boolean; span: Span }, why = "") =>
    ip(phase, r.ns, ipText.route("add", r.dst, r.via, r.dev, r.onlink),
      `route ${r.dst}${r.via ? ` via ${r.via}` : ""}${r.dev ? ` dev ${r.dev}` : ""}${why}`,
      { tool: "ip", ns: r.ns, text: ipText.route("del", r.dst, r.via, r.dev) }, r.span);
  const proxyOp = (phase: Phase, p: { ns: string; addr: string; dev: string; span: Span }) =>
    ip(phase, p.ns, ipText.proxyAdd(p.addr, p.dev), `answer ARP/NDP for ${p.addr} on ${p.dev}`, { tool: "ip", ns: p.ns, text: ipText.proxyDel(p.addr, p.dev) }, p.span);

  const namespaces: Draft[] = [];
  for (const ns of nsNames) {
    const lo = desired.namespaces.find((n) => n.name === ns)!;
    namespaces.push(ip("namespaces", ns, ipText.up("lo"), "bring lo up (undone with the namespace)", null, lo.span));
    namespaces.push(...devicePrep(ns, "namespaces"));
    for (const d of devs.filter((d) => d.kind === "moved" && d.ns === ns && d.up))
      namespaces.push(ip("namespaces", ns, ipText.up(d.name), `bring ${d.name} up (moving it back brings it down)`, null, d.span));
    for (const r of desired.routes.filter(inNs(ns))) namespaces.push(routeOp("namespaces", r));
    for (const r of pa.nsRoutes.filter(inNs(ns))) namespaces.push(routeOp("namespaces", r, " (on-link, answered by the host's proxy ARP)"));
    for (const p of desired.neighProxies.filter(inNs(ns))) namespaces.push(proxyOp("namespaces", p));
  }

  const hostRoutes: Draft[] = [];
  for (const r of desired.routes.filter(inNs(HOST))) hostRoutes.push(routeOp("host-routes", r));
  for (const r of pa.hostRoutes) hostRoutes.push(routeOp("host-routes", r, ` to ${r.toNs}`));
  for (const p of [...pa.proxies, ...desired.neighProxies.filter(inNs(HOST))]) hostRoutes.push(proxyOp("host-routes", p));

  const sysctl: Draft[] = [];
  const wants = wantedSysctls(desired);

  for (const ns of [HOST, ...nsNames]) {
    for (const w of wants.filter(inNs(ns))) {
      const original = ctx.previous.sysctlOriginals[ns]?.[w.key] ?? ctx.live.sysctls[ns]?.[w.key];
      const goesAway = owned.has(ns) || w.ownDevice === true;
      const inverse = original !== undefined && !goesAway ? { tool: "sysctl" as const, ns, text: sysctlText(w.key, original) } : null;
      const note = goesAway ? ` (undone with the ${owned.has(ns) ? "namespace" : "link"})` : "";
      const d: Draft = { tool: "sysctl", ns, text: sysctlText(w.key, w.value), phase: "sysctl", summary: `${w.why}: ${w.key}=${w.value}${note}`, inverse, span: w.span };
      sysctl.push(d);
    }
  }

  const fw = firewallOps(desired, ctx.project);
  diagnostics.push(...fw.diagnostics);

  const services: Draft[] = desired.services.map((s) => ({
    tool: "service",
    ns: s.ns,
    text: JSON.stringify(s.argv),
    phase: "services",
    summary: `start service in ${s.ns}: ${s.argv.join(" ")}`,
    inverse: { tool: "service", ns: s.ns, text: JSON.stringify({ stop: s.argv }) },
    span: s.span,
  }));

  const all = [...host, ...namespaces, ...hostRoutes, ...sysctl, ...fw.ops, ...services];
  return { ops: dedupe(all), diagnostics };
}

function dedupe(ops: Draft[]): Draft[] {
  const seen = new Set<string>();
  return ops.filter((o) => {
    const k = `${o.tool}\0${o.ns}\0${o.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
