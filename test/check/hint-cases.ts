import { expect } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compileText } from "../../src/engine/compile.js";

/**
 * Scripts with a finding whose hint (or suggestion) names a fix, and how to apply that fix
 * as the diagnostic says it: read by test/check/hint-fixes.test.ts (the result checks
 * clean) and test/kernel/hint-fixes.test.ts (NS316 and NS319's fixes apply in a sandbox).
 */

export const compile = (text: string): Diagnostic[] => compileText(text, "t.nsnet").diagnostics;
export const show = (ds: Diagnostic[]) =>
  ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}${d.hint ? ` | ${d.hint}` : ""}`).join("\n");

export function finding(text: string, code: string): Diagnostic {
  const ds = compile(text).filter((d) => d.code === code);
  expect(ds, `${code} in\n${text}`).toHaveLength(1);
  return ds[0]!;
}

/** The backticked snippets of a hint, in order. */
function snippets(d: Diagnostic): string[] {
  return [...(d.hint ?? "").matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

/** The snippet of the hint that starts with `start` (it must be there). */
function snippet(d: Diagnostic, start: string): string {
  const s = snippets(d).find((x) => x.startsWith(start));
  expect(s, `a \`${start}…\` in the hint: ${d.hint}`).toBeDefined();
  return s!;
}

/** Replace the diagnostic's own span (what suggestions replace). */
function replaceAt(text: string, d: Diagnostic, by: string): string {
  return text.slice(0, d.span.start.offset) + by + text.slice(d.span.end.offset);
}

/** Put a statement at the end of a one-line `ns NAME < … >` block. */
function intoNs(text: string, ns: string, stmt: string): string {
  const re = new RegExp(`^(ns ${ns} <.*?)( >)$`, "m");
  expect(text, `a one-line \`ns ${ns} < … >\``).toMatch(re);
  return text.replace(re, `$1; ${stmt}$2`);
}

