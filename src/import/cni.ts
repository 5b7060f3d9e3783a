/**
 * `nsnet import cni FILE`: a netconf or conflist → an nsnet script for the same network.
 * - the reference `bridge` plugin with host-local (what `nsnet cni` also takes as a drop-in):
 *   a pool per range set — the gateway reserved, and the addresses outside rangeStart–
 *   rangeEnd as `reserve FIRST-LAST` ranges, so the first container gets rangeStart as with
 *   host-local —, the bridge with the gateway address (isGateway), masquerade (ipMasq) out
 *   of the uplink, and a def that attaches one namespace as ADD would: a veth to the bridge
 *   (`hairpin` with hairpinMode, as the plugin sets it on the port), an address from each
 *   pool, the routes;
 * - nsnet's own form: its script, and its container body as a def (both parsed, then
 *   printed again: nothing of them is pasted).
 * Other plugins of a conflist that only adjust an attachment (tuning, portmap, bandwidth,
 * firewall) are named in a comment; a key nsnet cannot express is an error naming it and
 * the line it is on. Pure (the caller reads the file); the script is built as a tree and
 * printed by the formatter, so every value is one word of it.
 */
import type * as A from "../ast/nodes.js";
import { formatIp, parseIp } from "../ipam/ip.js";
import { formatCidr, networkAddress, parseCidr } from "../ipam/cidr.js";
import { CNI_CODE, CniError } from "../cni/errors.js";
import { parseNetconf, type BridgeConf, type NsnetConf } from "../cni/netconf.js";
import type { Range } from "../cni/host-local.js";
import { parse } from "../syntax/parse.js";
import { ipLinkKeyword, validateIfName } from "../model/names.js";
import { ImportError, identFrom } from "./errors.js";
import { ifRef, kw, linkAttrs, SourceWriter, stmt, variable, word, type Unplaced } from "./ast.js";

const ADJUSTING = new Set(["tuning", "portmap", "bandwidth", "firewall", "sbr"]);

/** Where a JSON key first appears as a key (line, column of its opening quote), for messages about it. */
function whereIs(text: string, key: string): { line: number; column: number; length: number } {
  const m = new RegExp(`"${key.replace(/[^A-Za-z0-9]/g, "\\$&")}"\\s*:`).exec(text);
  if (!m) return { line: 1, column: 1, length: 1 };
  const before = text.slice(0, m.index);
  const line = before.split("\n").length;
  return { line, column: m.index - before.lastIndexOf("\n"), length: key.length + 2 };
}

/** Where the string value of a key starts, for a caret under the value itself. */
function valueAt(text: string, key: string): { line: number; column: number; length: number } {
  const k = whereIs(text, key);
  const lineText = text.split("\n")[k.line - 1] ?? "";
  const m = /:\s*"((?:[^"\\]|\\.)*)"/.exec(lineText.slice(k.column - 1));
  return m ? { line: k.line, column: k.column + m.index + m[0].indexOf('"') + 1, length: Math.max(1, m[1]!.length) } : k;
}

const problemAt = (text: string, key: string, code: "NS241" | "NS242", reason: string): ImportError => {
  const w = whereIs(text, key.split(".").pop()!);
  return new ImportError(key, w.line, { code, reason }, w.column, w.length);
};

export interface CniImportOptions {
  /** the host interface masquerade goes out of (ipMasq); the plugin masquerades out of any */
  uplink?: string;
}

