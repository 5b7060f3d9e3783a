import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNetns } from "../../src/cni/netns.js";

/**
 * What CNI_NETNS may be, decided by identity (src/cni/netns.ts). Only reads: stat, and open
 * for reading of nsfs files — no namespace is entered or changed, so this runs anywhere.
 */
describe("CNI_NETNS by identity", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-netns-"));
  const why = (path: string, expected?: string) => {
    const r = openNetns(path, expected);
    if (r.ok) {
      r.ns.close();
      return "ok";
    }
    return r.gone ? "gone" : r.why;
  };

  it("nsnet's own namespace is refused however the path is spelt", () => {
    symlinkSync("/proc/self/ns/net", join(dir, "self-link"));
    for (const p of ["/proc/self/ns/net", "/proc//self/ns/net", "/proc/self/./ns/net", `/proc/${process.pid}/ns/net`, join(dir, "self-link")]) {
      expect(why(p)).toBe(`${p} is nsnet's own network namespace (the host's), not a container's`);
    }
  });

  it("PID 1's is refused (here it may be ours as well, or unreadable: a refusal either way, never 'gone')", () => {
    for (const p of ["/proc/1/ns/net", "/proc//1/ns/net"]) expect(why(p)).toMatch(/is (nsnet's own|PID 1's) network namespace|^cannot stat .*: EACCES$/);
  });

  it("what is not a network namespace is refused without being opened (a FIFO would block), or by its type", () => {
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    const file = join(dir, "file");
    writeFileSync(file, "");
    for (const p of [fifo, file, "/dev/null", "/proc/self/ns/mnt", "/proc/self/ns/pid"]) expect(why(p)).toBe(`${p} is not a network namespace`);
    expect(why(join(dir, "none"))).toBe("gone");
  });

  it("with a recorded identity, another namespace is named as such", () => {
    const st = statSync("/proc/self/ns/net");
    expect(why("/proc/self/ns/net", "4:1")).toBe(
      `/proc/self/ns/net is no longer the network namespace the attachment was made in (it was 4:1, it is ${st.dev}:${st.ino})`,
    );
  });
});
