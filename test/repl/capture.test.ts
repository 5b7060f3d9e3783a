import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { join } from "node:path";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { buildCli, canSandbox, cleanBuilds, drive, engineLanded, tempDir, type Step } from "./pty-harness.js";
import { onPath } from "../../src/repl/tools.js";

/**
 * `capture NS:IF` and `host: CMD` in the REPL of `nsnet sandbox FILE`, through a real
 * pseudo-terminal, inside a fresh sandbox (addresses: 192.0.2.0/24 only).
 */
const PROMPT = "nsnet> ";
const line = (text: string, expectAfter = PROMPT, timeout = 20): Step[] => [{ send: `${text}\r` }, { expect: expectAfter, timeout }];

const ready = engineLanded() && onPath("tcpdump") && (await canSandbox());

describe.skipIf(!ready)("capture and host: in the sandbox's REPL", () => {
  let main: string;
  beforeAll(async () => {
    main = await buildCli();
  }, 300_000);
  afterAll(cleanBuilds);

  it("streams ICMP lines while the prompt takes input, .capture off stops tcpdump, -w writes a pcap, host: runs", async () => {
    const dir = tempDir();
    const file = join(dir, "lab.nsnet");
    const pcap = join(dir, "out.pcap");
    writeFileSync(file, "ns h1 < veth as eth0 peer h2:eth0; addr 192.0.2.1/24 >\nns h2 < addr 192.0.2.2/24 on eth0 >\n");
    const r = await drive({
      sandbox: true,
      argv: [process.execPath, main, "sandbox", file],
      env: { NSNET_HISTORY: join(dir, "history"), NO_COLOR: "1" },
      steps: [
        { expect: PROMPT, timeout: 30 },
        ...line("capture h2:eth0 icmp", "capturing"),
        { expect: PROMPT },
        // the prompt is free at once: tcpdump runs beside it
        ...line(".capture", "capturing on h2:eth0"),
        { expect: PROMPT },
        { send: "h1: ping -c1 -W1 h2\r", pause: 1 },
        { expect: "\\[h2:eth0\\] [0-9:.]+ IP 192\\.0\\.2\\.1 > 192\\.0\\.2\\.2: ICMP echo request", timeout: 10 },
        ...line("host: pidof tcpdump", "\\d+\r?\n"),
        ...line(".capture off", "stopped h2:eth0"),
        { expect: PROMPT },
        // the child is gone: pidof finds nothing (exit 1)
        ...line("host: pidof tcpdump", "exit 1"),
        ...line(`capture h2:eth0 -w ${pcap} icmp`, "capturing"),
        { expect: PROMPT },
        { send: "h1: ping -c2 -i0.2 -W1 h2\r", pause: 1 },
        { expect: PROMPT, timeout: 10 },
        ...line(".capture off", "stopped"),
        // hostile filters never reach tcpdump
        ...line("capture h2:eth0 -i lo", "not a filter word"),
        ...line("capture h2:eth0 icmp;reboot", "not a filter word"),
        ...line("host: ip -br link show lo", "lo +UNKNOWN"),
        ...line(".exit", "$", 5),
        { wait_exit: 20 },
      ],
    });
    expect(r.reason, r.transcript).toBeNull();
    expect(r.exit).toBe(0);
    expect(r.transcript).not.toContain("run in your own shell");
    expect(existsSync(pcap)).toBe(true);
    // pcap magic (either byte order), and at least one packet after the 24-byte header
    const bytes = readFileSync(pcap);
    expect(bytes.readUInt32LE(0).toString(16)).toMatch(/^(a1b2c3d4|d4c3b2a1)$/);
    expect(bytes.length).toBeGreaterThan(24 + 16 + 28);
  }, 180_000);
});
