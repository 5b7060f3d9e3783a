import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CLI, inSandbox, nsnet, repo, scriptFile, type Dump, type Step, type StepsResult } from "./cli-sandbox.js";
import { translate } from "./translate.js";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";

/**
 * The show promise: `nsnet show` prints source that checks and rebuilds what it shows —
 * show → check → up of that output in a fresh sandbox gives the same kernel state (links,
 * addresses, routes, proxy neighbours, the forwarding and proxy ARP sysctls, nsnet's nft
 * rules), for every example and inside `nsnet sandbox`, where people try it first. There
 * the simulated uplinks and their `lan` are the world outside the machine: `show` prints
 * them as the script said (`uplink eth0`, no `ns lan`); it used to print `ns lan < veth eth0
 * … >`, whose own `check` failed with NS319 (issue 20 item 3). It used to drop sysctls and
 * NAT, so the 2010 recipe came back with ip_forward=0 and proxy_arp=0 on the host ends.
 * The REPL's `.show` prints exactly the same (issue 20 item 4: it read no sysctls, so it
 * printed `neigh proxy` and host routes instead of `proxyarp on eth0`, and no proxy_arp=1).
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

const IDIOMS: Record<string, RegExp[]> = {
  "card.nsnet": [/^uplink eth0$/m, /^ {2}proxyarp on eth0$/m],
  "routed-proxyarp.nsnet": [/^ns lxc1 <\n(?: {2}.*\n)* {2}proxyarp on eth0\n/m, /^ns lxc2 <\n(?: {2}.*\n)* {2}proxyarp on eth0\n/m],
  "nat-bridge.nsnet": [/^nat from cni0 to eth0$/m, /^portmap tcp 8080 to web:80$/m, /^partition web \| db cache$/m],
};

const examples = readdirSync(join(repo, "examples"))
  .filter((f) => f.endsWith(".nsnet"))
  .sort();
const CASES: { name: string; text: string }[] = [
  ...examples.map((name) => ({ name, text: translate(name, readFileSync(join(repo, "examples", name), "utf8")) })),
  { name: "nat-bridge.nsnet", text: NAT_BRIDGE },
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
      // counters count this sandbox's own traffic (the expects' probes), not configuration
      .replace(/counter packets \d+ bytes \d+/g, "counter")
      .split("\n")
      .sort()
      .join("\n"),
  );
  return { dump: { ...d, places: places_ }, extras: runs };
}

/** The places a script makes: the host, the sandbox's lan when it declares an uplink, its namespaces. */
function placesOf(name: string, text: string): string[] {
  const t = compileWithFsLoader(text, join(repo, "examples", name)).addressed!;
  const lan = t.devices.some((d) => d.kind === "uplink") ? ["lan"] : [];
  return ["host", ...lan, ...t.namespaces.map((n) => n.name).filter((n) => n !== "host")];
}

describe("show rebuilds what it shows (sandbox round trip)", () => {
  for (const c of CASES) {
    it(`${c.name}: show in the sandbox → check → up of the output in a fresh sandbox gives the same kernel state; .show is the same text`, async () => {
      const places = placesOf(c.name, c.text);
      const original = scriptFile(c.name, c.text);
      const a = await inSandbox(original, [nsnet("show"), { ...nsnet("repl"), input: ".show\n" }, { dump: "s" }, ...extras(places)], {
        timeoutMs: 240_000,
      });
      expect(a.exitCode, a.stderr).toBe(0);
      const [shown, dotShow] = a.runs;
      expect(shown!.status, shown!.stderr).toBe(0);
      for (const re of IDIOMS[c.name] ?? []) expect(shown!.stdout).toMatch(re);
      expect(shown!.stdout).not.toMatch(/^ns lan\b/m);
      // the REPL's .show is `nsnet show`
      expect(dotShow!.status, dotShow!.stderr).toBe(0);
      expect(dotShow!.stdout).toBe(shown!.stdout);

      const rebuilt = scriptFile(`shown-${c.name}`, shown!.stdout);
      const checked = await execa(process.execPath, [CLI, "check", rebuilt], { reject: false, env: { NO_COLOR: "1" } });
      expect(checked.exitCode, `${checked.stderr}\n--- show printed ---\n${shown!.stdout}`).toBe(0);

      const b = await inSandbox(rebuilt, [{ dump: "s" }, ...extras(places)], { timeoutMs: 240_000 });
      expect(b.exitCode, `${b.stderr}\n--- show printed ---\n${shown!.stdout}`).toBe(0);
      const [sa, sb] = [state(a, places, 2), state(b, places, 0)];
      expect(sb.dump, shown!.stdout).toEqual(sa.dump);
      expect(sb.extras, shown!.stdout).toEqual(sa.extras);
    }, 600_000);
  }
});
