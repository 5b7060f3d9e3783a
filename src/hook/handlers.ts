import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { expandHandler, type ExpandOptions } from "../expand/expand.js";
import { allocate } from "../ipam/allocate.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { check } from "../check/check.js";
import { validateNsName } from "../model/names.js";
import { location } from "../diagnostics/render.js";
import { HOST, devKey, emptyTopology, type AddressedTopology, type Device, type Handler, type Topology } from "../model/topology.js";
import { derivedHandlers, type DerivedHandler } from "./derived.js";
import { globMatch } from "./glob.js";

/**
 * Which handlers an event runs (docs/hook.md "Events and handlers"):
 * - a script with `on` handlers: every handler of the event's action whose pattern matches
 *   INTERFACE, in source order, as one piece of work;
 * - a script without any: the derived handler whose host end is INTERFACE (add), and for
 *   remove the same name — the work is then empty, and the plan undoes what add applied.
 */
export type Selection = { kind: "explicit"; handlers: Handler[] } | { kind: "derived"; handler: DerivedHandler } | { kind: "none" };

export function selectHandlers(t: AddressedTopology, action: "add" | "remove", iface: string): Selection {
  if (t.handlers.length > 0) {
    const handlers = t.handlers.filter((h) => h.action === action && globMatch(h.pattern, iface));
    return handlers.length ? { kind: "explicit", handlers } : { kind: "none" };
  }
  const d = derivedHandlers(t).find((h) => h.iface === iface);
  return d ? { kind: "derived", handler: d } : { kind: "none" };
}

/** How a selection reads in log lines: where the handlers were written. */
export function describeSelection(s: Selection): string {
  switch (s.kind) {
    case "explicit":
      return s.handlers.map((h) => `on ${h.action} "${h.pattern}" at ${location(h.span)}`).join(", ");
    case "derived":
      return `host side of ns ${s.handler.ns} (${location(s.handler.veth.span)})`;
    case "none":
      return "no handler";
  }
}

/**
 * `$ns` for an explicit handler: the declared namespace whose veth has its host end named
 * INTERFACE; else, by the language's own naming rule for host ends (`${ns}_veth${n}`),
 * the part before `_vethN`; else unbound.
 */
export function namespaceOf(t: Topology, iface: string): string | undefined {
  const declared = t.devices.find((d) => d.kind === "veth" && d.ns === HOST && d.name === iface && d.peer.ns !== HOST);
  if (declared?.kind === "veth") return declared.peer.ns;
  const m = /^(.+)_veth[0-9]+$/.exec(iface);
  return m && validateNsName(m[1]!) === null ? m[1] : undefined;
}

export interface ExplicitWork {
  topology: AddressedTopology;
  diagnostics: Diagnostic[];
}

/**
 * The work of explicit handlers: each body expanded with $iface, $action, $ifindex and
 * $ns bound, joined, addressed and checked. `addr auto` in a handler draws from the
 * script's pools around the script's own addresses (allocated together, so they never
 * collide) and is deterministic, but not recorded in the allocation store: an event does
 * not rewrite what `nsnet up` keeps there.
 */
export function explicitWork(
  script: AddressedTopology,
  handlers: readonly Handler[],
  env: { iface: string; ifindex?: number },
  opts: Pick<ExpandOptions, "file" | "load"> & { allocations: AllocationSnapshot },
): ExplicitWork {
  const ns = namespaceOf(script, env.iface);
  const joined = emptyTopology();
  const diagnostics: Diagnostic[] = [];
  for (const h of handlers) {
    const r = expandHandler(h, { ...env, ...(ns !== undefined ? { ns } : {}) }, { file: opts.file, ...(opts.load ? { load: opts.load } : {}) });
    diagnostics.push(...r.diagnostics);
    for (const k of Object.keys(joined) as (keyof Topology)[]) (joined[k] as unknown[]).push(...(r.topology[k] as unknown[]));
  }
  joined.devices = uniqueDevices(joined.devices);
  const mine = new Set(joined.addresses.map((a) => a.span));
  const allocated = allocate({ ...joined, pools: script.pools, addresses: [...script.addresses, ...joined.addresses] }, opts.allocations);
  // the script's own addresses were allocated (and reported) by the compile already
  const spans = new Set(joined.addresses.flatMap((a) => [a.span, a.valueSpan, ...(a.spec.kind === "auto" && a.spec.poolSpan ? [a.spec.poolSpan] : [])]));
  diagnostics.push(...allocated.diagnostics.filter((d) => spans.has(d.span)));
  const topology: AddressedTopology = { ...joined, resolved: allocated.topology.resolved.filter((r) => mine.has(r.span)) };
  // Checked with the script's namespaces and host devices around it, so `neigh proxy … on
  // eth0` finds the uplink and a duplicate of a script device is reported.
  const devs = new Set(joined.devices.map((d) => devKey(d.ns, d.name)));
  const context: AddressedTopology = {
    ...topology,
    namespaces: script.namespaces,
    pools: script.pools,
    devices: [...topology.devices, ...script.devices.filter((d) => d.ns === HOST && !devs.has(devKey(d.ns, d.name)))],
  };
  diagnostics.push(...check(context));
  return { topology, diagnostics };
}

/** Two handlers matching one interface both declare it: keep the first. */
function uniqueDevices(devs: Device[]): Device[] {
  const seen = new Set<string>();
  return devs.filter((d) => {
    const k = devKey(d.ns, d.name);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
