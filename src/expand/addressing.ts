import type * as A from "../ast/nodes.js";
import type { Span } from "../model/span.js";
import { HOST, type Nat } from "../model/topology.js";
import { validateIfPattern } from "../model/names.js";
import { parseAddressText } from "./address-text.js";
import { evalTemplate } from "./evaluate.js";
import type { Body, Expansion } from "./expansion.js";
import type { Scope } from "./scope.js";
import { ifRef, nsLabel, nsName } from "./values.js";

export interface AddressOptions {
  /** how the address is named in messages: `gateway address`, `CIDR` */
  what: string;
  /** whether a `/LEN` must, may or must not follow the address */
  prefix: "required" | "optional" | "forbidden";
}

export function address(x: Expansion, t: A.Template, scope: Scope, o: AddressOptions): string | undefined {
  const { what } = o;
  const text = evalTemplate(t, scope, x.report);
  if (text === undefined) return undefined;
  const parsed = parseAddressText(text);
  if (!parsed.ok) {
    x.report("NS209", t.span, { text, what }, { hint: parsed.reason });
    return undefined;
  }
  if (o.prefix === "required" && parsed.prefix === undefined) {
    x.report("NS209", t.span, { text, what }, { hint: `a ${what} needs a prefix length, e.g. ${text}/24` });
    return undefined;
  }
  if (o.prefix === "forbidden" && parsed.prefix !== undefined) {
    x.report("NS209", t.span, { text, what }, { hint: `write the ${what} without /${parsed.prefix}` });
    return undefined;
  }
  return text;
}

/** `addr`: on the body's most recent interface unless `on`; no prefix → a host address (warned). */
export function addr(x: Expansion, s: A.AddrStmt, body: Body, scope: Scope): void {
  let ns = body.ns;
  let dev = body.recent ?? "eth0";
  if (s.on) {
    const ref = ifRef(x, s.on, body.ns, scope);
    if (!ref) return;
    ns = ref.ns;
    dev = ref.name;
  }
  const devSpan = s.on?.span;
  if (s.value.kind === "auto") {
    x.topo.addresses.push({
      ns,
      dev,
      span: s.span,
      valueSpan: s.value.span,
      ...(devSpan ? { devSpan } : {}),
      spec: { kind: "auto", ...(s.value.pool ? { pool: s.value.pool.name, poolSpan: s.value.pool.span } : {}) },
    });
    return;
  }
  const text = address(x, s.value.cidr, scope, { what: "address", prefix: "optional" });
  if (text === undefined) return;
  const parsed = parseAddressText(text);
  let cidr = text;
  let hostOnly = false;
  if (parsed.ok && parsed.prefix === undefined) {
    hostOnly = true;
    cidr = `${text}/${parsed.family === 4 ? 32 : 128}`;
    x.report("NS213", s.value.cidr.span, { addr: text, cidr }, { hint: `write ${text}/LEN if it belongs to a subnet` });
  }
  x.topo.addresses.push({
    ns,
    dev,
    span: s.span,
    valueSpan: s.value.cidr.span,
    ...(devSpan ? { devSpan } : {}),
    spec: { kind: "static", cidr, hostOnly },
  });
}

export function route(x: Expansion, s: A.RouteStmt, body: Body, scope: Scope): void {
  let dst = "default";
  if (s.dst.kind === "cidr") {
    const text = address(x, s.dst.cidr, scope, { what: "route destination", prefix: "optional" });
    if (text === undefined) return;
    const parsed = parseAddressText(text);
    dst = parsed.ok && parsed.prefix === undefined ? `${text}/${parsed.family === 4 ? 32 : 128}` : text;
  }
  const dstSpan = s.dst.kind === "cidr" ? s.dst.cidr.span : s.dst.span;
  let via: string | undefined;
  if (s.via) {
    via = address(x, s.via, scope, { what: "gateway address", prefix: "forbidden" });
    if (via === undefined) return;
  }
  let dev: string | undefined;
  if (s.dev) {
    const ref = ifRef(x, s.dev, body.ns, scope);
    if (!ref) return;
    if (ref.ns !== body.ns) {
      x.report("NS218", s.dev.span, {
        what: "a route's device",
        expected: `in ${nsLabel(body.ns)} like the route`,
        ref: `${ref.ns}:${ref.name}`,
        other: nsLabel(ref.ns),
      });
      return;
    }
    dev = ref.name;
  }
  x.topo.routes.push({
    ns: body.ns,
    dst,
    dstSpan,
    ...(via !== undefined && s.via ? { via, viaSpan: s.via.span } : {}),
    ...(dev !== undefined && s.dev ? { dev, devSpan: s.dev.span } : {}),
    onlink: s.onlink,
    span: s.span,
  });
}

