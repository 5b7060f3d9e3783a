import { checkLive } from "../check/live.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { emptyLiveState, type LiveState } from "../model/live.js";
import { emptyProjectState } from "../model/state.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import { wantedSysctls } from "../plan/derive.js";
import { plan } from "../plan/plan.js";
import type { PlanResult } from "./types.js";

/**
 * `nsnet plan --offline`: what `up` would do on an empty machine — the one a fresh
 * `nsnet sandbox` starts from — without reading this one (no kernel, no state, no root).
 * The empty machine has a loopback, the host devices the script says exist (its uplinks,
 * its `bridge NAME existing`, devices it moves in) and nothing else: no namespace, address, route or earlier run. Of
 * the host sysctls the script wants, forwarding and proxy ARP/NDP read 0, as in any fresh
 * network namespace; any other value is unknown (planned, with NS592: `down` could not
 * restore it). Addresses are allocated as on a machine that never ran the script. Pure.
 */
export function emptyMachine(t: AddressedTopology): LiveState {
  const live = emptyLiveState();
  const names = new Set<string>();
  const add = (name: string, kind = "") => {
    if (names.has(name)) return;
    names.add(name);
    live.links.push({ ns: HOST, name, ifindex: live.links.length + 1, kind: name === "lo" ? "loopback" : kind, up: true });
  };
  add("lo");
  for (const d of t.devices) {
    if (d.kind === "uplink" && d.ns === HOST) add(d.name);
    else if (d.kind === "bridge" && d.existing && d.ns === HOST) add(d.name, "bridge");
    else if (d.kind === "moved" && d.from.ns === HOST) add(d.from.name);
  }
  const fresh: Record<string, string> = {};
  for (const w of wantedSysctls(t)) if (w.ns === HOST && FRESH_ZERO.test(w.key)) fresh[w.key] = "0";
  live.sysctls[HOST] = fresh;
  return live;
}

/** Keys every new network namespace starts at 0 (the kernel's defaults). */
const FRESH_ZERO = /^net\.ipv4\.ip_forward$|^net\.ipv[46]\.conf\.[^.]+\.(forwarding|proxy_arp|proxy_ndp)$/;

export function planOffline(t: AddressedTopology, project: string): PlanResult {
  const live = emptyMachine(t);
  const diagnostics = checkLive(t, live, { project });
  if (hasErrors(diagnostics)) return { ops: [], diagnostics, live };
  const p = plan(t, live, { project, previous: emptyProjectState(project) });
  return { ops: p.ops, diagnostics: [...diagnostics, ...p.diagnostics], live };
}
