import { HOST, type AddressedTopology, type Device } from "../model/topology.js";

/**
 * `link A B down|up` (Mininet's `link s1 h1 down`): the veth between A and B, both ends,
 * set admin down or up — as statements of the language (`ns h1 < down eth0 >`,
 * `host < down h1_veth0 >`), so the change is part of the session: re-applied by `up`,
 * saved by `.save`, taken back by `.undo`. A and B are namespaces, `NS:IF`, `host`, or a
 * bridge (its ports). Pure.
 */
export function linkStatement(topo: AddressedTopology, a: string, b: string, state: "up" | "down"): string | { error: string } {
  const bridges = new Set(topo.devices.filter((d) => d.kind === "bridge").map((d) => `${d.ns}\0${d.name}`));
  const matches = (word: string, d: Device): boolean => {
    if (word === d.ns || word === `${d.ns}:${d.name}`) return true;
    // a bridge stands for its ports (`link br0 h1`)
    return d.master === word && bridges.has(`${d.ns}\0${word}`);
  };
  const find = (ns: string, name: string) => topo.devices.find((x) => x.ns === ns && x.name === name);
  const ends: Device[] = [];
  for (const d of topo.devices) {
    if (d.kind !== "veth" || !d.primary) continue;
    const peer = find(d.peer.ns, d.peer.name);
    if (!peer) continue;
    if ((matches(a, d) && matches(b, peer)) || (matches(b, d) && matches(a, peer))) ends.push(d, peer);
  }
  if (!ends.length) return { error: `no link between ${a} and ${b} in this session (A and B: namespaces, NS:IF, host, or a bridge)` };
  if (ends.length > 2) return { error: `${a} and ${b} are joined by ${ends.length / 2} links: name one end as NS:IF` };
  // one block per end, host last: the namespace's own end first, as `down` is written
  return ends
    .map((d) => (d.ns === HOST ? `host < ${state} ${d.name} >` : `ns ${d.ns} < ${state} ${d.name} >`))
    .sort((x, y) => Number(x.startsWith("host")) - Number(y.startsWith("host")))
    .join("\n");
}