export function importCni(text: string, file: string, opts: CniImportOptions = {}): string {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new ImportError("(json)", 1, { code: "NS242", reason: `not JSON: ${(e as Error).message}` });
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new ImportError("(json)", 1, { code: "NS242", reason: "not a JSON object" });
  const plugins = Array.isArray(json.plugins) ? (json.plugins as Record<string, unknown>[]) : [json];
  const main = plugins.filter((p) => !ADJUSTING.has(String(p?.type)));
  if (main.length !== 1) {
    throw problemAt(
      text,
      "plugins",
      "NS241",
      `expected one interface plugin (bridge or nsnet), found ${main.length}: ${main.map((p) => String(p?.type)).join(", ") || "none"}`,
    );
  }
  const plugin = main[0]!;
  const others = plugins.filter((p) => p !== plugin).map((p) => String(p?.type));
  // the bridge's name is refused here, at its value, by the allowlist every entry keeps to
  if (typeof plugin.bridge === "string") {
    const why =
      validateIfName(plugin.bridge) ?? (ipLinkKeyword(plugin.bridge) ? `\`ip link\` would read it as its keyword \`${ipLinkKeyword(plugin.bridge)}\`` : null);
    if (why) {
      const v = valueAt(text, "bridge");
      throw new ImportError("bridge", v.line, { code: "NS240", value: plugin.bridge, what: "bridge name", reason: why }, v.column, v.length);
    }
  }
  const netconf = { cniVersion: json.cniVersion, name: json.name, ...plugin };
  let conf;
  try {
    conf = parseNetconf(JSON.stringify(netconf));
  } catch (e) {
    if (e instanceof CniError) {
      const key = /^([A-Za-z.]+)/.exec(e.details)?.[1] ?? "netconf";
      // an unsupported field is something nsnet cannot express; the rest, a malformed netconf
      throw problemAt(text, key, e.code === CNI_CODE.unsupportedField || e.code === CNI_CODE.incompatibleVersion ? "NS241" : "NS242", e.details);
    }
    throw e;
  }
  const w = new SourceWriter(file);
  w.comment(`imported by \`nsnet import cni\` from ${file}: CNI network "${conf.name}" (${conf.mode === "bridge" ? "bridge with host-local" : "nsnet"})`);
  if (others.length) w.comment(`not imported, they adjust each attachment at ADD time: ${others.join(", ")}`);
  if (conf.mode === "nsnet") nsnetForm(w, conf, text);
  else bridgeForm(w, conf, text, opts.uplink ?? "eth0");
  return w.print();
}

/** nsnet source from the netconf, parsed: its statements, or an error at the key. */
function statementsOf(source: string, key: string, text: string): A.Statement[] {
  const p = parse(source, `<${key}>`);
  const bad = p.diagnostics.find((d) => d.severity === "error");
  if (bad) throw problemAt(text, key, "NS242", `not nsnet source: line ${bad.span.start.line}:${bad.span.start.column}: ${bad.message}`);
  return p.script.body;
}

function nsnetForm(w: SourceWriter, conf: NsnetConf, text: string): void {
  const def = identFrom(conf.name, "net");
  if (conf.script) w.adopt(statementsOf(conf.script, "script", text));
  else w.comment(`the host part is read from ${conf.scriptFile} at ADD; \`use\` it, or copy it here`);
  const container = statementsOf(conf.container, "container", text);
  w.gap();
  w.comment(`the container part: \`${def}(NAME, "eth0")\` attaches namespace NAME as ADD would`);
  w.block(stmt.def(def, ["containerid", "ifname"]), () => w.block(stmt.ns(variable("containerid")), () => w.adopt(container)));
}

const ip = (r: Range, a: bigint): string => formatIp(r.subnet.family, a);
/** `A`, or `A-B` for a run of addresses. */
const run = (r: Range, a: bigint, b: bigint): string => (a === b ? ip(r, a) : `${ip(r, a)}-${ip(r, b)}`);

