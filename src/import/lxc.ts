/**
 * `nsnet import lxc FILE`: the network keys of an LXC container config → an nsnet script.
 * Both spellings: the old `lxc.network.KEY` (each `lxc.network.type` starts the next
 * interface) and the new `lxc.net.N.KEY`. Per interface: type veth | macvlan | vlan | phys |
 * empty, link, flags, name, veth.pair, ipv4/ipv6 addresses (several, with or without a
 * prefix; the old form's broadcast after the address), ipv4/ipv6 gateways, hwaddr, mtu,
 * macvlan.mode, vlan.id. The namespace is named after lxc.uts.name (or lxc.utsname), else
 * the file. A veth's `link` is a bridge someone else made (lxc-net's lxcbr0): it becomes
 * `bridge NAME existing` — ports attached, never created or deleted — unless asked to let
 * nsnet create the bridges. Keys that are not about the network are left out; a network key
 * or value nsnet cannot express, and any name outside the allowlist, is an error naming the
 * key and its line. Pure; the script is built as a tree and printed by the formatter.
 */
import type * as A from "../ast/nodes.js";
import { parseAddressOrCidr, broadcastAddress, formatCidr } from "../ipam/cidr.js";
import { formatIp, parseIp } from "../ipam/ip.js";
import { ipLinkKeyword, validateIfName, validateNsName } from "../model/names.js";
import { ImportError, type ImportProblem } from "./errors.js";
import { ifRef, linkAttrs, SourceWriter, stmt, word, kw, num, type Unplaced } from "./ast.js";

interface Setting {
  /** the key as written (`lxc.net.0.name`) */
  full: string;
  /** the interface's own key (`name`) */
  key: string;
  value: string;
  line: number;
  /** 1-based columns where the key and the value start */
  keyColumn: number;
  column: number;
}

interface Iface {
  /** where the interface was started (its type key) */
  start: Setting;
  settings: Setting[];
}

export interface LxcImportOptions {
  /** the namespace's name when the config has no lxc.uts.name (the container's directory) */
  fallbackName: string;
  /** write `bridge NAME` (nsnet creates and owns it) instead of `bridge NAME existing` */
  createBridges?: boolean;
}

const TYPES = ["veth", "macvlan", "vlan", "phys", "empty", "none", "ipvlan"] as const;
const MACVLAN_MODES = ["private", "vepa", "bridge", "passthru"] as const;
/** Words the grammar reads as a veth's own right after `veth`, where the far end's name stands. */
const AFTER_VETH = new Set(["pair", "as", "to", "peer", "mtu", "hwaddr", "hairpin"]);

/** An error at a setting: the caret under its value, or under its key when the key is the problem. */
function refuse(s: Setting, problem: ImportProblem, at: "key" | "value" = "value"): ImportError {
  return at === "value" && s.value !== ""
    ? new ImportError(s.full, s.line, problem, s.column, s.value.length)
    : new ImportError(s.full, s.line, problem, s.keyColumn, s.full.length);
}

function parseLines(text: string): Setting[] {
  const out: Setting[] = [];
  text.split("\n").forEach((rawLine, i) => {
    const raw = rawLine.replace(/\r$/, ""); // a config written on Windows
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const eq = raw.indexOf("=");
    if (eq < 0) throw new ImportError(line, i + 1, { code: "NS242", reason: "expected KEY = VALUE" }, raw.length - raw.trimStart().length + 1, line.length);
    const full = raw.slice(0, eq).trim();
    const after = raw.slice(eq + 1);
    const value = after.trim();
    const column = eq + 2 + (after.length - after.trimStart().length);
    const keyColumn = raw.length - raw.trimStart().length + 1;
    out.push({ full, key: full, value, line: i + 1, keyColumn, column });
  });
  return out;
}

