import { describe, expect, it } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { plan, planDown } from "../../src/plan/plan.js";
import { checkLive } from "../../src/check/live.js";
import { emptyProjectState } from "../../src/model/state.js";
import { formatSource } from "../../src/fmt/format.js";
import type { LiveState } from "../../src/model/live.js";
import type { Op } from "../../src/plan/op.js";
import { effectOf } from "../../src/plan/read.js";
import { inverseOf } from "../../src/plan/inverse.js";
import { LiveFake } from "../check/live-fake.js";
import { simulate } from "./simulate.js";

/**
 * `bridge NAME existing` (issue 20 item 5): someone else's bridge — lxc-net's lxcbr0 — is used
 * as it is: ports attached with `master`, addresses added, never created, marked or deleted.
 * And `hairpin` on a port (issue 20 item 6: CNI's hairpinMode).
 */
const SCRIPT = `bridge lxcbr0 existing < addr 10.0.3.1/24 >
ns c1 < veth to lxcbr0 hairpin; addr 10.0.3.5/24; route default via 10.0.3.1 >
`;

const compiled = (text = SCRIPT) => {
  const c = compileText(text, "existing.nsnet");
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return c.addressed!;
};
/** The host as lxc-net left it: lxcbr0 up, no nsnet mark. */
const lxcHost = (): LiveState => new LiveFake().link("host", "lo", { kind: "loopback" }).link("host", "lxcbr0", { kind: "bridge" }).state;
const texts = (ops: readonly Op[]) => ops.map((o) => `${o.ns}: ${o.text}`);

