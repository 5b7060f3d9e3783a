import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type * as A from "../../src/ast/nodes.js";
import { importLxc } from "../../src/import/lxc.js";
import { importCni } from "../../src/import/cni.js";
import { ImportError } from "../../src/import/errors.js";
import { parse } from "../../src/syntax/parse.js";
import { formatSource } from "../../src/fmt/format.js";
import { ipLinkKeyword, validateIfName, validateNsName } from "../../src/model/names.js";
import { formatIp } from "../../src/ipam/ip.js";
import { KEYWORDS } from "../../src/syntax/tokens.js";

/**
 * Issue 19 item 3's law, over random configs whose values mix good names with every
 * character a hostile file could hold: `import` either refuses, naming a key that is on the
 * line it names and whose value the allowlist refuses — or its output parses to a tree whose
 * names and addresses are exactly the values given, with no extra statement, no
 * interpolation and no comment holding a control character.
 */
const HOSTILE = [..."#;<>\"'\\$`|&(){}[]*?!~ \t\r\u000b\u001b\u0007\u0000\u007f\u0085\u202e\u2028é✓%:/@+=,"];
const SAFE = [..."abcdefghijklmnopqrstuvwxyzABCXYZ0123456789_.-"];
const value = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/),
  fc.constantFrom(...KEYWORDS, "1.2", "-", "10", "1.2.3.4", "a..b", "host"),
  fc.array(fc.constantFrom(...SAFE, ...HOSTILE), { minLength: 1, maxLength: 14 }).map((cs) => cs.join("")),
);
const ipv4 = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((b) => b.join("."));

interface GenIface {
  name?: string;
  pair?: string;
  link?: string;
  addr?: string;
  gw?: string;
  up: boolean;
}
const iface: fc.Arbitrary<GenIface> = fc.record(
  { name: value, pair: value, link: value, addr: fc.tuple(ipv4, fc.integer({ min: 8, max: 30 })).map(([a, p]) => `${a}/${p}`), gw: ipv4, up: fc.boolean() },
  { requiredKeys: ["up"] },
);
const config = fc.record({ uts: value, ifaces: fc.array(iface, { minLength: 1, maxLength: 3 }) });

function lxcText(c: { uts: string; ifaces: GenIface[] }): string {
  const lines = [`lxc.uts.name = ${c.uts}`];
  c.ifaces.forEach((i, n) => {
    lines.push(`lxc.net.${n}.type = veth`);
    if (i.name !== undefined) lines.push(`lxc.net.${n}.name = ${i.name}`);
    if (i.pair !== undefined) lines.push(`lxc.net.${n}.veth.pair = ${i.pair}`);
    if (i.link !== undefined) lines.push(`lxc.net.${n}.link = ${i.link}`);
    if (i.addr !== undefined) lines.push(`lxc.net.${n}.ipv4.address = ${i.addr}`);
    if (i.gw !== undefined) lines.push(`lxc.net.${n}.ipv4.gateway = ${i.gw}`);
    if (i.up) lines.push(`lxc.net.${n}.flags = up`);
  });
  return lines.join("\n") + "\n";
}

/** What LXC's parser makes of a value (trimmed), and whether nsnet takes it as a name. */
const trimmed = (v: string) => v.replace(/\r$/, "").trim();
const ifNameOk = (v: string) => validateIfName(v) === null && ipLinkKeyword(v) === null;

/** The text of a word with no interpolation in it (anything else fails the property). */
function plain(t: A.Template | undefined): string | undefined {
  if (t === undefined) return undefined;
  expect(t.parts.every((p) => p.kind === "text")).toBe(true);
  return t.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
}

function refusedRightly(e: ImportError, text: string): void {
  const lineText = text.split("\n")[e.line - 1]!;
  expect(lineText.trim().startsWith(e.key), `${e.key} on line ${e.line}: ${JSON.stringify(lineText)}`).toBe(true);
  const v = trimmed(lineText.slice(lineText.indexOf("=") + 1));
  if (e.problem.code === "NS240") {
    expect(e.problem.value).toBe(v);
    const afterVeth = e.key.endsWith(".veth.pair") && ["pair", "as", "to", "peer", "mtu", "hwaddr", "hairpin"].includes(v);
    expect(e.key === "lxc.uts.name" ? validateNsName(v) !== null : !ifNameOk(v) || afterVeth).toBe(true);
  }
}

