import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parse } from "../../src/syntax/parse.js";
import { format } from "../../src/fmt/format.js";
import { stripSpans } from "./strip.js";

// Random small scripts, laid out untidily (indentation, spacing, blank lines, one-line or
// multi-line blocks, comments): whatever parses must format to a fixed point that parses
// back to the same tree with the same comments.

const bodyLeaves = [
  "veth pair",
  "veth to br0",
  "veth vh$i as eth1",
  "addr 198.51.100.${i + 1}/24",
  "addr auto from p",
  "addr 203.0.113.5 on eth1",
  "route default via 198.51.100.1",
  "route 203.0.113.0/24 dev eth0 onlink",
  "proxyarp on eth0",
  "macvlan on eth0 mode bridge",
  "sysctl net.ipv4.ip_forward = 1",
  "up eth1",
  'run in a python3 -m http.server 80 --directory "/srv/a b"',
  "expect a not reaches b",
];
const topLeaves = [
  "uplink eth0",
  "let x = (1 + 2) * 3 - -4",
  "nat from ve-+ to eth0",
  "partition a b | c",
  "pool p 198.51.100.0/24 split /30",
  "portmap tcp 8080 to a:80",
  "expect http http://198.51.100.1/x status 404 from b",
  'use "stdlib/lxc"',
];

const space = fc.constantFrom(" ", "  ", "\t");
const comment = fc.option(fc.constantFrom("# note", "#tight", "# ünïcode ✓", "#"), { nil: undefined });

interface Item {
  leaf?: string;
  block?: { head: string; children: string[]; inline: boolean };
  comment: string | undefined;
  own: boolean;
  blank: boolean;
  indent: string;
}

const item: fc.Arbitrary<Item> = fc.record({
  leaf: fc.option(fc.constantFrom(...topLeaves), { nil: undefined }),
  block: fc.record({
    head: fc.constantFrom("ns a", "ns c$i", "host", "bridge br0", "for i in 1..3", "def f(i)"),
    children: fc.array(fc.constantFrom(...bodyLeaves), { maxLength: 5 }),
    inline: fc.boolean(),
  }),
  comment,
  own: fc.boolean(),
  blank: fc.boolean(),
  indent: fc.constantFrom("", " ", "    "),
});

function render(items: Item[], sp: string): string {
  const lines: string[] = [];
  for (const it of items) {
    if (it.blank) lines.push("");
    if (it.comment && it.own) lines.push(it.indent + it.comment);
    const tail = it.comment && !it.own ? `${sp}${it.comment}` : "";
    if (it.leaf) {
      lines.push(it.indent + it.leaf + tail);
    } else if (it.block) {
      const b = it.block;
      if (b.inline) lines.push(`${it.indent}${b.head}${sp}<${sp}${b.children.join(`;${sp}`)}${sp}>${tail}`);
      else lines.push(`${it.indent}${b.head} <${tail}`, ...b.children.map((c) => `${sp}${sp}${c}`), ">");
    }
  }
  return lines.join("\n") + "\n";
}

describe("formatter properties", () => {
  it("is idempotent and tree-preserving on random layouts", () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), space, (items, sp) => {
        const src = render(items, sp);
        const first = parse(src, "gen.nsnet");
        fc.pre(!first.diagnostics.some((d) => d.severity === "error"));
        const out = format(first.script, first.comments);
        const second = parse(out, "gen.nsnet");
        expect(second.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(stripSpans(second.script)).toEqual(stripSpans(first.script));
        expect((second.comments ?? []).length).toBe((first.comments ?? []).length);
        expect(format(second.script, second.comments)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });
});