describe("bridge NAME existing", () => {
  it("parses, prints back and is a host bridge that nsnet does not create", () => {
    expect(formatSource(SCRIPT, "e.nsnet").output).toBe(SCRIPT);
    const br = compiled().devices.find((d) => d.name === "lxcbr0")!;
    expect(br).toMatchObject({ kind: "bridge", ns: "host", existing: true });
  });

  it("plans ports with master (undone with nomaster or with the port), the address, never a link add, alias or delete of the bridge", () => {
    const t = compiled();
    const r = plan(t, lxcHost(), { project: "lxc", previous: emptyProjectState("lxc") });
    expect(r.diagnostics).toEqual([]);
    const all = texts(r.ops);
    expect(all.filter((x) => x.includes("lxcbr0") && !x.includes("master"))).toEqual(["host: addr add 10.0.3.1/24 brd + dev lxcbr0"]);
    expect(all).toContain("host: link set c1_veth0 master lxcbr0");
    expect(all.indexOf("host: link set dev c1_veth0 type bridge_slave hairpin on")).toBeGreaterThan(all.indexOf("host: link set c1_veth0 master lxcbr0"));
    const master = r.ops.find((o) => o.text === "link set c1_veth0 master lxcbr0")!;
    expect(master.inverse).toEqual({ k: "master", ns: "host", dev: "c1_veth0", master: null });
    // re-apply: nothing to do
    const live = simulate(lxcHost(), r.ops);
    const again = plan(t, live, { project: "lxc", previous: { ...emptyProjectState("lxc"), applied: r.ops } });
    expect(again.ops).toEqual([]);
    // down: the port and the address go, the bridge stays
    const down = texts(planDown({ ...emptyProjectState("lxc"), applied: r.ops }, live));
    expect(down).toContain("host: addr del 10.0.3.1/24 dev lxcbr0");
    expect(down).toContain("host: netns del c1"); // the port goes with c1's end
    expect(down.some((x) => /link del lxcbr0|lxcbr0 nomaster/.test(x))).toBe(false);
    const after = simulate(live, planDown({ ...emptyProjectState("lxc"), applied: r.ops }, live));
    expect(after.links.map((l) => `${l.ns}:${l.name}:${l.kind}:${l.alias ?? ""}`)).toEqual(["host:lo:loopback:", "host:lxcbr0:bridge:"]);
  });

  it("brings a down existing bridge up only because live shows it down, as an uplink", () => {
    const down = new LiveFake().link("host", "lxcbr0", { kind: "bridge", up: false }).state;
    const r = plan(compiled(), down, { project: "lxc", previous: emptyProjectState("lxc") });
    expect(texts(r.ops)).toContain("host: link set lxcbr0 up");
    expect(texts(plan(compiled(), lxcHost(), { project: "lxc", previous: emptyProjectState("lxc") }).ops)).not.toContain("host: link set lxcbr0 up");
  });

  it("live check: missing is NS507, not a bridge NS508; a plain `bridge` on someone's bridge says to write `existing`", () => {
    const codes = (live: LiveState, text = SCRIPT) =>
      checkLive(compiled(text), live, { project: "lxc" }).map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`);
    expect(codes(lxcHost())).toEqual([]);
    expect(codes(new LiveFake().state)).toEqual(["NS507 1:8"]);
    expect(codes(new LiveFake().link("host", "lxcbr0", { kind: "veth" }).state)).toEqual(["NS508 1:8"]);
    const plain = checkLive(compiled("bridge lxcbr0\n"), lxcHost(), { project: "lxc" });
    expect(plain.map((d) => d.code)).toEqual(["NS502"]);
    expect(plain[0]!.hint).toContain("write `bridge lxcbr0 existing`");
  });

  it("is refused inside a namespace (NS212 at the word)", () => {
    const c = compileText("ns a < bridge br9 existing >\n", "e.nsnet");
    expect(c.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)).toEqual(["NS212 1:19"]);
  });
});

describe("hairpin", () => {
  it("goes on the end that is the bridge port: the far end with `to`, this end inside a bridge block", () => {
    const t = compiled("bridge br0\nns a < veth to br0 hairpin >\nns r < bridge br1 < veth as p1 peer a hairpin > >\n");
    const ports = t.devices.filter((d) => d.hairpin).map((d) => `${d.ns}:${d.name}:${d.master}`);
    expect(ports).toEqual(["host:a_veth0:br0", "r:p1:br1"]);
    expect(formatSource("ns a < veth to br0 mtu 1400 hairpin >\n", "h.nsnet").output).toBe("ns a < veth to br0 mtu 1400 hairpin >\n");
  });

  it("is refused on a device that is no bridge port (NS212 at the word)", () => {
    const c = compileText("uplink eth0\nns a < veth hairpin; macvlan on eth0 hairpin >\n", "h.nsnet");
    expect(c.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)).toEqual(["NS212 2:13", "NS212 2:38"]);
  });

  it("reads its own text back; its inverse turns it off; a reader that does not report it leaves it to the record", () => {
    expect(effectOf({ tool: "ip", ns: "host", text: "link set dev p1 type bridge_slave hairpin on" })).toEqual({
      k: "hairpin",
      ns: "host",
      dev: "p1",
      on: true,
    });
    expect(inverseOf({ k: "hairpin", ns: "host", dev: "p1", on: true }, { project: "p", originals: {} })).toEqual({
      k: "hairpin",
      ns: "host",
      dev: "p1",
      on: false,
    });
    const t = compiled("bridge br0\nns a < veth to br0 hairpin >\n");
    const first = plan(t, new LiveFake().state, { project: "h", previous: emptyProjectState("h") });
    const live = simulate(new LiveFake().state, first.ops);
    const applied = { ...emptyProjectState("h"), applied: first.ops };
    // the reader said nothing about hairpin: the record stands
    for (const l of live.links) delete l.hairpin;
    expect(plan(t, live, { project: "h", previous: applied }).ops).toEqual([]);
    // the reader says it is off: set it again
    live.links.find((l) => l.name === "a_veth0")!.hairpin = false;
    expect(texts(plan(t, live, { project: "h", previous: applied }).ops)).toEqual(["host: link set dev a_veth0 type bridge_slave hairpin on"]);
  });
});
