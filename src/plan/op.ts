import type { Span } from "../model/span.js";
import type { Effect, UndoneWith } from "./effect.js";

/**
 * A kernel operation. The planner (pure) produces these; the executor batches and runs
 * them. An op is its `effect` (data); `tool`, `ns` and `text` are the effect rendered
 * (render.ts), kept on the op because they are what is sent and what identifies the op
 * across runs. Every op carries its inverse (house rule 6) so a transaction can be undone.
 *
 * `text` is exactly what is sent to the tool of the op's phase:
 * - ip ops: one line of `ip -batch -` (host) or `ip -n NS -batch -`, without the leading
 *   `ip` (e.g. `link add lxc1_veth0 type veth peer name eth0 netns lxc1`);
 * - sysctl ops: `KEY=VALUE` (written through /proc/sys inside NS);
 * - nft ops: a whole ruleset for `nft -f -` inside NS;
 * - service ops: a JSON argv.
 */
export type Tool = "ip" | "sysctl" | "nft" | "service";

export type Phase =
  /** 1: netns add, links, bridges, masters, host addresses, up — one host batch */
  | "host"
  /** 2: per-namespace batches (addresses, links up, routes), parallel across namespaces */
  | "namespaces"
  /** 3: host routes, proxy neighbours */
  | "host-routes"
  /** 4: sysctls, one spawn per namespace */
  | "sysctl"
  /** 5: one nft -f per namespace */
  | "firewall"
  /** 6: services */
  | "services";

export const PHASES: readonly Phase[] = ["host", "namespaces", "host-routes", "sysctl", "firewall", "services"];

export interface OpStep {
  tool: Tool;
  /** HOST ("host") or a namespace name: where the step runs */
  ns: string;
  text: string;
}

export interface Op extends OpStep {
  /** position in the plan, from 1 (NSNET_FAIL_AT=N fails the N-th op) */
  index: number;
  phase: Phase;
  /** what it does, for `plan` and messages: "create veth lxc1_veth0 ↔ lxc1:eth0" */
  summary: string;
  effect: Effect;
  /** the effect that undoes this one, computed by nsnet (inverse.ts), never read from a file;
   *  null when `undoneWith` says which other op's inverse removes it, or for a sysctl whose
   *  value before is unknown */
  inverse: Effect | null;
  /** this op has no inverse of its own: its effect vanishes with the inverse of the op that
   *  created its link or namespace, or that moved its device */
  undoneWith?: UndoneWith;
  /** the source the op came from */
  span?: Span;
}
