import type { LiveAddr, LiveLink, LiveNeighProxy, LiveRoute } from "../model/live.js";
import { isValidNsName } from "../model/names.js";
import { bitsOf, parseIp, type Family } from "../ipam/ip.js";
import { parseAddressOrCidr } from "../ipam/cidr.js";
import type { Op } from "../plan/op.js";
import { sysctlPath } from "./ip-json.js";
import type { PlaceState } from "./readback.js";

/**
 * The protocol between nsnet and its helper (helper/nsnet-helper.pl), the one program that
 * enters namespaces. Pure: requests are written from the plan's effects, records are read
 * into nsnet's model; helper.ts finds the program and fanout.ts runs it.
 *
 * In, per namespace: `ns NAME`, its ops (`op KIND FIELD…`, numbered from 1), the reads
 * wanted (`read state`, `read sysctl PATH`), `end`. Free text — device names, aliases,
 * sysctl paths and values, nft rulesets — is hex, so every line is plain tokens a gate can
 * check (`unsafeHelperLine`) and nothing in a name can change how a line reads.
 *
 * Out: `{"helper":1}` first, then one JSON record per namespace: ops applied, the failed op
 * (its index, errno, strerror, the kernel's extended-ACK message, or nft's exit code and
 * output; `uncertain` when it may have taken effect), the state read back in nsnet's model,
 * the sysctls read. What the helper says on stderr decides nothing.
 */
export const HELPER_PROTOCOL = 1;

export type HelperOp =
  | { k: "updown"; dev: string; up: boolean }
  | { k: "alias"; dev: string; alias: string }
  | { k: "mtu"; dev: string; mtu: number }
  | { k: "hwaddr"; dev: string; mac: string }
  | { k: "master"; dev: string; master: string | null }
  /** a bridge port's multicast flooding (mcast-holdoff.ts) */
  | { k: "hold"; dev: string; flood: boolean }
  | { k: "addr"; add: boolean; dev: string; cidr: string }
  | { k: "route"; add: boolean; dst: string; via?: string; dev?: string; onlink?: boolean }
  | { k: "proxy"; add: boolean; dev: string; addr: string }
  /** a sysctl of the namespace, written to /proc/sys/net/… */
  | { k: "sysctl"; key: string; value: string }
  /** a ruleset for `nft -f -` in the namespace (checked with `nft -c` first) */
  | { k: "nft"; ruleset: string };

export interface PlaceRequest {
  ns: string;
  ops: HelperOp[];
  /** read the place back after its ops */
  state?: boolean;
  /** sysctl keys to read after its ops */
  sysctls?: string[];
}

const hex = (s: string): string => Buffer.from(s, "utf8").toString("hex");
const addrHex = (family: Family, addr: bigint): string => addr.toString(16).padStart(bitsOf(family) / 4, "0");

/** The /proc/sys path of a namespace's sysctl key, or null for a key no namespace has. */
export function namespaceSysctlPath(key: string): string | null {
  const path = sysctlPath(key).slice("/proc/sys/".length);
  return /^net\//.test(path) && !path.split("/").some((p) => p === "" || p === "." || p === "..") ? path : null;
}

/** The request line of an op, or null for one the helper does not do (its batch then runs
 *  with ip, sysctl or nft as before). */
