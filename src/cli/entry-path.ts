import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The file this nsnet runs from — the bundle (dist/cli/nsnet.cjs) or the unbundled
 * dist/cli/main.js — so that it can re-execute itself (`nsnet sandbox`) and name itself in
 * a udev rule. Set by the entry point; modules cannot ask `import.meta.url`, which in the
 * bundle is the bundle's and unbundled is their own.
 */
let entry: string | undefined;

export function setEntryPath(urlOrPath: string): void {
  entry = urlOrPath.startsWith("file:") ? fileURLToPath(urlOrPath) : urlOrPath;
}

export function entryPath(): string {
  if (entry) return entry;
  const argv1 = process.argv[1];
  if (!argv1) throw new Error("internal: cannot tell which file nsnet runs from");
  return realpathSync(argv1);
}
