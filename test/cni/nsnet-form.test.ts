import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CniError } from "../../src/cni/errors.js";
import { parseNetconf, type NsnetConf } from "../../src/cni/netconf.js";
import { scriptText } from "../../src/cni/nsnet-form.js";
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

  it("a device is refused (/dev/zero would grow without end)", async () => {
    expect(await read("/dev/zero")).toBe("error 7: scriptFile /dev/zero: it is a character device, not a regular file");
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