export function opLine(op: HelperOp): string | null {
  switch (op.k) {
    case "updown":
      return `op updown ${hex(op.dev)} ${op.up ? 1 : 0}`;
    case "alias":
      return `op alias ${hex(op.dev)} ${hex(op.alias)}`;
    case "mtu":
      return Number.isInteger(op.mtu) && op.mtu > 0 && op.mtu < 2 ** 32 ? `op mtu ${hex(op.dev)} ${op.mtu}` : null;
    case "hwaddr":
      return /^[0-9a-f]{2}(:[0-9a-f]{2}){0,31}$/i.test(op.mac) ? `op hwaddr ${hex(op.dev)} ${op.mac.replaceAll(":", "").toLowerCase()}` : null;
    case "master":
      return `op master ${hex(op.dev)} ${op.master === null ? "-" : hex(op.master)}`;
    case "hold":
      return `op hold ${hex(op.dev)} ${op.flood ? 1 : 0}`;
    case "addr": {
      const c = parseAddressOrCidr(op.cidr)?.cidr;
      return c ? `op addr ${op.add ? "add" : "del"} ${hex(op.dev)} ${c.family} ${addrHex(c.family, c.addr)} ${c.prefix}` : null;
    }
    case "route": {
      const via = op.via === undefined ? undefined : parseIp(op.via);
      if (via === null) return null;
      // `default` is of the gateway's family, else IPv4 (as ip takes it)
      const dst = op.dst === "default" ? null : parseAddressOrCidr(op.dst)?.cidr;
      if (dst === undefined) return null;
      const family = dst?.family ?? via?.family ?? 4;
      if (via && via.family !== family) return null;
      const d = dst ? `${addrHex(family, dst.addr)} ${dst.prefix}` : "- 0";
      const g = via ? addrHex(family, via.addr) : "-";
      return `op route ${op.add ? "add" : "del"} ${family} ${d} ${g} ${op.dev === undefined ? "-" : hex(op.dev)} ${op.onlink && op.add ? "onlink" : "-"}`;
    }
    case "proxy": {
      const a = parseIp(op.addr);
      return a ? `op proxy ${op.add ? "add" : "del"} ${hex(op.dev)} ${a.family} ${addrHex(a.family, a.addr)}` : null;
    }
    case "sysctl": {
      const path = namespaceSysctlPath(op.key);
      return path === null ? null : `op sysctl ${hex(path)} ${hex(op.value)}`;
    }
    case "nft":
      return op.ruleset === "" ? null : `op nft ${hex(op.ruleset)}`;
  }
}

/** The helper's op for a planned op, or null when the helper does not do it. */
export function helperOpOf(op: Op): HelperOp | null {
  const e = op.effect;
  switch (e.k) {
    case "updown":
      return { k: "updown", dev: e.dev, up: e.up };
    case "alias":
      return { k: "alias", dev: e.dev, alias: e.alias };
    case "mtu":
      return { k: "mtu", dev: e.dev, mtu: e.mtu };
    case "hwaddr":
      return { k: "hwaddr", dev: e.dev, mac: e.mac };
    case "master":
      return { k: "master", dev: e.dev, master: e.master };
    case "addr":
      return { k: "addr", add: e.add, dev: e.dev, cidr: e.cidr };
    case "route": {
      const r: HelperOp = { k: "route", add: e.add, dst: e.dst };
      if (e.via !== undefined) r.via = e.via;
      if (e.dev !== undefined) r.dev = e.dev;
      if (e.onlink) r.onlink = true;
      return r;
    }
    case "proxy":
      return { k: "proxy", add: e.add, dev: e.dev, addr: e.addr };
    case "sysctl":
      return { k: "sysctl", key: e.key, value: e.value };
    case "nft":
    case "nft-del":
      return { k: "nft", ruleset: op.text };
    default:
      return null;
  }
}

/** The helper's ops for these, or null when one of them is not the helper's. */
export function helperOpsOf(ops: readonly Op[]): HelperOp[] | null {
  const out: HelperOp[] = [];
  for (const op of ops) {
    const h = helperOpOf(op);
    if (h === null || opLine(h) === null) return null;
    out.push(h);
  }
  return out;
}

/** The helper's stdin for these requests (one per namespace, each named once). */
export function encodeRequests(requests: readonly PlaceRequest[]): string {
  const lines: string[] = [];
  for (const r of requests) {
    if (!isValidNsName(r.ns)) throw new Error(`internal: helper request for ${JSON.stringify(r.ns)}`);
    lines.push(`ns ${r.ns}`);
    for (const op of r.ops) {
      const line = opLine(op);
      if (line === null) throw new Error(`internal: the helper does not do ${JSON.stringify(op)}`);
      lines.push(line);
    }
    if (r.state) lines.push("read state");
    for (const key of r.sysctls ?? []) {
      const path = namespaceSysctlPath(key);
      if (path === null) throw new Error(`internal: no namespace has sysctl ${JSON.stringify(key)}`);
      lines.push(`read sysctl ${hex(path)}`);
    }
    lines.push("end");
  }
  return lines.join("\n") + "\n";
}

const DEV = "(?:[0-9a-f]{2}){1,15}";
const HEX = "(?:[0-9a-f]{2})+";
const LINES = [
  "end",
  "read state",
  `read sysctl ${HEX}`,
  `op updown ${DEV} [01]`,
  `op alias ${DEV} (?:[0-9a-f]{2})*`,
  `op mtu ${DEV} [1-9][0-9]{0,9}`,
  `op hwaddr ${DEV} (?:[0-9a-f]{2}){1,32}`,
  `op master ${DEV} (?:${DEV}|-)`,
  `op hold ${DEV} [01]`,
  `op addr (?:add|del) ${DEV} [46] ${HEX} [0-9]{1,3}`,
  `op route (?:add|del) [46] (?:${HEX} [0-9]{1,3}|- 0) (?:${HEX}|-) (?:${DEV}|-) (?:onlink|-)`,
  `op proxy (?:add|del) ${DEV} [46] ${HEX}`,
  `op sysctl ${HEX} (?:[0-9a-f]{2})*`,
  `op nft ${HEX}`,
].map((l) => new RegExp(`^${l}$`));

