import type * as A from "../ast/nodes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { HOST, devKey, type Device } from "../model/topology.js";
import { countersOf } from "./device-names.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { ifRef } from "./values.js";

/** `up`/`down DEV` waits for the whole script, so `down eth1` may precede the veth that makes eth1. */
export function linkState(x: Expansion, s: A.LinkStateStmt, body: Body, scope: Scope): void {
  const ref = ifRef(x, s.dev, body.ns, scope);
  if (ref) x.linkStates.push({ ns: ref.ns, name: ref.name, state: s.state, span: s.dev.name.span });
}

/** Applies the pending `up`/`down`s to the devices of those names; the last statement wins. */
export function applyLinkStates(x: Expansion): void {
  if (x.linkStates.length === 0) return;
  const byKey = new Map<string, Device[]>();
  for (const d of x.topo.devices) {
    const k = devKey(d.ns, d.name);
    const list = byKey.get(k);
    if (list) list.push(d);
    else byKey.set(k, [d]);
  }
  for (const ls of x.linkStates) {
    if (ls.name === "lo") {
      if (ls.state === "down") x.report("NS221", ls.span);
      continue;
    }
    const devs = byKey.get(devKey(ls.ns, ls.name));
    if (!devs && x.topo.unbuilt?.some((u) => u.ns === ls.ns && u.name === ls.name)) continue;
    if (!devs) {
      const candidates = countersOf(x, ls.ns).names;
      const suggestions = didYouMean(ls.name, candidates);
      x.report(
        "NS217",
        ls.span,
        { name: ls.name, ns: ls.ns === HOST ? "the host" : `namespace ${ls.ns}` },
        {
          suggestions,
          hint: !suggestions.length && ls.ns === HOST ? `declare an existing host device with \`uplink ${ls.name}\`` : undefined,
        },
      );
      continue;
    }
    for (const d of devs) d.up = ls.state === "up";
  }
}
