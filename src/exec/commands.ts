import { HOST } from "../model/topology.js";
import type { Effect } from "../plan/effect.js";
import { effectToSh } from "../plan/format.js";
import { quoteForDisplay } from "./runner.js";
import { enterArgv, ipBatchIn } from "./enter.js";

/**
 * argv for each tool in a place (HOST or a namespace). Pure: the executor runs them, and
 * `--verbose`, leftover reports and `plan --format sh` print the same commands.
 */
export function ipBatchArgv(ns: string, force = false): string[] {
  return ipBatchIn(ns, force ? ["-force"] : []);
}

/** Runs argv inside NS (or as is on the host); see enter.ts for how. */
export function inNs(ns: string, argv: readonly string[]): string[] {
  return enterArgv(ns, argv);
}

export function sysctlWriteArgv(ns: string, assignments: readonly string[]): string[] {
  return inNs(ns, ["sysctl", "-w", ...assignments]);
}

export function nftArgv(ns: string, checkOnly: boolean): string[] {
  return inNs(ns, checkOnly ? ["nft", "-c", "-f", "-"] : ["nft", "-f", "-"]);
}

/** A user command in NS. On the host, nsenter joining its own netns is a plain exec, so
 *  every service has the same shape and only allowed programs are spawned. */
export function serviceArgv(ns: string, argv: readonly string[]): string[] {
  return ns === HOST ? ["nsenter", "--net=/proc/self/ns/net", "--", ...argv] : ["ip", "netns", "exec", ns, ...argv];
}

/** The shell command a person can paste to perform one effect by hand (as `plan --format
 *  sh` writes it; a service as the executor starts it). */
export function effectAsShell(e: Effect): string {
  return e.k === "service" ? serviceArgv(e.ns, e.argv).map(quoteForDisplay).join(" ") : effectToSh(e);
}
