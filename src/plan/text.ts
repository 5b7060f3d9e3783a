import { HOST } from "../model/topology.js";
import type { OpStep } from "./op.js";

/**
 * The op texts nsnet emits and, read back, the effect each one has. The planner builds ops
 * with the builders below and the diff reads any op — this run's or one remembered in the
 * project state — with `effectOf`, so the text is the single source of truth: an op from an
 * older run is understood exactly as it was sent to the kernel.
 */

export { ownerAlias } from "../model/state.js";

/** `netns NS` clause: omitted for the namespace the batch runs in. */
const netnsClause = (ns: string, batchNs: string): string => (ns === batchNs ? "" : ` netns ${ns}`);

export const ipText = {
  netnsAdd: (ns: string) => `netns add ${ns}`,
  netnsDel: (ns: string) => `netns del ${ns}`,
  bridgeAdd: (name: string, ns: string, batchNs: string) => `link add ${name}${netnsClause(ns, batchNs)} type bridge`,
  vethAdd: (name: string, ns: string, peer: string, peerNs: string, batchNs: string) =>
    `link add ${name}${netnsClause(ns, batchNs)} type veth peer name ${peer}${netnsClause(peerNs, batchNs)}`,
  macvlanAdd: (name: string, ns: string, parent: string, mode: string, batchNs: string) =>
    `link add link ${parent} name ${name}${netnsClause(ns, batchNs)} type macvlan mode ${mode}`,
  ipvlanAdd: (name: string, ns: string, parent: string, mode: string, batchNs: string) =>
    `link add link ${parent} name ${name}${netnsClause(ns, batchNs)} type ipvlan mode ${mode}`,
  vlanAdd: (name: string, ns: string, parent: string, id: number, batchNs: string) =>
    `link add link ${parent} name ${name}${netnsClause(ns, batchNs)} type vlan id ${id}`,
  linkDel: (name: string) => `link del ${name}`,
  /** `netns 1`: the namespace of PID 1, the root namespace when run in it (or in a sandbox
   *  with its own PID namespace); iproute2 has no name for the root namespace. */
  move: (dev: string, toNs: string, newName: string) => `link set ${dev} netns ${toNs === HOST ? "1" : toNs} name ${newName}`,
  alias: (dev: string, alias: string) => `link set ${dev} alias ${alias}`,
  master: (dev: string, bridge: string) => `link set ${dev} master ${bridge}`,
  nomaster: (dev: string) => `link set ${dev} nomaster`,
  mtu: (dev: string, mtu: number) => `link set ${dev} mtu ${mtu}`,
  hwaddr: (dev: string, mac: string) => `link set ${dev} address ${mac}`,
  up: (dev: string) => `link set ${dev} up`,
  down: (dev: string) => `link set ${dev} down`,
  addrAdd: (cidr: string, dev: string) => `addr add ${cidr} dev ${dev}`,
  addrDel: (cidr: string, dev: string) => `addr del ${cidr} dev ${dev}`,
  route: (verb: "add" | "del", dst: string, via?: string, dev?: string, onlink = false) =>
    `route ${verb} ${dst}${via ? ` via ${via}` : ""}${dev ? ` dev ${dev}` : ""}${onlink ? " onlink" : ""}`,
  proxyAdd: (addr: string, dev: string) => `neigh add proxy ${addr} dev ${dev}`,
  proxyDel: (addr: string, dev: string) => `neigh del proxy ${addr} dev ${dev}`,
};

/** `KEY=VALUE`. A '.' inside a key component (a device `eth0.5`) is written '/' as sysctl(8)
 *  does, so the executor maps KEY to /proc/sys by swapping '.' and '/'. */
export const sysctlText = (key: string, value: string): string => `${key}=${value}`;
export const devSysctlKey = (family: 4 | 6, dev: string, leaf: string): string =>
  `net.ipv${family}.conf.${dev.replaceAll(".", "/")}.${leaf}`;

export type Effect =
  | { k: "netns"; name: string }
  | { k: "netns-del"; name: string }
  /** a link nsnet creates; `peer` for veth, `parent` (in `parentNs`) for macvlan/ipvlan/vlan */
  | {
      k: "link";
      ns: string;
      name: string;
      kind: string;
      mode?: string;
      vlanId?: number;
      peer?: { ns: string; name: string };
      parent?: { ns: string; name: string };
    }
  | { k: "link-del"; ns: string; name: string }
  | { k: "move"; fromNs: string; from: string; ns: string; name: string }
  | { k: "alias"; ns: string; dev: string; alias: string }
  | { k: "master"; ns: string; dev: string; master: string | null }
  | { k: "updown"; ns: string; dev: string; up: boolean }
  | { k: "mtu"; ns: string; dev: string; mtu: number }
  | { k: "hwaddr"; ns: string; dev: string; mac: string }
  | { k: "addr"; ns: string; dev: string; cidr: string; add: boolean }
  | { k: "route"; ns: string; dst: string; via?: string; dev?: string; add: boolean }
  | { k: "proxy"; ns: string; addr: string; dev: string; add: boolean }
  | { k: "sysctl"; ns: string; key: string; value: string }
  | { k: "nft"; ns: string }
  | { k: "service"; ns: string }
  | { k: "other" };

