/**
 * `nsnet import lxc FILE`: the network keys of an LXC container config → an nsnet script.
 * Both spellings: the old `lxc.network.KEY` (each `lxc.network.type` starts the next
 * interface) and the new `lxc.net.N.KEY`. Per interface: type veth | macvlan | vlan | phys |
 * empty, link, flags, name, veth.pair, ipv4/ipv6 addresses (several, with or without a
 * prefix; the old form's broadcast after the address), ipv4/ipv6 gateways, hwaddr, mtu,
 * macvlan.mode, vlan.id. The namespace is named after lxc.uts.name (or lxc.utsname), else
 * the file. Keys that are not about the network are left out; a network key or value nsnet
 * cannot express is an error naming the key and its line. Pure; output in `nsnet fmt` form.
 */
import { formatSource } from "../fmt/format.js";
import { parseAddressOrCidr, broadcastAddress, formatCidr } from "../ipam/cidr.js";
import { formatIp, parseIp } from "../ipam/ip.js";
import { validateIfName, validateNsName } from "../model/names.js";
import { ImportError } from "./errors.js";

interface Setting {
  key: string;
  value: string;
  line: number;
}

interface Iface {
  /** where the interface was started (its type key) */
  start: Setting;
  settings: Setting[];
}

const TYPES = ["veth", "macvlan", "vlan", "phys", "empty", "none", "ipvlan"] as const;
const MACVLAN_MODES = ["private", "vepa", "bridge", "passthru"];

function parseLines(text: string): Setting[] {
  const out: Setting[] = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const eq = line.indexOf("=");
    if (eq < 0) throw new ImportError(line, i + 1, "expected KEY = VALUE");
    out.push({ key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim(), line: i + 1 });
  });
  return out;
}

