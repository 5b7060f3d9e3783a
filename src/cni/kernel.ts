/**
 * How the CNI plugin talks to the kernel: `ip -batch` on the host and, for the container,
 * `nsenter --net=PATH ip -batch -` — CNI_NETNS is a path (a /run/netns bind mount or
 * /proc/PID/ns/net), which `ip -n NAME` cannot take. Everything goes through the one runner;
 * the path was validated (env.ts) before it gets here. Show commands in a batch print one
 * JSON array per line (`ip -j -batch`), so a change and the read-back cost one spawn.
 */
import type { Runner } from "../exec/runner.js";

export type Place = { host: true } | { netns: string };
export const HOST_PLACE: Place = { host: true };

export interface BatchResult {
  ok: boolean;
  /** lines that succeeded before the failing one (all of them when ok) */
  done: number;
  /** the JSON printed by show lines, in order */
  shown: unknown[];
  error: string;
}

export function batchArgv(place: Place, family?: 4 | 6): string[] {
  const fam = family === 6 ? ["-6"] : [];
  const ip = ["ip", ...fam, "-j", "-d", "-batch", "-"];
  return "host" in place ? ip : ["nsenter", `--net=${place.netns}`, "--", ...ip];
}

export function placeArgv(place: Place, argv: string[]): string[] {
  return "host" in place ? argv : ["nsenter", `--net=${place.netns}`, "--", ...argv];
}

export async function batch(runner: Runner, place: Place, lines: string[], family?: 4 | 6): Promise<BatchResult> {
  if (lines.length === 0) return { ok: true, done: 0, shown: [], error: "" };
  const r = await runner.run(batchArgv(place, family), { input: lines.join("\n") + "\n", timeoutMs: 30_000 });
  const shown: unknown[] = [];
  for (const line of r.stdout.split("\n")) {
    const t = line.trim();
    if (!t) continue;
    try {
      shown.push(JSON.parse(t));
    } catch {
      /* not JSON: a tool message, ignored */
    }
  }
  if (r.exitCode === 0) return { ok: true, done: lines.length, shown, error: "" };
  const m = /Command failed -:(\d+)/.exec(r.stderr);
  const failedAt = m ? Number(m[1]) : 1;
  const message = r.stderr.replace(/Command failed -:\d+\s*/g, "").trim() || `exit ${r.exitCode}`;
  return { ok: false, done: failedAt - 1, shown, error: `${lines[failedAt - 1] ?? "ip"}: ${message}` };
}

/** One link as `ip -j -d link|addr show` prints it (the fields we read). */
export interface IpLink {
  ifname: string;
  ifindex?: number;
  link_index?: number;
  flags?: string[];
  mtu?: number;
  master?: string;
  address?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string; info_slave_data?: { hairpin?: boolean } };
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

export function firstLink(shown: unknown): IpLink | undefined {
  return Array.isArray(shown) ? (shown[0] as IpLink | undefined) : undefined;
}

/** A link's state, or undefined when it does not exist (`ip` exits 1 for a missing device). */
export async function readLink(runner: Runner, place: Place, dev: string): Promise<IpLink | undefined> {
  const r = await batch(runner, place, [`addr show dev ${dev}`]);
  return r.ok ? firstLink(r.shown[0]) : undefined;
}

export function addrsOf(l: IpLink | undefined): string[] {
  return (l?.addr_info ?? []).filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${a.local}/${a.prefixlen}`);
}
