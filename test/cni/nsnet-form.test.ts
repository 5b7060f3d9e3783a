import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CniError } from "../../src/cni/errors.js";
import { parseNetconf, type NsnetConf } from "../../src/cni/netconf.js";
import { compileContainer, scriptText } from "../../src/cni/nsnet-form.js";
import { MAX_SCRIPT_BYTES } from "../../src/expand/fs-loader.js";

const netconf = (scriptFile: string) =>
  parseNetconf(JSON.stringify({ cniVersion: "1.0.0", name: "pods", type: "nsnet", scriptFile, container: "veth as $ifname" })) as NsnetConf;

/** what reading the netconf's script gives: its text, or the CNI error code and details */
async function read(scriptFile: string): Promise<string> {
  try {
    return await scriptText(netconf(scriptFile));
  } catch (e) {
    if (e instanceof CniError) return `error ${e.code}: ${e.details}`;
    throw e;
  }
}

describe("the nsnet form's scriptFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-cni-"));

  it("is read when it is a regular file", async () => {
    const f = join(dir, "host.nsnet");
    writeFileSync(f, "bridge cni0\n");
    expect(await read(f)).toBe("bridge cni0\n");
  });

  it("a FIFO is refused at once (reading it would hang the plugin)", async () => {
    const fifo = join(dir, "fifo.nsnet");
    execFileSync("mkfifo", [fifo]);
    expect(await read(fifo)).toBe(`error 7: scriptFile ${fifo}: it is a FIFO, not a regular file`);
  });

  it("a device is refused (/dev/zero would grow without end), by its name or behind a .nsnet one", async () => {
    expect(await read("/dev/zero")).toBe("error 7: scriptFile /dev/zero: only files ending in .nsnet can be used");
    const zero = join(dir, "zero.nsnet");
    symlinkSync("/dev/zero", zero);
    expect(await read(zero)).toBe(`error 7: scriptFile ${zero}: it is a character device, not a regular file`);
  });

  // issue 19 item 6: the error's details reach pod events; a file that is no nsnet script
  // is refused before it is read, and nothing of it is shown
  const secret = join(dir, "shadow");
  writeFileSync(secret, "root:SECRET-HASH:19000:0:99999:7:::\n");

  it("a file that is no .nsnet script (/etc/shadow's stand-in) is refused unread", async () => {
    const r = await read(secret);
    expect(r).toBe(`error 7: scriptFile ${secret}: only files ending in .nsnet can be used`);
  });

  it("a .nsnet symlink to it is refused unread too", async () => {
    const link = join(dir, "host-link.nsnet");
    symlinkSync(secret, link);
    const r = await read(link);
    expect(r).toBe(`error 7: scriptFile ${link}: it leads to ${secret}, whose name does not end in .nsnet`);
    expect(r).not.toContain("SECRET");
  });

  it("a `use` in the netconf's script of such a link is an NS206 that shows nothing of the file", () => {
    const link = join(dir, "used-link.nsnet");
    symlinkSync(secret, link);
    const conf = parseNetconf(
      JSON.stringify({ cniVersion: "1.0.0", name: "pods", type: "nsnet", script: `use "${link}"`, container: "veth as $ifname" }),
    ) as NsnetConf;
    let err: unknown;
    try {
      compileContainer(conf, conf.script, "c00000000", { ifname: "eth0", containerid: "x", netns: "/run/netns/x" }, { version: 1, pools: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CniError);
    expect((err as CniError).code).toBe(7);
    expect((err as CniError).details).toContain("NS206");
    expect((err as CniError).details).not.toContain("SECRET");
  });

  it("a file over the script size cap is refused", async () => {
    const big = join(dir, "big.nsnet");
    writeFileSync(big, `#${"x".repeat(MAX_SCRIPT_BYTES)}`);
    // (sliced: a failure must not print 8 MB)
    expect((await read(big)).slice(0, 300)).toBe(`error 7: scriptFile ${big}: it is larger than 8 MB, the most a script may be`);
  });

  it("a missing file is named with the reason", async () => {
    expect(await read(join(dir, "none.nsnet"))).toBe(`error 7: scriptFile ${join(dir, "none.nsnet")}: no such file`);
  });
});
