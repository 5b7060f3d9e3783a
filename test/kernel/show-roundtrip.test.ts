import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inSandbox, nsnet, repo, scriptFile, type Dump, type Step, type StepsResult } from "./cli-sandbox.js";
import { translate } from "./translate.js";

/**
 * `nsnet show` prints source that rebuilds what it shows: up → show → up of that output in
 * a fresh sandbox gives the same kernel state — links, addresses, routes, proxy neighbours,
 * the forwarding and proxy ARP sysctls, and nsnet's nft rules. It used to drop sysctls and
 * NAT, so the 2010 recipe came back with ip_forward=0 and proxy_arp=0 on the host ends.
 */
const NAT_BRIDGE = `uplink eth0
host < addr 203.0.113.2/24 on eth0; route default via 203.0.113.1 >
pool cni 192.0.2.0/24 reserve 192.0.2.1
bridge cni0 < addr 192.0.2.1/24 >
nat from cni0 to eth0
portmap tcp 8080 to web:80
ns web < veth to cni0; addr auto from cni; route default via 192.0.2.1 >
ns db < veth to cni0; addr auto from cni; route default via 192.0.2.1 >
ns cache < veth to cni0; addr auto from cni; route default via 192.0.2.1 >
partition web | db cache
`;

const CASES: { name: string; text: string; namespaces: string[]; idiom?: RegExp[] }[] = [
  {
    name: "card.nsnet",
    text: translate("card.nsnet", readFileSync(join(repo, "examples/card.nsnet"), "utf8")),
    namespaces: ["lxc1"],
    idiom: [/^ {2}proxyarp on eth0$/m],
  },
  {
    name: "routed-proxyarp.nsnet",
    text: translate("routed-proxyarp.nsnet", readFileSync(join(repo, "examples/routed-proxyarp.nsnet"), "utf8")),
    namespaces: ["lxc1", "lxc2"],
    idiom: [/^ns lxc1 <\n(?: {2}.*\n)* {2}proxyarp on eth0\n/m, /^ns lxc2 <\n(?: {2}.*\n)* {2}proxyarp on eth0\n/m],
  },
  {
    name: "nat-bridge.nsnet",
    text: NAT_BRIDGE,
    namespaces: ["web", "db", "cache"],
    idiom: [/^nat from cni0 to eth0$/m, /^portmap tcp 8080 to web:80$/m, /^partition web \| db cache$/m],
  },
];

/** The kernel state besides the links/addresses/routes dump: sysctls and firewall per place. */
function extras(places: string[]): Step[] {
  const inPlace = (p: string, argv: string[]) => (p === "host" ? argv : ["ip", "netns", "exec", p, ...argv]);
  return places.flatMap((p) => [
    { run: inPlace(p, ["sysctl", "-a", "--pattern", "forwarding|proxy_arp$|proxy_ndp|ip_forward$"]) },
    { run: inPlace(p, ["nft", "list", "ruleset"]) },
  ]);
}

/** What to compare: the dump without ownership marks, and the extras with table names (per project) made equal. */
function state(r: StepsResult, places: string[], skip: number): { dump: Dump; extras: string[] } {
  const d = r.dumps.s!;
  const places_ = Object.fromEntries(Object.entries(d.places).map(([p, s]) => [p, { ...s, links: s.links.map(({ alias: _a, ...l }) => l) }]));
  const runs = r.runs.slice(skip, skip + places.length * 2).map((x) =>
    x.stdout
      .replace(/nsnet_[A-Za-z0-9_]+/g, "nsnet_PROJECT")
      .split("\n")
      .sort()
      .join("\n"),
  );
  return { dump: { ...d, places: places_ }, extras: runs };
}

describe("show rebuilds what it shows (sandbox round trip)", () => {
  for (const c of CASES) {
    it(`${c.name}: up → show → up of the output in a fresh sandbox gives the same kernel state`, async () => {
      const places = ["host", "lan", ...c.namespaces];
      const original = scriptFile(c.name, c.text);
      const a = await inSandbox(original, [nsnet("show", ...c.namespaces), { dump: "s" }, ...extras(places)], { timeoutMs: 240_000 });
      expect(a.exitCode, a.stderr).toBe(0);
      const shown = a.runs[0]!;
      expect(shown.status, shown.stderr).toBe(0);
      for (const re of c.idiom ?? []) expect(shown.stdout).toMatch(re);

      const rebuilt = scriptFile(`shown-${c.name}`, shown.stdout);
      const b = await inSandbox(rebuilt, [{ dump: "s" }, ...extras(places)], { timeoutMs: 240_000 });
      expect(b.exitCode, `${b.stderr}\n--- show printed ---\n${shown.stdout}`).toBe(0);
      const [sa, sb] = [state(a, places, 1), state(b, places, 0)];
      expect(sb.dump, shown.stdout).toEqual(sa.dump);
      expect(sb.extras, shown.stdout).toEqual(sa.extras);
      // and the sysctls the recipe needs are really on
      expect(sa.dump.places.host!.ip_forward).toBe("1");
    }, 300_000);
  }
});
