import type { OpStep, Tool } from "../plan/op.js";
import { HOST } from "../model/topology.js";
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

export function parseServiceText(text: string): string[] {
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v) || v.length === 0 || !v.every((a) => typeof a === "string")) {
    throw new Error(`service op: expected a JSON argv, got ${text}`);
  }
  return v as string[];
}

/** `KEY=VALUE` → [key, value] */
export function splitSysctl(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new Error(`sysctl op: expected KEY=VALUE, got ${JSON.stringify(text)}`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1).trim()];
}

/** The shell command a person can paste to perform one step by hand. */
export function stepAsShell(step: OpStep & { tool: Tool }): string {
  const q = (argv: readonly string[]) => argv.map(quoteForDisplay).join(" ");
  switch (step.tool) {
    case "ip":
      return q(step.ns === HOST ? ["ip", ...step.text.trim().split(/\s+/)] : ["ip", "-n", step.ns, ...step.text.trim().split(/\s+/)]);
    case "sysctl":
      return q(sysctlWriteArgv(step.ns, [step.text]));
    case "nft":
      return `${q(nftArgv(step.ns, false))} <<'EOF'\n${step.text.replace(/\n$/, "")}\nEOF`;
    case "service":
      return q(serviceArgv(step.ns, parseServiceText(step.text)));
  }
}
