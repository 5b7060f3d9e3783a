import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expectGolden } from "../golden.js";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { explicitWork, namespaceOf, selectHandlers } from "../../src/hook/handlers.js";
import { udevRules, RuleError } from "../../src/hook/udev-rule.js";
import { emptySnapshot } from "../../src/ipam/snapshot.js";
import { HOST, type AddressedTopology } from "../../src/model/topology.js";

const golden = (name: string, actual: string) => expectGolden(new URL(`../fixtures/hook/${name}.golden`, import.meta.url), actual);

const compile = (text: string, file = "hooks.nsnet"): AddressedTopology => {
  const c = compileWithFsLoader(text, file);
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.addressed!;
};

const HANDLERS = `uplink eth0
host < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >
def publish(a) < neigh proxy $a on eth0 >
on add "lxc*_veth0" <
  route 198.51.100.\${ifindex}/32 dev $iface
  publish("198.51.100.\${ifindex}")
  sysctl net.ipv4.conf.\${iface}.proxy_arp = 1
>
on add "lxc*_veth0|ve-*" < sysctl net.ipv4.conf.\${iface}.forwarding = 1 >
on remove "ve-*" < sysctl net.ipv4.conf.eth0.proxy_arp = 0 >
`;

describe("which handlers an event runs", () => {
  const t = compile(HANDLERS);

  it("every handler of the action whose pattern matches, in source order", () => {
    const s = selectHandlers(t, "add", "lxc3_veth0");
    expect(s.kind === "explicit" && s.handlers.map((h) => h.pattern)).toEqual(["lxc*_veth0", "lxc*_veth0|ve-*"]);
    expect(selectHandlers(t, "add", "ve-web").kind).toBe("explicit");
    expect(selectHandlers(t, "remove", "lxc3_veth0").kind).toBe("none");
    expect(selectHandlers(t, "add", "eth1").kind).toBe("none");
  });

  it("derived handlers only in a script without `on`", () => {
    const withNs = compile(HANDLERS + "ns lxc9 < veth pair; addr 198.51.100.9/24; proxyarp on eth0 >\n");
    expect(selectHandlers(withNs, "add", "lxc9_veth0").kind).toBe("explicit");
    const card = compile("uplink eth0\nhost < addr 198.51.100.2/24 on eth0 >\nns lxc9 < veth pair; addr 198.51.100.9/24; proxyarp on eth0 >\n");
    expect(selectHandlers(card, "add", "lxc9_veth0")).toMatchObject({ kind: "derived", handler: { ns: "lxc9", iface: "lxc9_veth0" } });
    expect(selectHandlers(card, "remove", "lxc9_veth0").kind).toBe("derived");
    expect(selectHandlers(card, "add", "lxc9_veth1").kind).toBe("none");
  });

  it("$ns: the declared namespace of that host end, else the `${ns}_vethN` naming rule", () => {
    const t2 = compile("ns web < veth front >\n");
    expect(namespaceOf(t2, "front")).toBe("web");
    expect(namespaceOf(t2, "lxc4_veth1")).toBe("lxc4");
    expect(namespaceOf(t2, "eth1")).toBeUndefined();
  });

  it("expands the bodies with $iface, $ifindex, $ns and $action bound, host side only", () => {
    const hs = selectHandlers(t, "add", "lxc3_veth0");
    if (hs.kind !== "explicit") throw new Error("no handler");
    const w = explicitWork(t, hs.handlers, { iface: "lxc3_veth0", ifindex: 42 }, { file: "hooks.nsnet", allocations: emptySnapshot() });
    expect(w.diagnostics).toEqual([]);
    expect(w.topology.devices.map((d) => [d.kind, d.ns, d.name])).toEqual([["uplink", HOST, "lxc3_veth0"]]);
    expect(w.topology.routes.map((r) => `${r.dst} dev ${r.dev}`)).toEqual(["198.51.100.42/32 dev lxc3_veth0"]);
    expect(w.topology.neighProxies.map((n) => `${n.addr} on ${n.dev}`)).toEqual(["198.51.100.42 on eth0"]);
    expect(w.topology.sysctls.map((s) => `${s.key}=${s.value}`)).toEqual(["net.ipv4.conf.lxc3_veth0.proxy_arp=1", "net.ipv4.conf.lxc3_veth0.forwarding=1"]);

    const bound = compile(`on add "x*" < sysctl net.ipv4.conf.\${iface}.tag_\${action}_\${ns} = 1 >\n`);
    const b = selectHandlers(bound, "add", "x1_veth0");
    if (b.kind !== "explicit") throw new Error("no handler");
    const bw = explicitWork(bound, b.handlers, { iface: "x1_veth0" }, { file: "hooks.nsnet", allocations: emptySnapshot() });
    expect(bw.topology.sysctls.map((s) => s.key)).toEqual(["net.ipv4.conf.x1_veth0.tag_add_x1"]);
  });

  it("a handler whose body goes wrong for this interface is a diagnostic at its token, nothing else", () => {
    const bad = compile(`on add "lxc*" < route 198.51.100.7/32 dev $nope >\n`);
    const s = selectHandlers(bad, "add", "lxc1_veth0");
    if (s.kind !== "explicit") throw new Error("no handler");
    const w = explicitWork(bad, s.handlers, { iface: "lxc1_veth0" }, { file: "hooks.nsnet", allocations: emptySnapshot() });
    expect(w.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.span.start.line, d.span.start.column])).toEqual([["NS201", 1, 43]]);
  });
});

