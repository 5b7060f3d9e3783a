import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";
import { codeCacheLine, versionText } from "../../src/cli/version.js";

/**
 * The installed executable's first lines (scripts/bundle.mjs): a POSIX sh line that drops
 * NODE_EXTRA_CA_CERTS and execs node on the same file, which is also the JavaScript stub
 * that runs the bundle from its code cache and records whether V8 took it. Needs the build.
 */
const STUB = fileURLToPath(new URL("../../dist/cli/nsnet.cjs", import.meta.url));
const CODE = fileURLToPath(new URL("../../dist/cli/nsnet-bundle.cjs", import.meta.url));
const UNBUNDLED = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));
const nodeDir = dirname(process.execPath);

/** A copy of the installed files in a directory of their own, to break without touching dist/. */
function copyInstall(cache: Buffer | undefined): string {
  const dir = join(mkdtempSync(join(tmpdir(), "nsnet-stub-")), "cli");
  mkdirSync(dir);
  copyFileSync(STUB, join(dir, "nsnet.cjs"));
  chmodSync(join(dir, "nsnet.cjs"), 0o755);
  copyFileSync(CODE, join(dir, "nsnet-bundle.cjs"));
  if (cache) writeFileSync(join(dir, "nsnet-bundle.cache"), cache);
  return join(dir, "nsnet.cjs");
}

describe("the installed executable's first line", () => {
  it("needs no GNU env: it is /bin/sh, or env with a bare program name (Linux passes the rest as ONE argument)", () => {
    const first = readFileSync(STUB, "latin1").split("\n")[0]!;
    expect(first.startsWith("#!")).toBe(true);
    // how the kernel reads it: the interpreter, then at most one argument, spaces included
    const m = /^#!\s*(\S+)(?:\s+(.*?))?\s*$/.exec(first)!;
    const [interpreter, arg] = [m[1], m[2]];
    if (interpreter === "/usr/bin/env") expect(arg, "env given options: only GNU env -S splits them").toMatch(/^[A-Za-z0-9_.-]+$/);
    else expect(interpreter).toBe("/bin/sh");
  });

  it("runs under dash and bash --posix alike, with a hostile path to it (quotes, ;, #, $, newline, leading dash)", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "nsnet-stub-")), "-a b;c'd\"e$f`g#h\ni");
    mkdirSync(dir);
    const link = join(dir, "nsnet");
    symlinkSync(STUB, link);
    for (const sh of [[], ["bash", "--posix"], ["dash"]]) {
      const argv = [...sh.slice(1), link, "--version", "--verbose"];
      const r = sh.length ? await execa(sh[0]!, argv, { reject: false }) : await execa(link, argv, { reject: false });
      expect(r.exitCode, `${sh.join(" ")}: ${r.stderr}`).toBe(0);
      // node resolved the link: the entry is the real file, so udev rules and the sandbox re-run it
      expect(r.stdout.split("\n")[2]).toBe(`entry ${STUB}`);
    }
  });

  it("keeps `#!/usr/bin/env nsnet` scripts working: nsnet is an executable found on PATH", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-stub-"));
    symlinkSync(STUB, join(dir, "nsnet"));
    const script = join(dir, "topology.nsnet");
    writeFileSync(script, "#!/usr/bin/env nsnet\nns a\n");
    chmodSync(script, 0o755);
    const r = await execa(script, ["check"], { reject: false, env: { PATH: `${dir}:${nodeDir}:/usr/bin:/bin` }, extendEnv: false });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it("starts with an empty environment (env -i: no PATH; sh's default path finds node)", async () => {
    const r = await execa("env", ["-i", STUB, "--version"], { reject: false });
    // node lives in /usr/bin here; where it does not, `env -i` fails as any `#!/usr/bin/env node` would
    if (nodeDir === "/usr/bin" || nodeDir === "/bin") expect(r.exitCode, r.stderr).toBe(0);
  });

  it("gives back NODE_EXTRA_CA_CERTS exactly, an empty value included, and never invents one", async () => {
    const probe = ["-e", "process.stdout.write(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.NSNET_NODE_EXTRA_CA_CERTS ?? null]))"];
    // the stub's own sh line, then the JavaScript that restores it — run the same way: the
    // sh line execs node on the file given as $0, here a file that prints what it sees
    const file = join(mkdtempSync(join(tmpdir(), "nsnet-stub-")), "probe.cjs");
    const [shLine, ...rest] = readFileSync(STUB, "latin1").split("\n").slice(1);
    const restore = rest.slice(
      0,
      rest.findIndex((l) => l.startsWith("globalThis.__nsnetEntry")),
    );
    writeFileSync(file, `#!/bin/sh\n${shLine}\n${restore.join("\n")}\neval(${JSON.stringify(probe[1])});\n`);
    chmodSync(file, 0o755);
    const seen = async (env: Record<string, string>) =>
      JSON.parse((await execa(file, [], { env: { PATH: `${nodeDir}:/usr/bin:/bin`, ...env }, extendEnv: false })).stdout) as unknown;
    expect(await seen({ NODE_EXTRA_CA_CERTS: "/x y/$z.pem" })).toEqual(["/x y/$z.pem", null]);
    expect(await seen({ NODE_EXTRA_CA_CERTS: "" })).toEqual(["", null]);
    expect(await seen({})).toEqual([null, null]);
    // a stray copy of nsnet's private variable is not taken for the user's setting
    expect(await seen({ NSNET_NODE_EXTRA_CA_CERTS: "/stray.pem" })).toEqual([null, null]);
  });
});

describe("nsnet --version --verbose says whether V8 took the code cache", () => {
  it("accepted: the build's cache", async () => {
    const r = await execa(STUB, ["--version", "--verbose"], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")).toEqual([
      expect.stringMatching(/^nsnet \d+\.\d+\.\d+$/),
      `node ${process.version} (${process.execPath})`,
      `entry ${STUB}`,
      expect.stringMatching(/^code cache: accepted \(.*nsnet-bundle\.cache, \d+ KB\)$/),
    ]);
    const plain = await execa(STUB, ["--version"]);
    expect(plain.stdout).toMatch(/^nsnet \d+\.\d+\.\d+$/);
  });

  it("rejected: a cache made for other code (as one from another node binary would be)", async () => {
    const other = new Script("(function () { return 1; })").createCachedData();
    const r = await execa(copyInstall(other), ["--version", "-v"], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[3]).toMatch(/^code cache: REJECTED by this node \(.*nsnet-bundle\.cache, \d+ KB; .*\): every start parses/);
  });

  it("missing: no cache file", async () => {
    const r = await execa(copyInstall(undefined), ["--version", "--verbose"], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[3]).toMatch(/^code cache: missing \(.*nsnet-bundle\.cache\)/);
  });

  it("none: the unbundled entry has no cache", async () => {
    const r = await execa(process.execPath, [UNBUNDLED, "--version", "--verbose"], { reject: false });
    expect(r.stdout.split("\n")[3]).toBe("code cache: none (unbundled: V8 compiles what runs at every start)");
  });

  it("the report's lines, from the stub's record", () => {
    expect(versionText("1.2.3", false, "/x", undefined)).toBe("nsnet 1.2.3\n");
    expect(codeCacheLine({ file: "/c", bytes: 2048, rejected: false })).toBe("code cache: accepted (/c, 2 KB)");
    expect(codeCacheLine({ file: "/c", bytes: 2048, rejected: true })).toMatch(/^code cache: REJECTED/);
    expect(codeCacheLine({ file: "/c", bytes: 0, rejected: undefined })).toMatch(/^code cache: missing/);
  });
});
