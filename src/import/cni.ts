/**
 * `nsnet import cni FILE`: a netconf or conflist → an nsnet script for the same network.
 * - the reference `bridge` plugin with host-local (what `nsnet cni` also takes as a drop-in):
 *   a pool per range set (the gateway reserved, and the addresses outside rangeStart–
 *   rangeEnd), the bridge with the gateway address (isGateway), masquerade (ipMasq) out of
 *   the uplink, and a def that attaches one namespace as ADD would: a veth to the bridge,
 *   an address from each pool, the routes;
 * - nsnet's own form: its script, and its container body as a def.
 * Other plugins of a conflist that only adjust an attachment (tuning, portmap, bandwidth,
 * firewall) are named in a comment; a key nsnet cannot express is an error naming it and
 * the line it is on. Pure (the caller reads the file); the output is in `nsnet fmt` form.
 */
import { formatSource } from "../fmt/format.js";
import { formatIp } from "../ipam/ip.js";
import { networkAddress } from "../ipam/cidr.js";
import { CniError } from "../cni/errors.js";
import { parseNetconf, type BridgeConf } from "../cni/netconf.js";
import type { Range } from "../cni/host-local.js";
import { ImportError, identFrom } from "./errors.js";

/** How many addresses outside rangeStart–rangeEnd may be spelt out as `reserve`s. */
const MAX_RESERVES = 256;
const ADJUSTING = new Set(["tuning", "portmap", "bandwidth", "firewall", "sbr"]);

/** The line a JSON key first appears on (for messages about it). */
function lineOf(text: string, key: string): number {
  const at = text.indexOf(`"${key}"`);
  return at < 0 ? 1 : text.slice(0, at).split("\n").length;
}

export function importCni(text: string, file: string, opts: { uplink?: string } = {}): string {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ImportError("(json)", 1, `not JSON: ${(e as Error).message}`);
  }
  const plugins = Array.isArray(json.plugins) ? (json.plugins as Record<string, unknown>[]) : [json];
  const main = plugins.filter((p) => !ADJUSTING.has(String(p.type)));
  if (main.length !== 1) {
    throw new ImportError(
      "plugins",
      lineOf(text, "plugins"),
      `expected one interface plugin (bridge or nsnet), found ${main.length}: ${main.map((p) => String(p.type)).join(", ") || "none"}`,
    );
  }
  const plugin = main[0]!;
  const others = plugins.filter((p) => p !== plugin).map((p) => String(p.type));
  const netconf = { cniVersion: json.cniVersion, name: json.name, ...plugin };
  let conf;
  try {
    conf = parseNetconf(JSON.stringify(netconf));
  } catch (e) {
    if (e instanceof CniError) {
      const key = /^([A-Za-z.]+)/.exec(e.details)?.[1] ?? "netconf";
      throw new ImportError(key, lineOf(text, key.split(".").pop()!), e.details);
    }
    throw e;
  }
  const head = [
    `# imported by \`nsnet import cni\` from ${file}: CNI network "${conf.name}" (${conf.mode === "bridge" ? "bridge with host-local" : "nsnet"})`,
    ...(others.length ? [`# not imported, they adjust each attachment at ADD time: ${others.join(", ")}`] : []),
  ];
  const body = conf.mode === "nsnet" ? nsnetForm(conf.name, conf.script, conf.container) : bridgeForm(conf, text, opts.uplink ?? "eth0");
  const { output, diagnostics } = formatSource([...head, ...body].join("\n") + "\n", file);
  if (diagnostics.some((d) => d.severity === "error")) throw new Error(`internal: import cni produced text that does not parse: ${diagnostics[0]!.message}`);
  return output;
}

function nsnetForm(name: string, script: string, container: string): string[] {
  const def = identFrom(name, "net");
  return [
    script.trim(),
    "",
    `# the container part: \`${def}(NAME, "eth0")\` attaches namespace NAME as ADD would`,
    `def ${def}(containerid, ifname) <`,
    `  ns $containerid <`,
    ...container
      .split(/\n|;/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => `    ${l}`),
    `  >`,
    `>`,
  ];
}

function ip(r: Range, a: bigint): string {
  return formatIp(r.subnet.family, a);
}

