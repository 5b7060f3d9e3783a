import { HOST, type AddressedTopology } from "../model/topology.js";
import type { LiveState } from "../model/live.js";
import { canonicalCidr } from "../ipam/cidr.js";

/** Something a fresh live read shows in a session's namespace that the session does not say. */
export interface DriftItem {
  ns: string;
  /** as a statement inside `ns NS < … >`: what `.save --with-drift` writes */
  statement: string;
  /** as the user reads it in the warning */
  text: string;
}

const canon = (c: string): string => canonicalCidr(c) ?? c;

/**
 * Addresses and routes in the session's namespaces that only live state has — typed by hand
 * (`h1: ip route add …`) and so not in the session. Kernel-made entries (connected and
 * link-local routes, IPv6 link-local addresses) and the default route nsnet derives for a
 * `proxyarp` namespace are not drift. Pure; what the session wants and live lacks is the
 * plan's business (`.plan`), not this.
 */
export function findDrift(desired: AddressedTopology, live: LiveState): DriftItem[] {
  const mine = new Set(desired.namespaces.map((n) => n.name).filter((n) => n !== HOST));
  const out: DriftItem[] = [];
  const addrs = new Set(desired.resolved.map((r) => `${r.ns}\0${r.dev}\0${canon(r.cidr)}`));
  for (const a of live.addrs) {
    if (!mine.has(a.ns) || a.dev === "lo" || /^fe80:/i.test(a.cidr)) continue;
    if (addrs.has(`${a.ns}\0${a.dev}\0${canon(a.cidr)}`)) continue;
    out.push({ ns: a.ns, statement: `addr ${a.cidr} on ${a.dev}`, text: `${a.ns}: address ${a.cidr} on ${a.dev}` });
  }
  const routes = new Set(desired.routes.map((r) => `${r.ns}\0${r.dst === "default" ? "default" : canon(r.dst)}`));
  const proxied = new Set(desired.proxyArps.map((p) => p.ns));
  for (const r of live.routes) {
    if (!mine.has(r.ns) || r.proto === "kernel" || /^(fe80|ff00)/i.test(r.dst)) continue;
    if (routes.has(`${r.ns}\0${r.dst === "default" ? "default" : canon(r.dst)}`)) continue;
    if (r.dst === "default" && proxied.has(r.ns)) continue;
    const parts = [
      `route ${r.dst}`,
      r.via ? `via ${r.via}` : "",
      r.dev && !r.via ? `dev ${r.dev}` : "",
      r.via && r.onlink && r.dev ? `dev ${r.dev} onlink` : "",
    ];
    const statement = parts.filter(Boolean).join(" ");
    out.push({ ns: r.ns, statement, text: `${r.ns}: ${statement}` });
  }
  return out;
}

/** The drift as statements that amend the session's blocks (one `ns` block per namespace). */
export function driftStatements(items: readonly DriftItem[]): string {
  const by = new Map<string, string[]>();
  for (const i of items) by.set(i.ns, [...(by.get(i.ns) ?? []), i.statement]);
  return [...by].map(([ns, sts]) => `ns ${ns} < ${sts.join("; ")} >`).join("\n");
}