/** Groups the network keys by interface; the uts name too. */
function interfaces(settings: Setting[]): { ifaces: Iface[]; uts?: Setting } {
  const byIndex = new Map<number, Iface>();
  const old: Iface[] = [];
  let uts: Setting | undefined;
  for (const s of settings) {
    if (s.full === "lxc.uts.name" || s.full === "lxc.utsname") uts = s;
    else if (s.full === "lxc.network" || s.full === "lxc.net") {
      if (s.value !== "") throw refuse(s, { code: "NS241", reason: "only an empty value (clear every interface) is meaningful here" });
      old.length = 0;
      byIndex.clear();
    } else if (s.full.startsWith("lxc.network.")) {
      const sub = s.full.slice("lxc.network.".length);
      if (sub === "type") old.push({ start: s, settings: [{ ...s, key: "type" }] });
      else {
        const cur = old[old.length - 1];
        if (!cur) throw refuse(s, { code: "NS242", reason: "comes before any lxc.network.type (which starts an interface)" }, "key");
        cur.settings.push({ ...s, key: sub });
      }
    } else {
      const m = /^lxc\.net\.(\d+)\.(.+)$/.exec(s.full);
      if (!m) continue;
      const n = Number(m[1]);
      let cur = byIndex.get(n);
      if (!cur) byIndex.set(n, (cur = { start: s, settings: [] }));
      if (m[2] === "type") cur.start = s;
      cur.settings.push({ ...s, key: m[2]! });
    }
  }
  const numbered = [...byIndex.entries()].sort((a, b) => a[0] - b[0]).map(([, i]) => i);
  return { ifaces: [...old, ...numbered], ...(uts ? { uts } : {}) };
}

/** An interface name: the allowlist, the kernel's rules, and not a word `ip link` reads as its own. */
function ifNameProblem(name: string): string | null {
  const why = validateIfName(name);
  if (why) return why;
  const keyword = ipLinkKeyword(name);
  return keyword ? `\`ip link\` would read it as its keyword \`${keyword}\`` : null;
}

/** What the interfaces need at the top level, in the order they first need it. */
class TopLevel {
  readonly bridges = new Map<string, boolean>();
  readonly uplinks = new Set<string>();
  bridge(name: string, existing: boolean): void {
    if (!this.bridges.has(name)) this.bridges.set(name, existing);
    this.uplinks.delete(name);
  }
  uplink(name: string): void {
    if (!this.bridges.has(name)) this.uplinks.add(name);
  }
}

export function importLxc(text: string, file: string, opts: LxcImportOptions): string {
  const all = parseLines(text);
  const { ifaces, uts } = interfaces(all);
  const nsName = uts?.value ?? opts.fallbackName;
  const bad = validateNsName(nsName);
  if (bad) {
    if (uts) throw refuse(uts, { code: "NS240", value: nsName, what: "namespace name", reason: bad });
    throw new ImportError(
      "lxc.uts.name",
      1,
      { code: "NS240", value: nsName, what: "namespace name (from the file's name; the config has no lxc.uts.name)", reason: bad },
      1,
      1,
    );
  }
  const top = new TopLevel();
  const bodies = ifaces.map((iface, n) => ifaceStatements(iface, n, top, !opts.createBridges));

  const w = new SourceWriter(file);
  w.comment(`imported by \`nsnet import lxc\` from ${file}: the network of container ${nsName}`);
  for (const [name, existing] of top.bridges) {
    if (existing) w.comment(`lxc.net.N.link ${name}: LXC's bridge, used as it is (nsnet never creates or deletes it)`);
    w.add(stmt.bridge(name, existing));
  }
  for (const name of top.uplinks) w.add(stmt.uplink(name));
  w.block(stmt.ns(nsName), () => {
    for (const b of bodies) {
      if (b.comment) w.comment(b.comment);
      for (const s of b.statements) w.add(s);
    }
  });
  return w.print();
}

interface IfaceBody {
  comment?: string;
  statements: Unplaced[];
}

