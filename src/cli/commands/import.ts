import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { EXIT, FileError, UsageError } from "../exit-codes.js";
import type { Invocation } from "../cli.js";

/** `nsnet import lxc|cni FILE`: the script on stdout; what cannot be expressed on stderr, exit 1. */
export async function runImport(inv: Invocation): Promise<number> {
  const [kind, file, ...extra] = inv.args;
  if ((kind !== "lxc" && kind !== "cni") || !file || extra.length) throw new UsageError("usage: nsnet import lxc|cni FILE");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new FileError(file, e);
  }
  const { ImportError, renderImportError } = await import("../../import/errors.js");
  try {
    if (kind === "cni") {
      const { importCni } = await import("../../import/cni.js");
      process.stdout.write(importCni(text, file));
    } else {
      const { importLxc } = await import("../../import/lxc.js");
      const stem = basename(file, extname(file)) === "config" ? basename(file.replace(/\/config$/, "")) : basename(file, extname(file));
      process.stdout.write(importLxc(text, file, stem));
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof ImportError) {
      process.stderr.write(renderImportError(file, e));
      return EXIT.checkErrors;
    }
    throw e;
  }
}
