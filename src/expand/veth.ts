import type * as A from "../ast/nodes.js";
import type { Span } from "../model/span.js";
import { HOST, type Device } from "../model/topology.js";
import { validateIfName } from "../model/names.js";
import { addDevice, countersOf, defaultName, unbuilt } from "./device-names.js";
import { linkAttrs, portOnly, type LinkAttrValues } from "./devices.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { ifName, ifRef, nsName } from "./values.js";

/**
 * `veth` (naming rules in expand.ts). The veth counter of the namespace advances even when
 * the statement fails, so the far-end names of later veths do not shift under one mistake.
 */
export function veth(x: Expansion, s: A.VethStmt, body: Body, scope: Scope): void {
  const ns = body.ns;
  const n = countersOf(x, ns).veths++;
  const nsEnd = s.as ? ifName(x, s.as, scope) : defaultName(x, ns, "eth");
  if (nsEnd === undefined) return;
  const given = linkAttrs(x, s, scope);
  // the port is the far end with `to BRIDGE`, this end inside `bridge NAME < … >`
  const attrs = given && portOnly(x, given, s.to !== undefined || body.master !== undefined);
  if (attrs === null || !vethPair(x, s, body, scope, { n, nsEnd, attrs })) unbuilt(x, ns, nsEnd, body);
}

interface NearEnd {
  /** this veth's number among the namespace's veths */
  n: number;
  nsEnd: string;
  attrs: LinkAttrValues;
}

/** Adds both ends; false when the far end cannot be named (reported). */
function vethPair(x: Expansion, s: A.VethStmt, body: Body, scope: Scope, { n, nsEnd, attrs }: NearEnd): boolean {
  const ns = body.ns;
  const nsEndSpan = s.as?.span ?? s.keyword;

  let farNs = HOST;
  let farName: string | undefined;
  let farSpan: Span = s.farName?.span ?? s.keyword;
  let master: { name: string; span: Span } | undefined;
  if (s.farName) {
    farName = ifName(x, s.farName, scope);
    if (farName === undefined) return false;
  }
  if (s.peer) {
    const peerNs = nsName(x, s.peer.ns, scope, { host: "root" });
    if (peerNs === undefined) return false;
    farNs = peerNs;
    if (s.peer.name) {
      farName = ifName(x, s.peer.name, scope);
      if (farName === undefined) return false;
      farSpan = s.peer.name.span;
    }
  } else if (s.to) {
    const ref = ifRef(x, s.to, HOST, scope);
    if (!ref) return false;
    farNs = ref.ns;
    master = { name: ref.name, span: s.to.name.span };
  }
  if (farName === undefined) {
    if (farNs === HOST || s.to) {
      farName = `${ns}_veth${n}`;
      const reason = validateIfName(farName);
      if (reason) {
        x.report(
          "NS210",
          s.keyword,
          { name: farName, reason },
          {
            hint: `this is the default far-end name \${ns}_veth\${n}; use \`veth NAME\` to choose a shorter host-side name`,
          },
        );
        return false;
      }
    } else {
      farName = defaultName(x, farNs, "eth");
    }
  }

  const farInHost = farNs === HOST;
  const { hairpin, hairpinSpan, ...both } = attrs;
  const port = hairpin ? { hairpin, hairpinSpan: hairpinSpan! } : {};
  const here: Device = {
    kind: "veth",
    ns,
    name: nsEnd,
    up: true,
    span: s.span,
    nameSpan: nsEndSpan,
    peer: { ns: farNs, name: farName },
    primary: !farInHost,
    ...both,
    ...(master ? {} : port),
  };
  const far: Device = {
    kind: "veth",
    ns: farNs,
    name: farName,
    up: true,
    span: s.span,
    nameSpan: farSpan,
    peer: { ns, name: nsEnd },
    primary: farInHost,
    ...(attrs.mtu !== undefined ? { mtu: attrs.mtu } : {}),
    ...(master ? { master: master.name, masterSpan: master.span, ...port } : {}),
  };
  // Order: the primary first, so a reader of the device list sees the creating end first.
  const farBody: Body = { ...body, ns: farNs, master: undefined };
  if (farInHost) {
    addDevice(x, far, farBody, { placed: false });
    addDevice(x, here, body);
  } else {
    addDevice(x, here, body);
    addDevice(x, far, farBody, { placed: !s.to });
  }
  return true;
}
