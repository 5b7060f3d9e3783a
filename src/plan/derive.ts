import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { byNs, groupOf } from "../model/group.js";
import type { LiveState } from "../model/live.js";
import type { Span } from "../model/span.js";
import { ownerAlias, type ProjectState } from "../model/state.js";
import { HOST, isForeignDevice, type AddressedTopology, type Device } from "../model/topology.js";
import type { Phase } from "./op.js";
import type { Effect, LinkEffect, UndoneWith } from "./effect.js";
import { planDiag } from "./codes.js";
import type { InverseContext } from "./inverse.js";
import { draft, type Draft, type DraftOptions } from "./draft.js";
import { proxyArpPlan } from "./proxyarp.js";
import { firewallOps } from "./nft.js";
import type { SysctlWant } from "./sysctl-want.js";

export type { Draft };

export interface DeriveContext {
  project: string;
  previous: ProjectState;
  live: LiveState;
  hostGateway?: string;
}

export type { SysctlWant } from "./sysctl-want.js";

const created = (d: Device): boolean => !isForeignDevice(d) && d.kind !== "moved";
const parented = (d: Device): d is Extract<Device, { parent: unknown }> => d.kind === "macvlan" || d.kind === "ipvlan" || d.kind === "vlan";

/** The creation of a link, run in `at`. */
function creation(d: Device, at: string): LinkEffect {
  const base = { k: "link" as const, at, ns: d.ns, name: d.name };
  switch (d.kind) {
    case "bridge":
      return { ...base, kind: "bridge" };
    case "veth":
      return { ...base, kind: "veth", peer: { ns: d.peer.ns, name: d.peer.name } };
    case "macvlan":
    case "ipvlan":
      return { ...base, kind: d.kind, parent: d.parent.name, mode: d.mode };
    case "vlan":
      return { ...base, kind: "vlan", parent: d.parent.name, vlanId: d.vlanId };
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
 * - namespaces (parallel): lo up and marked (`alias nsnet:<project>` on lo); aliases of links living there; masters (bridges already
 *   exist); addresses; up; routes; proxy neighbours.
 * - host-routes: host routes (links are up by now), then proxy neighbours.
 * - sysctl, firewall, services.
 */
export function deriveOps(desired: AddressedTopology, ctx: DeriveContext): { ops: Draft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const alias = ownerAlias(ctx.project);
  const devs = desired.devices;
  const nsNames = desired.namespaces.map((n) => n.name).filter((n) => n !== HOST);
  const owned = new Set(nsNames);
  const nsByName = new Map(desired.namespaces.map((n) => [n.name, n]));
  const creates = devs.filter(created);
  // what each namespace holds, grouped once per list (src/model/group.ts): asked per
  // namespace, a filter of the whole list each time made a plan of N namespaces O(N²)
  const inNsOf = <T extends { ns: string }>(items: readonly T[], ns: string): readonly T[] => groupOf(byNs, items, ns);
  // a sysctl's inverse restores the value nsnet first found (remembered, else live now)
  const originals: Record<string, Record<string, string>> = {};
  for (const src of [ctx.live.sysctls, ctx.previous.sysctlOriginals])
    for (const [ns, kv] of Object.entries(src)) originals[ns] = { ...(originals[ns] ?? {}), ...kv };
  const inv: InverseContext = { project: ctx.project, originals };
  const op = (phase: Phase, effect: Effect, summary: string, opts: DraftOptions = {}) => draft(phase, effect, summary, inv, opts);

  const host: Draft[] = [];
  for (const n of desired.namespaces) {
    if (n.name === HOST) continue;
    host.push(op("host", { k: "netns", name: n.name }, `create namespace ${n.name}`, { span: n.span }));
  }
  const linkAdd = (d: Device, at: string): Draft => op("host", creation(d, at), creationSummary(d), { span: d.span });
  for (const d of creates) if (d.kind === "bridge") host.push(linkAdd(d, HOST));
  for (const d of creates) if (d.kind === "veth" && d.primary) host.push(linkAdd(d, HOST));
  const elsewhere = new Map<string, Draft[]>();
  const later = (ns: string, o: Draft) => elsewhere.set(ns, [...(elsewhere.get(ns) ?? []), o]);
  for (const d of creates) {
    if (!parented(d)) continue;
    if (d.parent.ns === HOST) host.push(linkAdd(d, HOST));
    else if (d.parent.ns === d.ns) later(d.ns, linkAdd(d, d.ns));
    else diagnostics.push(planDiag("NS596", d.parentSpan, { dev: d.name, ns: d.ns, parent: d.parent.name, parentNs: d.parent.ns }));
  }
  for (const d of devs) {
    if (d.kind !== "moved") continue;
    const o = op(
      "host",
      { k: "move", fromNs: d.from.ns, from: d.from.name, ns: d.ns, name: d.name },
      `move ${d.from.ns}:${d.from.name} into ${d.ns} as ${d.name}`,
      { span: d.span },
    );
    if (d.from.ns === HOST) host.push(o);
    else later(d.from.ns, o);
  }

  // `mtu N` / `hwaddr MAC`, set before the link goes up. A link nsnet creates takes them away
  // when it is deleted; a moved device keeps them when it is moved back (see README limits).
  const linkAttrOps = (d: Device, phase: Phase): Draft[] => {
    const undoneWith = d.kind === "moved" ? "move-back" : "link";
    const note = d.kind === "moved" ? "" : " (undone with the link)";
    const out: Draft[] = [];
    if (d.mtu !== undefined)
      out.push(op(phase, { k: "mtu", ns: d.ns, dev: d.name, mtu: d.mtu }, `mtu ${d.mtu} on ${d.name}${note}`, { span: d.span, undoneWith }));
    if (d.hwaddr !== undefined)
      out.push(
        op(phase, { k: "hwaddr", ns: d.ns, dev: d.name, mac: d.hwaddr }, `hardware address ${d.hwaddr} on ${d.name}${note}`, { span: d.span, undoneWith }),
      );
    return out;
  };
  const resolvedIn = (ns: string) => inNsOf(desired.resolved, ns);
  const devicePrep = (ns: string, phase: Phase): Draft[] => {
    const out: Draft[] = [];
    const here = inNsOf(devs, ns);
    for (const d of here.filter(created))
      out.push(op(phase, { k: "alias", ns, dev: d.name, alias }, `mark ${d.name} as nsnet's (undone with the link)`, { span: d.span, undoneWith: "link" }));
    for (const d of here)
      if (d.master)
        out.push(op(phase, { k: "master", ns, dev: d.name, master: d.master }, `enslave ${d.name} to bridge ${d.master}`, { span: d.masterSpan ?? d.span }));
    for (const d of here)
      if (d.master && d.hairpin)
        out.push(
          op(phase, { k: "hairpin", ns, dev: d.name, on: true }, `hairpin on ${d.name}, a port of ${d.master}${created(d) ? " (undone with the link)" : ""}`, {
            span: d.hairpinSpan ?? d.span,
            ...(created(d) ? { undoneWith: "link" as const } : {}),
          }),
        );
    for (const d of here) out.push(...linkAttrOps(d, phase));
    for (const a of resolvedIn(ns))
      out.push(op(phase, { k: "addr", ns, dev: a.dev, cidr: a.cidr, add: true }, `address ${a.cidr} on ${a.dev}`, { span: a.span }));
    for (const d of here) {
      if (isForeignDevice(d)) continue; // handled against live state in plan.ts
      if (d.up)
        out.push(op(phase, { k: "updown", ns, dev: d.name, up: true }, `bring ${d.name} up (undone with the link)`, { span: d.span, undoneWith: "link" }));
      // `down DEV`: a link is born down, so this runs only on one live and up (plan.ts)
      else {
        const undoneWith = d.kind === "moved" ? "move-back" : "link";
        const note = d.kind === "moved" ? "" : " (undone with the link)";
        out.push(op(phase, { k: "updown", ns, dev: d.name, up: false }, `bring ${d.name} down${note}`, { span: d.span, undoneWith }));
      }
    }
    return out;
  };
  host.push(...devicePrep(HOST, "host"));
  for (const d of devs.filter(isForeignDevice))
    host.push(
      op(
        "host",
        { k: "updown", ns: d.ns, dev: d.name, up: d.up },
        `bring ${d.kind === "uplink" ? "uplink" : "existing bridge"} ${d.name} ${d.up ? "up" : "down"}`,
        {
          span: d.span,
        },
      ),
    );
  for (const ns of [...elsewhere.keys()].sort()) host.push(...elsewhere.get(ns)!);

  const pa = proxyArpPlan.ops(desired, ctx);
  diagnostics.push(...pa.diagnostics);

  const routeOp = (phase: Phase, r: { ns: string; dst: string; via?: string; dev?: string; onlink: boolean; span: Span }, why = "") => {
    const e: Extract<Effect, { k: "route" }> = { k: "route", ns: r.ns, dst: r.dst, add: true };
    if (r.via) e.via = r.via;
    if (r.dev) e.dev = r.dev;
    if (r.onlink) e.onlink = true;
    return op(phase, e, `route ${r.dst}${r.via ? ` via ${r.via}` : ""}${r.dev ? ` dev ${r.dev}` : ""}${why}`, { span: r.span });
  };
  const proxyOp = (phase: Phase, p: { ns: string; addr: string; dev: string; span: Span }) =>
    op(phase, { k: "proxy", ns: p.ns, addr: p.addr, dev: p.dev, add: true }, `answer ARP/NDP for ${p.addr} on ${p.dev}`, { span: p.span });

  const namespaces: Draft[] = [];
  for (const ns of nsNames) {
    const lo = nsByName.get(ns)!;
    namespaces.push(
      op("namespaces", { k: "updown", ns, dev: "lo", up: true }, "bring lo up (undone with the namespace)", { span: lo.span, undoneWith: "namespace" }),
    );
    // the namespace's kernel-visible mark: found again (and told from a look-alike) without state
    namespaces.push(
      op("namespaces", { k: "alias", ns, dev: "lo", alias }, `mark namespace ${ns} as nsnet's (undone with the namespace)`, {
        span: lo.span,
        undoneWith: "namespace",
      }),
    );
    namespaces.push(...devicePrep(ns, "namespaces"));
    for (const d of inNsOf(devs, ns).filter((d) => d.kind === "moved" && d.up))
      namespaces.push(
        op("namespaces", { k: "updown", ns, dev: d.name, up: true }, `bring ${d.name} up (moving it back brings it down)`, {
          span: d.span,
          undoneWith: "move-back",
        }),
      );
    for (const r of inNsOf(desired.routes, ns)) namespaces.push(routeOp("namespaces", r));
    for (const r of inNsOf(pa.nsRoutes, ns)) namespaces.push(routeOp("namespaces", r, " (on-link, answered by the host's proxy ARP)"));
    for (const p of inNsOf(desired.neighProxies, ns)) namespaces.push(proxyOp("namespaces", p));
  }

  const hostRoutes: Draft[] = [];
  for (const r of inNsOf(desired.routes, HOST)) hostRoutes.push(routeOp("host-routes", r));
  for (const r of pa.hostRoutes) hostRoutes.push(routeOp("host-routes", r, ` to ${r.toNs}`));
  for (const p of [...pa.proxies, ...inNsOf(desired.neighProxies, HOST)]) hostRoutes.push(proxyOp("host-routes", p));

  const sysctl: Draft[] = [];
  const wants = wantedSysctls(desired);

  for (const ns of [HOST, ...nsNames]) {
    for (const w of inNsOf(wants, ns)) {
      const goesWith: UndoneWith | undefined = owned.has(ns) ? "namespace" : w.ownDevice === true ? "link" : undefined;
      const note = goesWith ? ` (undone with the ${goesWith})` : "";
      sysctl.push(
        op("sysctl", { k: "sysctl", ns, key: w.key, value: w.value }, `${w.why}: ${w.key}=${w.value}${note}`, {
          span: w.span,
          ...(goesWith ? { undoneWith: goesWith } : {}),
        }),
      );
    }
  }

  const fw = firewallOps(desired, ctx.project, inv);
  diagnostics.push(...fw.diagnostics);

  const services: Draft[] = desired.services.map((s) =>
    op("services", { k: "service", ns: s.ns, argv: [...s.argv] }, `start service in ${s.ns}: ${s.argv.join(" ")}`, { span: s.span }),
  );

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
