/**
 * The CNI Result (spec section 5): interfaces (host ones without `sandbox`, the container's
 * with it), ips with the index of their interface, routes, dns. Pure.
 */
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