/** The runner's gate on the helper's stdin: the first line that is not one nsnet writes, or null. */
export function unsafeHelperLine(input: string): string | null {
  for (const line of input.split("\n")) {
    if (line === "") continue;
    if (line.startsWith("ns ") ? isValidNsName(line.slice(3)) : LINES.some((re) => re.test(line))) continue;
    return line;
  }
  return null;
}

// --- records ---

export interface HelperFailure {
  /** the op's number in its namespace's request (0: before any op) */
  index: number;
  errno: number;
  strerror: string;
  /** what the helper was doing (`Cannot find device "x"`, `no answer from the kernel in 20 s`) */
  detail?: string;
  /** the kernel's extended-ACK message */
  extack?: string;
  /** nft's exit code and what it said */
  exit?: number;
  output?: string;
  /** the op may have taken effect (its answer never came) */
  uncertain?: boolean;
}

export interface PlaceRecord {
  ns: string;
  /** no /run/netns/NS: nothing was done */
  gone: boolean;
  /** the namespace could not be entered: nothing was done */
  enter?: HelperFailure;
  /** how many ops took effect, in order */
  applied: number;
  failed?: HelperFailure;
  state?: PlaceState;
  stateError?: HelperFailure;
  /** by sysctl key (what was asked; an absent key is not here) */
  sysctls: Record<string, string>;
}

type J = Record<string, unknown>;
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isObj = (v: unknown): v is J => typeof v === "object" && v !== null && !Array.isArray(v);

function failure(v: unknown): HelperFailure {
  if (!isObj(v) || !isNum(v.index) || !isNum(v.errno) || !isStr(v.strerror)) throw new Error("bad failure");
  const f: HelperFailure = { index: v.index, errno: v.errno, strerror: v.strerror };
  if (isStr(v.detail)) f.detail = v.detail;
  if (isStr(v.extack)) f.extack = v.extack;
  if (isNum(v.exit)) f.exit = v.exit;
  if (isStr(v.output)) f.output = v.output;
  if (v.uncertain === true) f.uncertain = true;
  return f;
}

function link(ns: string, e: J): LiveLink {
  if (!isStr(e.name) || !isNum(e.ifindex) || !isStr(e.kind) || typeof e.up !== "boolean") throw new Error("bad link");
  const l: LiveLink = { ns, name: e.name, ifindex: e.ifindex, kind: e.kind, up: e.up };
  if (isStr(e.alias)) l.alias = e.alias;
  if (isStr(e.master)) l.master = e.master;
  if (isNum(e.mtu)) l.mtu = e.mtu;
  if (isStr(e.mac)) l.mac = e.mac;
  if (isNum(e.linkIndex)) l.linkIndex = e.linkIndex;
  if (isNum(e.linkNetnsId)) l.linkNetnsId = e.linkNetnsId;
  if (isStr(e.mode)) l.mode = e.mode;
  if (isNum(e.vlanId)) l.vlanId = e.vlanId;
  // a bridge port's hairpin mode, where the model has it
  if (typeof e.hairpin === "boolean") Object.assign(l, { hairpin: e.hairpin });
  return l;
}

function addr(ns: string, e: J): LiveAddr {
  if (!isStr(e.dev) || !isStr(e.cidr)) throw new Error("bad address");
  return isStr(e.brd) ? { ns, dev: e.dev, cidr: e.cidr, brd: e.brd } : { ns, dev: e.dev, cidr: e.cidr };
}

function route(ns: string, e: J): LiveRoute {
  if (!isStr(e.dst) || (e.family !== 4 && e.family !== 6)) throw new Error("bad route");
  const r: LiveRoute = { ns, dst: e.dst, family: e.family };
  if (isStr(e.via)) r.via = e.via;
  if (isStr(e.dev)) r.dev = e.dev;
  if (e.onlink === true) r.onlink = true;
  if (isStr(e.proto)) r.proto = e.proto;
  if (isStr(e.scope)) r.scope = e.scope;
  return r;
}

