/**
 * The network configuration on stdin, checked and typed. Two forms:
 * - the reference `bridge` plugin's netconf, unchanged (a drop-in): bridge, isGateway,
 *   isDefaultGateway, ipMasq, hairpinMode, mtu, ipam host-local (subnet, rangeStart,
 *   rangeEnd, gateway, ranges, routes, dataDir);
 * - nsnet's own: `script` / `scriptFile` (nsnet source for the shared host part) and
 *   `container` (the body of the container's namespace).
 * Anything wrong is error 7 (invalid network config) naming the key; a field of the bridge
 * plugin that nsnet does not implement is error 2 (unsupported field) with its value.
 * Pure.
 */
import { parseCidr } from "../ipam/cidr.js";
import { parseIp } from "../ipam/ip.js";
import { validateIfName } from "../model/names.js";
import { CNI_CODE, CniError } from "./errors.js";
import { canonicalRangeSet, checkNoOverlap, type RangeInput, type RangeSet } from "./host-local.js";
import { prevResultProblem, type CniResult, type Dns } from "./result.js";
import { assertSupported } from "./version.js";

export interface RouteConf {
  dst: string;
  gw?: string;
}

export interface HostLocalConf {
  ranges: RangeSet[];
  routes: RouteConf[];
  dataDir?: string;
}

interface CommonConf {
  cniVersion: string;
  name: string;
  type: string;
  prevResult?: CniResult;
  dns?: Dns;
  runtimeConfig: Record<string, unknown>;
  /** GC: the attachments that are still valid */
  validAttachments?: { containerID: string; ifname: string }[];
  /** where nsnet keeps this network's state (default /run/nsnet and /var/lib/nsnet) */
  stateDir?: string;
}

export interface BridgeConf extends CommonConf {
  mode: "bridge";
  bridge: string;
  isGateway: boolean;
  isDefaultGateway: boolean;
  ipMasq: boolean;
  hairpinMode: boolean;
  mtu?: number;
  /** null: a layer-2 only bridge (no ipam) */
  ipam: HostLocalConf | null;
}

export interface NsnetConf extends CommonConf {
  mode: "nsnet";
  /** nsnet source for the shared host part (may be empty) */
  script: string;
  /** where `script` came from, for diagnostics */
  scriptFile: string;
  container: string;
}

export type NetConf = BridgeConf | NsnetConf;

