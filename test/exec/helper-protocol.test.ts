import { describe, expect, it } from "vitest";
import { encodeRequests, failureMessage, helperOpsOf, opLine, parseHelperOutput, unsafeHelperLine, type HelperOp } from "../../src/exec/helper-protocol.js";
import { opFromText } from "../plan/op-from-text.js";

const hex = (s: string) => Buffer.from(s).toString("hex");

describe("requests: typed ops as plain tokens", () => {
  it("writes each op of the plan's effects, addresses and free text in hex", () => {
    const ops = [
      "link set lo up",
      "link set lo alias nsnet:p",
      "addr add 192.0.2.5/24 dev eth0",
      "addr del 2001:db8::5/64 dev eth0",
      "link set eth0 mtu 1400",
      "link set eth0 address 02:00:00:00:00:0a",
      "link set eth0 master br0",
      "link set eth0 nomaster",
      "route add default via 192.0.2.1",
      "route add default via 2001:db8::1",
      "route add 203.0.113.0/24 via 192.0.2.254 dev eth0 onlink",
      "route add 203.0.113.7/32 dev eth0",
      "route del 203.0.113.0/24 via 192.0.2.254",
      "neigh add proxy 192.0.2.99 dev eth0",
    ].map((t, i) => opFromText(i + 1, "namespaces", "a", t));
    const typed = helperOpsOf(ops)!;
    expect(encodeRequests([{ ns: "a", ops: typed, state: true, sysctls: ["net.ipv4.ip_forward"] }]).split("\n")).toEqual([
      "ns a",
      `op updown ${hex("lo")} 1`,
      `op alias ${hex("lo")} ${hex("nsnet:p")}`,
      `op addr add ${hex("eth0")} 4 c0000205 24`,
      `op addr del ${hex("eth0")} 6 20010db8000000000000000000000005 64`,
      `op mtu ${hex("eth0")} 1400`,
      `op hwaddr ${hex("eth0")} 02000000000a`,
      `op master ${hex("eth0")} ${hex("br0")}`,
      `op master ${hex("eth0")} -`,
      "op route add 4 - 0 c0000201 - -",
      "op route add 6 - 0 20010db8000000000000000000000001 - -",
      `op route add 4 cb007100 24 c00002fe ${hex("eth0")} onlink`,
      `op route add 4 cb007107 32 - ${hex("eth0")} -`,
      "op route del 4 cb007100 24 c00002fe - -",
      `op proxy add ${hex("eth0")} 4 c0000263`,
      "read state",
      `read sysctl ${hex("net/ipv4/ip_forward")}`,
      "end",
      "",
    ]);
  });

  it("a sysctl and an nft ruleset: the helper writes /proc/sys/net/… and runs nft in the namespace", () => {
    const s = helperOpsOf([opFromText(1, "sysctl", "a", "net.ipv4.conf.eth0.proxy_arp=1", { tool: "sysctl" })])!;
    expect(opLine(s[0]!)).toBe(`op sysctl ${hex("net/ipv4/conf/eth0/proxy_arp")} ${hex("1")}`);
    // a key no namespace has is not the helper's (the checker refuses it there anyway)
    expect(opLine({ k: "sysctl", key: "kernel.hostname", value: "x" })).toBeNull();
    expect(opLine({ k: "nft", ruleset: "table inet t {\n}\n" })).toBe(`op nft ${hex("table inet t {\n}\n")}`);
  });

  it("an op the helper does not do leaves the batch to ip (netns, link creation, a gateway of the other family)", () => {
    expect(helperOpsOf([opFromText(1, "host", "host", "netns add a")])).toBeNull();
    expect(helperOpsOf([opFromText(1, "host", "host", "link add br0 type bridge")])).toBeNull();
    expect(opLine({ k: "route", add: true, dst: "198.18.0.0/15", via: "2001:db8::1" })).toBeNull();
  });

  it("hostile names stay data: hex cannot break a line, and the gate takes only lines nsnet writes", () => {
    for (const dev of ["a b", 'q"uo', "x\ny", "se;mi", "#h", "\\"]) {
      const text = encodeRequests([{ ns: "a", ops: [{ k: "updown", dev, up: true }] }]);
      expect(text.split("\n")).toHaveLength(4);
      expect(unsafeHelperLine(text)).toBeNull();
    }
    expect(() => encodeRequests([{ ns: "../etc", ops: [] }])).toThrow(/internal/);
    for (const bad of [
      "ns ../x",
      "ns 1234",
      "op updown 6c6f 1; rm",
      "op exec 6c6f",
      "read sysctl zz",
      "op route add 4 - 0 c0000201 - - extra",
      "OP updown 6c6f 1",
    ]) {
      expect(unsafeHelperLine(`ns a\n${bad}\nend\n`), bad).toBe(bad);
    }
  });
});