/** Groups the network keys by interface; returns the other keys' names too. */
function interfaces(settings: Setting[]): { ifaces: Iface[]; uts?: Setting } {
  const byIndex = new Map<number, Iface>();
  const old: Iface[] = [];
  let uts: Setting | undefined;
  for (const s of settings) {
    if (s.key === "lxc.uts.name" || s.key === "lxc.utsname") uts = s;
    else if (s.key === "lxc.network" || s.key === "lxc.net") {
      if (s.value !== "") throw new ImportError(s.key, s.line, "only an empty value (clear every interface) is meaningful here");
      old.length = 0;
      byIndex.clear();
    } else if (s.key.startsWith("lxc.network.")) {
      const sub = s.key.slice("lxc.network.".length);
      if (sub === "type") old.push({ start: s, settings: [{ ...s, key: "type" }] });
      else {
        const cur = old[old.length - 1];
        if (!cur) throw new ImportError(s.key, s.line, "comes before any lxc.network.type (which starts an interface)");
        cur.settings.push({ ...s, key: sub });
      }
    } else {
      const m = /^lxc\.net\.(\d+)\.(.+)$/.exec(s.key);
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

const err = (s: Setting, fullKey: string, message: string) => new ImportError(fullKey, s.line, message);

export function importLxc(text: string, file: string, fallbackName: string): string {
  const all = parseLines(text);
  const { ifaces, uts } = interfaces(all);
  const fullKey = (s: Setting) => all.find((x) => x.line === s.line)?.key ?? s.key;
  const nsName = uts?.value ?? fallbackName;
  const bad = validateNsName(nsName);
  if (bad) {
    if (uts) throw err(uts, uts.key, `${JSON.stringify(nsName)} cannot name a namespace: ${bad}`);
    throw new ImportError("lxc.uts.name", 1, `no lxc.uts.name, and the file name ${JSON.stringify(nsName)} cannot name a namespace: ${bad}`);
  }
  const top = new Set<string>();
  const body: string[] = [];
  for (const [n, iface] of ifaces.entries()) body.push(...ifaceLines(iface, n, top, fullKey));
  const head = [`# imported by \`nsnet import lxc\` from ${file}: the network of container ${nsName}`];
  const src = [...head, ...top, `ns ${nsName} <`, ...body.map((l) => `  ${l}`), ">"].join("\n") + "\n";
  const { output, diagnostics } = formatSource(src, file);
  if (diagnostics.some((d) => d.severity === "error")) throw new Error(`internal: import lxc produced text that does not parse: ${diagnostics[0]!.message}`);
  return output;
}

function ifaceLines(iface: Iface, n: number, top: Set<string>, fullKey: (s: Setting) => string): string[] {
  const one = (key: string) => {
    const all = iface.settings.filter((s) => s.key === key);
    return all[all.length - 1];
  };
  const typeS = one("type");
  if (!typeS) throw err(iface.start, fullKey(iface.start).replace(/[^.]+$/, "type"), "an interface without a type");
  const type = typeS.value as (typeof TYPES)[number];
  if (!TYPES.includes(type)) throw err(typeS, fullKey(typeS), `unknown type ${JSON.stringify(typeS.value)} (veth, macvlan, vlan, phys, empty)`);
  if (type === "none") throw err(typeS, fullKey(typeS), "`none` shares the host's network; nsnet gives every container a namespace of its own");
  if (type === "ipvlan") throw err(typeS, fullKey(typeS), "ipvlan is not one of the LXC types nsnet imports (veth, macvlan, vlan, phys, empty)");

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
  for (const s of iface.settings) if (!known.has(s.key)) throw err(s, fullKey(s), "nsnet cannot express this key");
  if (type === "empty") {
    const extra = iface.settings.find((s) => s.key !== "type" && s.key !== "flags");
    if (extra) throw err(extra, fullKey(extra), "an `empty` interface has only the loopback device");
    return ["# type empty: only the loopback device (always up in an nsnet namespace)"];
  }

  const nameS = one("name");
  const name = nameS?.value ?? `eth${n}`;
  if (nameS) {
    const why = validateIfName(name);
    if (why) throw err(nameS, fullKey(nameS), `not a valid interface name: ${why}`);
  }
  const link = one("link");
  const word = (s: Setting | undefined, what: string) => {
    if (!s) return undefined;
    const why = validateIfName(s.value);
    if (why) throw err(s, fullKey(s), `${JSON.stringify(s.value)} is not a valid ${what}: ${why}`);
    return s.value;
  };
  const attrs: string[] = [];
  const mtuS = one("mtu");
  if (mtuS) {
    if (!/^\d+$/.test(mtuS.value) || Number(mtuS.value) < 68 || Number(mtuS.value) > 65535)
      throw err(mtuS, fullKey(mtuS), `${JSON.stringify(mtuS.value)} is not an MTU (68–65535)`);
    attrs.push(`mtu ${Number(mtuS.value)}`);
  }
  const hwS = one("hwaddr");
  if (hwS) {
    if (/x/i.test(hwS.value)) throw err(hwS, fullKey(hwS), `${hwS.value}: LXC fills the 'x' digits at random on every start; nsnet needs the whole address`);
    if (!/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/.test(hwS.value) || parseInt(hwS.value.slice(0, 2), 16) % 2 === 1)
      throw err(hwS, fullKey(hwS), `${JSON.stringify(hwS.value)} is not a unicast MAC address`);
    attrs.push(`hwaddr ${hwS.value.toLowerCase()}`);
  }
  const tail = attrs.length ? ` ${attrs.join(" ")}` : "";
  const lines: string[] = [];
  switch (type) {
    case "veth": {
      const pair = word(one("veth.pair"), "host-side name (veth.pair)");
      const br = word(link, "bridge name");
      if (br) top.add(`bridge ${br}`);
      lines.push(`veth${pair ? ` ${pair}` : ""} as ${name}${br ? ` to ${br}` : ""}${tail}`);
      break;
    }
    case "macvlan": {
      const parent = word(link, "parent device");
      if (!parent || !link) throw err(typeS, fullKey(typeS).replace(/type$/, "link"), "a macvlan needs link (its parent device)");
      const modeS = one("macvlan.mode");
      const mode = modeS?.value ?? "private";
      if (!MACVLAN_MODES.includes(mode)) throw err(modeS!, fullKey(modeS!), `unknown macvlan mode ${JSON.stringify(mode)} (${MACVLAN_MODES.join(", ")})`);
      top.add(`uplink ${parent}`);
      lines.push(`macvlan on ${parent} mode ${mode} as ${name}${tail}`);
      break;
    }
    case "vlan": {
      const parent = word(link, "parent device");
      if (!parent) throw err(typeS, fullKey(typeS).replace(/type$/, "link"), "a vlan needs link (its parent device)");
      const idS = one("vlan.id");
      if (!idS) throw err(typeS, fullKey(typeS).replace(/type$/, "vlan.id"), "a vlan needs vlan.id");
      if (!/^\d+$/.test(idS.value) || Number(idS.value) < 1 || Number(idS.value) > 4094)
        throw err(idS, fullKey(idS), `${JSON.stringify(idS.value)} is not a VLAN id (1–4094)`);
      top.add(`uplink ${parent}`);
      lines.push(`vlan ${Number(idS.value)} on ${parent} as ${name}${tail}`);
      break;
    }
    case "phys": {
      const dev = word(link, "device");
      if (!dev) throw err(typeS, fullKey(typeS).replace(/type$/, "link"), "a phys interface needs link (the host device to move in)");
      lines.push(`move ${dev} as ${name}${tail}`);
      break;
    }
  }
  for (const fam of [4, 6] as const) {
    for (const s of iface.settings.filter((x) => x.key === `ipv${fam}` || x.key === `ipv${fam}.address`)) {
      for (const a of addresses(s, fam, fullKey(s))) lines.push(`addr ${a} on ${name}`);
    }
    const gw = one(`ipv${fam}.gateway`);
    if (gw) {
      if (gw.value === "auto") throw err(gw, fullKey(gw), "`auto` (the address of the host bridge) is not known here; write the gateway's address");
      if (gw.value === "dev") lines.push(`route default dev ${name}`);
      else {
        const ip = parseIp(gw.value);
        if (!ip || ip.family !== fam) throw err(gw, fullKey(gw), `${JSON.stringify(gw.value)} is not an IPv${fam} address`);
        lines.push(`route default via ${formatIp(ip.family, ip.addr)}`);
      }
    }
  }
  const flags = one("flags");
  if (flags && flags.value !== "up") throw err(flags, fullKey(flags), `${JSON.stringify(flags.value)}: the only flag is \`up\``);
  if (!flags) lines.push(`down ${name}`); // LXC leaves an interface without `flags = up` down
  return lines;
}

/** `ADDR[/PREFIX] [BROADCAST]` (the old form may name the broadcast, which must be the usual one). */
function addresses(s: Setting, fam: 4 | 6, key: string): string[] {
  const words = s.value.split(/\s+/).filter(Boolean);
  if (words.length === 0) throw err(s, key, "no address");
  if (words.length > 2) throw err(s, key, "expected ADDRESS[/PREFIX] [BROADCAST]");
  const p = parseAddressOrCidr(words[0]!);
  if (!p || p.cidr.family !== fam) throw err(s, key, `${JSON.stringify(words[0])} is not an IPv${fam} address`);
  if (words[1] !== undefined) {
    const b = parseIp(words[1]);
    if (fam !== 4 || !b || b.addr !== broadcastAddress(p.cidr)) throw err(s, key, `broadcast ${words[1]} is not the subnet's own; nsnet sets the usual one`);
  }
  return [p.hadPrefix ? formatCidr(p.cidr) : formatIp(p.cidr.family, p.cidr.addr)];
}