const invalid = (details: string) => new CniError(CNI_CODE.invalidNetconf, details);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function str(o: Json, key: string, where = ""): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw invalid(`${where}${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}
function bool(o: Json, key: string): boolean {
  const v = o[key];
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw invalid(`${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

/** Network names: the spec's rule (alphanumeric first, then alphanumerics, _ . -). */
const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Bridge-plugin fields nsnet does not implement: accepted only at their default. */
const UNSUPPORTED_BRIDGE_FIELDS = [
  "promiscMode",
  "vlan",
  "macspoofchk",
  "forceAddress",
  "enabledad",
  "vlanTrunk",
  "preserveDefaultVlan",
  "disableContainerInterface",
];

export function parseNetconf(text: string): NetConf {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CniError(CNI_CODE.decodeFailure, `network configuration is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(json)) throw invalid("network configuration must be a JSON object");
  const cniVersion = str(json, "cniVersion");
  if (!cniVersion) throw invalid("cniVersion is missing");
  assertSupported(cniVersion);
  const name = str(json, "name");
  if (!name) throw invalid("name is missing");
  if (!NETWORK_NAME.test(name)) throw invalid(`name ${JSON.stringify(name)}: letters, digits, _ . - only, starting with a letter or digit`);
  const type = str(json, "type") ?? "";
  const common: CommonConf = {
    cniVersion,
    name,
    type,
    runtimeConfig: isObject(json.runtimeConfig) ? json.runtimeConfig : {},
  };
  if (json.prevResult !== undefined) {
    // checked whole here, before any kernel work: merging it can no longer fail after ADD
    const problem = prevResultProblem(json.prevResult);
    if (problem) throw invalid(problem);
    common.prevResult = json.prevResult as unknown as CniResult;
  }
  if (json.dns !== undefined) {
    if (!isObject(json.dns)) throw invalid("dns must be an object");
    common.dns = json.dns as Dns;
  }
  const valid = json["cni.dev/valid-attachments"];
  if (valid !== undefined) {
    if (!Array.isArray(valid) || !valid.every((a) => isObject(a) && typeof a.containerID === "string" && typeof a.ifname === "string")) {
      throw invalid("cni.dev/valid-attachments must be a list of {containerID, ifname}");
    }
    common.validAttachments = valid as { containerID: string; ifname: string }[];
  }
  const stateDir = str(json, "stateDir");
  if (stateDir !== undefined) {
    if (!stateDir.startsWith("/")) throw invalid(`stateDir ${JSON.stringify(stateDir)} must be an absolute path`);
    common.stateDir = stateDir;
  }

  if (json.script !== undefined || json.scriptFile !== undefined || json.container !== undefined) return nsnetConf(json, common);
  return bridgeConf(json, common);
}

function nsnetConf(json: Json, common: CommonConf): NsnetConf {
  const script = str(json, "script");
  const scriptFile = str(json, "scriptFile");
  if (script !== undefined && scriptFile !== undefined) throw invalid("give either script (inline nsnet source) or scriptFile (a path), not both");
  if (scriptFile !== undefined && !scriptFile.startsWith("/")) throw invalid(`scriptFile ${JSON.stringify(scriptFile)} must be an absolute path`);
  const container = str(json, "container");
  if (container === undefined)
    throw invalid('container is missing: the nsnet body of the container\'s namespace, e.g. "veth as $ifname to cni0; addr auto from pods"');
  return { ...common, mode: "nsnet", script: script ?? "", scriptFile: scriptFile ?? `<netconf ${common.name}: script>`, container };
}

function bridgeConf(json: Json, common: CommonConf): BridgeConf {
  for (const key of UNSUPPORTED_BRIDGE_FIELDS) {
    const v = json[key];
    if (v !== undefined && v !== false && v !== 0 && v !== null) {
      throw new CniError(CNI_CODE.unsupportedField, `${key}: ${JSON.stringify(v)} is not supported by nsnet's bridge mode`);
    }
  }
  const bridge = str(json, "bridge") ?? "cni0";
  const why = validateIfName(bridge);
  if (why) throw invalid(`bridge ${JSON.stringify(bridge)} is not a valid interface name: ${why}`);
  let mtu: number | undefined;
  if (json.mtu !== undefined && json.mtu !== 0) {
    if (typeof json.mtu !== "number" || !Number.isInteger(json.mtu) || json.mtu < 68 || json.mtu > 65535)
      throw invalid(`mtu must be an integer from 68 to 65535, got ${JSON.stringify(json.mtu)}`);
    mtu = json.mtu;
  }
  const isDefaultGateway = bool(json, "isDefaultGateway");
  const conf: BridgeConf = {
    ...common,
    mode: "bridge",
    bridge,
    isGateway: bool(json, "isGateway") || isDefaultGateway,
    isDefaultGateway,
    ipMasq: bool(json, "ipMasq"),
    hairpinMode: bool(json, "hairpinMode"),
    ipam: null,
  };
  if (mtu !== undefined) conf.mtu = mtu;
  if (json.ipam !== undefined) {
    if (!isObject(json.ipam)) throw invalid("ipam must be an object");
    if (Object.keys(json.ipam).length > 0) conf.ipam = hostLocal(json.ipam, json);
  }
  return conf;
}

function hostLocal(ipam: Json, top: Json): HostLocalConf {
  const type = str(ipam, "type", "ipam.");
  if (type !== "host-local") {
    throw new CniError(CNI_CODE.unsupportedField, `ipam.type: ${JSON.stringify(type ?? null)} is not supported; nsnet implements host-local`);
  }
  const sets: RangeInput[][] = [];
  if (ipam.subnet !== undefined) sets.push([{ subnet: ipam.subnet, rangeStart: ipam.rangeStart, rangeEnd: ipam.rangeEnd, gateway: ipam.gateway }]);
  if (ipam.ranges !== undefined) {
    if (!Array.isArray(ipam.ranges) || !ipam.ranges.every((s) => Array.isArray(s) && s.every(isObject))) {
      throw invalid("ipam.ranges must be a list of lists of {subnet, rangeStart?, rangeEnd?, gateway?}");
    }
    for (const s of ipam.ranges as Json[][])
      sets.push(s.map((r) => ({ subnet: r.subnet, rangeStart: r.rangeStart, rangeEnd: r.rangeEnd, gateway: r.gateway })));
  }
  // runtimeConfig.ipRanges (a capability) comes first, as host-local does
  const rc = isObject(top.runtimeConfig) ? top.runtimeConfig : {};
  if (Array.isArray(rc.ipRanges)) {
    const extra = (rc.ipRanges as unknown[]).filter(Array.isArray) as Json[][];
    sets.unshift(
      ...extra.map((s) => s.filter(isObject).map((r) => ({ subnet: r.subnet, rangeStart: r.rangeStart, rangeEnd: r.rangeEnd, gateway: r.gateway }))),
    );
  }
  if (sets.length === 0) throw invalid("ipam: no IP ranges specified (give subnet or ranges)");
  const ranges = sets.map((s, i) => {
    try {
      return canonicalRangeSet(s);
    } catch (e) {
      if (e instanceof CniError) throw invalid(`invalid range set ${i}: ${e.details}`);
      throw e;
    }
  });
  checkNoOverlap(ranges.flat());
  const routes: RouteConf[] = [];
  if (ipam.routes !== undefined) {
    if (!Array.isArray(ipam.routes)) throw invalid("ipam.routes must be a list of {dst, gw?}");
    for (const r of ipam.routes as unknown[]) {
      if (!isObject(r) || typeof r.dst !== "string" || !parseCidr(r.dst)) throw invalid(`ipam.routes: ${JSON.stringify(r)} needs dst as a CIDR`);
      const route: RouteConf = { dst: r.dst };
      if (r.gw !== undefined) {
        if (typeof r.gw !== "string" || !parseIp(r.gw)) throw invalid(`ipam.routes: gw ${JSON.stringify(r.gw)} is not an IP address`);
        route.gw = r.gw;
      }
      routes.push(route);
    }
  }
  const conf: HostLocalConf = { ranges, routes };
  const dataDir = str(ipam, "dataDir", "ipam.");
  if (dataDir !== undefined) {
    if (!dataDir.startsWith("/")) throw invalid(`ipam.dataDir ${JSON.stringify(dataDir)} must be an absolute path`);
    conf.dataDir = dataDir;
  }
  return conf;
}
