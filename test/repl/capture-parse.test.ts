import { describe, it, expect } from "vitest";
import { captureArgv, parseCapture } from "../../src/repl/capture.js";
import { missingToolMessage } from "../../src/repl/tools.js";
import { classifyInput } from "../../src/repl/input.js";
import { assertSafeArgv } from "../../src/exec/runner.js";

describe("capture NS:IF [-w FILE] [FILTER…] (pure)", () => {
  it("becomes tcpdump in the namespace with the filter after --", () => {
    expect(classifyInput("capture h1:eth0 icmp and host 192.0.2.2")).toEqual({ kind: "capture", rest: " h1:eth0 icmp and host 192.0.2.2" });
    const req = parseCapture(" h1:eth0 icmp and host 192.0.2.2");
    expect(req).toEqual({ ns: "h1", dev: "eth0", filter: ["icmp", "and", "host", "192.0.2.2"] });
    expect(captureArgv(req as never, false)).toEqual([
      "ip",
      "netns",
      "exec",
      "h1",
      "tcpdump",
      "-l",
      "-n",
      "-Z",
      "root",
      "-i",
      "eth0",
      "--",
      "icmp",
      "and",
      "host",
      "192.0.2.2",
    ]);
    expect(captureArgv(parseCapture("host:br0 -w a.pcap") as never, true)).toEqual([
      "tcpdump",
      "-l",
      "-n",
      "-Z",
      "root",
      "-i",
      "br0",
      "-U",
      "-w",
      "a.pcap",
      "--",
    ]);
    expect(parseCapture("r1:lan not ( port 22 || arp )")).toMatchObject({ filter: ["not", "(", "port", "22", "||", "arp", ")"] });
  });

  it.each([
    ["", /usage/],
    ["h1", /not NS:IF/],
    ["h1:eth0:x", /not NS:IF/],
    ["h;1:eth0", /invalid namespace/],
    ["h1:eth0/../x", /invalid interface/],
    ["h1:eth0 -i lo", /not a filter word/],
    ["h1:eth0 icmp;reboot", /not a filter word/],
    ["h1:eth0 $(id)", /not a filter word/],
    ["h1:eth0 'icmp'", /not a filter word/],
    ["h1:eth0 `id`", /not a filter word/],
    ["h1:eth0 -w", /-w takes/],
    ["h1:eth0 -w -x.pcap", /-w takes/],
    ["h1:eth0 -w /etc/passwd", /-w takes/],
    ["h1:eth0 -w a\u0007.pcap", /-w takes/],
    ["h1:eth0 -Z nobody", /not a filter word/],
  ])("refuses %j", (rest, why) => {
    const r = parseCapture(rest);
    expect(typeof r).toBe("string");
    expect(r).toMatch(why);
  });

  it("the runner refuses a host tcpdump whose filter holds an option or that has no --", () => {
    expect(() => assertSafeArgv(["tcpdump", "-i", "br0", "--", "-w", "/x"])).toThrow(/tcpdump/);
    expect(() => assertSafeArgv(["tcpdump", "-i", "br0", "-w", "/x"])).toThrow(/tcpdump/);
    expect(() => assertSafeArgv(["tcpdump", "-l", "-n", "-i", "br0", "--", "icmp"])).not.toThrow();
  });

  it("a missing optional tool names its Debian package", () => {
    expect(missingToolMessage("traceroute", "/nonexistent")).toBe("traceroute is not installed here (Debian package traceroute: apt-get install traceroute)");
    expect(missingToolMessage("arping", "/nonexistent")).toMatch(/iputils-arping/);
    expect(missingToolMessage("ls", "/nonexistent")).toBeNull();
    expect(missingToolMessage("tcpdump", "/usr/bin:/usr/sbin")).toBeNull();
  });
});
