import type * as A from "../ast/nodes.js";
import type { Span } from "../model/span.js";
import { HOST } from "../model/topology.js";
import { validateIfName } from "../model/names.js";
import { evalTemplate } from "./evaluate.js";
import { addDevice, defaultName, unbuilt } from "./device-names.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { ifName, ifRef, integer } from "./values.js";

/** Device statements other than veth (veth.ts): bridge, uplink, macvlan, ipvlan, vlan, move. */

export type LinkAttrValues = { mtu?: number; hwaddr?: string; hairpin?: true; hairpinSpan?: Span };

export function bridge(x: Expansion, s: A.BridgeStmt, body: Body, scope: Scope): void {
  const name = ifName(x, s.name, scope);
  if (name === undefined) return;
  // someone else's bridge is one of the host's: a namespace nsnet makes holds none
  const existing = s.existing && body.ns === HOST ? { existing: true as const, existingSpan: s.existing } : {};
  if (s.existing && body.ns !== HOST)
    x.report(
      "NS212",
      s.existing,
      { what: "bridge … existing", where: "inside a namespace" },
      { hint: "a bridge made by someone else is the host's: declare it at the top level" },
    );
  addDevice(x, { kind: "bridge", ns: body.ns, name, up: true, span: s.span, nameSpan: s.name.span, ...existing }, body, { placed: false });
  if (!s.body) return;
  const inner: Body = {
    kind: body.kind === "top" ? "host" : body.kind,
    ns: body.ns,
    file: body.file,
    recent: name,
    master: { name, span: s.name.span },
  };
  x.runBlock(s.body, inner, scope.child());
}

export function uplink(x: Expansion, s: A.UplinkStmt, body: Body, scope: Scope): void {
  const name = ifName(x, s.name, scope);
  if (name === undefined) return;
  addDevice(x, { kind: "uplink", ns: HOST, name, up: true, span: s.span, nameSpan: s.name.span }, body, { placed: false });
}

/** `mtu N` and `hwaddr MAC` of a device statement; null when one of them is invalid (reported). */
export function linkAttrs(x: Expansion, s: A.LinkAttrs, scope: Scope): LinkAttrValues | null {
  const out: LinkAttrValues = {};
  if (s.mtu) {
    const mtu = integer(x, s.mtu, scope, { what: "an MTU", min: 68, max: 65535 });
    if (mtu === undefined) return null;
    out.mtu = mtu;
  }
  if (s.hwaddr) {
    const text = evalTemplate(s.hwaddr, scope, x.report);
    if (text === undefined) return null;
    // six hex bytes; the first even (a unicast address, as the kernel demands of a link)
    if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(text) || parseInt(text.slice(0, 2), 16) % 2 === 1) {
      x.report("NS209", s.hwaddr.span, { text: JSON.stringify(text), what: "MAC address (six hex bytes like 02:00:5e:00:53:01, unicast)" });
      return null;
    }
    out.hwaddr = text.toLowerCase();
  }
  if (s.hairpin) {
    out.hairpin = true;
    out.hairpinSpan = s.hairpin;
  }
  return out;
}

/** `hairpin` is about a bridge port: refused (reported, dropped) on a device that is none. */
export function portOnly(x: Expansion, attrs: LinkAttrValues, isPort: boolean): LinkAttrValues {
  if (!attrs.hairpin || isPort) return attrs;
  x.report(
    "NS212",
    attrs.hairpinSpan!,
    { what: "hairpin", where: "on a device that is no bridge port" },
    { hint: "attach it to a bridge: `veth … to BRIDGE hairpin`, or write it inside `bridge NAME < … >`" },
  );
  const { hairpin: _h, hairpinSpan: _s, ...rest } = attrs;
  return rest;
}

/** macvlan, ipvlan and vlan: an unqualified parent is a host device. */
export function childDevice(x: Expansion, s: A.MacvlanStmt | A.IpvlanStmt | A.VlanStmt, body: Body, scope: Scope): void {
  // a failed parent or id leaves the device's own name taken (when it is known without them)
  const lost = () => {
    const own = s.as ? ifName(x, s.as, scope) : body.ns !== HOST ? defaultName(x, body.ns, "eth") : undefined;
    if (own !== undefined) unbuilt(x, body.ns, own, body);
  };
  const parent = ifRef(x, s.parent, HOST, scope);
  if (!parent) return lost();
  const given = linkAttrs(x, s, scope);
  if (given === null) return lost();
  const attrs = portOnly(x, given, body.master !== undefined);
  let vlanId = 0;
  if (s.type === "Vlan") {
    const id = integer(x, s.id, scope, { what: "a VLAN id", min: 1, max: 4094 });
    if (id === undefined) return lost();
    vlanId = id;
  }
  let name: string | undefined;
  if (s.as) name = ifName(x, s.as, scope);
  else if (body.ns !== HOST) name = defaultName(x, body.ns, "eth");
  else if (s.type === "Vlan") {
    name = `${parent.name}.${vlanId}`;
    const reason = validateIfName(name);
    if (reason) {
      x.report("NS210", s.keyword, { name, reason }, { hint: "name it with `as IF`" });
      return;
    }
  } else name = defaultName(x, HOST, s.type === "Macvlan" ? "macvlan" : "ipvlan");
  if (name === undefined) return;
  const base = { ns: body.ns, name, up: true, span: s.span, nameSpan: s.as?.span ?? s.keyword, parent, parentSpan: s.parent.span, ...attrs };
  switch (s.type) {
    case "Macvlan":
      return addDevice(x, { ...base, kind: "macvlan", mode: s.mode?.value ?? "bridge" }, body);
    case "Ipvlan":
      return addDevice(x, { ...base, kind: "ipvlan", mode: s.mode?.value ?? "l2" }, body);
    case "Vlan":
      return addDevice(x, { ...base, kind: "vlan", vlanId }, body);
  }
}

/** `move DEV [as IF]`: DEV is a host device unless qualified; it keeps its name without `as`. */
export function move(x: Expansion, s: A.MoveStmt, body: Body, scope: Scope): void {
  const from = ifRef(x, s.dev, HOST, scope);
  if (!from) return;
  const name = s.as ? ifName(x, s.as, scope) : from.name;
  if (name === undefined) return;
  const given = linkAttrs(x, s, scope);
  if (given === null) return;
  const attrs = portOnly(x, given, body.master !== undefined);
  addDevice(
    x,
    { kind: "moved", ns: body.ns, name, up: true, span: s.span, nameSpan: s.as?.span ?? s.dev.name.span, from, fromSpan: s.dev.span, ...attrs },
    body,
  );
}
