import { describe, expect, it } from "vitest";
import {
  isDumpInterrupted,
  isValidSysctlKey,
  parseAddrs,
  parseLinks,
  parseNetnsList,
  parseProxies,
  parseRoutes,
  parseSysctlOutput,
  sysctlDisplayKey,
  sysctlPath,
} from "../../src/exec/ip-json.js";

// captured from iproute2-6.1.0 (`ip -d -j link show` etc.)
const LINKS = `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"link_type":"loopback","address":"00:00:00:00:00:00"},
{"ifindex":4,"link":"y","ifname":"x","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP","M-DOWN"],"mtu":1500,"master":"br0","link_type":"ether","address":"3a:f9:ef:f9:45:a9","ifalias":"nsnet:p","linkinfo":{"info_kind":"veth","info_slave_kind":"bridge"}},
{"ifindex":5,"ifname":"mv0","flags":["BROADCAST"],"mtu":1500,"link_index":2,"link_netnsid":0,"link_type":"ether","linkinfo":{"info_kind":"macvlan","info_data":{"mode":"bridge"}}}]`;

describe("ip -j parsers", () => {
  it("parses links: kind, alias, master, up, peer index, mode", () => {
    const ls = parseLinks("host", LINKS);
    expect(ls[0]).toMatchObject({ ns: "host", name: "lo", kind: "loopback", up: true });
    expect(ls[1]).toMatchObject({ name: "x", kind: "veth", alias: "nsnet:p", master: "br0", up: true, ifindex: 4, mtu: 1500 });
    expect(ls[2]).toMatchObject({ name: "mv0", kind: "macvlan", mode: "bridge", up: false, linkIndex: 2, linkNetnsId: 0 });
    expect(ls[2]!.alias).toBeUndefined();
  });

  it("parses addresses, routes (host routes get a prefix) and proxies", () => {
    expect(
      parseAddrs(
        "a",
        `[{"ifname":"eth0","addr_info":[{"family":"inet","local":"192.0.2.1","prefixlen":24},{"family":"inet6","local":"2001:db8::1","prefixlen":64}]}]`,
      ),
    ).toEqual([
      { ns: "a", dev: "eth0", cidr: "192.0.2.1/24" },
      { ns: "a", dev: "eth0", cidr: "2001:db8::1/64" },
    ]);
    const rs = parseRoutes(
      "host",
      4,
      `[{"dst":"default","gateway":"192.0.2.9","dev":"x","flags":["onlink"]},{"dst":"203.0.113.5","dev":"x","scope":"link"},{"dst":"192.0.2.0/24","dev":"x","protocol":"kernel"}]`,
    );
    expect(rs).toEqual([
      { ns: "host", dst: "default", via: "192.0.2.9", dev: "x", family: 4, onlink: true },
      { ns: "host", dst: "203.0.113.5/32", dev: "x", family: 4, scope: "link" },
      { ns: "host", dst: "192.0.2.0/24", dev: "x", family: 4, proto: "kernel" },
    ]);
    expect(parseRoutes("a", 6, `[{"dst":"2001:db8::5","dev":"e"}]`)[0]!.dst).toBe("2001:db8::5/128");
    expect(parseProxies("host", `[{"dst":"192.0.2.5","dev":"x","proxy":null}]`)).toEqual([{ ns: "host", addr: "192.0.2.5", dev: "x" }]);
    expect(parseNetnsList(`[{"name":"b"},{"name":"a","id":0}]`)).toEqual(["a", "b"]);
    expect(parseNetnsList("")).toEqual([]);
  });

  it("handles sysctl keys in dotted and slashed forms", () => {
    expect(parseSysctlOutput("net.ipv4.ip_forward = 1\nnet.ipv4.conf.eth0.5.proxy_arp = 0\n")).toEqual({
      "net.ipv4.ip_forward": "1",
      "net.ipv4.conf.eth0.5.proxy_arp": "0",
    });
    expect(sysctlDisplayKey("net/ipv4/conf/eth0.5/proxy_arp")).toBe("net.ipv4.conf.eth0.5.proxy_arp");
    expect(sysctlPath("net.ipv4.ip_forward")).toBe("/proc/sys/net/ipv4/ip_forward");
    expect(sysctlPath("net/ipv4/conf/eth0.5/proxy_arp")).toBe("/proc/sys/net/ipv4/conf/eth0.5/proxy_arp");
    expect(isValidSysctlKey("net.ipv4.ip_forward")).toBe(true);
    for (const bad of ["../etc/x", "net..ipv4", "net/../../x", "a b", "", "-w"]) expect(isValidSysctlKey(bad)).toBe(false);
  });

  it("recognises interrupted dumps", () => {
    expect(isDumpInterrupted("Dump was interrupted and may be inconsistent.\n")).toBe(true);
    expect(isDumpInterrupted("Cannot find device")).toBe(false);
  });
});