function after(words: string[], word: string): string | undefined {
  const i = words.indexOf(word);
  return i >= 0 ? words[i + 1] : undefined;
}

function linkEffect(w: string[], batchNs: string): Effect {
  const typeAt = w.indexOf("type");
  const head = w.slice(0, typeAt);
  const tail = w.slice(typeAt + 1);
  const kind = tail[0] ?? "";
  const parentName = head[2] === "link" ? head[3] : undefined;
  const name = parentName !== undefined ? (after(head, "name") ?? "") : (head[2] ?? "");
  const ns = after(head, "netns") ?? batchNs;
  const eff: Extract<Effect, { k: "link" }> = { k: "link", ns, name, kind };
  if (parentName !== undefined) eff.parent = { ns: batchNs, name: parentName };
  if (kind === "veth") eff.peer = { ns: after(tail, "netns") ?? batchNs, name: after(tail, "name") ?? "" };
  const mode = after(tail, "mode");
  if (mode) eff.mode = mode;
  const id = after(tail, "id");
  if (id) eff.vlanId = Number(id);
  return eff;
}

/** What an op does, read from its text. Texts nsnet did not write read as `other`. */
export function effectOf(step: OpStep): Effect {
  const ns = step.ns;
  if (step.tool === "sysctl") {
    const eq = step.text.indexOf("=");
    return { k: "sysctl", ns, key: step.text.slice(0, eq), value: step.text.slice(eq + 1) };
  }
  if (step.tool === "nft") return { k: "nft", ns };
  if (step.tool === "service") return { k: "service", ns };
  const w = step.text.split(" ");
  const [obj, verb] = w;
  if (obj === "netns") return verb === "add" ? { k: "netns", name: w[2]! } : { k: "netns-del", name: w[2]! };
  if (obj === "link" && verb === "add") return linkEffect(w, ns);
  if (obj === "link" && verb === "del") return { k: "link-del", ns, name: w[2]! };
  if (obj === "link" && verb === "set") {
    const dev = w[2]!;
    const op = w[3];
    if (op === "netns") {
      const to = w[4]!;
      return { k: "move", fromNs: ns, from: dev, ns: to === "1" ? HOST : to, name: after(w, "name") ?? dev };
    }
    if (op === "alias") return { k: "alias", ns, dev, alias: w.slice(4).join(" ") };
    if (op === "master") return { k: "master", ns, dev, master: w[4]! };
    if (op === "nomaster") return { k: "master", ns, dev, master: null };
    if (op === "up" || op === "down") return { k: "updown", ns, dev, up: op === "up" };
    if (op === "mtu") return { k: "mtu", ns, dev, mtu: Number(w[4]) };
    if (op === "address") return { k: "hwaddr", ns, dev, mac: w[4]! };
  }
  if (obj === "addr") return { k: "addr", ns, cidr: w[2]!, dev: after(w, "dev") ?? "", add: verb === "add" };
  if (obj === "route") {
    const eff: Extract<Effect, { k: "route" }> = { k: "route", ns, dst: w[2]!, add: verb === "add" };
    const via = after(w, "via");
    const dev = after(w, "dev");
    if (via) eff.via = via;
    if (dev) eff.dev = dev;
    return eff;
  }
  if (obj === "neigh") return { k: "proxy", ns, addr: w[3]!, dev: after(w, "dev") ?? "", add: verb === "add" };
  return { k: "other" };
}

/** The device a sysctl key is about (`net.ipv4.conf.DEV.proxy_arp` → DEV), if any. */
export function sysctlDev(key: string): string | undefined {
  const m = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(key);
  if (!m || m[1] === "all" || m[1] === "default") return undefined;
  return m[1]!.replaceAll("/", ".");
}

/** The devices (in the step's namespace) an op reads or changes, for subsumption. */
export function devicesTouched(e: Effect): string[] {
  switch (e.k) {
    case "alias":
    case "master":
    case "updown":
    case "mtu":
    case "hwaddr":
    case "addr":
    case "proxy":
      return [e.dev];
    case "route":
      return e.dev ? [e.dev] : [];
    case "sysctl": {
      const d = sysctlDev(e.key);
      return d ? [d] : [];
    }
    default:
      return [];
  }
}