function bridgeForm(conf: BridgeConf, text: string, uplink: string): string[] {
  if (conf.hairpinMode) throw new ImportError("hairpinMode", lineOf(text, "hairpinMode"), "nsnet has no hairpin setting for a bridge port");
  if (!conf.ipam)
    throw new ImportError("ipam", lineOf(text, "bridge"), "a bridge without ipam (layer 2 only) has nothing nsnet would address; use `bridge NAME` by hand");
  const def = identFrom(conf.name, "net");
  const out: string[] = [];
  const pools: { name: string; range: Range }[] = [];
  conf.ipam.ranges.forEach((set, i) => {
    if (set.length !== 1) throw new ImportError("ranges", lineOf(text, "ranges"), `range set ${i} has ${set.length} ranges; an nsnet pool is one block`);
    const r = set[0]!;
    const net = networkAddress(r.subnet);
    const last = net + (1n << BigInt((r.subnet.family === 4 ? 32 : 128) - r.subnet.prefix)) - 1n;
    const reserved = [r.gateway];
    const firstHost = net + 1n;
    const lastHost = r.subnet.family === 4 ? last - 1n : last;
    const outside = r.start - firstHost + (lastHost - r.end);
    if (outside > BigInt(MAX_RESERVES)) {
      throw new ImportError(
        r.start !== firstHost ? "rangeStart" : "rangeEnd",
        lineOf(text, r.start !== firstHost ? "rangeStart" : "rangeEnd"),
        `leaves ${outside} addresses of ${ip(r, net)}/${r.subnet.prefix} out; nsnet pools reserve single addresses (at most ${MAX_RESERVES} here)`,
      );
    }
    for (let a = firstHost; a < r.start; a++) reserved.push(a);
    for (let a = r.end + 1n; a <= lastHost; a++) reserved.push(a);
    const name = conf.ipam!.ranges.length === 1 ? def : `${def}_${i}`;
    pools.push({ name, range: r });
    const inSubnet = reserved.filter((a) => a > net && a <= last);
    out.push(`# ipam host-local: ${ip(r, r.start)}–${ip(r, r.end)} of ${ip(r, net)}/${r.subnet.prefix}, gateway ${ip(r, r.gateway)} (never handed out)`);
    out.push(`pool ${name} ${ip(r, net)}/${r.subnet.prefix}${inSubnet.length ? ` reserve ${[...new Set(inSubnet)].map((a) => ip(r, a)).join(" ")}` : ""}`);
  });
  const gws = pools.map((p) => `${ip(p.range, p.range.gateway)}/${p.range.subnet.prefix}`);
  out.push(`# "bridge": "${conf.bridge}"${conf.isGateway ? ", isGateway: the gateway address on the bridge" : ""}`);
  out.push(`bridge ${conf.bridge}${conf.isGateway ? ` < ${gws.map((g) => `addr ${g}`).join("; ")} >` : ""}`);
  if (conf.ipMasq) {
    out.push(`# ipMasq: the plugin masquerades the subnet out of any interface; nsnet names the way out (change ${uplink} if yours differs)`);
    out.push(`uplink ${uplink}`, `nat from ${conf.bridge} to ${uplink}`);
  }
  const routes: string[] = [];
  for (const r of conf.ipam.routes) {
    const v6 = r.dst.includes(":");
    const gw = r.gw ?? pools.find((p) => (p.range.subnet.family === 6) === v6)?.range;
    const via = typeof gw === "string" ? gw : gw ? ip(gw, gw.gateway) : undefined;
    const dst = r.dst === "0.0.0.0/0" || r.dst === "::/0" ? "default" : r.dst;
    routes.push(`route ${dst}${via ? ` via ${via}` : ` dev $ifname`}`);
  }
  if (conf.isDefaultGateway)
    for (const p of pools) {
      const v6 = p.range.subnet.family === 6;
      const has = conf.ipam.routes.some((r) => r.gw !== undefined && r.dst === (v6 ? "::/0" : "0.0.0.0/0"));
      if (!has) routes.push(`route default via ${ip(p.range, p.range.gateway)}`);
    }
  out.push(
    "",
    `# what ADD does for one container: \`${def}(NAME)\` attaches namespace NAME (its eth0)`,
    `def ${def}(name) <`,
    `  ns $name <`,
    `    veth as eth0 to ${conf.bridge}${conf.mtu ? ` mtu ${conf.mtu}` : ""}`,
    ...pools.map((p) => `    addr auto from ${p.name}`),
    ...[...new Set(routes)].map((r) => `    ${r.replace("$ifname", "eth0")}`),
    `  >`,
    `>`,
  );
  return out;
}