describe("import lxc: refuses at the key and line, or prints exactly the values given", () => {
  it("holds for random configs with hostile values", () => {
    fc.assert(
      fc.property(config, (c) => {
        const text = lxcText(c);
        let out: string;
        try {
          out = importLxc(text, "c.conf", { fallbackName: "c" });
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          refusedRightly(e, text);
          return;
        }
        const p = parse(out, "o.nsnet");
        expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(formatSource(out, "o.nsnet").output).toBe(out);
        for (const cm of p.comments) expect(cm.text).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
        const links = [...new Set(c.ifaces.flatMap((i) => (i.link !== undefined ? [trimmed(i.link)] : [])))];
        const top = p.script.body;
        expect(top.map((s) => s.type)).toEqual([...links.map(() => "Bridge"), "Ns"]);
        expect(top.slice(0, -1).map((s) => plain((s as A.BridgeStmt).name))).toEqual(links);
        const ns = top.at(-1) as A.NsStmt;
        expect(plain(ns.name)).toBe(trimmed(c.uts));
        const want: string[] = [];
        c.ifaces.forEach((i, n) => {
          const name = i.name !== undefined ? trimmed(i.name) : `eth${n}`;
          want.push(`veth ${i.pair !== undefined ? trimmed(i.pair) : "-"} as ${name} to ${i.link !== undefined ? trimmed(i.link) : "-"}`);
          if (i.addr !== undefined) want.push(`addr ${i.addr} on ${name}`);
          if (i.gw !== undefined) want.push(`route default via ${i.gw}`);
          if (!i.up) want.push(`down ${name}`);
        });
        const got = (ns.body ?? []).map((s) => {
          switch (s.type) {
            case "Veth":
              return `veth ${plain(s.farName) ?? "-"} as ${plain(s.as)} to ${s.to ? plain(s.to.name) : "-"}`;
            case "Addr":
              return `addr ${s.value.kind === "static" ? plain(s.value.cidr) : "auto"} on ${plain(s.on?.name)}`;
            case "Route":
              return `route ${s.dst.kind} via ${plain(s.via)}`;
            case "LinkState":
              return `${s.state} ${plain(s.dev.name)}`;
            default:
              return s.type;
          }
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 400 },
    );
  });
});

const cniConf = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
  bridge: value,
  prefix: fc.integer({ min: 8, max: 28 }),
  net: fc.integer({ min: 1, max: 223 }),
  start: fc.nat(1000),
  span: fc.nat(1000),
  hairpinMode: fc.boolean(),
  isGateway: fc.boolean(),
  ipMasq: fc.boolean(),
});

describe("import cni: refuses at the key and line, or prints exactly the values given", () => {
  it("holds for random bridge netconfs with hostile bridge names", () => {
    fc.assert(
      fc.property(cniConf, (g) => {
        const size = 2 ** (32 - g.prefix);
        const base = g.net * 2 ** 24 - ((g.net * 2 ** 24) % size);
        const first = base + 1 + (g.start % (size - 3));
        const last = Math.min(base + size - 2, first + g.span);
        const conf = {
          cniVersion: "1.0.0",
          name: g.name,
          type: "bridge",
          bridge: g.bridge,
          isGateway: g.isGateway,
          ipMasq: g.ipMasq,
          hairpinMode: g.hairpinMode,
          ipam: {
            type: "host-local",
            subnet: `${formatIp(4, BigInt(base))}/${g.prefix}`,
            rangeStart: formatIp(4, BigInt(first)),
            rangeEnd: formatIp(4, BigInt(last)),
          },
        };
        const text = JSON.stringify(conf, null, 2);
        let out: string;
        try {
          out = importCni(text, "n.conf");
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          expect(text.split("\n")[e.line - 1]).toContain(`"${e.key}"`);
          if (e.problem.code === "NS240") expect(ifNameOk(g.bridge)).toBe(false);
          return;
        }
        expect(ifNameOk(g.bridge)).toBe(true);
        const p = parse(out, "o.nsnet");
        expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        const types = p.script.body.map((s) => s.type);
        expect(types).toEqual(["Pool", "Bridge", ...(g.ipMasq ? ["Uplink", "Nat"] : []), "Def"]);
        const pool = p.script.body[0] as A.PoolStmt;
        expect(plain(pool.cidr)).toBe(conf.ipam.subnet);
        const bridge = p.script.body[1] as A.BridgeStmt;
        expect(plain(bridge.name)).toBe(g.bridge);
        const def = p.script.body.at(-1) as A.DefStmt;
        const veth = (def.body[0] as A.NsStmt).body![0] as A.VethStmt;
        expect(plain(veth.to?.name)).toBe(g.bridge);
        expect(veth.hairpin !== undefined).toBe(g.hairpinMode);
      }),
      { numRuns: 300 },
    );
  });
});