describe("nsnet udev-rule", () => {
  const where = { bin: "/usr/local/bin/nsnet", file: "/etc/nsnet/hooks.nsnet" };

  it("one rule per handler, a remove rule for every add pattern, absolute paths (golden)", () => {
    golden("handlers.rules", udevRules(compile(HANDLERS), where));
  });

  it("a script without handlers: add and remove for each derived handler (golden: examples/udev-lxc.nsnet)", () => {
    const file = fileURLToPath(new URL("../../examples/udev-lxc.nsnet", import.meta.url));
    const t = compile(readFileSync(file, "utf8"), file);
    const rules = udevRules(t, { bin: "/usr/local/bin/nsnet", file: "/etc/nsnet/udev-lxc.nsnet" });
    golden("udev-lxc.rules", rules);
    // examples/README.md shows exactly these rules
    const readme = readFileSync(new URL("../../examples/README.md", import.meta.url), "utf8");
    expect(readme).toContain(rules);
  });

  it("the header's install command prints the same rules again: --bin and the hook's options included", () => {
    const t = compile(HANDLERS);
    const text = udevRules(t, { bin: "/opt/my tools/nsnet", file: "/etc/nsnet/hooks.nsnet", args: ["--project", "lab"] });
    expect(text.split("\n")[1]).toBe(
      "#   nsnet udev-rule --bin '/opt/my tools/nsnet' /etc/nsnet/hooks.nsnet --project lab > /etc/udev/rules.d/90-nsnet-hooks.rules",
    );
    expect(udevRules(t, where).split("\n")[1]).toBe(
      "#   nsnet udev-rule --bin /usr/local/bin/nsnet /etc/nsnet/hooks.nsnet > /etc/udev/rules.d/90-nsnet-hooks.rules",
    );
  });

  it("quotes what udev would substitute or split, refuses what it cannot write", () => {
    const t = compile(`on add "ve-*" < up $iface >\n`);
    const text = udevRules(t, { bin: "/opt/my tools/nsnet", file: "/etc/nsnet/50%$x.nsnet", args: ["--project", "lab"] });
    expect(text).toContain(`RUN+="'/opt/my tools/nsnet' hook /etc/nsnet/50%%$$x.nsnet --project lab"`);
    expect(() => udevRules(t, { bin: `/opt/"x"/nsnet`, file: "/f.nsnet" })).toThrow(RuleError);
    // a pattern with a character outside the allowlist never gets this far: the language refuses it
    expect(compileWithFsLoader(`on add "a\\\\b" < up $iface >\n`, "hooks.nsnet").diagnostics.map((d) => d.code)).toEqual(["NS210"]);
  });
});
