import { lstat, readlink, realpath, stat, symlink, unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EXIT, UsageError } from "../exit-codes.js";
import { entryPath } from "../entry-path.js";
import type { Invocation } from "../invocation.js";

/**
 * `nsnet cni`: the plugin, explicitly (the runtime normally reaches it through a link named
 * `nsnet` in its plugin directory, and CNI_COMMAND alone selects plugin mode).
 * `nsnet cni install DIR`: puts that link into DIR (idempotent); DIR must exist.
 */
export async function runCni(inv: Invocation): Promise<number> {
  if (inv.args[0] === "install") {
    const dir = inv.args[1];
    if (!dir || inv.args.length > 2) throw new UsageError("usage: nsnet cni install DIR");
    return install(dir);
  }
  if (inv.args.length) throw new UsageError(`unknown subcommand ${inv.args[0]} (nsnet cni, nsnet cni install DIR)`);
  if (!process.env.CNI_COMMAND) {
    throw new UsageError("CNI_COMMAND is not set: a container runtime runs this with the CNI environment and the netconf on stdin");
  }
  const { runPlugin, processIo } = await import("../../cni/plugin.js");
  return runPlugin(processIo());
}

async function install(dir: string): Promise<number> {
  // the file this nsnet runs from (the bundle when there is one), which is executable
  const target = await realpath(entryPath());
  const link = join(resolve(dir), "nsnet");
  // The runtime's plugin directory must already be there: a typo (/opt/cni/bni) would
  // otherwise become a new directory no runtime reads, and the install would look done.
  const where = await stat(resolve(dir)).catch((e: NodeJS.ErrnoException) => e);
  if (where instanceof Error) {
    const why = where.code === "ENOENT" ? "does not exist" : `cannot be read (${where.code ?? where.message})`;
    throw new UsageError(`${resolve(dir)} ${why}: give the container runtime's CNI plugin directory (e.g. /opt/cni/bin); nsnet creates no directory`, "cni");
  }
  if (!where.isDirectory())
    throw new UsageError(`${resolve(dir)} is not a directory: give the container runtime's CNI plugin directory (e.g. /opt/cni/bin)`, "cni");
  const st = await lstat(link).catch(() => null);
  if (st) {
    if (!st.isSymbolicLink()) {
      process.stderr.write(`nsnet cni install: ${link} exists and is not a link; move it away first\n`);
      return EXIT.usage;
    }
    if ((await readlink(link)) === target) {
      process.stderr.write(`${link} → ${target} (already there)\n`);
      return EXIT.ok;
    }
    await unlink(link);
  }
  await symlink(target, link);
  process.stderr.write(`${link} → ${target}\nnetconfs with "type": "nsnet" now reach nsnet through ${resolve(dir)}\n`);
  return EXIT.ok;
}
