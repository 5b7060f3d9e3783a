import { createHash } from "node:crypto";
import { join } from "node:path";

/**
 * Where the hook keeps what each interface's events applied (docs/hook.md "State").
 * One record per interface within the project, so ten interfaces' events never undo each
 * other: `<state root>/<project>/hooks/<key>/{state.json,journal.json,lock}` — the same
 * files a project has, handled by the same state store and executor.
 *
 * The key is `if-NAME` when the interface name is a valid state-store name, else
 * `ix-SANITISED-HASH` (a hash of the exact name keeps `a.b` and `a_b` apart). The prefixes
 * keep the two forms from ever colliding.
 */
export function hookKey(iface: string): string {
  if (/^[A-Za-z0-9_-]{1,15}$/.test(iface)) return `if-${iface}`;
  const clean = iface.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 15);
  const hash = createHash("sha256").update(iface).digest("hex").slice(0, 8);
  return `ix-${clean}-${hash}`;
}

/** The folder holding every interface record of one project. */
export function hooksRoot(stateRoot: string, project: string): string {
  return join(stateRoot, project, "hooks");
}
