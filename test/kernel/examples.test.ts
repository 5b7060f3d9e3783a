import { describe, it, expect } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { inSandbox, repo, scriptFile } from "./cli-sandbox.js";
import { TRANSLATE, foreignLiterals, translate } from "./translate.js";

/**
 * docs/architecture.md §12: every example is applied in the sandbox and its `expect`s pass, translated
 * into the documentation ranges first (translate.ts).
 */
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

const examples = readdirSync(join(repo, "examples"))
  .filter((f) => f.endsWith(".nsnet"))
  .sort();

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