function bridgeForm(w: SourceWriter, conf: BridgeConf, text: string, uplink: string): void {
  if (!conf.ipam) throw problemAt(text, "ipam", "NS241", "a bridge without ipam (layer 2 only) has nothing nsnet would address; write `bridge NAME` by hand");
  const def = identFrom(conf.name, "net");
  const pools: { name: string; range: Range }[] = [];
  conf.ipam.ranges.forEach((set, i) => {
    if (set.length !== 1) throw problemAt(text, "ranges", "NS241", `range set ${i} has ${set.length} ranges; an nsnet pool is one block`);
    const r = set[0]!;
    const net = networkAddress(r.subnet);
    const firstHost = net + 1n;
    const size = 1n << BigInt((r.subnet.family === 4 ? 32 : 128) - r.subnet.prefix);
    const lastHost = r.subnet.family === 4 ? net + size - 2n : net + size - 1n;
    // host-local never hands out the gateway, nor what lies outside rangeStart–rangeEnd
    const reserve: string[] = [];
    if (r.gateway >= r.start && r.gateway <= r.end) reserve.push(ip(r, r.gateway));
    if (r.start > firstHost) reserve.push(run(r, firstHost, r.start - 1n));
    if (r.end < lastHost) reserve.push(run(r, r.end + 1n, lastHost));
    const name = conf.ipam!.ranges.length === 1 ? def : `${def}_${i}`;
    pools.push({ name, range: r });
    const cidr = `${ip(r, net)}/${r.subnet.prefix}`;
    w.comment(`ipam host-local: ${ip(r, r.start)}–${ip(r, r.end)} of ${cidr}, gateway ${ip(r, r.gateway)} (never handed out)`);
    w.add(stmt.pool(name, cidr, reserve));
  });
  w.comment(`"bridge": "${conf.bridge}"${conf.isGateway ? ", isGateway: the gateway address on the bridge" : ""}`);
  if (conf.isGateway)
    w.block(stmt.bridge(conf.bridge, false), () => {
      for (const p of pools) w.add(stmt.addr(`${ip(p.range, p.range.gateway)}/${p.range.subnet.prefix}`));
    });
  else w.add(stmt.bridge(conf.bridge, false));
  if (conf.ipMasq) {
    w.comment(`ipMasq: the plugin masquerades the subnet out of any interface; nsnet names the way out (change ${uplink} if yours differs)`);
    w.add(stmt.uplink(uplink));
    w.add(stmt.nat(conf.bridge, uplink));
  }
  const routes: Unplaced[] = [];
  const seen = new Set<string>();
  const route = (dst: string, o: { via?: string; dev?: string }) => {
    const key = `${dst} ${o.via ?? ""} ${o.dev ?? ""}`;
    if (seen.has(key)) return;
    seen.add(key);
    routes.push(stmt.route(dst, o));
  };
  for (const r of conf.ipam.routes) {
    const cidr = parseCidr(r.dst)!;
    const v6 = cidr.family === 6;
    const pool = pools.find((p) => (p.range.subnet.family === 6) === v6)?.range;
    const via = r.gw ?? (pool ? ip(pool, pool.gateway) : undefined);
    const dst = cidr.prefix === 0 ? "default" : formatCidr(cidr);
    const gw = via !== undefined ? parseIp(via) : null;
    route(dst, gw ? { via: formatIp(gw.family, gw.addr) } : { dev: "eth0" });
  }
  if (conf.isDefaultGateway)
    for (const p of pools) {
      const v6 = p.range.subnet.family === 6;
      const has = conf.ipam.routes.some((r) => r.gw !== undefined && r.dst === (v6 ? "::/0" : "0.0.0.0/0"));
      if (!has) route("default", { via: ip(p.range, p.range.gateway) });
    }
  w.gap();
  w.comment(`what ADD does for one container: \`${def}(NAME)\` attaches namespace NAME (its eth0)`);
  w.block(stmt.def(def, ["name"]), () =>
    w.block(stmt.ns(variable("name")), () => {
      w.add({
        type: "Veth",
        keyword: kw,
        pair: false,
        as: word("eth0"),
        to: ifRef(conf.bridge),
        ...linkAttrs({ ...(conf.mtu ? { mtu: conf.mtu } : {}), hairpin: conf.hairpinMode }),
      });
      for (const p of pools) w.add(stmt.addrAuto(p.name));
      for (const r of routes) w.add(r);
    }),
  );
}
