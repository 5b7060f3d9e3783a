import { basename, extname } from "node:path";
import { EXIT, FileError, UsageError } from "../exit-codes.js";
import type { Invocation } from "../invocation.js";
import { printDiagnostics } from "../output.js";
import { readScriptFile } from "../../expand/fs-loader.js";

/**
 * `nsnet import lxc|cni FILE`: the script on stdout. What the importer refuses — a name
 * outside the allowlist, a key nsnet cannot express, a malformed config — is a diagnostic
 * at the key and line that hold it (NS24x, the config's line escaped, a caret under the
 * value), and exit 2: nothing is printed on stdout, so a pipe into `nsnet up` gets nothing.
 */
export async function runImport(inv: Invocation): Promise<number> {
  const [kind, file, ...extra] = inv.args;
  if ((kind !== "lxc" && kind !== "cni") || !file || extra.length) throw new UsageError("usage: nsnet import lxc|cni FILE");
  if (kind === "cni" && inv.flags["create-bridges"]) throw new UsageError("--create-bridges is for `nsnet import lxc`");
  let text: string;
  try {
    // as a script named on the command line is read: UTF-8, at most 8 MB (a pipe may feed it)
    text = readScriptFile(file);
  } catch (e) {
    throw new FileError(file, e);
  }
  const { ImportError } = await import("../../import/errors.js");
  let script: string;
  try {
    if (kind === "cni") {
      const { importCni } = await import("../../import/cni.js");
      script = importCni(text, file);
    } else {
      const { importLxc } = await import("../../import/lxc.js");
      // /var/lib/lxc/NAME/config: the container is the directory's name
      const stem = basename(file, extname(file)) === "config" ? basename(file.replace(/\/config$/, "")) : basename(file, extname(file));
      script = importLxc(text, file, { fallbackName: stem, createBridges: inv.flags["create-bridges"] === true });
    }
  } catch (e) {
    if (e instanceof ImportError) {
      const { diagnostic, sources } = e.toDiagnostic(file, text);
      printDiagnostics([diagnostic], sources, inv.global);
      return EXIT.usage;
    }
    throw e;
  }
  process.stdout.write(script);
  return EXIT.ok;
}
