import { check } from "../../src/check/check.js";
import { ValidationRegistry } from "../../src/check/registry.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { allocate } from "../../src/ipam/allocate.js";
import { emptySnapshot } from "../../src/ipam/snapshot.js";
import { HOST } from "../../src/model/topology.js";
import { TopoBuilder } from "../check/topo-builder.js";
import { auto, pool, topo } from "../ipam/build.js";
import { whyCodes } from "../../src/diagnostics/codes/why.js";
import { whyOfExample } from "../why/example.js";
import { importCodes } from "../../src/diagnostics/codes/import.js";
import { importLxc } from "../../src/import/lxc.js";
import { ImportError } from "../../src/import/errors.js";
import { parse } from "../../src/syntax/parse.js";

/**
 * Codes that no script shows through check and plan (pipeline.ts), each with the real
 * function that reports them: second lines of defence behind an earlier phase (the parser or
 * the expander reports the same text first), a bug in a validator, and the codes of other
 * commands' inputs (`import`'s config files, `why`'s walk over a script), whose producer runs
 * that command's function on an input that gives the code. The coverage test
 * (coverage.test.ts) counts a code here only when its producer, run there, gives it; a code
 * a script does show through check and plan belongs to a fixture, not to this table.
 */
export const PRODUCERS: Record<string, { why: string; run: () => Diagnostic[] }> = {
  NS114: {
    why: "needs half a million tokens in one file: the parser's own limit, lowered",
    run: () => parse("ns a\nns b\n", "big.nsnet", { maxTokens: 5 }).diagnostics,
  },
  NS300: {
    why: "a validator that throws: a bug in nsnet",
    run: () => {
      const b = new TopoBuilder();
      b.ns("a");
      const reg = new ValidationRegistry().register("namespaces", function explodes() {
        throw new Error("boom");
      });
      return check(b.topo, reg);
    },
  },
  NS311: {
    why: "the parser's NS105 refuses the address text first",
    run: () => {
      const b = new TopoBuilder();
      b.ns("a");
      b.addr("a", "eth0", "10.0.0.300/24");
      return check(b.topo);
    },
  },
  NS321: {
    why: "the expander's NS216 refuses the port first",
    run: () => {
      const b = new TopoBuilder();
      b.ns("a");
      b.portmap("tcp", 70000, "a", 80);
      return check(b.topo);
    },
  },
  NS326: {
    why: "the expander's NS216 refuses the vlan id first",
    run: () => {
      const b = new TopoBuilder();
      b.uplink("eth0");
      b.ns("a");
      b.vlan("a", "v", { ns: HOST, name: "eth0" }, 4095);
      return check(b.topo);
    },
  },
  NS402: {
    why: "the expander's NS209 refuses the CIDR first",
    run: () => allocate(topo([pool("bad", "10.0.0.0")], []), emptySnapshot()).diagnostics,
  },
  NS406: {
    why: "the parser's NS105 refuses the reserved address first",
    run: () => allocate(topo([pool("rs", "10.3.0.0/24", { reserve: ["10.3.0.300"] })], []), emptySnapshot()).diagnostics,
  },
  NS408: {
    why: "the checker's NS306 reports the unknown pool at the same token, and one of them is shown",
    run: () => allocate(topo([pool("guests", "10.0.0.0/24")], [auto("a", "eth0", "guest")]), emptySnapshot()).diagnostics,
  },
  // NS6xx: `nsnet why` (src/why), never the check pipeline; each from its catalog example's
  // first `expect A reaches B`, walked by why (test/why/catalog.test.ts)
  ...Object.fromEntries(whyCodes.map((c) => [c.code, { why: "found by `nsnet why`, not by check", run: () => whyOfExample(c.example) }])),
  // NS24x: `nsnet import` (src/import), about a config file; each from its catalog example,
  // an LXC config, imported as `nsnet import lxc` does
  ...Object.fromEntries(importCodes.map((c) => [c.code, { why: "found by `nsnet import` in a config, not in a script", run: () => importedLxc(c.example) }])),
};

/** What `nsnet import lxc` reports for a config: its refusal as the diagnostic it prints. */
function importedLxc(config: string): Diagnostic[] {
  const text = `${config}\n`;
  try {
    importLxc(text, "config", { fallbackName: "c" });
    return [];
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    return [e.toDiagnostic("config", text).diagnostic];
  }
}