/** `STMT` in `ns NAME`, or `host < STMT >`: where the hint says the statement goes. */
function addWhereSaid(text: string, d: Diagnostic): string {
  const m = /`([^`]+)` in `ns ([^`]+)`/.exec(d.hint ?? "");
  if (m) return intoNs(text, m[2]!, m[1]!);
  const h = snippet(d, "host < ");
  return `${text}${h}\n`;
}

function dropLine(text: string, line: string): string {
  expect(text).toContain(`${line}\n`);
  return text.replace(`${line}\n`, "");
}

export interface Case {
  name: string;
  code: string;
  script: string;
  fix: (text: string, d: Diagnostic) => string;
}

const ROUTER = `ns r1 < veth as e0 peer h1:eth0; addr 192.0.2.1/24; veth as e1 peer h3:eth0; addr 198.51.100.1/24; sysctl net.ipv4.ip_forward = 1 >
ns h3 < addr 198.51.100.3/24 on eth0; route default via 198.51.100.1 >
`;

export const cases: Case[] = [
  // NS316: never a bare `onlink`; what it says instead works
  {
    name: "NS316, the gateway is the router's far side: the router's address on this link",
    code: "NS316",
    script: `${ROUTER}ns h1 < addr 192.0.2.2/24 on eth0; route default via 198.51.100.1 >\n`,
    fix: (t, d) => {
      expect(d.suggestions).toEqual(["192.0.2.1"]);
      return replaceAt(t, d, d.suggestions![0]!);
    },
  },
  {
    name: "NS316, nothing on the link has the gateway: the other end takes an address and is routed via",
    code: "NS316",
    script: "ns a < veth; addr 192.0.2.2/24; route default via 198.51.100.1 >\n",
    fix: (t, d) => {
      const addr = snippet(d, "addr ");
      const route = snippet(d, "route ");
      expect([addr, route]).toEqual(["addr 192.0.2.1/24 on host:a_veth0", "route default via 192.0.2.1"]);
      return intoNs(t.replace("route default via 198.51.100.1", route), "a", addr);
    },
  },
  {
    name: "NS316, the gateway is on the link but in another subnet: an address of its subnet on this end",
    code: "NS316",
    script: "ns h6 < veth as e0 peer h7:eth0; addr 10.1.0.2/24; route default via 10.1.1.1 >\nns h7 < addr 10.1.1.1/24 on eth0 >\n",
    fix: (t, d) => intoNs(t, "h6", snippet(d, "addr ")),
  },
  {
    name: "NS316 in the host, toward an uplink's gateway: `dev eth0 onlink`, never a bare `onlink`",
    code: "NS316",
    script: "uplink eth0\nhost < route default via 203.0.113.1 >\n",
    fix: (t, d) => {
      const route = snippet(d, "route ");
      expect(route).toBe("route default via 203.0.113.1 dev eth0 onlink");
      return t.replace("route default via 203.0.113.1", route);
    },
  },
  // NS319: never `uplink c1_veth0` for the namespace's own veth end (that is NS309)
  {
    name: "NS319 on the namespace's own veth end, an uplink declared: the uplink",
    code: "NS319",
    script: "uplink eth0\nhost < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns c1 < veth pair; addr 192.0.2.3/24; proxyarp on c1_veth0 >\n",
    fix: (t, d) => {
      expect(snippets(d)).not.toContain("uplink c1_veth0");
      expect(d.suggestions).toEqual(["eth0"]);
      return replaceAt(t, d, "eth0");
    },
  },
  {
    name: "NS319 on the namespace's own veth end, no uplink: declare the outside interface and name it",
    code: "NS319",
    script: "ns c1 < veth pair; addr 192.0.2.3/24; proxyarp on c1_veth0 >\n",
    fix: (t, d) => {
      expect(snippets(d)).not.toContain("uplink c1_veth0");
      const proxy = snippet(d, "proxyarp on ");
      return `${snippet(d, "uplink ")}\n${t.replace("proxyarp on c1_veth0", proxy)}`;
    },
  },
  {
    name: "NS319 on a host interface nothing declares: declare it",
    code: "NS319",
    script: "ns c1 < veth pair; addr 192.0.2.3/24; proxyarp on eth9 >\n",
    fix: (t, d) => `${snippet(d, "uplink ")}\n${t}`,
  },
  // the kernel's refusals (issue 20)
  {
    name: "NS330: keep one default route",
    code: "NS330",
    script:
      "bridge br0 < addr 192.0.2.1/24 >\nns r < veth to br0; addr 192.0.2.254/24 >\nns a < veth to br0; addr 192.0.2.2/24; route default via 192.0.2.1; route default via 192.0.2.254 >\n",
    fix: (t, d) => {
      expect(d.hint).toMatch(/^keep one of them/);
      return t.replace("; route default via 192.0.2.254", "");
    },
  },
  {
    name: "NS331: drop the route the kernel already has",
    code: "NS331",
    script: "ns a < veth; addr 192.0.2.2/24; route 192.0.2.0/24 dev eth0 >\n",
    fix: (t, d) => {
      expect(d.hint).toMatch(/^drop this route/);
      return t.replace("; route 192.0.2.0/24 dev eth0", "");
    },
  },
  {
    name: "NS332: bring the interface up",
    code: "NS332",
    script:
      "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 dev eth0; down eth0; sysctl net.ipv4.conf.all.proxy_arp = 0 >\nhost < addr 192.0.2.1/24 on a_veth0; sysctl net.ipv4.conf.a_veth0.proxy_arp = 1 >\n",
    fix: (t, d) => t.replace(`; ${snippet(d, "down ")}`, ""),
  },
  {
    name: "NS333: `onlink` with the interface named",
    code: "NS333",
    script: "ns a < veth; addr 192.0.2.2/24; route default via 198.51.100.1 onlink >\nhost < addr 198.51.100.1/24 on a_veth0 >\n",
    fix: (t, d) => t.replace("route default via 198.51.100.1 onlink", snippet(d, "route ")),
  },
  {
    name: "NS334: route via the far end",
    code: "NS334",
    script:
      "ns gw < veth as c1 peer c1:eth0; addr 192.0.2.1/24; veth as up0; addr 198.51.100.2/24; sysctl net.ipv4.ip_forward = 1 >\nns c1 < addr 192.0.2.2/24 on eth0; route default dev eth0 >\n",
    fix: (t, d) => t.replace("route default dev eth0", snippet(d, "route ")),
  },
  {
    name: "NS334: or proxy ARP at the far end, as vagga's gateway",
    code: "NS334",
    script:
      "ns gw < veth as c1 peer c1:eth0; addr 192.0.2.1/24; veth as up0; addr 198.51.100.2/24; sysctl net.ipv4.ip_forward = 1 >\nns c1 < addr 192.0.2.2/24 on eth0; route default dev eth0 >\n",
    fix: (t, d) => intoNs(t, "gw", snippet(d, "sysctl net.ipv4.conf.")),
  },
  {
    name: "NS334 toward the host: proxy ARP and forwarding there",
    code: "NS334",
    script: "ns a < veth; addr 192.0.2.2/24; route default dev eth0; veth as e1; addr 198.51.100.2/24 >\nhost < addr 198.51.100.1/24 on a_veth1 >\n",
    fix: (t, d) => {
      const host = snippets(d).filter((s) => s.startsWith("host < "));
      expect(host).toEqual(["host < sysctl net.ipv4.conf.a_veth0.proxy_arp = 1 >", "host < sysctl net.ipv4.ip_forward = 1 >"]);
      return `${t}${host.join("\n")}\n`;
    },
  },
  {
    name: "NS335: a second bridge joined by a veth",
    code: "NS335",
    script: "bridge br0 < addr 10.0.0.1/16 >\npool p 10.0.0.0/16\nfor i in 1..1100 < ns h$i < veth to br0; addr auto from p > >\n",
    fix: (t, d) => {
      const join = snippet(d, "ns sw1 < ");
      const to = snippet(d, "veth to sw1:");
      const past = Number(/ports past (\d+)/.exec(d.hint!)![1]);
      return t.replace(
        "for i in 1..1100 < ns h$i < veth to br0; addr auto from p > >",
        `${join}\nfor i in 1..${past} < ns h$i < veth to br0; addr auto from p > >\nfor i in ${past + 1}..1100 < ns h$i < ${to}; addr auto from p > >`,
      );
    },
  },
  // the silent mistakes (issue 22)
  {
    name: "NS336: forwarding in the router",
    code: "NS336",
    script: `${ROUTER.replace("; sysctl net.ipv4.ip_forward = 1", "")}ns h1 < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\n`,
    fix: addWhereSaid,
  },
  {
    name: "NS336: forwarding in the host",
    code: "NS336",
    script:
      "ns a < veth; addr 192.0.2.2/24; addr 192.0.2.1/24 on host:a_veth0; route default via 192.0.2.1 >\nns b < veth; addr 198.51.100.2/24; addr 198.51.100.1/24 on host:b_veth0; route default via 198.51.100.1 >\n",
    fix: addWhereSaid,
  },
  {
    name: "NS337: the gateway on the link",
    code: "NS337",
    script: "bridge br0 < addr 192.0.2.1/24 >\nns a < veth to br0; addr 192.0.2.2/24; route default via 192.0.2.254 >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  {
    name: "NS338: the next router, not its own address",
    code: "NS338",
    script: "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 via 192.0.2.2 >\nhost < addr 192.0.2.1/24 on a_veth0 >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  {
    name: "NS339: the route back",
    code: "NS339",
    script: `${ROUTER.replace("; route default via 198.51.100.1", "")}ns h1 < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\n`,
    fix: addWhereSaid,
  },
  {
    name: "NS340: one prefix on the link",
    code: "NS340",
    script: "bridge br0 < addr 192.0.2.1/24 >\nns h1 < veth to br0; addr 192.0.2.10/24 >\nns h3 < veth to br0; addr 192.0.2.20/25 >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  {
    name: "NS341: another address",
    code: "NS341",
    script:
      "uplink eth0\nhost < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >\nns web < veth pair; addr 198.51.100.2/24; proxyarp on eth0 >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  {
    name: "NS342: masquerade where it leaves",
    code: "NS342",
    script:
      "ns isp < veth as e0 peer r:wan0; addr 203.0.113.1/24 >\nns r < addr 203.0.113.2/24 on wan0; route default via 203.0.113.1; veth as lan0; addr 192.0.2.1/24; nat from 192.0.2.0/24 to lan0 >\n",
    fix: (t, d) => t.replace("nat from 192.0.2.0/24 to lan0", snippet(d, "nat from ")),
  },
  {
    name: "NS343: the rule the right way round",
    code: "NS343",
    script:
      "ns isp < veth as e0 peer r:wan0; addr 203.0.113.1/24 >\nns r < addr 203.0.113.2/24 on wan0; route default via 203.0.113.1; veth as lan0; addr 192.0.2.1/24; nat from wan0 to lan0 >\n",
    fix: (t, d) => t.replace("nat from wan0 to lan0", snippet(d, "nat from ")),
  },
  {
    name: "NS344: publish the address on the uplink",
    code: "NS344",
    script: "uplink eth0\nhost < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns c2 < veth pair; addr 192.0.2.11/24 >\n",
    fix: addWhereSaid,
  },
  // the checker's older hints and suggestions that name a fix
  { name: "NS301: declare the namespace", code: "NS301", script: "ns web < veth peer db >\n", fix: (t, d) => `${t}${snippet(d, "ns ")}\n` },
  {
    name: "NS302: the interface meant",
    code: "NS302",
    script: "ns a < veth; addr 192.0.2.2/24 on etho >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  { name: "NS303: declare the host device", code: "NS303", script: "ns a < macvlan on eth0 >\n", fix: (t, d) => `${snippet(d, "uplink ")}\n${t}` },
  { name: "NS304: declare the bridge", code: "NS304", script: "ns a < veth to br9 >\n", fix: (t, d) => `${snippet(d, "bridge ")}\n${t}` },
  {
    name: "NS306: declare the pool",
    code: "NS306",
    script: "ns a < veth; addr auto from lan >\n",
    fix: (t, d) => `${snippet(d, "pool lan ").replace("CIDR", "10.0.0.0/24")}\n${t}`,
  },
  {
    name: "NS309: name one of the ends",
    code: "NS309",
    script: "ns a < veth vh0 >\nns b < veth vh0 >\n",
    fix: (t, d) => {
      expect(snippets(d)).toContain("veth NAME");
      return t.replace("ns b < veth vh0 >", "ns b < veth vh1 >");
    },
  },
  {
    name: "NS313: the first host address",
    code: "NS313",
    script: "ns a < veth; addr 10.0.0.0/24 >\n",
    fix: (t, d) => replaceAt(t, d, `${/first host address is (\S+)/.exec(d.hint!)![1]}/24`),
  },
  {
    name: "NS314: the last host address",
    code: "NS314",
    script: "ns a < veth; addr 10.0.0.255/24 >\n",
    fix: (t, d) => replaceAt(t, d, `${/last host address is (\S+)/.exec(d.hint!)![1]}/24`),
  },
  {
    name: "NS315: the subnet",
    code: "NS315",
    script: "ns a < veth; addr 192.0.2.2/24; addr 192.0.2.1/24 on host:a_veth0; route 198.51.100.1/24 via 192.0.2.1 >\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  {
    name: "NS327: the nat's subnet",
    code: "NS327",
    script: "uplink eth0\nbridge br0 < addr 10.22.0.1/16 >\nnat from 10.22.0.1/16 to eth0\n",
    fix: (t, d) => replaceAt(t, d, d.suggestions![0]!),
  },
  { name: "NS328: one partition", code: "NS328", script: "ns a\nns b\npartition a | b\npartition off\n", fix: (t) => dropLine(t, "partition a | b") },
  {
    name: "NS329: rename it",
    code: "NS329",
    script: "ns a < veth as help >\n",
    fix: (t, d) => {
      expect(snippets(d)).toContain("as IF");
      return t.replace("as help", "as eth0");
    },
  },
];

/** NS3xx codes whose hint names no fix to apply, and why. */
export const NO_FIX: Record<string, string> = {
  NS300: "a bug in nsnet",
  NS305: "no hint: only a bridge can be a master",
  NS307: "no hint: the duplicate is to be removed, whichever",
  NS308: "no hint",
  NS310: "no hint",
  NS311: "the parser's NS105 speaks first",
  NS312: "which side to renumber is the user's choice",
  NS317: "no hint: a route of one family",
  NS318: "two designs (an address in the uplink's subnet, or a transit subnet); both fixtures under test/fixtures/check/pass",
  NS320: "no hint: overlapping subnets on purpose are allowed",
  NS321: "the expander's NS216 speaks first",
  NS322: "no hint",
  NS323: "no hint",
  NS324: "a note on handlers, not a fix",
  NS326: "the expander's NS216 speaks first",
};

/** A case's script after its fix (asserting the finding is there first). */
export function fixed(c: Case): string {
  return c.fix(c.script, finding(c.script, c.code));
}