function proxy(ns: string, e: J): LiveNeighProxy {
  if (!isStr(e.addr) || !isStr(e.dev)) throw new Error("bad proxy entry");
  return { ns, addr: e.addr, dev: e.dev };
}

const list = <T>(v: unknown, each: (e: J) => T): T[] => {
  if (!Array.isArray(v) || !v.every(isObj)) throw new Error("expected a list of objects");
  return v.map(each);
};

/** One namespace's state as the helper gives it (`read state`), in nsnet's model. */
export function stateOf(ns: string, v: unknown): PlaceState {
  if (!isObj(v)) throw new Error("bad state");
  return {
    ns,
    links: list(v.links, (e) => link(ns, e)),
    addrs: list(v.addrs, (e) => addr(ns, e)),
    routes: list(v.routes, (e) => route(ns, e)),
    proxies: list(v.proxies, (e) => proxy(ns, e)),
  };
}

/** One record; throws on anything that is not one. `keys` maps the hex sysctl paths asked
 *  for back to their keys. */
export function recordOf(v: unknown, keys: ReadonlyMap<string, string> = new Map()): PlaceRecord {
  if (!isObj(v) || !isStr(v.ns) || !isValidNsName(v.ns)) throw new Error("a record without a namespace");
  const ns = v.ns;
  if (v.gone === true) return { ns, gone: true, applied: 0, sysctls: {} };
  if (!isNum(v.applied) || v.applied < 0) throw new Error("a record without its ops applied");
  const r: PlaceRecord = { ns, gone: false, applied: v.applied, sysctls: {} };
  if (v.enter !== undefined) r.enter = failure(v.enter);
  if (v.failed !== undefined) r.failed = failure(v.failed);
  if (v.state !== undefined) r.state = stateOf(ns, v.state);
  if (v.stateError !== undefined) r.stateError = failure(v.stateError);
  if (v.sysctls !== undefined) {
    if (!isObj(v.sysctls)) throw new Error("bad sysctls");
    for (const [path, value] of Object.entries(v.sysctls)) {
      const key = keys.get(path);
      if (key === undefined || !isStr(value)) throw new Error("a sysctl not asked for");
      r.sysctls[key] = value;
    }
  }
  return r;
}

export interface HelperOutput {
  /** the helper started and speaks this protocol (else nothing it printed is used) */
  started: boolean;
  /** why it could not start (its own words), when it said so */
  unavailable?: string;
  records: Map<string, PlaceRecord>;
  /** stdout lines that were not records (logged; the namespaces they were about are unanswered) */
  bad: string[];
}

/** The helper's stdout. A line that is not a record answers for no namespace. */
export function parseHelperOutput(stdout: string, requests: readonly PlaceRequest[] = []): HelperOutput {
  const keys = new Map<string, string>();
  for (const r of requests) for (const k of r.sysctls ?? []) keys.set(hex(namespaceSysctlPath(k) ?? ""), k);
  const lines = stdout.split("\n").filter((l) => l !== "");
  const out: HelperOutput = { started: false, records: new Map(), bad: [] };
  let hello: unknown;
  try {
    hello = JSON.parse(lines[0] ?? "");
  } catch {
    hello = undefined;
  }
  if (!isObj(hello) || hello.helper !== HELPER_PROTOCOL) {
    if (lines.length) out.bad.push(...lines);
    return out;
  }
  if (isStr(hello.unavailable)) return { ...out, unavailable: hello.unavailable };
  out.started = true;
  for (const line of lines.slice(1)) {
    try {
      const r = recordOf(JSON.parse(line), keys);
      out.records.set(r.ns, r);
    } catch {
      out.bad.push(line);
    }
  }
  return out;
}

/** A failure in the words a person reads, as the tool nsnet used before would have said it. */
export function failureMessage(f: HelperFailure, op?: HelperOp): string {
  if (f.exit !== undefined) return (f.output ?? "").trim() || f.strerror;
  if (f.extack !== undefined) return `Error: ${f.extack}${/[.!?]$/.test(f.extack) ? "" : "."}`;
  if (op?.k === "sysctl") {
    return f.errno === 2 ? `sysctl: cannot stat ${sysctlPath(op.key)}: ${f.strerror}` : `sysctl: setting key "${op.key}": ${f.strerror}`;
  }
  // ENODEV: ip's own words for a device it cannot find; entering (index 0): nsenter's shape
  if (f.detail !== undefined) return f.errno === 19 ? f.detail : f.index === 0 ? `${f.detail}: ${f.strerror}` : `${f.detail} (${f.strerror})`;
  return `RTNETLINK answers: ${f.strerror}`;
}
