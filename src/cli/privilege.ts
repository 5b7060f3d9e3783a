import { readFileSync } from "node:fs";
import { PrivilegeError } from "./exit-codes.js";

/**
 * Commands that change the kernel (or read namespaces from inside, and nsnet's root-owned
 * state in /run/nsnet and /var/lib/nsnet) need CAP_NET_ADMIN — in practice root. Run
 * without it they used to fail on the first file they touched ("cannot read
 * /var/lib/nsnet/…: EACCES"); they say what they need instead, and what works without.
 */
const CAP_NET_ADMIN = 12n;

/** Whether this process may administer networking: bit 12 of CapEff in /proc/self/status
 *  (root inside a user namespace counts; `sudo` gives it). Unknown → the effective uid. */
export function hasNetAdmin(status: string | undefined = readStatus()): boolean {
  const m = status === undefined ? null : /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (!m) return process.geteuid?.() === 0;
  return ((BigInt(`0x${m[1]}`) >> CAP_NET_ADMIN) & 1n) === 1n;
}

function readStatus(): string | undefined {
  try {
    return readFileSync("/proc/self/status", "utf8");
  } catch {
    return undefined;
  }
}

/** What a command that needs root says without it (exit 2, nothing touched). */
export function needsRootMessage(): string {
  return (
    "needs root (CAP_NET_ADMIN): it changes network namespaces, links, addresses and routes, and keeps its state in /run/nsnet and /var/lib/nsnet; run it with sudo.\n" +
    "Without root: `nsnet check FILE`, `nsnet plan --offline FILE` (what `up` would do on an empty machine), `nsnet sandbox FILE` (in a user namespace of your own), `nsnet fmt FILE`, `nsnet graph FILE`."
  );
}

/** Throws PrivilegeError (exit 2) when this process lacks CAP_NET_ADMIN. */
export function requireNetAdmin(status?: string): void {
  if (!hasNetAdmin(status)) throw new PrivilegeError(needsRootMessage());
}
