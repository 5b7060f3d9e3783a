import { describe, it, expect } from "vitest";
import { cellKey, formatMatrix, formatRtt, summarizeProbes } from "../../src/repl/matrix.js";
import type { PingResult } from "../../src/repl/engine-port.js";

describe("formatMatrix", () => {
  it("puts sources in rows and targets in columns, with timings", () => {
    const r = new Map<string, PingResult>([
      [cellKey("h1", "h2"), { ok: true, ms: 0.05 }],
      [cellKey("h2", "h1"), { ok: false }],
      [cellKey("h1", "router"), { ok: true, ms: 12.34 }],
    ]);
    expect(formatMatrix(["h1", "h2", "router"], r)).toBe(
      ["from\\to  h1  h2         router", "h1       ·   ok 0.05ms  ok 12.3ms", "h2       --  ·", "router" + " ".repeat(18) + "·"].join("\n") + "\n",
    );
    expect(summarizeProbes(r)).toBe("2/3 reachable");
  });

  it("prints round-trip times compactly", () => {
    expect(formatRtt(0.05)).toBe("0.05ms");
    expect(formatRtt(0.123)).toBe("0.12ms");
    expect(formatRtt(1)).toBe("1ms");
    expect(formatRtt(250.4)).toBe("250ms");
  });
});

describe("parsePing", () => {
  it("reads the round-trip time, tells no-reply from could-not-run", async () => {
    const { parsePing } = await import("../../src/repl/ping-output.js");
    const out = "PING 192.0.2.2 (192.0.2.2) 56(84) bytes of data.\n64 bytes from 192.0.2.2: icmp_seq=1 ttl=64 time=0.050 ms\n";
    expect(parsePing(0, out, "")).toEqual({ ok: true, ms: 0.05 });
    expect(parsePing(1, "1 packets transmitted, 0 received", "")).toEqual({ ok: false });
    expect(parsePing(2, "", "ping: connect: Network is unreachable\n")).toEqual({ ok: false, error: "ping: connect: Network is unreachable" });
  });
});