describe("records: what each namespace's work came to, as data", () => {
  const state = {
    links: [{ name: "lo", ifindex: 1, kind: "loopback", up: true }],
    addrs: [],
    routes: [{ dst: "default", family: 4, via: "192.0.2.1" }],
    proxies: [],
  };
  const out = (...lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n") + "\n";

  it("reads the hello, each record, and sets aside lines that are not records", () => {
    const o = parseHelperOutput(
      out(
        { helper: 1 },
        { ns: "a", applied: 2, state, sysctls: { [hex("net/ipv4/ip_forward")]: "1" } },
        { ns: "b", gone: true },
        { ns: "c", applied: 1, failed: { index: 2, errno: 17, strerror: "File exists", extack: "ipv4: Address already assigned" } },
        "perl: warning: Setting locale failed.",
        { ns: "d", applied: 0, enter: { index: 0, errno: 22, strerror: "Invalid argument", detail: "cannot enter /run/netns/d" } },
      ),
      [{ ns: "a", ops: [], sysctls: ["net.ipv4.ip_forward"] }],
    );
    expect(o.started).toBe(true);
    expect(o.bad).toEqual(["perl: warning: Setting locale failed."]);
    expect(o.records.get("a")).toEqual({
      ns: "a",
      gone: false,
      applied: 2,
      state: {
        ns: "a",
        links: [{ ns: "a", name: "lo", ifindex: 1, kind: "loopback", up: true }],
        addrs: [],
        routes: [{ ns: "a", dst: "default", family: 4, via: "192.0.2.1" }],
        proxies: [],
      },
      sysctls: { "net.ipv4.ip_forward": "1" },
    });
    expect(o.records.get("b")).toMatchObject({ gone: true });
    expect(o.records.get("c")!.failed).toEqual({ index: 2, errno: 17, strerror: "File exists", extack: "ipv4: Address already assigned" });
    expect(o.records.get("d")!.enter!.detail).toBe("cannot enter /run/netns/d");
  });

  it("without its hello, nothing the helper printed is used; unavailable is said in its own words", () => {
    expect(parseHelperOutput(out({ ns: "a", applied: 1 })).started).toBe(false);
    expect(parseHelperOutput(out({ helper: 2 }, { ns: "a", applied: 1 })).records.size).toBe(0);
    expect(parseHelperOutput(out({ helper: 1, unavailable: "no setns(2) number" }))).toMatchObject({ started: false, unavailable: "no setns(2) number" });
  });

  it("a record that is not one answers for nobody", () => {
    const o = parseHelperOutput(
      out(
        { helper: 1 },
        { ns: "a", applied: -1 },
        { ns: "../x", applied: 0 },
        { ns: "b", applied: 0, state: { links: [{ name: 1 }] } },
        { ns: "c", applied: 0, sysctls: { zz: "1" } },
      ),
    );
    expect(o.records.size).toBe(0);
    expect(o.bad).toHaveLength(4);
  });

  it("failures read as ip, nsenter, sysctl and nft said them", () => {
    const f = (x: Partial<Parameters<typeof failureMessage>[0]>, op?: HelperOp) => failureMessage({ index: 1, errno: 17, strerror: "File exists", ...x }, op);
    expect(f({})).toBe("RTNETLINK answers: File exists");
    expect(f({ extack: "ipv4: Address already assigned" })).toBe("Error: ipv4: Address already assigned.");
    expect(f({ errno: 19, strerror: "No such device", detail: 'Cannot find device "x"' })).toBe('Cannot find device "x"');
    expect(f({ index: 0, errno: 2, strerror: "No such file or directory", detail: "cannot open /run/netns/a" })).toBe(
      "cannot open /run/netns/a: No such file or directory",
    );
    expect(f({ errno: 22, strerror: "Invalid argument" }, { k: "sysctl", key: "net.ipv4.ip_forward", value: "7" })).toBe(
      'sysctl: setting key "net.ipv4.ip_forward": Invalid argument',
    );
    expect(f({ errno: 0, strerror: "nft exited with 1", exit: 1, output: "Error: syntax error\n" })).toBe("Error: syntax error");
  });
});
