import { describe, expect, it } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { importLxc } from "../../src/import/lxc.js";
import { importCni } from "../../src/import/cni.js";
import { ImportError } from "../../src/import/errors.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";
import { compileText } from "../../src/engine/compile.js";
import { formatSource } from "../../src/fmt/format.js";
import { parse } from "../../src/syntax/parse.js";
import { importCodes } from "../../src/diagnostics/codes/import.js";

/**
 * The importers (issue 19 items 3–4, issue 20 items 5–6): the script is built as a tree and
 * printed by the formatter, names keep to the one allowlist, a refusal is a diagnostic at the
 * key and line (every character of it shown escaped), LXC's bridge is used as it is, and the
 * CNI bridge plugin's hairpinMode and rangeStart/rangeEnd are expressed.
 */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

function refusal(f: () => string, text: string, file = "c.conf"): { code: string; key: string; line: number; rendered: string } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof ImportError)) throw e;
    const { diagnostic, sources } = e.toDiagnostic(file, text);
    return { code: diagnostic.code, key: e.key, line: e.line, rendered: renderDiagnostics([diagnostic], { sources, color: false }) };
  }
  throw new Error("expected a refusal");
}

const lxc = (text: string, file = "c.conf") => importLxc(text, file, { fallbackName: "c" });
const clean = (script: string) => {
  const c = compileText(script, "imported.nsnet");
  expect(
    c.diagnostics.filter((d) => d.severity === "error"),
    script,
  ).toEqual([]);
  expect(formatSource(script, "imported.nsnet").output).toBe(script);
  return c;
};

const LXC_NEW = `lxc.uts.name = db1
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 192.0.2.20/24
lxc.net.0.ipv4.address = 192.0.2.21
lxc.net.0.ipv6.address = 2001:db8::21/64
lxc.net.0.ipv4.gateway = 192.0.2.1
lxc.net.1.type = vlan
lxc.net.1.link = eth0
lxc.net.1.vlan.id = 7
lxc.net.1.name = v7
lxc.net.1.mtu = 1400
lxc.net.2.type = phys
lxc.net.2.link = enp3s0
lxc.net.2.flags = up
lxc.net.2.name = eth9
`;

describe("import lxc", () => {
  it("uses LXC's bridge as it is (`bridge NAME existing`), or lets nsnet own it when asked (golden)", () => {
    const out = lxc(LXC_NEW);
    clean(out);
    const golden = new URL("../fixtures/import/lxc-new.nsnet.golden", import.meta.url);
    const body = out.slice(out.indexOf("\n") + 1);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, body);
    expect(body).toBe(readFileSync(golden, "utf8"));
    expect(out).toContain("bridge lxcbr0 existing\n");
    const owned = importLxc(LXC_NEW, "c.conf", { fallbackName: "c", createBridges: true });
    expect(owned).toContain("bridge lxcbr0\n");
    expect(owned).not.toContain("existing");
  });

  it("refuses a name outside the allowlist at its key and line: nothing reaches the script (issue 19 item 3)", () => {
    const cases: [string, string, number, string][] = [
      // veth.pair = x;exec with uts.name = as and name = touch produced an `exec` statement
      ["lxc.uts.name = as\nlxc.net.0.type = veth\nlxc.net.0.name = touch\nlxc.net.0.veth.pair = x;exec\n", "lxc.net.0.veth.pair", 4, "';'"],
      // e#x dropped the rest of the line, the bridge included
      ["lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = e#x\nlxc.net.0.link = br0\n", "lxc.net.0.name", 3, "'#'"],
      // ${1+1} became 2
      ["lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = ${1+1}\n", "lxc.net.0.name", 3, "'$'"],
      ['lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = e"x\n', "lxc.net.0.name", 3, `'"'`],
      ["lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = e\\x\n", "lxc.net.0.name", 3, "'\\'"],
      ["lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.link = b>r\n", "lxc.net.0.link", 3, "'>'"],
      ["lxc.uts.name = a;b\nlxc.net.0.type = veth\n", "lxc.uts.name", 1, "';'"],
      ["lxc.utsname = a\nlxc.network.type = macvlan\nlxc.network.link = et<h0\n", "lxc.network.link", 3, "'<'"],
      ["lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = dev\n", "lxc.net.0.name", 3, "keyword `dev`"],
    ];
    for (const [text, key, line, shown] of cases) {
      const r = refusal(() => lxc(text), text);
      expect([r.code, r.key, r.line], text).toEqual(["NS240", key, line]);
      expect(r.rendered, text).toContain(shown);
      expect(r.rendered).toMatch(new RegExp(`^c\\.conf:${line}:\\d+: error\\[NS240\\]: `));
    }
  });

  it("shows a control character escaped, never raw, with the caret under the value (issue 19 item 4)", () => {
    const text = "lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.name = \u001b]0;pwned\u0007eth0\r\nlxc.net.0.link = \u000bbr0\n";
    const r = refusal(() => lxc(text), text);
    expect(r.rendered).not.toMatch(RAW_CONTROL);
    expect(r.rendered).toBe(
      [
        "c.conf:3:18: error[NS240]: lxc.net.0.name: `\\x1b]0;pwned\\x07eth0` is not a valid interface name: it contains the control character \\x1b (letters, digits, '_', '.', '-' only)",
        " 3 | lxc.net.0.name = \\x1b]0;pwned\\x07eth0",
        "   |                  ^^^^^^^^^^^^^^^^^^^^",
        "",
      ].join("\n"),
    );
    // a file name is shown escaped too, and a comment never holds it raw
    const out = lxc("lxc.uts.name = a\n", "/tmp/x\nns pwn < run in pwn touch /tmp/PWNED >\u001b");
    expect(out.split("\n")[0]).toBe("# imported by `nsnet import lxc` from /tmp/x\\x0ans pwn < run in pwn touch /tmp/PWNED >\\x1b: the network of container a");
    expect(parse(out, "o.nsnet").script.body.map((s) => s.type)).toEqual(["Ns"]);
  });

  it("names the key and the line of what nsnet cannot express or what is malformed", () => {
    const cases: [string, string, string, number][] = [
      ["lxc.net.0.type = veth\nlxc.net.0.script.up = /bin/true\n", "NS241", "lxc.net.0.script.up", 2],
      ["lxc.network.type = veth\nlxc.network.hwaddr = 00:16:3e:xx:xx:xx\n", "NS241", "lxc.network.hwaddr", 2],
      ["lxc.net.0.type = none\n", "NS241", "lxc.net.0.type", 1],
      ["lxc.network.ipv4 = 192.0.2.1/24\n", "NS242", "lxc.network.ipv4", 1],
      ["lxc.net.0.type = veth\nlxc.net.0.ipv4.gateway = auto\n", "NS241", "lxc.net.0.ipv4.gateway", 2],
      ["lxc.net.0.type = veth\nlxc.net.0.mtu = big\n", "NS242", "lxc.net.0.mtu", 2],
      ["lxc.net.0.type = veth\njust words\n", "NS242", "just words", 2],
    ];
    for (const [text, code, key, line] of cases) {
      const r = refusal(() => lxc(text), text);
      expect([r.code, r.key, r.line], text).toEqual([code, key, line]);
    }
  });
});

