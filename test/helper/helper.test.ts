import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HELPER_DIR, HELPER_MAIN } from "../../src/exec/helper.js";

/**
 * nsnet's helper (helper/) is checked like the rest of the source: every file compiles
 * (`perl -c`), passes perlcritic at the project's profile (helper/perlcriticrc; Debian's
 * libperl-critic-perl, installed by scripts/setup), and its netlink code is driven byte by
 * byte without a kernel (bytes.pl): dumps over several recv()s, interrupted dumps, an errno
 * in NLMSG_DONE, messages cut short, error ACKs with the kernel's extended ACK, the exact
 * requests `ip` sends, addresses formatted as glibc does.
 */
const here = dirname(fileURLToPath(import.meta.url));
const files = [HELPER_MAIN, ...readdirSync(join(HELPER_DIR, "Nsnet")).map((f) => join(HELPER_DIR, "Nsnet", f))];
const env = { ...process.env, LC_ALL: "C" };

describe("the helper's source", () => {
  it("lives where the build and the bundle find it", () => {
    expect(HELPER_DIR).toBe(resolve(here, "../../helper") + "/");
  });

  it.each(files)("%s compiles (perl -c)", (file) => {
    const r = spawnSync("perl", ["-I", HELPER_DIR, "-c", file], { encoding: "utf8", env });
    expect(r.stderr.trim()).toBe(`${file} syntax OK`);
    expect(r.status).toBe(0);
  });

  it("passes perlcritic at the project's profile", () => {
    const which = spawnSync("perlcritic", ["--version"], { encoding: "utf8" });
    expect(which.error, "perlcritic is not installed: run scripts/setup (Debian: libperl-critic-perl)").toBeUndefined();
    const r = spawnSync("perlcritic", ["--profile", join(HELPER_DIR, "perlcriticrc"), ...files], { encoding: "utf8", env });
    expect(r.stdout + r.stderr).toBe(files.map((f) => `${f} source OK\n`).join(""));
    expect(r.status).toBe(0);
  });

  it("says hello, and a namespace that does not exist is gone, without root or a kernel change", () => {
    const out = execFileSync("perl", [HELPER_MAIN], { input: "ns nsnet-no-such-namespace\nread state\nend\n", encoding: "utf8", env });
    expect(
      out
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([{ helper: 1 }, { ns: "nsnet-no-such-namespace", gone: true }]);
  });
});

interface Died {
  died: { errno: string; strerror: string; detail?: string; extack?: string };
}
type Outcome<T> = T | Died;

describe("the helper's netlink, byte by byte (no kernel)", () => {
  const r = JSON.parse(execFileSync("perl", [join(here, "bytes.pl"), HELPER_DIR], { encoding: "utf8", env })) as Record<string, Outcome<unknown>>;

  it("reads a dump across several recv()s, skipping what answers an earlier request", () => {
    expect(r.multipart).toEqual(["lo", "eth0", "eth1", "eth2"]);
  });

  it("takes an interrupted dump for no state, dumps again, and gives up after five", () => {
    expect(r.interrupted).toBe("none");
    expect(r.interruptedThenClean).toEqual(["lo"]);
    expect(r.interruptedAlways).toEqual({ died: { errno: "EAGAIN", strerror: "Resource temporarily unavailable", detail: "dump interrupted 5 times" } });
  });

  it("fails a dump whose NLMSG_DONE carries an errno, with the kernel's extended ACK", () => {
    expect(r.doneErrno).toEqual({ died: { errno: "EMSGSIZE", strerror: "Message too long", detail: "dump stopped early", extack: "dump too big" } });
  });

  it("refuses anything cut short: a header, a message, an attribute, a fixed header", () => {
    const cut = (detail: string) => ({ died: { errno: "EPROTO", strerror: "Protocol error", detail } });
    expect(r.shortHeader).toEqual(cut("truncated netlink header"));
    expect(r.longMessage).toEqual(cut("truncated netlink message"));
    expect(r.longAttr).toEqual(cut("truncated attribute"));
    expect(r.shortBody).toEqual(cut("truncated message body"));
    expect(r.truncatedLinkAttr).toEqual(cut("truncated attribute"));
  });

  it("reads an error ACK's errno and extended-ACK message, the request capped or echoed whole", () => {
    const exists = { errno: "EEXIST", strerror: "File exists", extack: "ipv4: Address already assigned" };
    expect(r.extackCapped).toMatchObject(exists);
    expect(r.extackEchoed).toEqual(exists);
    expect(r.ack).toBe("done");
  });

  it("an op whose answer never comes may have been done; a device it cannot find was not touched; recv waits no longer than its timeout", () => {
    expect(r.noAnswer).toEqual({ errno: "ETIMEDOUT", strerror: "Connection timed out", detail: "no answer (test)", uncertain: 1 });
    expect(r.noDevice).toEqual({ errno: "ENODEV", strerror: "No such device", detail: 'Cannot find device "nosuch0"' });
    // a real netlink socket that gets no answer: recv gives up after its timeout (0.3 s here, 20 s in use)
    const t = r.realTimeout as { errno: string; detail: string; waited: number };
    expect([t.errno, t.detail]).toEqual(["ETIMEDOUT", "no answer from the kernel in 0.3 s"]);
    expect(t.waited).toBeGreaterThanOrEqual(0.29);
    expect(t.waited).toBeLessThan(3);
  });

  it("sends each op as the request ip sends (strace of iproute2 6.1), with NLM_F_ACK", () => {
    // header: length, type, flags (REQUEST|ACK, +CREATE|EXCL for adds), seq 1, port 0
    expect(r.requests).toEqual({
      up: "2000000010000500010000000000000000000000020000000100000001000000",
      alias: "2c000000100005000100000000000000000000000100000000000000000000000b0014006e736e65743a7000",
      master: "280000001000050001000000000000000000000002000000000000000000000008000a0003000000",
      nomaster: "280000001000050001000000000000000000000002000000000000000000000008000a0000000000",
      // ip adds IFLA_INFO_KIND "bridge_slave", which makes the kernel look for a module of
      // that name each time; the port's master handles IFLA_INFO_SLAVE_DATA without it
      hold: "3000000010000500010000000000000000000000020000000000000000000000100012000c00050005001b0000000000",
      // `ip addr add 127.0.0.2/8 brd + dev lo`: IFA_LOCAL, IFA_ADDRESS, then IFA_BROADCAST
      loopback: "30000000140005060100000000000000020800fe01000000080002007f000002080001007f000002080004007fffffff",
      route: "2400000018000506010000000000000002000000fe0300010000000008000500c0000201",
      onlink:
        "4c0000001800050601000000000000000a300000fe030001040000001400010020010db80009000000000000000000001400050020010db80007000000000000000000010800040002000000",
      devroute: "2c00000018000506010000000000000002200000fe03fd010000000008000100cb0071070800040002000000",
      delroute: "2c00000019000500010000000000000002180000fe00ff000000000008000100cb00710008000500c00002fe",
      proxy: "300000001c00050601000000000000000a00000002000000800008001400010020010db8000700000000000000000099",
    });
    expect((r.extackCapped as { request: string }).request).toBe(
      "30000000140005060100000000000000021800000200000008000200c000020508000100c000020508000400c00002ff",
    );
  });

  it("writes IPv6 addresses as glibc's inet_ntop does", () => {
    for (const [ours, glibc] of r.ntop as [string, string][]) expect(ours).toBe(glibc);
  });

  it("takes only the request lines nsnet writes", () => {
    expect(r.lines).toEqual({
      "read state": 1,
      "op updown 6c6f 1": 1,
      "op mtu 65746830 1400": 1,
      "op route add 4 - 0 c0000201 - -": 1,
      "op route add 4 - 0 c00002 - -": 0,
      "op addr add 65746830 4 c0000205 33": 0,
      "op updown 6c6f 1; rm -rf /": 0,
      "op updown 6C6F 1": 0,
      "op  updown 6c6f 1": 0,
      "op exec 6c6f": 0,
      "read sysctl 6e65742f697076342f69705f666f7277617264": 1,
      "read sysctl 6e65742f2e2e2f6b65726e656c2f78": 0,
      "read sysctl 6b65726e656c2f686f73746e616d65": 0,
      "op sysctl 6e65742f697076342f636f6e662f6120622f666f7277617264696e67 31": 1,
    });
  });
});
