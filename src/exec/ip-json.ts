import type { LiveAddr, LiveLink, LiveNeighProxy, LiveRoute } from "../model/live.js";

/**
 * Pure parsers for `ip -j` dumps: text in, model out, so they are tested on captured
 * output without a kernel. Unknown fields are ignored; a malformed dump throws (it is an
 * internal error, never user input).
 */
type J = Record<string, unknown>;

function parseArray(text: string): J[] {
  const t = text.trim();
  if (t === "") return [];
  const v: unknown = JSON.parse(t);
  if (!Array.isArray(v)) throw new Error("ip -j: expected a JSON array");
  return v as J[];
}

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);

export function parseNetnsList(text: string): string[] {
  return parseArray(text)
    .map((e) => str(e.name))
    .filter((n): n is string => n !== undefined)
    .sort();
}

/** `ip -d -j link show`; `ns` is HOST or the namespace the dump came from. */
export function parseLinks(ns: string, text: string): LiveLink[] {
  return parseArray(text).map((e) => {
    const info = (e.linkinfo ?? {}) as J;
    const data = (info.info_data ?? {}) as J;
    const flags = Array.isArray(e.flags) ? (e.flags as string[]) : [];
    const kind = str(info.info_kind) ?? (str(e.link_type) === "loopback" ? "loopback" : "");
    const l: LiveLink = { ns, name: str(e.ifname) ?? "", ifindex: num(e.ifindex) ?? 0, kind, up: flags.includes("UP") };
    const alias = str(e.ifalias);
    if (alias !== undefined) l.alias = alias;
    const master = str(e.master);
    if (master !== undefined) l.master = master;
    const mtu = num(e.mtu);
    if (mtu !== undefined) l.mtu = mtu;
    const mac = str(e.address);
    if (mac !== undefined) l.mac = mac;
    const linkIndex = num(e.link_index);
    if (linkIndex !== undefined) l.linkIndex = linkIndex;
    const nsid = num(e.link_netnsid);
    if (nsid !== undefined) l.linkNetnsId = nsid;
    const mode = str(data.mode);
    if (mode !== undefined) l.mode = mode;
    const vlanId = num(data.id);
    if (kind === "vlan" && vlanId !== undefined) l.vlanId = vlanId;
    const port = (info.info_slave_data ?? {}) as J;
    if (str(info.info_slave_kind) === "bridge" && typeof port.hairpin === "boolean") l.hairpin = port.hairpin;
    return l;
  });
}

export function parseAddrs(ns: string, text: string): LiveAddr[] {
  const out: LiveAddr[] = [];
  for (const e of parseArray(text)) {
    const dev = str(e.ifname) ?? "";
    const infos = Array.isArray(e.addr_info) ? (e.addr_info as J[]) : [];
    for (const a of infos) {
      const local = str(a.local);
      const len = num(a.prefixlen);
      if (local === undefined || len === undefined) continue;
      const brd = str(a.family) === "inet" ? str(a.broadcast) : undefined;
      out.push(brd === undefined ? { ns, dev, cidr: `${local}/${len}` } : { ns, dev, cidr: `${local}/${len}`, brd });
    }
  }
  return out;
}

export function parseRoutes(ns: string, family: 4 | 6, text: string): LiveRoute[] {
  return parseArray(text).map((e) => routeOf(ns, family, e));
}

function routeOf(ns: string, family: 4 | 6, e: J): LiveRoute {
  const dst = str(e.dst) ?? "default";
  const r: LiveRoute = { ns, dst: canonicalDst(dst, family), family };
  const via = str(e.gateway) ?? str((e.via as J | undefined)?.host);
  if (via !== undefined) r.via = via;
  const dev = str(e.dev);
  if (dev !== undefined) r.dev = dev;
  const flags = Array.isArray(e.flags) ? (e.flags as string[]) : [];
  if (flags.includes("onlink")) r.onlink = true;
  const proto = str(e.protocol);
  if (proto !== undefined) r.proto = proto;
  const scope = str(e.scope);
  if (scope !== undefined) r.scope = scope;
  return r;
}

/**
 * `ip -d -j route show table all`: both families in one dump (a family cannot be chosen per
 * line of a batch), so nsnet reads the main table of each from it. Only IPv6 routes carry
 * a preference, and their destination or gateway is IPv6 when they have one. The details
 * `-d` adds for every route (protocol boot, scope global: the defaults) are dropped, as
 * ip prints them without `-d`.
 */
export function parseRouteTableAll(ns: string, text: string): LiveRoute[] {
  const out: LiveRoute[] = [];
  for (const e of parseArray(text)) {
    const table = str(e.table);
    if (table !== undefined && table !== "main") continue;
    const dst = str(e.dst) ?? "default";
    const v6 = "pref" in e || dst.includes(":") || (str(e.gateway) ?? "").includes(":");
    const r = routeOf(ns, v6 ? 6 : 4, e);
    if (r.proto === "boot") delete r.proto;
    if (r.scope === "global" || r.scope === "universe") delete r.scope;
    out.push(r);
  }
  return out;
}

/** ip prints host routes without a prefix ("1.1.128.3"); the model always has one. */
function canonicalDst(dst: string, family: 4 | 6): string {
  if (dst === "default" || dst.includes("/")) return dst;
  return `${dst}/${family === 4 ? 32 : 128}`;
}

export function parseProxies(ns: string, text: string): LiveNeighProxy[] {
  return parseArray(text)
    .filter((e) => "proxy" in e)
    .map((e) => ({ ns, addr: str(e.dst) ?? "", dev: str(e.dev) ?? "" }));
}

/** `sysctl KEY…` prints `key = value` lines with '/' separators turned into dots. */
export function parseSysctlOutput(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf(" = ");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 3);
  }
  return out;
}

/** The name `sysctl` prints for a key given either with dots or with slashes. */
export function sysctlDisplayKey(key: string): string {
  return key.includes("/") ? key.replace(/^\/+/, "").replace(/\//g, ".") : key;
}

/** The /proc/sys path of a key (procps rule: a key containing '/' is already a path,
 *  so interface names with dots can be written as net/ipv4/conf/eth0.5/forwarding). */
export function sysctlPath(key: string): string {
  return "/proc/sys/" + (key.includes("/") ? key.replace(/^\/+/, "") : key.replace(/\./g, "/"));
}

export function isValidSysctlKey(key: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/.test(key) && !key.split(/[./]/).some((p) => p === "" || p === "..");
}

/** `ip` says this when a dump raced with a change; the dump must be retried. */
export function isDumpInterrupted(stderr: string): boolean {
  return /Dump (was )?interrupted/i.test(stderr);
}