const conflist = (bridge: Record<string, unknown>, ipam: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: "cni-bridge",
      plugins: [
        {
          type: "bridge",
          bridge: "cni0",
          isGateway: true,
          ipMasq: true,
          ...bridge,
          ipam: { type: "host-local", subnet: "10.22.0.0/16", routes: [{ dst: "0.0.0.0/0" }], ...ipam },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );

describe("import cni", () => {
  it("expresses hairpinMode as `hairpin` on the bridge port, as the plugin sets it (issue 20 item 6)", () => {
    const out = importCni(conflist({ hairpinMode: true }), "n.conflist");
    expect(out).toContain("veth as eth0 to cni0 hairpin;");
    const c = clean(`${out}cni_bridge(ctr1)\n`);
    expect(c.addressed!.devices.find((d) => d.name === "ctr1_veth0")).toMatchObject({ hairpin: true, master: "cni0" });
  });

  it("reserves what lies outside rangeStart–rangeEnd as ranges, however deep in a /16: the first container gets rangeStart", () => {
    const out = importCni(conflist({}, { rangeStart: "10.22.100.7", rangeEnd: "10.22.199.255" }), "n.conflist");
    expect(out).toContain("pool cni_bridge 10.22.0.0/16 reserve 10.22.0.1-10.22.100.6 10.22.200.0-10.22.255.254\n");
    const c = clean(`${out}cni_bridge(ctr1)\ncni_bridge(ctr2)\n`);
    expect(c.addressed!.resolved.filter((a) => a.fromPool).map((a) => a.cidr)).toEqual(["10.22.100.7/16", "10.22.100.8/16"]);
    // the gateway inside the range is reserved on its own; IPv6 ranges too
    const v6 = importCni(
      conflist({}, { subnet: "2001:db8:1::/64", rangeStart: "2001:db8:1::100", rangeEnd: "2001:db8:1::ffff", gateway: "2001:db8:1::1000" }),
      "n.conflist",
    );
    expect(v6).toContain(
      "pool cni_bridge 2001:db8:1::/64 reserve 2001:db8:1::1000 2001:db8:1::1-2001:db8:1::ff 2001:db8:1::1:0-2001:db8:1:0:ffff:ffff:ffff:ffff\n",
    );
    clean(`${v6}cni_bridge(ctr1)\n`);
  });

  it("refuses a bridge name outside the allowlist at its value; `$x` is never read as a variable (issue 19 item 3)", () => {
    for (const bad of ["b;exec", "$x", "b\\x", 'b"x', "b>x", "b\u001bx"]) {
      const text = conflist({ bridge: bad });
      const r = refusal(() => importCni(text, "n.conflist"), text, "n.conflist");
      expect([r.code, r.key, r.line], bad).toEqual(["NS240", "bridge", 7]);
      expect(r.rendered).not.toMatch(RAW_CONTROL);
    }
  });

  it("nsnet's own form: its script and container are parsed and printed again, never pasted", () => {
    const text = JSON.stringify({
      cniVersion: "1.1.0",
      name: "pods",
      type: "nsnet",
      script: "pool pods 10.22.0.0/16 reserve 10.22.0.1\nbridge cni0 < addr 10.22.0.1/16 >",
      container: "veth as $ifname to cni0; addr auto from pods # a comment >\nroute default via 10.22.0.1",
    });
    const out = importCni(text, "p.conf");
    expect(out).toContain(
      "def pods(containerid, ifname) <\n  ns $containerid < veth as $ifname to cni0; addr auto from pods; route default via 10.22.0.1 >\n>\n",
    );
    clean(`${out}pods(c1, "eth0")\n`);
    const broken = JSON.stringify({ cniVersion: "1.1.0", name: "pods", type: "nsnet", container: "veth as $ifname > exec host touch /x" });
    expect(refusal(() => importCni(broken, "p.conf"), broken, "p.conf")).toMatchObject({ code: "NS242", key: "container" });
  });
});

describe("the importers' codes", () => {
  it("each catalog example (an LXC config) gives its own code through `import lxc`", () => {
    for (const c of importCodes) {
      const text = `${c.example}\n`;
      expect(refusal(() => lxc(text), text).code, c.example).toBe(c.code);
    }
  });
});