export function pool(x: Expansion, s: A.PoolStmt, _body: Body, scope: Scope): void {
  const cidr = address(x, s.cidr, scope, { what: "CIDR", prefix: "required" });
  if (cidr === undefined) return;
  const family = parseAddressText(cidr);
  const max = family.ok && family.family === 6 ? 128 : 32;
  if (s.split && (s.split.prefix < 0 || s.split.prefix > max)) {
    x.report("NS216", s.split.span, { what: "a split prefix length", range: `0 to ${max}`, value: s.split.prefix });
    return;
  }
  const reserve: { addr: string; span: Span }[] = [];
  for (const t of s.reserve) {
    const a = reserved(x, t, scope);
    if (a === undefined) return;
    reserve.push({ addr: a, span: t.span });
  }
  x.topo.pools.push({
    name: s.name.name,
    nameSpan: s.name.span,
    cidr,
    cidrSpan: s.cidr.span,
    ...(s.split ? { split: s.split.prefix, splitSpan: s.split.span } : {}),
    reserve,
    span: s.span,
  });
}

/** One word after `reserve`: an address, or a range `A-B` of addresses (no prefixes). */
function reserved(x: Expansion, t: A.Template, scope: Scope): string | undefined {
  const text = evalTemplate(t, scope, x.report);
  if (text === undefined) return undefined;
  const ends = text.split("-");
  if (ends.length === 1) return address(x, t, scope, { what: "address", prefix: "optional" });
  const what = "address range (FIRST-LAST, two addresses without prefix)";
  const bad =
    ends.length !== 2
      ? text
      : ends.find((e) => {
          const p = parseAddressText(e);
          return !p.ok || p.prefix !== undefined;
        });
  if (bad !== undefined) {
    const p = parseAddressText(bad);
    x.report("NS209", t.span, { text, what }, { hint: !p.ok ? p.reason : `write ${bad.split("/")[0]} without /${p.prefix ?? ""}` });
    return undefined;
  }
  return text;
}

export function neighProxy(x: Expansion, s: A.NeighProxyStmt, body: Body, scope: Scope): void {
  const a = address(x, s.addr, scope, { what: "address", prefix: "forbidden" });
  const ref = ifRef(x, s.on, body.ns, scope);
  if (a === undefined || !ref) return;
  x.topo.neighProxies.push({ ns: ref.ns, addr: a, addrSpan: s.addr.span, dev: ref.name, devSpan: s.on.span, span: s.span });
}

export function proxyArp(x: Expansion, s: A.ProxyArpStmt, body: Body, scope: Scope): void {
  const ref = ifRef(x, s.on, HOST, scope);
  if (!ref) return;
  if (ref.ns !== HOST) {
    x.report("NS218", s.on.span, { what: "proxyarp's interface", expected: "a host interface (the uplink)", ref: `${ref.ns}:${ref.name}`, other: ref.ns });
    return;
  }
  x.topo.proxyArps.push({ ns: body.ns, uplink: ref.name, uplinkSpan: s.on.span, span: s.span });
}

/**
 * `nat from SOURCE to [NS:]IF`. The rule lives in the out interface's namespace, so an
 * interface source (`[NS:]PATTERN`, unqualified meaning this namespace as everywhere) must
 * be in that namespace too. A source with a '/' or that reads as an address is a subnet.
 */
export function nat(x: Expansion, s: A.NatStmt, body: Body, scope: Scope): void {
  const out = ifRef(x, s.to, body.ns, scope);
  const fromNs = s.from.ns ? nsName(x, s.from.ns, scope, { host: "root" }) : body.ns;
  const text = evalTemplate(s.from.name, scope, x.report);
  if (!out || fromNs === undefined || text === undefined) return;
  let source: Nat["source"];
  if (!s.from.ns && (text.includes("/") || parseAddressText(text).ok)) {
    const cidr = address(x, s.from.name, scope, { what: "source subnet", prefix: "required" });
    if (cidr === undefined) return;
    source = { kind: "subnet", cidr };
  } else {
    const reason = validateIfPattern(text);
    if (reason) {
      x.report("NS210", s.from.name.span, { name: text, reason });
      return;
    }
    if (fromNs !== out.ns) {
      x.report(
        "NS218",
        s.from.span,
        {
          what: "nat's source interfaces",
          expected: `in ${nsLabel(out.ns)}, like its out interface`,
          ref: `${fromNs}:${text}`,
          other: nsLabel(fromNs),
        },
        { hint: `a masquerade rule sees only the interfaces of its own namespace: \`nat from ${out.ns}:${text} to ${out.ns}:${out.name}\`` },
      );
      return;
    }
    source = { kind: "interfaces", pattern: text };
  }
  x.topo.nats.push({ ns: out.ns, source, sourceSpan: s.from.span, outDev: out, outSpan: s.to.span, span: s.span });
}