function ifaceStatements(iface: Iface, n: number, top: TopLevel, existingBridges: boolean): IfaceBody {
  const one = (key: string) => {
    const all = iface.settings.filter((s) => s.key === key);
    return all[all.length - 1];
  };
  const keyFor = (sub: string) => iface.start.full.replace(/[^.]+$/, sub);
  const missing = (sub: string, reason: string) =>
    new ImportError(keyFor(sub), iface.start.line, { code: "NS242", reason }, iface.start.keyColumn, iface.start.full.length);
  const typeS = one("type");
  if (!typeS) throw missing("type", "an interface without a type");
  const type = typeS.value as (typeof TYPES)[number];
  if (!TYPES.includes(type)) throw refuse(typeS, { code: "NS241", reason: `unknown type ${JSON.stringify(typeS.value)} (veth, macvlan, vlan, phys, empty)` });
  if (type === "none") throw refuse(typeS, { code: "NS241", reason: "`none` shares the host's network; nsnet gives every container a namespace of its own" });
  if (type === "ipvlan") throw refuse(typeS, { code: "NS241", reason: "ipvlan is not one of the LXC types nsnet imports (veth, macvlan, vlan, phys, empty)" });

  const known = new Set([
    "type",
    "link",
    "flags",
    "name",
    "veth.pair",
    "ipv4",
    "ipv4.address",
    "ipv4.gateway",
    "ipv6",
    "ipv6.address",
    "ipv6.gateway",
    "hwaddr",
    "mtu",
    "macvlan.mode",
    "vlan.id",
  ]);
  for (const s of iface.settings) if (!known.has(s.key)) throw refuse(s, { code: "NS241", reason: "nsnet cannot express this key" }, "key");
  if (type === "empty") {
    const extra = iface.settings.find((s) => s.key !== "type" && s.key !== "flags");
    if (extra) throw refuse(extra, { code: "NS241", reason: "an `empty` interface has only the loopback device" }, "key");
    return { comment: "type empty: only the loopback device (always up in an nsnet namespace)", statements: [] };
  }

  const nameOf = (s: Setting | undefined, what: string): string | undefined => {
    if (!s) return undefined;
    const why = ifNameProblem(s.value);
    if (why) throw refuse(s, { code: "NS240", value: s.value, what, reason: why });
    return s.value;
  };
  const name = nameOf(one("name"), "interface name") ?? `eth${n}`;
  const link = one("link");
  const mtuS = one("mtu");
  let mtu: number | undefined;
  if (mtuS) {
    if (!/^\d+$/.test(mtuS.value) || Number(mtuS.value) < 68 || Number(mtuS.value) > 65535)
      throw refuse(mtuS, { code: "NS242", reason: `${JSON.stringify(mtuS.value)} is not an MTU (68–65535)` });
    mtu = Number(mtuS.value);
  }
  const hwS = one("hwaddr");
  let hwaddr: string | undefined;
  if (hwS) {
    if (/x/i.test(hwS.value))
      throw refuse(hwS, { code: "NS241", reason: `${hwS.value}: LXC fills the 'x' digits at random on every start; nsnet needs the whole address` });
    if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(hwS.value) || parseInt(hwS.value.slice(0, 2), 16) % 2 === 1)
      throw refuse(hwS, { code: "NS242", reason: `${JSON.stringify(hwS.value)} is not a unicast MAC address` });
    hwaddr = hwS.value.toLowerCase();
  }
  const attrs = linkAttrs({ ...(mtu !== undefined ? { mtu } : {}), ...(hwaddr !== undefined ? { hwaddr } : {}) });
  const as = word(name);
  const out: Unplaced[] = [];
  switch (type) {
    case "veth": {
      const pairS = one("veth.pair");
      const pair = nameOf(pairS, "host-side name (veth.pair)");
      // right after `veth` these words are the statement's own (`veth pair`, `veth as eth0`)
      if (pairS && pair && AFTER_VETH.has(pair))
        throw refuse(pairS, {
          code: "NS240",
          value: pair,
          what: "host-side name (veth.pair)",
          reason: `nsnet reads \`${pair}\` after \`veth\` as its keyword`,
        });
      const br = nameOf(link, "bridge name");
      if (br) top.bridge(br, existingBridges);
      out.push({
        type: "Veth",
        keyword: kw,
        pair: false,
        ...(pair ? { farName: word(pair) } : {}),
        as,
        ...(br ? { to: ifRef(br) } : {}),
        ...attrs,
      } as Unplaced<A.VethStmt>);
      break;
    }
    case "macvlan": {
      const parent = nameOf(link, "parent device");
      if (!parent) throw missing("link", "a macvlan needs link (its parent device)");
      const modeS = one("macvlan.mode");
      const mode = (modeS?.value ?? "private") as (typeof MACVLAN_MODES)[number];
      if (!MACVLAN_MODES.includes(mode))
        throw refuse(modeS!, { code: "NS241", reason: `unknown macvlan mode ${JSON.stringify(mode)} (${MACVLAN_MODES.join(", ")})` });
      top.uplink(parent);
      out.push({ type: "Macvlan", keyword: kw, parent: ifRef(parent), mode: { value: mode, span: kw }, as, ...attrs });
      break;
    }
    case "vlan": {
      const parent = nameOf(link, "parent device");
      if (!parent) throw missing("link", "a vlan needs link (its parent device)");
      const idS = one("vlan.id");
      if (!idS) throw missing("vlan.id", "a vlan needs vlan.id");
      if (!/^\d+$/.test(idS.value) || Number(idS.value) < 1 || Number(idS.value) > 4094)
        throw refuse(idS, { code: "NS242", reason: `${JSON.stringify(idS.value)} is not a VLAN id (1–4094)` });
      top.uplink(parent);
      out.push({ type: "Vlan", keyword: kw, id: num(Number(idS.value)), parent: ifRef(parent), as, ...attrs });
      break;
    }
    case "phys": {
      const dev = nameOf(link, "device");
      if (!dev) throw missing("link", "a phys interface needs link (the host device to move in)");
      out.push({ type: "Move", keyword: kw, dev: ifRef(dev), as, ...attrs });
      break;
    }
  }
  for (const fam of [4, 6] as const) {
    for (const s of iface.settings.filter((x) => x.key === `ipv${fam}` || x.key === `ipv${fam}.address`)) {
      for (const a of addresses(s, fam)) out.push(stmt.addr(a, name));
    }
    const gw = one(`ipv${fam}.gateway`);
    if (gw) {
      if (gw.value === "auto")
        throw refuse(gw, { code: "NS241", reason: "`auto` (the address of the host bridge) is not known here; write the gateway's address" });
      if (gw.value === "dev") out.push(stmt.route("default", { dev: name }));
      else {
        const ip = parseIp(gw.value);
        if (!ip || ip.family !== fam) throw refuse(gw, { code: "NS242", reason: `${JSON.stringify(gw.value)} is not an IPv${fam} address` });
        out.push(stmt.route("default", { via: formatIp(ip.family, ip.addr) }));
      }
    }
  }
  const flags = one("flags");
  if (flags && flags.value !== "up") throw refuse(flags, { code: "NS241", reason: `${JSON.stringify(flags.value)}: the only flag is \`up\`` });
  if (!flags) out.push(stmt.down(name)); // LXC leaves an interface without `flags = up` down
  return { statements: out };
}

/** `ADDR[/PREFIX] [BROADCAST]` (the old form may name the broadcast, which must be the usual one). */
function addresses(s: Setting, fam: 4 | 6): string[] {
  const words = s.value.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw refuse(s, { code: "NS242", reason: "no address" });
  if (words.length > 2) throw refuse(s, { code: "NS242", reason: "expected ADDRESS[/PREFIX] [BROADCAST]" });
  const p = parseAddressOrCidr(words[0]!);
  if (!p || p.cidr.family !== fam) throw refuse(s, { code: "NS242", reason: `${JSON.stringify(words[0])} is not an IPv${fam} address` });
  if (words[1] !== undefined) {
    const b = parseIp(words[1]);
    if (fam !== 4 || !b || b.addr !== broadcastAddress(p.cidr))
      throw refuse(s, { code: "NS241", reason: `broadcast ${words[1]} is not the subnet's own; nsnet sets the usual one` });
  }
  return [p.hadPrefix ? formatCidr(p.cidr) : formatIp(p.cidr.family, p.cidr.addr)];
}
