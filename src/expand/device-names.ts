import type { Device } from "../model/topology.js";
import type { Body, Expansion, NsCounters } from "./expansion.js";

/**
 * Naming and placing devices. The default names count what is already in a namespace:
 * `eth${k}` counts the interfaces placed there (veth ends, macvlan, ipvlan, vlan, moved),
 * skipping names already taken; bridges and uplinks take their names without being counted.
 */

export function countersOf(x: Expansion, ns: string): NsCounters {
  let c = x.counters.get(ns);
  if (!c) {
    c = { veths: 0, placed: 0, names: new Set() };
    x.counters.set(ns, c);
  }
  return c;
}

/** `${prefix}${k}`: k counts the interfaces placed in ns so far, skipping names already taken. */
export function defaultName(x: Expansion, ns: string, prefix: string): string {
  const c = countersOf(x, ns);
  let k = c.placed;
  while (c.names.has(`${prefix}${k}`)) k++;
  return `${prefix}${k}`;
}

export interface AddDeviceOptions {
  /** whether the device counts for the `eth${k}` default names (bridges and uplinks do not) */
  placed: boolean;
}

/** Records a device; in a bridge body it is enslaved to the bridge, and it becomes `addr`'s default. */
export function addDevice(x: Expansion, d: Device, body: Body, o: AddDeviceOptions = { placed: true }): void {
  const c = countersOf(x, d.ns);
  c.names.add(d.name);
  if (o.placed) c.placed++;
  if (body.master && d.ns === body.ns && d.kind !== "bridge" && d.master === undefined) {
    d.master = body.master.name;
    d.masterSpan = body.master.span;
  }
  x.topo.devices.push(d);
  if (d.ns === body.ns) body.recent = d.name;
}

/**
 * A device whose own name is known but whose statement failed (reported): its name is
 * taken all the same, so later default names and references read as the user meant.
 */
export function unbuilt(x: Expansion, ns: string, name: string, body: Body): void {
  const c = countersOf(x, ns);
  c.names.add(name);
  c.placed++;
  (x.topo.unbuilt ??= []).push({ ns, name });
  if (ns === body.ns) body.recent = name;
}
