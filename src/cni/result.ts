/**
 * The CNI Result (spec section 5): interfaces (host ones without `sandbox`, the container's
 * with it), ips with the index of their interface, routes, dns. Pure.
 */
import { parseCidr } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import { versionAtLeast } from "./version.js";

export interface Interface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
}
export interface IpConfig {
  address: string;
  gateway?: string;
  interface?: number;
  /** 0.3.x / 0.4.0 results only */
  version?: "4" | "6";
}
export interface ResultRoute {
  dst: string;
  gw?: string;
}
export interface Dns {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}
export interface CniResult {
  cniVersion: string;
  interfaces?: Interface[];
  ips?: IpConfig[];
  routes?: ResultRoute[];
  dns?: Dns;
}

/**
 * What this plugin made, appended to a chained `prevResult` (interface indexes shifted past
 * the interfaces already listed), so a plugin earlier in the chain keeps its entries.
 */
export function mergeResult(prev: CniResult | undefined, mine: Omit<CniResult, "cniVersion">, cniVersion: string): CniResult {
  const base = prev?.interfaces?.length ?? 0;
  const out: CniResult = {
    cniVersion,
    interfaces: [...(prev?.interfaces ?? []), ...(mine.interfaces ?? [])],
    ips: [...(prev?.ips ?? []), ...(mine.ips ?? []).map((ip) => (ip.interface === undefined ? ip : { ...ip, interface: ip.interface + base }))],
    routes: [...(prev?.routes ?? []), ...(mine.routes ?? [])],
  };
  // always present, as the reference plugins print it ({} when there is nothing to say)
  out.dns = mine.dns && Object.keys(mine.dns).length ? mine.dns : (prev?.dns ?? {});
  return out;
}

/** The result in the shape of the requested spec version. */
export function resultForVersion(r: CniResult, cniVersion: string): CniResult {
  const old = !versionAtLeast(cniVersion, "1.0.0");
  return {
    ...r,
    cniVersion,
    ips: (r.ips ?? []).map(({ version: _v, ...ip }) => (old ? { ...ip, version: ip.address.includes(":") ? "6" : "4" } : ip)),
  };
}

export function resultJson(r: CniResult): string {
  return JSON.stringify(r) + "\n";
}

/**
 * A chained `prevResult`, checked whole before any kernel work: every field this plugin
 * reads or passes on has the spec's shape, so merging it cannot fail after the veth, the
 * addresses and the record exist. Unknown fields are kept (a later spec may add some).
 * Returns null, or what is wrong, naming the key (`prevResult.ips[0].address`).
 */
export function prevResultProblem(v: unknown): string | null {
  const isCidr = (s: string) => parseCidr(s) !== null;
  const isIp = (s: string) => parseIp(s) !== null;
  const obj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
  const show = (x: unknown) => {
    const t = JSON.stringify(x) ?? String(x);
    return t.length > 60 ? `${t.slice(0, 57)}...` : t;
  };
  if (!obj(v)) return `prevResult must be an object, got ${show(v)}`;
  if (v.cniVersion !== undefined && typeof v.cniVersion !== "string") return `prevResult.cniVersion must be a string, got ${show(v.cniVersion)}`;
  const list = (key: string): unknown[] | string => {
    const x = v[key];
    if (x === undefined) return [];
    return Array.isArray(x) ? x : `prevResult.${key} must be a list, got ${show(x)}`;
  };
  const strField = (o: Record<string, unknown>, key: string, where: string, required: boolean, ok: (s: string) => boolean = () => true, what = "a string") => {
    const x = o[key];
    if (x === undefined) return required ? `${where}.${key} is missing` : null;
    return typeof x === "string" && ok(x) ? null : `${where}.${key} must be ${what}, got ${show(x)}`;
  };
  const ifaces = list("interfaces");
  if (typeof ifaces === "string") return ifaces;
  for (const [i, x] of ifaces.entries()) {
    const where = `prevResult.interfaces[${i}]`;
    if (!obj(x)) return `${where} must be an object, got ${show(x)}`;
    const bad = strField(x, "name", where, true, (s) => s.length > 0, "a name") ?? strField(x, "mac", where, false) ?? strField(x, "sandbox", where, false);
    if (bad) return bad;
    if (x.mtu !== undefined && !(Number.isInteger(x.mtu) && (x.mtu as number) >= 0)) return `${where}.mtu must be a whole number, got ${show(x.mtu)}`;
  }
  const ips = list("ips");
  if (typeof ips === "string") return ips;
  for (const [i, x] of ips.entries()) {
    const where = `prevResult.ips[${i}]`;
    if (!obj(x)) return `${where} must be an object, got ${show(x)}`;
    const bad = strField(x, "address", where, true, isCidr, "an address with a prefix") ?? strField(x, "gateway", where, false, isIp, "an IP address");
    if (bad) return bad;
    const n = x.interface;
    if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0 && (n as number) < ifaces.length))
      return ifaces.length
        ? `${where}.interface must be the index of one of prevResult.interfaces (0 to ${ifaces.length - 1}), got ${show(n)}`
        : `${where}.interface is ${show(n)}, but prevResult lists no interfaces`;
    if (x.version !== undefined && x.version !== "4" && x.version !== "6") return `${where}.version must be "4" or "6", got ${show(x.version)}`;
  }
  const routes = list("routes");
  if (typeof routes === "string") return routes;
  for (const [i, x] of routes.entries()) {
    const where = `prevResult.routes[${i}]`;
    if (!obj(x)) return `${where} must be an object, got ${show(x)}`;
    const bad = strField(x, "dst", where, true, isCidr, "a CIDR") ?? strField(x, "gw", where, false, isIp, "an IP address");
    if (bad) return bad;
  }
  if (v.dns !== undefined) {
    if (!obj(v.dns)) return `prevResult.dns must be an object, got ${show(v.dns)}`;
    const bad = strField(v.dns, "domain", "prevResult.dns", false);
    if (bad) return bad;
    for (const key of ["nameservers", "search", "options"]) {
      const x = v.dns[key];
      if (x !== undefined && !(Array.isArray(x) && x.every((e) => typeof e === "string")))
        return `prevResult.dns.${key} must be a list of strings, got ${show(x)}`;
    }
  }
  return null;
}
