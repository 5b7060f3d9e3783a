import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { inSandbox, repo, scriptFile } from "./cli-sandbox.js";

/**
 * DESIGN §10: every example is applied in the sandbox and its `expect`s pass. Seed recipes
 * keep their original addresses (for check/plan); applied, they are translated into the
 * documentation ranges first, and the test refuses any other IPv4 literal.
 */
type Rule = [RegExp, string | ((...m: string[]) => string)];
const TRANSLATE: Record<string, Rule[]> = {
  "card.nsnet": [[/1\.1\.128\.(\d+)\/20/g, "198.51.100.$1/24"], [/1\.1\.128\./g, "198.51.100."]],
  "routed-proxyarp.nsnet": [
    [/1\.1\.128\.(\d+)\/20/g, "198.51.100.$1/24"],
    [/1\.1\.128\./g, "198.51.100."],
    // two transit /24s become two /28s of 203.0.113.0/24
    [/10\.0\.1\.(\d+)\/24/g, "203.0.113.$1/28"],
    [/10\.0\.2\.(\d+)\/24/g, (_m, h) => `203.0.113.${16 + Number(h)}/28`],
    [/10\.0\.1\.(\d+)/g, "203.0.113.$1"],
    [/10\.0\.2\.(\d+)/g, (_m, h) => `203.0.113.${16 + Number(h)}`],
  ],
  "cni-bridge.nsnet": [[/10\.22\.0\.0\/16/g, "192.0.2.0/24"], [/10\.22\.0\.1\/16/g, "192.0.2.1/24"], [/10\.22\.0\./g, "192.0.2."]],
  "lxc-macvlan.nsnet": [
    [/1\.2\.3\.4\/24/g, "192.0.2.4/24"],
    [/192\.168\.1\.123\/24/g, "198.51.100.123/24"],
    [/10\.0\.0\.23/g, "203.0.113.23"],
    [/172\.2\.1\.3/g, "203.0.113.3"],
  ],
  "nixos-containers.nsnet": [
    [/10\.233\.\$n\.(\d+)\/24/g, (_m, h) => `203.0.113.\${n*16+${h}}/28`],
    [/10\.233\.\$n\.(\d+)/g, (_m, h) => `203.0.113.\${n*16+${h}}`],
  ],
  "vagga.nsnet": [
    [/172\.18\.192\.0\/19/g, "198.51.100.0/24"],
    [/172\.18\.255\./g, "203.0.113."],
    [/172\.18\.0\./g, "192.0.2."],
  ],
  "mirror-host.nsnet": [],
  "demo.nsnet": [],
  "udev-lxc.nsnet": [],
};

/** Traffic from outside: the sandbox's `lan` namespace plays the uplink's router. Proxy ARP
 *  answers after a random delay (proxy_delay), so up to three probes, first reply wins. */
const fromLan = (addr: string) => ({ run: ["ip", "netns", "exec", "lan", "ping", "-n", "-c3", "-i0.5", "-W2", addr] });
const PROBES: Record<string, { run: string[] }[]> = {
  "card.nsnet": [fromLan("198.51.100.3")],
  // the whole 2010 recipe: lxc1 holds .3–.6, lxc2 holds .7, each behind its transit /28
  "routed-proxyarp.nsnet": ["3", "4", "5", "6", "7"].map((h) => fromLan(`198.51.100.${h}`)),
  "udev-lxc.nsnet": ["3", "4", "5"].map((h) => fromLan(`198.51.100.${h}`)),
  // a guest reaches the outside (the lan's gateway) through both NATs: its command's
  // namespace masquerades it behind the link address, the host behind its eth0 address; the
  // link from a command to the gateway is one /30 of the split pool, both ends in it
  "vagga.nsnet": ["build_g1", "test_g3"].map((ns) => ({ run: ["ip", "netns", "exec", ns, "ping", "-n", "-c3", "-i0.5", "-W2", "203.0.113.129"] })),
};

/**
 * Examples that assume the host's uplink is already configured (as on a real machine): the
 * sandbox's host needs it said, and the `lan` namespace then holds the gateway.
 */
const HOST_UPLINK: Record<string, string> = {
  "vagga.nsnet": "host < addr 203.0.113.130/25 on eth0; route default via 203.0.113.129 >\n",
};

const DOC = new Set(["192.0.2", "198.51.100", "203.0.113"]);

function translate(name: string, text: string): string {
  let out = text
    .split("\n")
    .filter((l) => !/^\s*#/.test(l))
    .join("\n");
  for (const [re, to] of TRANSLATE[name]!) out = out.replace(re, to as string);
  return out + (HOST_UPLINK[name] ?? "");
}

function foreignLiterals(text: string): string[] {
  // every address's first three octets, and any address still templated in its third
  const prefixes = text.match(/\b\d{1,3}\.\d{1,3}\.(\d{1,3}\b|\$)/g) ?? [];
  return prefixes.filter((p) => !DOC.has(p));
}

const examples = readdirSync(join(repo, "examples")).filter((f) => f.endsWith(".nsnet")).sort();

describe("examples applied in the sandbox", () => {
  it("has a translation for every example", () => {
    expect(examples.filter((e) => !(e in TRANSLATE))).toEqual([]);
  });

  for (const name of examples) {
    it(`${name}: applies, its expects pass, and only documentation ranges carry packets`, async () => {
      const text = translate(name, readFileSync(join(repo, "examples", name), "utf8"));
      expect(foreignLiterals(text), text).toEqual([]);
      const file = scriptFile(name, text);
      const probes = PROBES[name] ?? [];
      const r = await inSandbox(file, [{ dump: "up" }, ...probes]);
      expect(r.exitCode, `${r.stderr}\n--- translated script ---\n${text}`).toBe(0);
      for (const p of r.runs) expect(p.status, `${p.argv.join(" ")}\n${p.stdout}`).toBe(0);
      expect(r.runs.length).toBe(probes.length);
      expect(r.dumps.up!.namespaces.length).toBeGreaterThan(0);
    });
  }
});
